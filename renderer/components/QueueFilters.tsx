import { useEffect, useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useApp } from '../store/index.ts';
import { treeOptions } from '../lib/label-edit.ts';

/** Status, pass/fail, any label of the codebook, and a search over id, repository and function. */
export function QueueFilters() {
  const { filter, setFilter, codebook } = useApp(useShallow((s) => ({ filter: s.filter, setFilter: s.setFilter, codebook: s.codebook })));
  const [search, setSearch] = useState(filter.search ?? '');

  // Typing waits a moment before it asks the service, so each keystroke is not a query.
  useEffect(() => {
    if ((filter.search ?? '') === search) return;
    const t = setTimeout(() => void setFilter({ search: search || undefined }), 200);
    return () => clearTimeout(t);
  }, [search, filter.search, setFilter]);

  const labelDims = useMemo(() => codebook?.dimensions.filter((d) => d.kind !== 'text') ?? [], [codebook]);
  const dim = labelDims.find((d) => d.id === filter.label?.dimension);
  const valueChoices = useMemo(() => {
    if (!dim) return [];
    if (dim.kind === 'tree') return treeOptions(dim).map((o) => ({ id: o.path, label: o.subLabel ? `${o.typeLabel} › ${o.subLabel}` : o.typeLabel }));
    return dim.values.map((v) => ({ id: v.id, label: v.label }));
  }, [dim]);

  return (
    <div className="queue-filters">
      <input
        className="input input-sm"
        data-testid="queue-search"
        placeholder="Search id, repo, function"
        value={search}
        onChange={(e) => setSearch(e.target.value)}
        onKeyDown={(e) => {
          // Escape clears, Enter keeps the search; both hand the keyboard back to labelling.
          if (e.key === 'Escape') setSearch('');
          if (e.key === 'Escape' || e.key === 'Enter') e.currentTarget.blur();
        }}
      />
      {/* Choosing a filter hands the keyboard back to the labelling hotkeys (blur). */}
      <div className="row gap-sm">
        <select
          className="select select-sm grow"
          data-testid="filter-status"
          value={filter.review ? 'review' : (filter.status ?? '')}
          onChange={(e) => {
            e.currentTarget.blur();
            const v = e.target.value;
            // Labels made under an older meaning of the codebook, to look at again.
            if (v === 'review') void setFilter({ status: undefined, review: true });
            else void setFilter({ status: (v || undefined) as 'todo' | 'draft' | 'submitted' | undefined, review: undefined });
          }}
        >
          <option value="">Any status</option>
          <option value="todo">To do</option>
          <option value="draft">Draft</option>
          <option value="submitted">Submitted</option>
          <option value="review">Re-review</option>
        </select>
        <select
          className="select select-sm grow"
          data-testid="filter-passed"
          value={filter.passed === undefined ? '' : filter.passed ? 'pass' : 'fail'}
          onChange={(e) => (e.currentTarget.blur(), void setFilter({ passed: e.target.value === '' ? undefined : e.target.value === 'pass' }))}
        >
          <option value="">Any result</option>
          <option value="fail">Failing</option>
          <option value="pass">Passing</option>
        </select>
      </div>
      <div className="row gap-sm">
        <select
          className="select select-sm grow"
          data-testid="filter-label-dimension"
          value={filter.label?.dimension ?? ''}
          onChange={(e) => {
            const d = e.target.value;
            if (!d) void setFilter({ label: undefined });
            else setFilter_({ dimension: d, value: '' });
          }}
        >
          <option value="">Any label</option>
          {labelDims.map((d) => (
            <option key={d.id} value={d.id}>
              {d.label} is…
            </option>
          ))}
        </select>
        {dim && (
          <select
            className="select select-sm grow"
            data-testid="filter-label-value"
            value={filter.label?.value ?? ''}
            onChange={(e) => (e.currentTarget.blur(), void setFilter({ label: { dimension: dim.id, value: e.target.value } }))}
          >
            <option value="">choose…</option>
            {valueChoices.map((v) => (
              <option key={v.id} value={v.id}>
                {v.label}
              </option>
            ))}
          </select>
        )}
      </div>
    </div>
  );

  // Picking a dimension alone does not filter yet; the store keeps it until a value is chosen.
  function setFilter_(label: { dimension: string; value: string }) {
    useApp.setState((s) => ({ filter: { ...s.filter, label } }));
  }
}

import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useApp } from '../../store/index.ts';
import { DEFAULT_RESAMPLES, DEFAULT_SEED } from '../../../shared/agreement/bootstrap.ts';

/** A whole-number field that commits on Enter or when left, so typing "10000" runs one report, not five. */
function NumberField({ label, value, min, testId, onCommit }: { label: string; value: number; min: number; testId: string; onCommit(n: number): void }) {
  const [text, setText] = useState(String(value));
  useEffect(() => setText(String(value)), [value]);
  const commit = () => {
    const n = Number(text);
    if (text.trim() !== '' && Number.isInteger(n) && n >= min && n !== value) onCommit(n);
    else setText(String(value));
  };
  return (
    <label className="field">
      <span>{label}</span>
      <input
        className="input input-sm mono"
        inputMode="numeric"
        data-testid={testId}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => e.key === 'Enter' && commit()}
      />
    </label>
  );
}

/** What the figures are computed on: which annotators, drafts or not, how many bootstrap resamples and which seed. */
export function AgreementControls() {
  const { annotators, report, query, versions, loading, setQuery, load } = useApp(
    useShallow((s) => ({
      annotators: s.annotators,
      versions: s.agreementVersions,
      report: s.agreementReport,
      query: s.agreementQuery,
      loading: s.agreementLoading,
      setQuery: s.setAgreementQuery,
      load: s.loadAgreement,
    })),
  );
  const chosen = query.annotators ?? report?.raters ?? [];
  const toggle = (name: string) => {
    const next = chosen.includes(name) ? chosen.filter((n) => n !== name) : [...chosen, name];
    // Keep the project's order, so the pairwise grid does not reshuffle on every click.
    void setQuery({ annotators: annotators.map((a) => a.name).filter((n) => next.includes(n)) });
  };
  const c = report?.crossCheck;
  const sel = report?.selection;
  const include = (name: string, on: boolean) => {
    const next = on ? [...query.includeUnassigned, name] : query.includeUnassigned.filter((n) => n !== name);
    // Someone counted again takes part as a rater, even where the lead chose the raters by hand.
    const raters = query.annotators && on && !query.annotators.includes(name) ? annotators.map((a) => a.name).filter((n) => n === name || query.annotators!.includes(n)) : query.annotators;
    void setQuery({ includeUnassigned: next, annotators: raters });
  };
  return (
    <aside className="ag-controls" data-testid="agreement-controls">
      <div className="ag-controls-group">
        <div className="ag-controls-title">Annotators</div>
        {annotators.map((a) => (
          <label key={a.name} className="check ag-annotator">
            <input type="checkbox" data-testid="agreement-annotator" data-name={a.name} checked={chosen.includes(a.name)} onChange={() => toggle(a.name)} />
            <span className="grow">{a.name}</span>
            {a.role !== 'annotator' ? <span className="muted small">{a.role}</span> : a.kind === 'machine' && <span className="muted small" title="A machine coder: counted only when ticked">machine</span>}
          </label>
        ))}
        {chosen.length < 2 && <div className="ag-warn small">Agreement needs two annotators or more.</div>}
      </div>
      {sel && sel.unassigned.length > 0 && (
        <div className="ag-controls-group" data-testid="agreement-unassigned">
          <div className="ag-controls-title">Labels on unassigned entries</div>
          <div className="muted small">
            Only each entry's assignees count. These people labelled entries not assigned to them; tick someone to count those labels too.
          </div>
          {sel.unassigned.map((u) => (
            <label key={u.annotator} className="check ag-annotator ag-unassigned" title={`${u.labels} label${u.labels === 1 ? '' : 's'} on ${u.entries} entr${u.entries === 1 ? 'y' : 'ies'} not assigned to ${u.annotator}`}>
              <input type="checkbox" data-testid="agreement-include-unassigned" data-name={u.annotator} checked={query.includeUnassigned.includes(u.annotator)} onChange={(e) => include(u.annotator, e.target.checked)} />
              <span className="grow">{u.annotator}</span>
              <span className={`small ${u.included ? 'muted' : 'ag-warn'}`} data-testid="agreement-unassigned-count">
                {u.labels} label{u.labels === 1 ? '' : 's'} · {u.entries} entr{u.entries === 1 ? 'y' : 'ies'}
                {u.included ? ', counted' : ', left out'}
              </span>
            </label>
          ))}
        </div>
      )}
      <div className="ag-controls-group">
        <div className="ag-controls-title">Labels</div>
        <label className="check">
          <input type="checkbox" data-testid="agreement-drafts" checked={query.includeDrafts} onChange={(e) => void setQuery({ includeDrafts: e.target.checked })} />
          Include drafts
        </label>
        <div className="muted small">{query.includeDrafts ? 'Submitted and draft labels count.' : 'Only submitted entries count.'}</div>
        <label className="field ag-version">
          <span>Codebook version</span>
          <select
            className="select select-sm"
            data-testid="agreement-codebook-version"
            value={query.codebookVersion ?? ''}
            onChange={(e) => void setQuery({ codebookVersion: e.target.value || null })}
          >
            <option value="">All versions{versions.length > 1 ? ` (${versions.length})` : ''}</option>
            {[...new Set([...versions, ...(query.codebookVersion ? [query.codebookVersion] : [])])].map((v) => (
              <option key={v} value={v}>
                {v}
                {report && v === report.codebook.version ? ' (current)' : ''}
              </option>
            ))}
          </select>
        </label>
        <div className="muted small">
          {query.codebookVersion ? `Only labels made under version ${query.codebookVersion}.` : 'Labels made under any version of the codebook.'}
        </div>
      </div>
      {report && (
        <div className="ag-controls-group">
          <div className="ag-controls-title">Bootstrap</div>
          <div className="row gap">
            {/* The service's defaults, not the report's: the report shown first is the one without intervals (0 resamples). */}
            <NumberField label="Resamples" testId="agreement-resamples" min={0} value={query.bootstrap ?? DEFAULT_RESAMPLES} onCommit={(n) => void setQuery({ bootstrap: n })} />
            <NumberField label="Seed" testId="agreement-seed" min={0} value={query.seed ?? DEFAULT_SEED} onCommit={(n) => void setQuery({ seed: n })} />
          </div>
          <div className="muted small">Resampling units; the same seed prints the same interval.</div>
        </div>
      )}
      <div className="ag-controls-group">
        <button className="btn btn-sm" data-testid="agreement-recompute" disabled={loading} onClick={() => void load()}>
          {loading ? 'Computing…' : 'Recompute'}
        </button>
      </div>
      {sel && report && (
        <div className="ag-controls-group small" data-testid="agreement-selection">
          <div className="ag-controls-title">Computed on</div>
          <div>
            {sel.labels} {sel.includeDrafts ? 'submitted and draft' : 'submitted'} labels of {report.raters.length ? report.raters.join(', ') : 'nobody'}
          </div>
          <div className="muted">
            Codebook {report.codebook.id} {report.codebook.version}
            {sel.codebookVersion !== null && <span data-testid="agreement-version-note"> · labels of version {sel.codebookVersion} only</span>}
            {sel.codebookVersions.length > 1 && <span className="ag-warn"> · labels from versions {sel.codebookVersions.join(', ')}</span>}
          </div>
          <div className="muted">Annotators' own labels, never adjudicated decisions{sel.byAssignment ? ', each on the entries assigned to them' : ''}.</div>
        </div>
      )}
      {c && (
        <div className={`ag-controls-group ag-crosscheck ${c.agree ? 'is-ok' : 'is-bad'}`} data-testid="cross-check" data-agree={c.agree}>
          <div className="ag-controls-title">Cross-check</div>
          <div>
            <strong>{c.agree ? 'agrees' : 'differs'}</strong>{' '}
            <span className="muted">
              {c.checked} nominal figure{c.checked === 1 ? '' : 's'} recomputed with <span className="mono">{c.package}</span>
              {c.skipped ? `, ${c.skipped} too large and skipped` : ''} (tolerance {c.tolerance})
            </span>
          </div>
          {c.disagreements.map((d) => (
            <div key={d.figure} className="ag-warn small mono">
              {d.figure}: ours {d.ours ?? 'undefined'}, theirs {d.theirs ?? 'undefined'}
            </div>
          ))}
        </div>
      )}
    </aside>
  );
}

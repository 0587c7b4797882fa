import { useState } from 'react';
import { PINNED_TEXT_NAMES } from '../../../shared/codebook/lines.ts';
import { pinnedTexts, treeKinds, type PinnedText, type Codebook, type CodebookValue, type Dimension } from '../../../shared/codebook/schema.ts';
import { Markdown } from '../../components/Markdown.tsx';
import { useApp } from '../../store/index.ts';
import type { Edit } from './draft.ts';
import { mergeValue, pathsOf, retireDimension, retireValue, splitValue, updateDimension, updateValue, valueAt } from './draft.ts';

/** Applies an edit to the draft (starting one from the codebook in use if need be). */
function apply(fn: (cb: Codebook) => Edit): void {
  const s = useApp.getState();
  s.startDraft();
  const r = fn(useApp.getState().cbDraft!);
  useApp.getState().setDraft(r.codebook, { remap: r.remap, splits: r.splits });
}

const lines = (s: string) =>
  s
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

/** The editor of the selected value, or of the dimension itself. */
export function CodebookDetail(props: {
  codebook: Codebook;
  dim: Dimension;
  path: string | null;
  onSelectPath: (p: string | null) => void;
  onSelectDim: (id: string) => void;
  labelsOn: (d: string, p: string | null) => number;
}) {
  const { dim, path } = props;
  const value = path === null ? undefined : valueAt(dim, path);
  return (
    <section className="cb-col cb-detail" data-testid="cb-detail" data-path={path ?? ''}>
      {value && path ? <ValueDetail key={`${dim.id}/${path}`} {...props} path={path} value={value} /> : <DimensionDetail key={dim.id} {...props} />}
    </section>
  );
}

function MarkdownField({ label, hint, value, onChange, testId, rows = 3 }: { label: string; hint?: string; value: string; onChange: (v: string) => void; testId: string; rows?: number }) {
  return (
    <label className="field cb-field">
      <span className="cb-field-label">
        {label} {hint && <span className="cb-hint">({hint})</span>}
      </span>
      <textarea className="input textarea" rows={rows} data-testid={testId} value={value} onChange={(e) => onChange(e.target.value)} />
      {value.trim() && <Markdown source={value} className="cb-preview small" testId={`${testId}-preview`} />}
    </label>
  );
}

function ValueDetail({ codebook, dim, path, value, onSelectPath, labelsOn }: Parameters<typeof CodebookDetail>[0] & { path: string; value: CodebookValue }) {
  const [splitting, setSplitting] = useState(false);
  const set = (patch: Partial<CodebookValue>) => apply((cb) => updateValue(cb, dim.id, path, patch));
  const labels = labelsOn(dim.id, path);
  const mergeTargets = pathsOf(dim).filter((p) => p.path !== path && !p.path.startsWith(`${path}::`) && p.depth === (path.includes('::') ? 1 : 0));
  return (
    <div className="cb-form">
      <div className="cb-form-head">
        <h3>{value.label}</h3>
        <span className="muted small">
          {dim.label} · {path.includes('::') ? 'subtype' : treeKinds.includes(dim.kind) ? 'type' : 'value'} ·{' '}
          <span title="Ids are made once and never change or get reused: labels, packs and the event log name values by them">
            id <span className="mono">{path}</span>
          </span>
          {labels > 0 && ` · held by ${labels} label${labels === 1 ? '' : 's'}`}
        </span>
      </div>
      <div className="cb-grid2">
        <label className="field">
          <span className="cb-field-label">Label</span>
          <input className="input" data-testid="cb-value-label" value={value.label} onChange={(e) => set({ label: e.target.value })} />
        </label>
        <label className="field">
          <span className="cb-field-label">Hotkey</span>
          <input className="input cb-hotkey" maxLength={1} data-testid="cb-value-hotkey" value={value.hotkey ?? ''} onChange={(e) => set({ hotkey: e.target.value || undefined })} />
        </label>
      </div>
      <MarkdownField label="Definition" hint="Markdown" testId="cb-value-definition" value={value.definition} onChange={(v) => set({ definition: v })} />
      <div className="cb-grid2">
        <MarkdownField label="Use when" testId="cb-value-use-when" value={value.useWhen ?? ''} onChange={(v) => set({ useWhen: v || undefined })} rows={2} />
        <MarkdownField label="Do not use when" testId="cb-value-do-not-use" value={value.doNotUseWhen ?? ''} onChange={(v) => set({ doNotUseWhen: v || undefined })} rows={2} />
      </div>
      <div className="cb-grid2">
        <label className="field">
          <span className="cb-field-label">
            Examples <span className="muted small">one per line</span>
          </span>
          <textarea className="input textarea" rows={3} data-testid="cb-value-examples" defaultValue={(value.examples ?? []).join('\n')} onChange={(e) => set({ examples: lines(e.target.value) })} />
        </label>
        <label className="field">
          <span className="cb-field-label">
            Aliases <span className="muted small">other spellings an import may use, one per line</span>
          </span>
          <textarea className="input textarea" rows={3} data-testid="cb-value-aliases" defaultValue={(value.aliases ?? []).join('\n')} onChange={(e) => set({ aliases: lines(e.target.value) })} />
        </label>
      </div>
      <div className="cb-actions">
        <h4>Change its meaning</h4>
        <p className="muted small">
          These make a new version when published. The labels that hold {value.label} go where you say, and are listed for their annotators to look at again.
        </p>
        <div className="row gap">
          <select
            className="select select-sm"
            data-testid="cb-merge-into"
            value=""
            onChange={(e) => {
              if (!e.target.value) return;
              apply((cb) => mergeValue(cb, dim.id, path, e.target.value));
              onSelectPath(e.target.value);
            }}
          >
            <option value="">Merge into…</option>
            {mergeTargets.map((t) => (
              <option key={t.path} value={t.path}>
                {t.label}
              </option>
            ))}
          </select>
          <button className="btn btn-sm" data-testid="cb-split" onClick={() => setSplitting(true)}>
            Split…
          </button>
          <button
            className="btn btn-sm btn-danger"
            data-testid="cb-retire"
            onClick={() => {
              apply((cb) => retireValue(cb, dim.id, path));
              onSelectPath(null);
            }}
          >
            Retire
          </button>
        </div>
      </div>
      {splitting && <SplitForm codebook={codebook} dim={dim} path={path} value={value} onDone={(p) => (setSplitting(false), p && onSelectPath(p))} />}
    </div>
  );
}

/** Split a value into parts: each part a label and a definition; say where its labels go. */
function SplitForm({ dim, path, value, onDone }: { codebook: Codebook; dim: Dimension; path: string; value: CodebookValue; onDone: (selected: string | null) => void }) {
  const [parts, setParts] = useState([
    { label: value.label, definition: value.definition },
    { label: '', definition: '' },
  ]);
  const [keep, setKeep] = useState(true);
  const [labelsTo, setLabelsTo] = useState(0);
  const ok = parts.every((p) => p.label.trim() && p.definition.trim());
  return (
    <form
      className="cb-split-form"
      data-testid="cb-split-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (!ok) return;
        let first: string | null = null;
        apply((cb) => {
          const r = splitValue(cb, dim.id, path, parts, { keep, labelsTo: keep ? 0 : labelsTo });
          first = r.splits![0].into[0];
          return r;
        });
        onDone(first);
      }}
    >
      <h4>Split {value.label}</h4>
      {parts.map((p, i) => (
        <div key={i} className="cb-split-part">
          <input
            className="input input-sm"
            placeholder={`Part ${i + 1}: label`}
            data-testid={`cb-split-label-${i}`}
            value={p.label}
            onChange={(e) => setParts(parts.map((x, k) => (k === i ? { ...x, label: e.target.value } : x)))}
          />
          <textarea
            className="input textarea"
            rows={2}
            placeholder="Its definition"
            data-testid={`cb-split-definition-${i}`}
            value={p.definition}
            onChange={(e) => setParts(parts.map((x, k) => (k === i ? { ...x, definition: e.target.value } : x)))}
          />
        </div>
      ))}
      <button type="button" className="btn btn-ghost btn-sm" onClick={() => setParts([...parts, { label: '', definition: '' }])}>
        + Another part
      </button>
      <label className="check small">
        <input type="checkbox" data-testid="cb-split-keep" checked={keep} onChange={(e) => setKeep(e.target.checked)} /> The first part keeps the id{' '}
        <span className="mono">{path}</span> (its labels stay with it)
      </label>
      {!keep && (
        <label className="field small">
          <span>Its labels go to</span>
          <select className="select select-sm" data-testid="cb-split-labels-to" value={labelsTo} onChange={(e) => setLabelsTo(Number(e.target.value))}>
            {parts.map((p, i) => (
              <option key={i} value={i}>
                {p.label || `Part ${i + 1}`}
              </option>
            ))}
          </select>
        </label>
      )}
      <div className="row gap">
        <button className="btn btn-sm btn-primary" type="submit" data-testid="cb-split-apply" disabled={!ok}>
          Split
        </button>
        <button className="btn btn-sm" type="button" onClick={() => onDone(null)}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function DimensionDetail({ codebook, dim, labelsOn, onSelectDim }: Parameters<typeof CodebookDetail>[0]) {
  const set = (patch: Partial<Dimension>) => apply((cb) => updateDimension(cb, dim.id, patch));
  const used = labelsOn(dim.id, null);
  const conditions = codebook.dimensions.filter((d) => d.id !== dim.id && ['single', 'ordinal', 'multi'].includes(d.kind) && !d.appliesIf);
  const on = codebook.dimensions.find((d) => d.id === dim.appliesIf?.dimension);
  return (
    <div className="cb-form">
      <div className="cb-form-head">
        <h3>{dim.label}</h3>
        <span className="muted small">
          dimension · id <span className="mono">{dim.id}</span>
          {used > 0 && ` · ${used} labels`}
        </span>
      </div>
      <div className="cb-grid3">
        <label className="field">
          <span className="cb-field-label">Label</span>
          <input className="input" data-testid="cb-dim-label" value={dim.label} onChange={(e) => set({ label: e.target.value })} />
        </label>
        <label className="field">
          <span className="cb-field-label">Kind</span>
          <select className="select" data-testid="cb-dim-kind" value={dim.kind} disabled={used > 0} title={used ? 'A dimension with labels keeps its kind' : undefined} onChange={(e) => set({ kind: e.target.value as Dimension['kind'] })}>
            {['single', 'ordinal', 'multi', 'tree', 'checklist', 'text', 'lines'].map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="cb-field-label">Hotkey</span>
          <input className="input cb-hotkey" maxLength={1} data-testid="cb-dim-hotkey" value={dim.hotkey ?? ''} onChange={(e) => set({ hotkey: e.target.value || undefined })} />
        </label>
        {dim.kind === 'lines' && (
          <label className="field">
            <span className="cb-field-label">Pins to the lines of</span>
            <select className="select" data-testid="cb-dim-pins-to" value={dim.pinsTo ?? 'output'} onChange={(e) => set({ pinsTo: e.target.value as PinnedText })}>
              {pinnedTexts.map((t) => (
                <option key={t} value={t}>
                  {PINNED_TEXT_NAMES[t]}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      <MarkdownField label="Definition" hint="Markdown" testId="cb-dim-definition" value={dim.definition} onChange={(v) => set({ definition: v })} />
      <h4>When it applies</h4>
      <div className="cb-grid2">
        <label className="field">
          <span className="cb-field-label">Entries</span>
          <select
            className="select"
            data-testid="cb-dim-applies-when"
            value={dim.appliesWhen === undefined ? '' : dim.appliesWhen.passed ? 'pass' : 'fail'}
            onChange={(e) =>
              set(
                e.target.value === ''
                  ? { appliesWhen: undefined, appliesNote: undefined }
                  : {
                      appliesWhen: { passed: e.target.value === 'pass' },
                      appliesNote: `applies only to ${e.target.value === 'pass' ? 'passing' : 'failing'} outputs`,
                    },
              )
            }
          >
            <option value="">Every entry</option>
            <option value="fail">Only failing outputs</option>
            <option value="pass">Only passing outputs</option>
          </select>
        </label>
        <label className="field">
          <span className="cb-field-label">Only when the annotator’s label on</span>
          <select
            className="select"
            data-testid="cb-dim-applies-if"
            value={dim.appliesIf?.dimension ?? ''}
            onChange={(e) => {
              const d = codebook.dimensions.find((x) => x.id === e.target.value);
              set({ appliesIf: d ? { dimension: d.id, values: [d.values[0].id] } : undefined });
            }}
          >
            <option value="">(no condition)</option>
            {conditions.map((d) => (
              <option key={d.id} value={d.id}>
                {d.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      {on && dim.appliesIf && (
        <div className="cb-condition" data-testid="cb-dim-applies-if-values">
          <span className="small muted">is one of:</span>
          {on.values.map((v) => (
            <label key={v.id} className="check small">
              <input
                type="checkbox"
                checked={dim.appliesIf!.values.includes(v.id)}
                onChange={(e) => {
                  const values = e.target.checked ? [...dim.appliesIf!.values, v.id] : dim.appliesIf!.values.filter((x) => x !== v.id);
                  if (values.length) set({ appliesIf: { dimension: on.id, values } });
                }}
              />{' '}
              {v.label}
            </label>
          ))}
        </div>
      )}
      <div className="cb-actions">
        <h4>Retire</h4>
        <p className="muted small">A retired dimension is no longer shown or counted; its labels stay in the project, and its id is never used again.</p>
        <button
          className="btn btn-sm btn-danger"
          data-testid="cb-retire-dim"
          disabled={codebook.dimensions.length < 2}
          onClick={() => {
            apply((cb) => retireDimension(cb, dim.id));
            onSelectDim(codebook.dimensions.find((d) => d.id !== dim.id)!.id);
          }}
        >
          Retire {dim.label}
        </button>
      </div>
    </div>
  );
}

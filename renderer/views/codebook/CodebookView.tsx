import { useEffect, useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { parseCodebook, treeKinds, type Codebook, type Dimension } from '../../../shared/codebook/index.ts';
import { diffCodebooks } from '../../../shared/codebook/diff.ts';
import { useApp } from '../../store/index.ts';
import { CodebookDetail } from './CodebookDetail.tsx';
import { CodebookHistory } from './CodebookHistory.tsx';
import { PublishDialog } from './PublishDialog.tsx';
import { ReviewList } from './ReviewList.tsx';
import { addDimension, addValue, moveDimension, moveValue } from './draft.ts';
import './codebook.css';

type Tab = 'edit' | 'history' | 'review';

/**
 * The codebook editor (the lead's): dimensions, their values and subtypes, each with its
 * definition and notes, edited as a draft and published as one revision. Beside it, the history
 * of the codebook with diffs and agreement per version, and the labels listed for re-review.
 */
export function CodebookView() {
  const { codebook, draft, load, usage, reviews, startDraft } = useApp(
    useShallow((s) => ({ codebook: s.codebook, draft: s.cbDraft, load: s.loadCodebookStudy, usage: s.cbUsage, reviews: s.cbReviews, startDraft: s.startDraft })),
  );
  const [tab, setTab] = useState<Tab>('edit');
  const [dimId, setDimId] = useState<string | null>(null);
  const [path, setPath] = useState<string | null>(null);
  const [publishing, setPublishing] = useState(false);
  useEffect(() => {
    void load();
  }, [load]);
  const shown = draft ?? codebook;
  const dim = shown?.dimensions.find((d) => d.id === dimId) ?? shown?.dimensions[0] ?? null;
  if (!shown || !dim) return <main className="cb-view" data-testid="codebook-view" />;
  const labelsOn = (d: string, p: string | null) => usage.find((u) => u.dimension === d && u.value === p)?.labels ?? 0;

  return (
    <main className="cb-view" data-testid="codebook-view" data-tab={tab}>
      <header className="cb-head">
        <div className="cb-title">
          <span className="cb-name">{shown.name}</span>
          <span className="muted small">
            {codebook?.id} · version <span data-testid="cb-version">{codebook?.version}</span>
          </span>
        </div>
        <div className="segmented" role="tablist">
          {(
            [
              ['edit', 'Edit'],
              ['history', 'History and versions'],
              ['review', `Re-review${reviews?.total ? ` (${reviews.total})` : ''}`],
            ] as const
          ).map(([id, title]) => (
            <button key={id} role="tab" aria-selected={tab === id} className={tab === id ? 'is-on' : ''} data-testid={`cb-tab-${id}`} onClick={() => setTab(id)}>
              {title}
            </button>
          ))}
        </div>
        <span className="grow" />
        {draft && codebook && <DraftStatus base={codebook} draft={draft} onPublish={() => setPublishing(true)} />}
        {!draft && tab === 'edit' && (
          <span className="muted small">Changes are kept as a draft until you publish them.</span>
        )}
      </header>
      {tab === 'edit' && (
        <div className="cb-edit">
          <DimensionList codebook={shown} selected={dim.id} onSelect={(id) => (setDimId(id), setPath(null))} labelsOn={labelsOn} />
          <ValueList
            dim={dim}
            selected={path}
            onSelect={setPath}
            labelsOn={labelsOn}
            onAdd={(parent) => {
              startDraft();
              const s = useApp.getState();
              const r = addValue(s.cbDraft!, dim.id, parent === null ? 'New value' : 'New subtype', parent);
              s.setDraft(r.codebook);
              setPath(r.path);
            }}
            onMove={(p, delta) => {
              startDraft();
              const s = useApp.getState();
              s.setDraft(moveValue(s.cbDraft!, dim.id, p, delta).codebook);
            }}
          />
          <CodebookDetail codebook={shown} dim={dim} path={path} onSelectPath={setPath} onSelectDim={(id) => (setDimId(id), setPath(null))} labelsOn={labelsOn} />
        </div>
      )}
      {tab === 'history' && <CodebookHistory />}
      {tab === 'review' && <ReviewList />}
      {publishing && <PublishDialog onClose={() => setPublishing(false)} />}
    </main>
  );
}

/** How many changes the draft holds and whether it is valid, with publish and discard. */
function DraftStatus({ base, draft, onPublish }: { base: Codebook; draft: Codebook; onPublish: () => void }) {
  const { remap, splits, discard } = useApp(useShallow((s) => ({ remap: s.cbRemap, splits: s.cbSplits, discard: s.discardDraft })));
  const { changes, problem } = useMemo(() => {
    let problem: string | null = null;
    try {
      parseCodebook(draft);
    } catch (e) {
      problem = (e as Error).message;
    }
    return { changes: diffCodebooks(base, draft, { remap, splits }), problem };
  }, [base, draft, remap, splits]);
  const meaning = changes.some((c) => c.meaning);
  return (
    <div className="cb-draft" data-testid="cb-draft" data-changes={changes.length}>
      {problem ? (
        <span className="cb-problem small" role="alert" data-testid="cb-draft-problem">
          {problem}
        </span>
      ) : (
        <span className="small">
          Draft: {changes.length} change{changes.length === 1 ? '' : 's'}
          {changes.length > 0 && <span className="muted">{meaning ? ' · makes a new version' : ' · keeps the version'}</span>}
        </span>
      )}
      <button className="btn btn-sm" data-testid="cb-discard" onClick={discard}>
        Discard
      </button>
      <button className="btn btn-sm btn-primary" data-testid="cb-publish-open" disabled={!changes.length || !!problem} onClick={onPublish}>
        Review and publish…
      </button>
    </div>
  );
}

const KIND_TEXT: Record<Dimension['kind'], string> = {
  single: 'one value',
  ordinal: 'scale',
  multi: 'several',
  tree: 'type › subtype',
  checklist: 'checklist',
  lines: 'on lines',
  text: 'free text',
};

function DimensionList({
  codebook,
  selected,
  onSelect,
  labelsOn,
}: {
  codebook: Codebook;
  selected: string;
  onSelect: (id: string) => void;
  labelsOn: (d: string, p: string | null) => number;
}) {
  const startDraft = useApp((s) => s.startDraft);
  const [adding, setAdding] = useState<{ label: string; kind: Dimension['kind'] } | null>(null);
  const edit = (fn: (cb: Codebook) => Codebook) => {
    startDraft();
    const s = useApp.getState();
    s.setDraft(fn(s.cbDraft!));
  };
  return (
    <nav className="cb-col cb-dims" aria-label="Dimensions" data-testid="cb-dims">
      <div className="cb-col-head">Dimensions</div>
      <ol className="cb-list">
        {codebook.dimensions.map((d, i) => (
          <li key={d.id} className={`cb-item ${d.id === selected ? 'is-on' : ''}`} data-testid={`cb-dim-${d.id}`}>
            <button className="cb-item-main" onClick={() => onSelect(d.id)}>
              <span className="cb-item-label">{d.label}</span>
              <span className="muted small">
                {KIND_TEXT[d.kind]}
                {d.hotkey && (
                  <>
                    {' '}
                    · <kbd>{d.hotkey}</kbd>
                  </>
                )}
                {labelsOn(d.id, null) > 0 && ` · ${labelsOn(d.id, null)} labels`}
              </span>
            </button>
            <span className="cb-move">
              <button className="icon-btn" aria-label={`Move ${d.label} up`} disabled={i === 0} onClick={() => edit((cb) => moveDimension(cb, d.id, -1).codebook)}>
                ↑
              </button>
              <button
                className="icon-btn"
                aria-label={`Move ${d.label} down`}
                disabled={i === codebook.dimensions.length - 1}
                onClick={() => edit((cb) => moveDimension(cb, d.id, 1).codebook)}
              >
                ↓
              </button>
            </span>
          </li>
        ))}
      </ol>
      {adding ? (
        <form
          className="cb-add-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (!adding.label.trim()) return;
            startDraft();
            const s = useApp.getState();
            const r = addDimension(s.cbDraft!, adding.label.trim(), adding.kind);
            s.setDraft(r.codebook);
            setAdding(null);
            onSelect(r.id);
          }}
        >
          <input className="input input-sm" autoFocus placeholder="Name of the dimension" data-testid="cb-new-dim-label" value={adding.label} onChange={(e) => setAdding({ ...adding, label: e.target.value })} />
          <select className="select select-sm" data-testid="cb-new-dim-kind" value={adding.kind} onChange={(e) => setAdding({ ...adding, kind: e.target.value as Dimension['kind'] })}>
            {(Object.keys(KIND_TEXT) as Dimension['kind'][]).map((k) => (
              <option key={k} value={k}>
                {KIND_TEXT[k]}
              </option>
            ))}
          </select>
          <div className="row gap">
            <button className="btn btn-sm btn-primary" type="submit">
              Add
            </button>
            <button className="btn btn-sm" type="button" onClick={() => setAdding(null)}>
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <button className="btn btn-ghost btn-sm cb-add" data-testid="cb-add-dim" onClick={() => setAdding({ label: '', kind: 'single' })}>
          + Add dimension
        </button>
      )}
    </nav>
  );
}

function ValueList({
  dim,
  selected,
  onSelect,
  onAdd,
  onMove,
  labelsOn,
}: {
  dim: Dimension;
  selected: string | null;
  onSelect: (path: string | null) => void;
  onAdd: (parent: string | null) => void;
  onMove: (path: string, delta: -1 | 1) => void;
  labelsOn: (d: string, p: string | null) => number;
}) {
  const row = (path: string, label: string, hotkey: string | undefined, depth: number, first: boolean, last: boolean) => (
    <li key={path} className={`cb-item cb-value depth-${depth} ${path === selected ? 'is-on' : ''}`} data-testid={`cb-value-${path}`}>
      <button className="cb-item-main" onClick={() => onSelect(path)}>
        <span className="cb-item-label">{label}</span>
        <span className="muted small mono">{path.split('::').pop()}</span>
      </button>
      {labelsOn(dim.id, path) > 0 && (
        <span className="cb-count small" title="Labels that hold this value">
          {labelsOn(dim.id, path)}
        </span>
      )}
      {hotkey && <kbd>{hotkey}</kbd>}
      <span className="cb-move">
        <button className="icon-btn" aria-label={`Move ${label} up`} disabled={first} onClick={() => onMove(path, -1)}>
          ↑
        </button>
        <button className="icon-btn" aria-label={`Move ${label} down`} disabled={last} onClick={() => onMove(path, 1)}>
          ↓
        </button>
      </span>
    </li>
  );
  return (
    <section className="cb-col cb-values" aria-label={`Values of ${dim.label}`} data-testid="cb-values">
      <button className={`cb-col-head cb-dim-head ${selected === null ? 'is-on' : ''}`} data-testid="cb-dim-settings" onClick={() => onSelect(null)}>
        <span>{dim.label}</span>
        <span className="muted small">settings and definition</span>
      </button>
      {dim.kind === 'text' ? (
        <p className="muted small pad">Free text has no values: each annotator writes their own{dim.revises ? ' rewrite of the prompt, shown as a diff against it' : ''}.</p>
      ) : (
        <ol className="cb-list">
          {dim.values.flatMap((v, i) => [
            row(v.id, v.label, v.hotkey, 0, i === 0, i === dim.values.length - 1),
            ...(v.children ?? []).map((c, k, all) => row(`${v.id}::${c.id}`, c.label, c.hotkey, 1, k === 0, k === all.length - 1)),
            ...(treeKinds.includes(dim.kind) && v.id === selected?.split('::')[0]
              ? [
                  <li key={`${v.id}-add`} className="cb-item depth-1">
                    <button className="btn btn-ghost btn-sm cb-add" data-testid={`cb-add-sub-${v.id}`} onClick={() => onAdd(v.id)}>
                      + Subtype of {v.label}
                    </button>
                  </li>,
                ]
              : []),
          ])}
        </ol>
      )}
      {dim.kind !== 'text' && (
        <button className="btn btn-ghost btn-sm cb-add" data-testid="cb-add-value" onClick={() => onAdd(null)}>
          + Add {treeKinds.includes(dim.kind) ? 'type' : dim.kind === 'checklist' ? 'item' : 'value'}
        </button>
      )}
    </section>
  );
}

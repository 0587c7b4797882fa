import { useEffect, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { Dimension } from '../../shared/codebook/schema.ts';
import { describeValue, dimensionApplies, TREE_SEPARATOR, type LabelValue } from '../../shared/codebook/values.ts';
import type { RaterStanding } from '../../shared/types.ts';
import { isSelected } from '../lib/label-edit.ts';
import { useApp } from '../store/index.ts';
import { BugTreePicker } from './BugTreePicker.tsx';
import { NoteField } from './NoteField.tsx';

/** The label panel, generated from the codebook: one field per dimension, whatever its kind. */
export function LabelPanel() {
  const { codebook, current, submit, reopen, focused } = useApp(
    useShallow((s) => ({ codebook: s.codebook, current: s.current, submit: s.submit, reopen: s.reopen, focused: s.focusedDimension })),
  );
  const [showDefs, setShowDefs] = useState(false);
  const scroller = useRef<HTMLDivElement>(null);
  const entryId = current?.entry.id;
  // Each entry starts at the top of the panel, with no dimension singled out.
  useEffect(() => {
    if (scroller.current) scroller.current.scrollTop = 0;
    useApp.getState().focusDimension(null);
  }, [entryId]);
  if (!codebook || !current) return <aside className="label-panel" data-testid="label-panel" />;
  return (
    <aside className="label-panel" data-testid="label-panel" data-entry-id={current.entry.id}>
      <div className="panel-head">
        <span className="panel-title">Labels</span>
        <span className={`status-pill status-${current.status}`} data-testid="entry-status">
          {current.status === 'todo' ? 'to do' : current.status}
        </span>
        <span className="grow" />
        <label className="small muted check">
          <input type="checkbox" data-testid="show-definitions" checked={showDefs} onChange={(e) => setShowDefs(e.target.checked)} /> definitions
        </label>
      </div>
      <StandingNotice standing={current.standing} />
      <div className="panel-scroll" ref={scroller}>
        {codebook.dimensions.map((dim) => (
          <DimensionField
            key={dim.id}
            dim={dim}
            value={current.labels[dim.id]}
            entryId={current.entry.id}
            applies={dimensionApplies(dim, current.entry)}
            showDefs={showDefs}
            focused={focused === dim.id}
          />
        ))}
        <NoteField key={current.entry.id} entryId={current.entry.id} saved={current.note} />
      </div>
      <div className="panel-foot">
        {current.status === 'submitted' ? (
          <button className="btn grow" data-testid="reopen" onClick={() => void reopen()}>
            Reopen as draft
          </button>
        ) : (
          <button className="btn btn-primary grow" data-testid="submit" onClick={() => void submit()}>
            Submit and next <kbd>Ctrl</kbd>
            <kbd>↵</kbd>
          </button>
        )}
        <div className="muted small foot-hints">
          <kbd>Ctrl</kbd>
          <kbd>Z</kbd> undo label · <kbd>j</kbd>/<kbd>k</kbd> move · <kbd>Alt</kbd>
          <kbd>D</kbd> diff
        </div>
      </div>
    </aside>
  );
}

/** Says so when this person's labels on this entry will not count: labelling is open to anyone who names themselves. */
function StandingNotice({ standing }: { standing: RaterStanding }) {
  const text =
    standing === 'not-assigned'
      ? 'You are not assigned to this entry. Your labels are kept, but they count in agreement and adjudication only if the lead includes you.'
      : standing === 'not-a-rater'
        ? 'You lead this study: labels you make here are not counted among the annotators’ in agreement or adjudication.'
        : null;
  if (!text) return null;
  return (
    <div className="standing-notice" role="note" data-testid="standing-notice" data-standing={standing}>
      {text}
    </div>
  );
}

interface FieldProps {
  dim: Dimension;
  value: LabelValue | undefined;
  entryId: string;
  applies: boolean;
  showDefs: boolean;
  focused: boolean;
}

function DimensionField({ dim, value, entryId, applies, showDefs, focused }: FieldProps) {
  const ref = useRef<HTMLElement>(null);
  useEffect(() => {
    if (focused) ref.current?.scrollIntoView({ block: 'nearest' });
  }, [focused]);
  return (
    <section
      ref={ref}
      className={`dimension ${applies ? '' : 'is-disabled'} ${focused ? 'is-focused' : ''}`}
      data-testid={`dimension-${dim.id}`}
      data-kind={dim.kind}
      aria-disabled={!applies}
    >
      <header className="dimension-head" title={dim.definition}>
        <span className="dimension-label">{dim.label}</span>
        {dim.hotkey && <kbd>{dim.hotkey}</kbd>}
        <span className="muted small">{dim.kind === 'tree' ? 'type › subtype, several' : dim.kind === 'multi' ? 'several' : dim.kind === 'checklist' ? 'tick all that hold' : ''}</span>
      </header>
      {!applies && dim.appliesNote && (
        <div className="applies-note small" data-testid={`applies-note-${dim.id}`}>
          {dim.appliesNote.charAt(0).toUpperCase() + dim.appliesNote.slice(1)}.
        </div>
      )}
      {showDefs && <p className="dimension-def small muted">{dim.definition}</p>}
      {dim.kind === 'tree' ? (
        <TreeField dim={dim} value={value} applies={applies} />
      ) : dim.kind === 'text' ? (
        <TextField dim={dim} value={value} entryId={entryId} applies={applies} />
      ) : (
        <ValueList dim={dim} value={value} applies={applies} showDefs={showDefs} />
      )}
    </section>
  );
}

function ValueList({ dim, value, applies, showDefs }: { dim: Dimension; value: LabelValue | undefined; applies: boolean; showDefs: boolean }) {
  const toggle = useApp((s) => s.toggleLabel);
  const multiple = dim.kind === 'multi' || dim.kind === 'checklist';
  return (
    <div className={`values ${multiple ? 'values-multi' : ''}`} role={multiple ? 'group' : 'radiogroup'}>
      {dim.values.map((v) => {
        const on = isSelected(dim, value, v.id);
        return (
          <button
            key={v.id}
            className={`value ${on ? 'is-on' : ''}`}
            data-testid={`value-${dim.id}-${v.id}`}
            aria-pressed={on}
            disabled={!applies}
            title={v.definition + (v.examples?.length ? `\ne.g. ${v.examples.join('; ')}` : '')}
            onClick={() => void toggle(dim.id, v.id)}
          >
            <span className={`value-mark ${multiple ? 'mark-box' : 'mark-radio'}`} />
            <span className="value-text">
              <span className="value-label">{v.label}</span>
              {showDefs && <span className="value-def">{v.definition}</span>}
            </span>
            {v.hotkey && <kbd>{v.hotkey}</kbd>}
          </button>
        );
      })}
    </div>
  );
}

function TreeField({ dim, value, applies }: { dim: Dimension; value: LabelValue | undefined; applies: boolean }) {
  const { toggle, picker, openPicker } = useApp(useShallow((s) => ({ toggle: s.toggleLabel, picker: s.bugPickerFor, openPicker: s.openPicker })));
  const paths = Array.isArray(value) ? value : [];
  return (
    <div className="tree-field">
      {paths.length > 0 && (
        <ul className="chips" data-testid={`tree-chips-${dim.id}`}>
          {paths.map((p) => {
            const [typeLabel, subLabel] = describeValue(dim, [p]).split(' › ');
            return (
              <li key={p} className="chip" data-testid="tree-chip" data-path={p}>
                <span className="chip-text">
                  <span className="chip-type">{typeLabel}</span>
                  {p.includes(TREE_SEPARATOR) && <span className="chip-sub"> › {subLabel}</span>}
                </span>
                <button className="chip-x" aria-label={`Remove ${describeValue(dim, [p])}`} onClick={() => void toggle(dim.id, p)} disabled={!applies}>
                  ×
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {picker === dim.id ? (
        <BugTreePicker dim={dim} selected={paths} />
      ) : (
        <button className="btn btn-ghost add-tree" data-testid={`tree-add-${dim.id}`} disabled={!applies} onClick={() => openPicker(dim.id)}>
          + Add {dim.label.toLowerCase()} type{dim.hotkey ? ' ' : ''}
          {dim.hotkey && <kbd>{dim.hotkey}</kbd>}
        </button>
      )}
    </div>
  );
}

function TextField({ dim, value, entryId, applies }: { dim: Dimension; value: LabelValue | undefined; entryId: string; applies: boolean }) {
  const setLabel = useApp((s) => s.setLabel);
  const saved = typeof value === 'string' ? value : '';
  const [text, setText] = useState(saved);
  const pending = useRef<string | null>(null);
  useEffect(() => setText(saved), [saved, entryId]);
  // Saved shortly after typing stops, and at once when the field loses focus or the entry changes.
  useEffect(() => {
    if (text === saved) return;
    pending.current = text;
    const t = setTimeout(() => flush(), 400);
    return () => clearTimeout(t);
  });
  useEffect(() => () => flush(), [entryId]);
  function flush() {
    if (pending.current === null) return;
    const t = pending.current;
    pending.current = null;
    void setLabel(dim.id, t === '' ? null : t, entryId);
  }
  return (
    <textarea
      className="input textarea"
      data-testid={`text-${dim.id}`}
      data-dimension={dim.id}
      disabled={!applies}
      value={text}
      rows={3}
      placeholder={dim.definition}
      onChange={(e) => setText(e.target.value)}
      onBlur={flush}
    />
  );
}

import { useEffect, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { CodebookValue, Dimension } from '../../shared/codebook/schema.ts';
import { markdownToPlain } from '../../shared/codebook/markdown.ts';
import type { Codebook } from '../../shared/codebook/schema.ts';
import { appliesIfNote, describeValue, dimensionApplies, TREE_SEPARATOR, type LabelValue } from '../../shared/codebook/values.ts';
import type { RaterStanding, ReviewItem } from '../../shared/types.ts';
import { lineSpan, PINNED_TEXT_NAMES, pinnedText } from '../../shared/codebook/lines.ts';
import { isSelected, rangesOf } from '../lib/label-edit.ts';
import { useApp } from '../store/index.ts';
import { isLead } from '../store/session-slice.ts';
import { BugTreePicker } from './BugTreePicker.tsx';
import { CommentThread } from './CommentThread.tsx';
import { Markdown } from './Markdown.tsx';
import { NoteField } from './NoteField.tsx';
import { RevisionDiff } from './RevisionDiff.tsx';

/** The label panel, generated from the codebook: one field per dimension, whatever its kind. */
export function LabelPanel() {
  const { codebook, current, submit, reopen, focused, myReviews, me, loadComments, loadReviews } = useApp(
    useShallow((s) => ({
      codebook: s.codebook,
      current: s.current,
      submit: s.submit,
      reopen: s.reopen,
      focused: s.focusedDimension,
      myReviews: s.myReviews,
      me: s.me,
      loadComments: s.loadMyComments,
      loadReviews: s.loadMyReviews,
    })),
  );
  const [showDefs, setShowDefs] = useState(false);
  const scroller = useRef<HTMLDivElement>(null);
  // Whether the panel is scrolled, known from its scroll events: reading scrollTop on every entry
  // switch would make the browser lay the whole page out in the middle of the key press.
  const scrolled = useRef(false);
  const entryId = current?.entry.id;
  // Each entry starts at the top of the panel, with no dimension singled out.
  useEffect(() => {
    if (scroller.current && scrolled.current) scroller.current.scrollTop = 0;
    scrolled.current = false;
    useApp.getState().focusDimension(null);
  }, [entryId]);
  // This person's comments and re-review items on the entry (asked once the key press is answered;
  // skipped when the next press comes first); the items again when a label changes on an entry
  // that has one (relabelling closes it).
  useEffect(() => {
    if (!entryId) return;
    const ask = setTimeout(() => {
      void loadComments(entryId);
      void loadReviews(entryId);
    }, 0);
    return () => clearTimeout(ask);
  }, [entryId, me, loadComments, loadReviews]);
  const reviews = myReviews && myReviews.entryId === entryId ? myReviews.items : [];
  const labelsKey = current ? JSON.stringify(current.labels) : '';
  const reviewed = reviews.length > 0;
  useEffect(() => {
    if (reviewed && entryId) void loadReviews(entryId);
    // Only a change of labels asks again, not the list it answers.
  }, [labelsKey]);
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
      <StandingNotice standing={current.standing} entryId={current.entry.id} />
      <div className="panel-scroll" ref={scroller} onScroll={(e) => (scrolled.current = e.currentTarget.scrollTop > 0)}>
        {codebook.dimensions.map((dim) => (
          <DimensionField
            key={dim.id}
            codebook={codebook}
            dim={dim}
            value={current.labels[dim.id]}
            entryId={current.entry.id}
            applies={dimensionApplies(dim, current.entry, current.labels)}
            entryApplies={dimensionApplies(dim, current.entry)}
            showDefs={showDefs}
            focused={focused === dim.id}
            review={reviews.find((r) => r.entryId === current.entry.id && r.dimension === dim.id)}
            original={dim.revises === 'prompt' ? current.entry.prompt : undefined}
          />
        ))}
        <NoteField key={current.entry.id} entryId={current.entry.id} saved={current.note} />
        <Comments entryId={current.entry.id} />
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
function StandingNotice({ standing, entryId }: { standing: RaterStanding; entryId: string }) {
  const markGold = useApp((s) => s.markGoldFromMine);
  const lead = useApp((s) => isLead(s));
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
      {standing === 'not-a-rater' && lead && (
        <div className="standing-action">
          <button className="btn btn-sm" data-testid="gold-from-mine" onClick={() => void markGold(entryId)} title="Each annotator's labels on this entry are then counted right or wrong against yours">
            Use my labels as this entry’s gold answer
          </button>
        </div>
      )}
    </div>
  );
}

/** The writer's own comments on the entry: private until adjudication, where the lead reads them. */
function Comments({ entryId }: { entryId: string }) {
  const { mine, me, add, remove } = useApp(useShallow((s) => ({ mine: s.myComments, me: s.me, add: s.addComment, remove: s.deleteComment })));
  const comments = mine?.entryId === entryId ? mine.comments : [];
  return (
    <section className="dimension" data-testid="comments-section">
      <header className="dimension-head">
        <span className="dimension-label">Comments</span>
        <span className="muted small">yours alone until adjudication</span>
      </header>
      <CommentThread comments={comments} mine={me} onAdd={(t) => add(entryId, t)} onDelete={(id) => void remove(id)} hint="A question or doubt for the adjudication meeting (Ctrl+Enter adds it)" />
    </section>
  );
}

/** Says a label was made under an older meaning of the codebook, with the way to keep it. */
function ReviewNotice({ review }: { review: ReviewItem }) {
  const confirm = useApp((s) => s.confirmReview);
  return (
    <div className="review-notice small" role="note" data-testid={`review-notice-${review.dimension}`}>
      <div>
        <strong>Look again:</strong> {review.value === null ? 'your label was removed' : `labelled under version ${review.labelVersion}`}; {review.reason}.
      </div>
      <button className="btn btn-sm" data-testid={`review-keep-${review.dimension}`} onClick={() => void confirm(review.entryId, review.dimension)}>
        {review.value === null ? 'Leave it empty' : 'Keep as it is'}
      </button>
    </div>
  );
}

interface FieldProps {
  codebook: Codebook;
  review?: ReviewItem;
  /** For a dimension that rewrites the prompt: the prompt, to show the rewrite as a diff against it. */
  original?: string;
  /** Whether what the entry says (its test result) lets the dimension apply; `applies` adds the annotator's own labels. */
  entryApplies: boolean;
  dim: Dimension;
  value: LabelValue | undefined;
  entryId: string;
  applies: boolean;
  showDefs: boolean;
  focused: boolean;
}

function DimensionField({ codebook, dim, value, entryId, applies, entryApplies, showDefs, focused, review, original }: FieldProps) {
  const why = !entryApplies ? dim.appliesNote : appliesIfNote(codebook, dim);
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
        <span className="muted small">{dim.kind === 'lines' ? `on lines of the ${PINNED_TEXT_NAMES[pinnedText(dim)]}` : dim.kind === 'tree' ? 'type › subtype, several' : dim.kind === 'multi' ? 'several' : dim.kind === 'checklist' ? 'tick all that hold' : ''}</span>
      </header>
      {!applies && why && (
        <div className="applies-note small" data-testid={`applies-note-${dim.id}`}>
          {capital(why)}.
        </div>
      )}
      {review && <ReviewNotice review={review} />}
      {showDefs && <Markdown source={dim.definition} className="dimension-def small muted" />}
      {dim.kind === 'tree' ? (
        <TreeField dim={dim} value={value} applies={applies} />
      ) : dim.kind === 'lines' ? (
        <LinesField dim={dim} value={value} applies={applies} />
      ) : dim.kind === 'text' ? (
        <>
          <TextField dim={dim} value={value} entryId={entryId} applies={applies} original={original} />
          {original !== undefined && typeof value === 'string' && value.trim() && <RevisionDiff original={original} revised={value} testId={`revision-diff-${dim.id}`} />}
        </>
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
            title={markdownToPlain(v.definition) + (v.examples?.length ? `\ne.g. ${v.examples.join('; ')}` : '')}
            onClick={() => void toggle(dim.id, v.id)}
          >
            <span className={`value-mark ${multiple ? 'mark-box' : 'mark-radio'}`} />
            <span className="value-text">
              <span className="value-label">{v.label}</span>
              {showDefs && <ValueDefinition value={v} />}
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
  const paths = Array.isArray(value) ? (value as string[]) : [];
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

/**
 * A lines dimension: the ranges pinned so far (× takes one off), and the way to pin the selected
 * lines: its key (or the button) opens the picker, whose choice lands on the selection.
 */
function LinesField({ dim, value, applies }: { dim: Dimension; value: LabelValue | undefined; applies: boolean }) {
  const { setLabel, picker, openPicker, selection } = useApp(useShallow((s) => ({ setLabel: s.setLabel, picker: s.bugPickerFor, openPicker: s.openPicker, selection: s.lineSelection })));
  const ranges = rangesOf(value);
  const text = pinnedText(dim);
  const selected = selection?.pane === text ? selection : null;
  // The values already pinned to exactly the selected lines: choosing one again takes it off.
  const onSelection = selected ? ranges.filter((r) => r.start === selected.start && r.end === selected.end).map((r) => r.value) : [];
  return (
    <div className="tree-field lines-field">
      {ranges.length > 0 && (
        <ul className="chips line-chips" data-testid={`line-chips-${dim.id}`}>
          {ranges.map((r, i) => {
            const [typeLabel, subLabel] = describeValue(dim, [r]).replace(/^L\S+ /, '').split(' › ');
            return (
              <li key={`${r.start}-${r.end}-${r.value}`} className="chip line-chip" data-testid="line-chip" data-start={r.start} data-end={r.end} data-path={r.value}>
                <span className="line-chip-span mono">{lineSpan(r)}</span>
                <span className="chip-text">
                  <span className="chip-type">{typeLabel}</span>
                  {r.value.includes(TREE_SEPARATOR) && <span className="chip-sub"> › {subLabel}</span>}
                </span>
                <button
                  className="chip-x"
                  aria-label={`Remove ${describeValue(dim, [r])}`}
                  onClick={() => void setLabel(dim.id, ranges.length > 1 ? ranges.filter((_, j) => j !== i) : null)}
                  disabled={!applies}
                >
                  ×
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {picker === dim.id ? (
        <BugTreePicker dim={dim} selected={onSelection} placeholder={selected ? `Pin ${lineSpan(selected)}: type to filter` : undefined} />
      ) : (
        <button
          className="btn btn-ghost add-tree"
          data-testid={`lines-add-${dim.id}`}
          disabled={!applies || !selected}
          onClick={() => openPicker(dim.id)}
          title={selected ? undefined : `Select lines of the ${PINNED_TEXT_NAMES[text]} (or click one), then press ${dim.hotkey ?? 'this button'}`}
        >
          {selected ? `+ Pin ${lineSpan(selected)}` : `Select lines of the ${PINNED_TEXT_NAMES[text]} to pin`}
          {dim.hotkey && ' '}
          {dim.hotkey && <kbd>{dim.hotkey}</kbd>}
        </button>
      )}
      {ranges.length > 0 && applies && (
        <div className="muted small lines-hint">
          <kbd>Del</kbd> takes the pins off the selected lines
        </div>
      )}
    </div>
  );
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** A value's definition and when to use it, as the codebook writes them (Markdown, shown safely). */
function ValueDefinition({ value }: { value: CodebookValue }) {
  return (
    <span className="value-def">
      <Markdown source={value.definition} />
      {value.useWhen && <Markdown source={`**Use when:** ${value.useWhen}`} />}
      {value.doNotUseWhen && <Markdown source={`**Not when:** ${value.doNotUseWhen}`} />}
    </span>
  );
}

function TextField({ dim, value, entryId, applies, original }: { dim: Dimension; value: LabelValue | undefined; entryId: string; applies: boolean; original?: string }) {
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
    <>
      <textarea
        className="input textarea"
        data-testid={`text-${dim.id}`}
        data-dimension={dim.id}
        disabled={!applies}
        value={text}
        rows={original !== undefined ? 6 : 3}
        placeholder={original !== undefined ? 'Your rewrite of the prompt, when it lacks what the tests need' : markdownToPlain(dim.definition)}
        onChange={(e) => setText(e.target.value)}
        onBlur={flush}
      />
      {original !== undefined && !text && applies && (
        <button className="btn btn-ghost btn-sm add-tree" data-testid={`text-start-${dim.id}`} onClick={() => setText(original)}>
          Start from the original prompt
        </button>
      )}
    </>
  );
}

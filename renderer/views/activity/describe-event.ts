import type { EventRecord } from '../../../shared/api.ts';
import type { Codebook } from '../../../shared/codebook/schema.ts';
import { describeValue, findDimension, isEmptyValue, type LabelValue } from '../../../shared/codebook/values.ts';

/**
 * How the Activity view words one logged event. Pure, so it is tested without a browser.
 * Label values are shown with the project codebook's labels ("Training", "Misinterpretation ›
 * Not DL-related"); anything else in a readable, shortened form.
 */

/** Families of kinds the filter offers (events.list takes a family as `kind`). */
export const KIND_FAMILIES: { kind: string; title: string }[] = [
  { kind: 'label', title: 'Labels' },
  { kind: 'decision', title: 'Decisions' },
  { kind: 'submission', title: 'Submissions' },
  { kind: 'note', title: 'Notes' },
  { kind: 'assignment', title: 'Assignments' },
  { kind: 'pack', title: 'Packs' },
  { kind: 'entry', title: 'Entries (imports)' },
  { kind: 'annotator', title: 'Annotators' },
  { kind: 'model-result', title: 'Model results' },
  { kind: 'project', title: 'Project' },
  { kind: 'codebook', title: 'Codebook' },
  { kind: 'review', title: 'Re-review' },
  { kind: 'comment', title: 'Comments' },
  { kind: 'reason', title: 'Why we disagreed' },
  { kind: 'round', title: 'Rounds' },
  { kind: 'gold', title: 'Gold answers' },
];

const KIND_TEXT: Record<string, string> = {
  'label.set': 'labelled',
  'label.undo': 'undid a label',
  'decision.set': 'decided',
  'decision.undo': 'undid a decision',
  'decision.accept-majorities': 'accepted majorities',
  'submission.set': 'set status',
  'note.set': 'wrote a note',
  'assignment.set': 'assigned',
  'assignment.auto': 'auto-assigned',
  'assignment.create': 'assigned',
  'pack.merge': 'merged a pack',
  'pack.starter': 'made a starter file',
  'entry.create': 'imported an entry',
  'entry.update': 'updated an entry',
  'annotator.create': 'added an annotator',
  'model-result.set': 'set a model result',
  'project.create': 'created the project',
  'codebook.publish': 'published the codebook',
  'label.remap': 'moved a label (codebook change)',
  'label.confirm': 'kept a label under the new version',
  'decision.remap': 'moved a decision (codebook change)',
  'review.done': 'looked at a label again',
  'comment.add': 'commented',
  'comment.delete': 'deleted a comment',
  'reason.set': 'said why they disagreed',
  'round.create': 'made a round',
  'round.close': 'closed a round',
  'round.open': 'reopened a round',
  'gold.set': 'set a gold answer',
  'gold.remap': 'moved a gold answer (codebook change)',
};

export function kindText(kind: string): string {
  return KIND_TEXT[kind] ?? kind;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A short, single-line rendering of any logged JSON value. */
export function shortJson(v: unknown, max = 120): string {
  if (v === null || v === undefined) return '—';
  // A flat record reads as "annotator: cai, role: annotator"; anything deeper as JSON.
  const flat = isRecord(v) && Object.values(v).every((x) => x === null || ['string', 'number', 'boolean'].includes(typeof x));
  const text =
    typeof v === 'string'
      ? v
      : flat
        ? Object.entries(v as Record<string, unknown>)
            .map(([k, x]) => `${k}: ${String(x)}`)
            .join(', ')
        : JSON.stringify(v);
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line || '""';
}

/** A label value in codebook words; an empty or cleared one is "—". */
export function labelText(codebook: Codebook | null, dimension: string | null, value: unknown): string {
  if (value === null || value === undefined) return '—';
  const dim = codebook && dimension ? findDimension(codebook, dimension) : undefined;
  if (!dim) return shortJson(value);
  if (isEmptyValue(value as LabelValue)) return '—';
  return describeValue(dim, value as LabelValue) || (dim.kind === 'checklist' ? 'none ticked' : '—');
}

export interface EventChange {
  before: string | null;
  after: string;
  /** Who the change was for, when the actor wrote someone else's label (an import). */
  forWhom?: string;
  /** A decision's rationale or method, said beside the value. */
  note?: string;
}

/** Imports log a label as { annotator, value }; the app and packs log the value itself. */
function unwrapLabel(v: unknown): { value: unknown; annotator?: string } {
  if (isRecord(v) && typeof v.annotator === 'string' && 'value' in v) return { value: v.value, annotator: v.annotator };
  return { value: v };
}

/** What an event changed, in words: before → after. */
export function describeChange(e: EventRecord, codebook: Codebook | null): EventChange {
  switch (e.kind) {
    case 'label.set':
    case 'label.undo':
    case 'label.remap': {
      const b = unwrapLabel(e.before);
      const a = unwrapLabel(e.after);
      const forWhom = a.annotator ?? b.annotator;
      return { before: labelText(codebook, e.dimension, b.value), after: labelText(codebook, e.dimension, a.value), ...(forWhom && forWhom !== e.actor ? { forWhom } : {}) };
    }
    case 'decision.set':
    case 'decision.undo': {
      if (!e.entryId) return { before: null, after: isRecord(e.after) && typeof e.after.undone === 'number' ? `${e.after.undone} decisions undone` : shortJson(e.after) };
      const value = (d: unknown) => (isRecord(d) ? labelText(codebook, e.dimension, d.value) : 'no decision');
      const a = isRecord(e.after) ? e.after : null;
      const note = a ? [typeof a.method === 'string' ? a.method : null, typeof a.rationale === 'string' && a.rationale ? `“${a.rationale}”` : null].filter(Boolean).join(' · ') : undefined;
      return { before: value(e.before), after: value(e.after), ...(note ? { note } : {}) };
    }
    case 'decision.accept-majorities': {
      const n = isRecord(e.after) && typeof e.after.accepted === 'number' ? e.after.accepted : null;
      return { before: null, after: n === null ? shortJson(e.after) : `${n} majorit${n === 1 ? 'y' : 'ies'} accepted` };
    }
    case 'submission.set':
    case 'note.set': {
      // Imports log these as { annotator, status | text }.
      const pick = (v: unknown) => (isRecord(v) ? (v.status ?? v.text) : v);
      const forWhom = isRecord(e.after) && typeof e.after.annotator === 'string' && e.after.annotator !== e.actor ? e.after.annotator : undefined;
      return { before: shortJson(pick(e.before), 60), after: shortJson(pick(e.after), 60), ...(forWhom ? { forWhom } : {}) };
    }
    case 'codebook.publish': {
      const b = isRecord(e.before) ? e.before : {};
      const a = isRecord(e.after) ? e.after : {};
      const changes = Array.isArray(a.changes) ? a.changes.length : 0;
      return { before: `version ${String(b.version ?? '?')}`, after: `version ${String(a.version ?? '?')} (${changes} change${changes === 1 ? '' : 's'})`, ...(a.round ? { note: `after round ${String(a.round)}` } : {}) };
    }
    case 'comment.add':
    case 'comment.delete': {
      const text = (v: unknown) => (isRecord(v) && typeof v.text === 'string' ? v.text : null);
      return { before: text(e.before) === null ? null : shortJson(text(e.before), 60), after: e.kind === 'comment.delete' ? 'deleted' : shortJson(text(e.after), 80) };
    }
    default:
      return { before: e.before === null || e.before === undefined ? null : shortJson(e.before, 60), after: shortJson(e.after) };
  }
}

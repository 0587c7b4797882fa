import type { LabelValue } from '../shared/codebook/index.ts';
import { ConcordError } from '../shared/errors.ts';
import { now } from './database.ts';
import type { AnnotatorRow, EntryRef, OwnRecord, Store } from './data/index.ts';
import { canonicalTime, compareText, stableJson } from './packs/format.ts';

/**
 * The label rules: the one place that says who may write an annotator's label (and their note and
 * submission status), whether a write happens, which of two writes wins, and what the event log
 * records. Every writer comes here: the app (the service), imports, and pack merges. Starter files
 * copy rows as they are (db/packs/starter.ts) and decide nothing.
 *
 * Today's rule: the app and imports write whenever the value differs; a merge keeps, per label,
 * the newer write (its time), a tie going to the greater payload.
 */

/** Who is writing: the event log names them, and what they may do depends on it. */
export interface Labeller {
  id: number;
  name: string;
}

/** An annotator who may label through the app: known, and not a published reference. */
export function labellerNamed(store: Store, name: string): AnnotatorRow {
  const a = store.annotators.byName(name);
  if (!a) throw new ConcordError('not-found', `unknown annotator "${name}": add yourself first`, { field: 'annotator' });
  if (a.role === 'reference') throw new ConcordError('forbidden', `"${name}" holds imported reference labels and cannot label in the app`, { field: 'annotator' });
  return a;
}

// ---------------------------------------------------------------------------------------------
// Which write wins (merges)

/**
 * One label, note or submission status as a register: the greatest (time, payload) seen wins.
 * Taking a maximum is idempotent, commutative and associative, so packs merged in any order, any
 * number of times, leave the same tables.
 */
export interface Register<P> {
  at: string;
  payload: P;
  /** Total order on payloads for ties on time. */
  rank: string;
}

/** Whether `a` beats `b` (anything beats nothing): the newer time, then the greater payload. */
export function wins<P>(a: Register<P>, b: Register<P> | undefined): boolean {
  if (!b) return true;
  return (compareText(a.at, b.at) || compareText(a.rank, b.rank)) > 0;
}

export function sameRegister<P>(a: Register<P> | undefined, b: Register<P> | undefined): boolean {
  return !!a && !!b && a.at === b.at && a.rank === b.rank;
}

/** A label's payload: the value (null: cleared) and the codebook version it was made under. */
export type LabelPayload = { value: LabelValue | null; codebookVersion: string };

export function labelRegister(at: string, value: LabelValue | null, codebookVersion: string): Register<LabelPayload> {
  return { at, payload: { value, codebookVersion }, rank: stableJson([value, codebookVersion]) };
}

/** A label as this database holds it: the label, else its tombstone, else nothing. */
export function storedLabel(store: Store, entryRowId: number, annotatorId: number, dimension: string): Register<LabelPayload> | undefined {
  const row = store.labels.get(entryRowId, annotatorId, dimension);
  if (row) return labelRegister(canonicalTime(row.updatedAt), JSON.parse(row.value) as LabelValue, row.codebookVersion);
  const gone = store.labels.cleared(entryRowId, annotatorId, dimension);
  return gone ? labelRegister(canonicalTime(gone.clearedAt), null, gone.codebookVersion) : undefined;
}

/** A note (text) or submission status as this database holds it. */
export function storedOwn(store: Store, table: OwnRecord, entryRowId: number, annotatorId: number): Register<string> | undefined {
  const row = store.labels.own(table, entryRowId, annotatorId);
  return row ? { at: canonicalTime(row.at), payload: row.value, rank: row.value } : undefined;
}

// ---------------------------------------------------------------------------------------------
// Writes

/**
 * The app: an annotator sets (or, with null, clears) their own label now; with `reverts`, an undo
 * puts back the value that event replaced. Starts the entry as a draft. Returns false when the
 * value is already there (an undo is logged all the same, so the next undo goes further back).
 */
export function setOwnLabel(
  store: Store,
  w: { entry: EntryRef; annotator: Labeller; dimension: string; value: LabelValue | null; codebookVersion: string; reverts?: number },
): boolean {
  const kind = w.reverts === undefined ? 'label.set' : 'label.undo';
  const stored = store.labels.get(w.entry.rowId, w.annotator.id, w.dimension);
  const before = stored ? (JSON.parse(stored.value) as LabelValue) : null;
  if (JSON.stringify(before) === JSON.stringify(w.value)) {
    if (w.reverts !== undefined)
      store.events.append({ actor: w.annotator.name, kind, entryId: w.entry.id, dimension: w.dimension, before: w.value, after: w.value, reverts: w.reverts });
    return false;
  }
  const at = now();
  if (w.value === null) store.labels.delete(w.entry.rowId, w.annotator.id, w.dimension);
  else store.labels.upsert(w.entry.rowId, w.annotator.id, w.dimension, JSON.stringify(w.value), w.codebookVersion, at);
  store.labels.startDraft(w.entry.rowId, w.annotator.id, at);
  store.events.append({ actor: w.annotator.name, kind, entryId: w.entry.id, dimension: w.dimension, before, after: w.value, reverts: w.reverts, at });
  return true;
}

/** The app: an annotator's note or submission status, written and logged when it changes. */
export function setOwnRecord(store: Store, table: OwnRecord, entry: EntryRef, annotator: Labeller, value: string): boolean {
  const before = store.labels.own(table, entry.rowId, annotator.id)?.value ?? OWN[table].empty;
  if (before === value) return false;
  const at = now();
  store.labels.putOwn(table, entry.rowId, annotator.id, value, at);
  store.events.append({ actor: annotator.name, kind: OWN[table].kind, entryId: entry.id, before, after: value, at });
  return true;
}

const OWN = {
  note: { kind: 'note.set', empty: '', field: 'text' },
  submission: { kind: 'submission.set', empty: 'todo', field: 'status' },
} as const;

/** Who an import writes for, and as whom it logs (the import's actor; the annotator is named inside the values). */
export interface ImportWrite {
  entry: EntryRef;
  annotator: Labeller;
  actor: string;
  at: string;
}

/** What an import's write did: nothing (the value was there), or a write with its event. */
export type ImportOutcome = 'unchanged' | 'logged';

/** An import writes the label the file holds, at the file's time when it gives one (else the import's). */
export function importLabel(
  store: Store,
  w: ImportWrite & { dimension: string; value: LabelValue; codebookVersion: string; updatedAt?: string },
): ImportOutcome {
  const json = JSON.stringify(w.value);
  const old = store.labels.get(w.entry.rowId, w.annotator.id, w.dimension);
  if (old?.value === json) return 'unchanged';
  store.labels.upsert(w.entry.rowId, w.annotator.id, w.dimension, json, w.codebookVersion, w.updatedAt ?? w.at);
  store.events.append({
    actor: w.actor,
    kind: 'label.set',
    entryId: w.entry.id,
    dimension: w.dimension,
    before: old ? { annotator: w.annotator.name, value: JSON.parse(old.value) } : null,
    after: { annotator: w.annotator.name, value: w.value },
    at: w.at,
  });
  return 'logged';
}

/**
 * An import's labels for annotators who have none stored yet, on entries nobody has decided
 * (nothing to compare with, nothing a decision could have overtaken): every one is
 * written, many to a statement, and counted by the import's one event rather than logged each.
 */
export function importNewLabels(store: Store, writes: (ImportWrite & { dimension: string; value: LabelValue; codebookVersion: string; updatedAt?: string })[]): number {
  return store.labels.upsertMany(writes.map((w) => [w.entry.rowId, w.annotator.id, w.dimension, JSON.stringify(w.value), w.codebookVersion, w.updatedAt ?? w.at]));
}

/** `importNewLabels` for submission statuses (or notes) of annotators who have none stored yet. */
export function importNewOwnRecords(store: Store, table: OwnRecord, writes: (ImportWrite & { value: string })[]): number {
  return store.labels.putOwnMany(table, writes.map((w) => [w.entry.rowId, w.annotator.id, w.value, w.at]));
}

/** An import writes a note, or marks the entry submitted (imported labels are finished work). */
export function importOwnRecord(store: Store, table: OwnRecord, w: ImportWrite & { value: string }): ImportOutcome {
  const old = store.labels.own(table, w.entry.rowId, w.annotator.id);
  if (old?.value === w.value) return 'unchanged';
  store.labels.putOwn(table, w.entry.rowId, w.annotator.id, w.value, w.at);
  const field = OWN[table].field;
  store.events.append({
    actor: w.actor,
    kind: OWN[table].kind,
    entryId: w.entry.id,
    before: old ? { annotator: w.annotator.name, [field]: old.value } : null,
    after: { annotator: w.annotator.name, [field]: w.value },
    at: w.at,
  });
  return 'logged';
}

/** Where a merge writes: the annotator's label, note or status on one entry (row ids), logged as the annotator. */
export interface MergeTarget {
  entry: { rowId: number; id: string };
  annotator: Labeller;
  /** The merge's time, for the event log (the registers keep their own times). */
  at: string;
}

/**
 * A merge writes the winning register of a label, with its own time (a cleared label leaves a
 * tombstone of that time). `retimed`: the value was already there, only its time moved on.
 */
export function mergeLabel(store: Store, t: MergeTarget & { dimension: string; current?: Register<LabelPayload>; best: Register<LabelPayload> }): 'set' | 'cleared' | 'retimed' {
  const before = t.current?.payload.value ?? null;
  const after = t.best.payload.value;
  if (after === null) {
    store.labels.delete(t.entry.rowId, t.annotator.id, t.dimension);
    // The delete trigger stamps the tombstone with the merge time; the pack's time replaces it.
    store.labels.putCleared(t.entry.rowId, t.annotator.id, t.dimension, t.best.payload.codebookVersion, t.best.at);
  } else store.labels.upsert(t.entry.rowId, t.annotator.id, t.dimension, JSON.stringify(after), t.best.payload.codebookVersion, t.best.at);
  if (stableJson(before) === stableJson(after)) return 'retimed';
  store.events.append({ actor: t.annotator.name, kind: 'label.set', entryId: t.entry.id, dimension: t.dimension, before, after, at: t.at });
  return after === null ? 'cleared' : 'set';
}

/** A merge writes the winning note or status, with its own time. */
export function mergeOwnRecord(store: Store, table: OwnRecord, t: MergeTarget & { current?: Register<string>; best: Register<string> }): 'set' | 'retimed' {
  store.labels.putOwn(table, t.entry.rowId, t.annotator.id, t.best.payload, t.best.at);
  if (t.current?.payload === t.best.payload) return 'retimed';
  store.events.append({ actor: t.annotator.name, kind: OWN[table].kind, entryId: t.entry.id, before: t.current?.payload ?? OWN[table].empty, after: t.best.payload, at: t.at });
  return 'set';
}

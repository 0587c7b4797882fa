import type { LabelValue } from '../shared/codebook/index.ts';
import { ConcordError, type ErrorLocation } from '../shared/errors.ts';
import { howTheyDiffer, lookalikeOf, nameProblem, printable } from '../shared/names.ts';
import { now } from './database.ts';
import type { AnnotatorRow, EntryRef, OwnRecord, Store } from './data/index.ts';
import { canonicalTime, compareText, stableJson } from './packs/format.ts';

/**
 * The label rules: the one place that says who may write an annotator's label (and their note and
 * submission status), whether a write happens, which of two writes wins, and what the event log
 * records. Every writer comes here: the app (the service), imports, and pack merges. Starter files
 * copy rows as they are (db/packs/starter.ts) and decide nothing.
 *
 * Which write wins is decided by a logical clock, never by a machine's wall clock: each annotator
 * has a counter (a Lamport clock) that every write of theirs moves on by one, and that a merge
 * moves up to the greatest clock it brings in. So a change an annotator makes after another one
 * (in the same file, or after merging it) always has the greater clock, whatever the machines'
 * clocks say; a laptop a year ahead changes the times shown, not the order. Two writes with the
 * same clock (made apart, on two copies) are ordered by their payload, then their time: an
 * arbitrary but fixed order, so merges stay idempotent and independent of order.
 *
 * - The app writes whenever the value differs (a label made on content that has since changed is
 *   written again even when its value is the same: the annotator has reviewed it).
 * - An import brings rows without clocks, made at an unknown time: they count as older than
 *   anything an annotator did in Concord. An import fills what is missing and replaces what an
 *   earlier import wrote, and keeps (and reports) every label, tombstone, note or status the
 *   annotator made.
 * - A merge keeps, per label, note and status, the greatest (clock, payload, time) seen.
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

/**
 * The name of an annotator about to be created (`name` is in NFC): refused when it hides what it
 * says (a control, right-to-left or zero-width character) or looks like someone already here or
 * among `alsoNew` (Unicode confusables, case), naming them, so one person cannot become two raters.
 */
export function admitAnnotatorName(store: Store, name: string, where: ErrorLocation = { field: 'name' }, alsoNew: string[] = []): void {
  const problem = nameProblem(name);
  if (problem) throw new ConcordError('bad-input', `the annotator name "${printable(name)}" ${problem}`, where);
  const like = lookalikeOf(name, [...store.annotators.names(), ...alsoNew]);
  if (like)
    throw new ConcordError(
      'bad-input',
      `the annotator name "${printable(name)}" looks like "${printable(like)}", who is already an annotator (they differ ${howTheyDiffer(name, like)}); use "${printable(like)}" or a name that cannot be taken for it`,
      where,
    );
}

// ---------------------------------------------------------------------------------------------
// Which write wins (merges)

/**
 * One label, note or submission status as a register: the greatest (clock, payload, time) seen
 * wins. Taking a maximum is idempotent, commutative and associative, so packs merged in any
 * order, any number of times, leave the same tables.
 */
export interface Register<P> {
  /** The logical clock of the write. */
  clock: number;
  /** When it was written, by the writer's machine: shown to people, and the last tie-break. */
  at: string;
  payload: P;
  /** Total order on payloads for ties on clock. */
  rank: string;
}

/** Whether `a` beats `b` (anything beats nothing): the greater clock, then payload, then time. */
export function wins<P>(a: Register<P>, b: Register<P> | undefined): boolean {
  if (!b) return true;
  return (Math.sign(a.clock - b.clock) || compareText(a.rank, b.rank) || compareText(a.at, b.at)) > 0;
}

export function sameRegister<P>(a: Register<P> | undefined, b: Register<P> | undefined): boolean {
  return !!a && !!b && a.clock === b.clock && a.rank === b.rank && a.at === b.at;
}

/**
 * A label's payload: the value (null: cleared), the codebook version it was made under, and the
 * content hash of the entry it was made on ('' for a cleared label).
 */
export type LabelPayload = { value: LabelValue | null; codebookVersion: string; madeOn: string };

export function labelRegister(clock: number, at: string, value: LabelValue | null, codebookVersion: string, madeOn: string): Register<LabelPayload> {
  const on = value === null ? '' : madeOn;
  return { clock, at, payload: { value, codebookVersion, madeOn: on }, rank: stableJson([value, codebookVersion, on]) };
}

export function ownRegister(clock: number, at: string, value: string): Register<string> {
  return { clock, at, payload: value, rank: value };
}

/** A label as this database holds it: the label, else its tombstone, else nothing. */
export function storedLabel(store: Store, entryRowId: number, annotatorId: number, dimension: string): Register<LabelPayload> | undefined {
  const row = store.labels.get(entryRowId, annotatorId, dimension);
  if (row) return labelRegister(row.clock, canonicalTime(row.updatedAt), JSON.parse(row.value) as LabelValue, row.codebookVersion, row.madeOn);
  const gone = store.labels.cleared(entryRowId, annotatorId, dimension);
  return gone ? labelRegister(gone.clock, canonicalTime(gone.clearedAt), null, gone.codebookVersion, '') : undefined;
}

/** A note (text) or submission status as this database holds it. */
export function storedOwn(store: Store, table: OwnRecord, entryRowId: number, annotatorId: number): Register<string> | undefined {
  const row = store.labels.own(table, entryRowId, annotatorId);
  return row ? ownRegister(row.clock, canonicalTime(row.at), row.value) : undefined;
}

// ---------------------------------------------------------------------------------------------
// Writes

/**
 * The app: an annotator sets (or, with null, clears) their own label now; with `reverts`, an undo
 * puts back the value that event replaced. Starts the entry as a draft. Returns false when the
 * value is already there (an undo is logged all the same, so the next undo goes further back).
 * The same value on a label made on the entry's earlier content is written again, as reviewed.
 */
export function setOwnLabel(
  store: Store,
  w: { entry: EntryRef; annotator: Labeller; dimension: string; value: LabelValue | null; codebookVersion: string; reverts?: number },
): boolean {
  const kind = w.reverts === undefined ? 'label.set' : 'label.undo';
  const stored = store.labels.get(w.entry.rowId, w.annotator.id, w.dimension);
  const before = stored ? (JSON.parse(stored.value) as LabelValue) : null;
  const reviewed = stored !== undefined && w.value !== null && store.entryVersions.isEarlier(w.entry.rowId, stored.madeOn);
  if (JSON.stringify(before) === JSON.stringify(w.value) && !reviewed) {
    if (w.reverts !== undefined)
      store.events.append({ actor: w.annotator.name, kind, entryId: w.entry.id, dimension: w.dimension, before: w.value, after: w.value, reverts: w.reverts });
    return false;
  }
  const at = now();
  const clock = store.labels.tick(w.annotator.id);
  if (w.value === null) {
    store.labels.delete(w.entry.rowId, w.annotator.id, w.dimension);
    store.labels.putCleared(w.entry.rowId, w.annotator.id, w.dimension, w.codebookVersion, at, clock);
  } else
    store.labels.upsert(w.entry.rowId, w.annotator.id, w.dimension, { valueJson: JSON.stringify(w.value), codebookVersion: w.codebookVersion, at, clock, imported: false, madeOn: null });
  store.labels.startDraft(w.entry.rowId, w.annotator.id, at, clock);
  if (JSON.stringify(before) === JSON.stringify(w.value))
    store.events.append({ actor: w.annotator.name, kind: 'label.review', entryId: w.entry.id, dimension: w.dimension, before, after: w.value, at });
  else store.events.append({ actor: w.annotator.name, kind, entryId: w.entry.id, dimension: w.dimension, before, after: w.value, reverts: w.reverts, at });
  return true;
}

/** The app: an annotator's note or submission status, written and logged when it changes. */
export function setOwnRecord(store: Store, table: OwnRecord, entry: EntryRef, annotator: Labeller, value: string): boolean {
  const before = store.labels.own(table, entry.rowId, annotator.id)?.value ?? OWN[table].empty;
  if (before === value) return false;
  const at = now();
  store.labels.putOwn(table, entry.rowId, annotator.id, { value, at, clock: store.labels.tick(annotator.id), imported: false });
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

/**
 * What an import did with one row: wrote it, found it already there, or kept what the project
 * holds because the annotator made it in Concord (a label, or a cleared label), which is newer
 * than any file.
 */
export type ImportOutcome = { outcome: 'set' } | { outcome: 'same' } | { outcome: 'kept'; kept: LabelValue | null };

/**
 * An import writes the label the file holds (at the file's time when it gives one, else the
 * import's), unless the annotator's own label or tombstone is there: that is kept.
 */
export function importLabel(store: Store, w: ImportWrite & { dimension: string; value: LabelValue; codebookVersion: string; updatedAt?: string }): ImportOutcome {
  const json = JSON.stringify(w.value);
  const old = store.labels.get(w.entry.rowId, w.annotator.id, w.dimension);
  if (old?.value === json) {
    // The same value from a file with the entry's new content: now made on that content.
    if (old.imported && store.entryVersions.isEarlier(w.entry.rowId, old.madeOn))
      store.labels.upsert(w.entry.rowId, w.annotator.id, w.dimension, {
        valueJson: json,
        codebookVersion: old.codebookVersion,
        at: old.updatedAt,
        clock: store.labels.tick(w.annotator.id),
        imported: true,
        madeOn: null,
      });
    return { outcome: 'same' };
  }
  if (old && !old.imported) return { outcome: 'kept', kept: JSON.parse(old.value) as LabelValue };
  if (!old && store.labels.cleared(w.entry.rowId, w.annotator.id, w.dimension)) return { outcome: 'kept', kept: null };
  store.labels.upsert(w.entry.rowId, w.annotator.id, w.dimension, {
    valueJson: json,
    codebookVersion: w.codebookVersion,
    at: w.updatedAt ?? w.at,
    clock: store.labels.tick(w.annotator.id),
    imported: true,
    madeOn: null,
  });
  store.events.append({
    actor: w.actor,
    kind: 'label.set',
    entryId: w.entry.id,
    dimension: w.dimension,
    before: old ? { annotator: w.annotator.name, value: JSON.parse(old.value) } : null,
    after: { annotator: w.annotator.name, value: w.value },
    at: w.at,
  });
  return { outcome: 'set' };
}

/** The next clocks of each annotator, handed out one by one for a batch; `close` moves the stored counters past them. */
function clockRun(store: Store) {
  const last = new Map<number, number>();
  return {
    next(annotatorId: number): number {
      const c = (last.get(annotatorId) ?? store.labels.clockOf(annotatorId)) + 1;
      last.set(annotatorId, c);
      return c;
    },
    close(): void {
      for (const [id, c] of last) store.labels.observe(id, c);
    },
  };
}

/**
 * An import's labels for annotators who have none stored yet (no label, no cleared label), on
 * entries nobody has decided (nothing to keep, nothing a decision could have overtaken): every
 * one is written as a file's label, each with its own clock, many to a statement, and counted by
 * the import's one event rather than logged each.
 */
export function importNewLabels(store: Store, writes: (ImportWrite & { dimension: string; valueJson: string; codebookVersion: string; updatedAt?: string })[]): number {
  const clocks = clockRun(store);
  const n = store.labels.insertImported(writes.map((w) => [w.entry.rowId, w.annotator.id, w.dimension, w.valueJson, w.codebookVersion, w.updatedAt ?? w.at, clocks.next(w.annotator.id)]));
  clocks.close();
  return n;
}

/** `importNewLabels` for submission statuses (or notes) of annotators who have none stored yet. */
export function importNewOwnRecords(store: Store, table: OwnRecord, writes: (ImportWrite & { value: string })[]): number {
  const clocks = clockRun(store);
  const n = store.labels.putOwnImported(table, writes.map((w) => [w.entry.rowId, w.annotator.id, w.value, w.at, clocks.next(w.annotator.id)]));
  clocks.close();
  return n;
}

/**
 * An import writes a note, or marks the entry submitted (imported labels are finished work).
 * Returns false when already so, or when the annotator wrote their own note or status in Concord
 * (that is kept).
 */
export function importOwnRecord(store: Store, table: OwnRecord, w: ImportWrite & { value: string }): boolean {
  const old = store.labels.own(table, w.entry.rowId, w.annotator.id);
  if (old?.value === w.value || (old && !old.imported)) return false;
  store.labels.putOwn(table, w.entry.rowId, w.annotator.id, { value: w.value, at: w.at, clock: store.labels.tick(w.annotator.id), imported: true });
  const field = OWN[table].field;
  store.events.append({
    actor: w.actor,
    kind: OWN[table].kind,
    entryId: w.entry.id,
    before: old ? { annotator: w.annotator.name, [field]: old.value } : null,
    after: { annotator: w.annotator.name, [field]: w.value },
    at: w.at,
  });
  return true;
}

/** Where a merge writes: the annotator's label, note or status on one entry (row ids), logged as the annotator. */
export interface MergeTarget {
  entry: { rowId: number; id: string };
  annotator: Labeller;
  /** The merge's time, for the event log (the registers keep their own times). */
  at: string;
}

/**
 * A merge writes the winning register of a label, with its own clock and time (a cleared label
 * leaves a tombstone of that clock and time), and moves the annotator's clock up to it.
 * `retimed`: the value was already there, only its clock moved on.
 */
export function mergeLabel(store: Store, t: MergeTarget & { dimension: string; current?: Register<LabelPayload>; best: Register<LabelPayload> }): 'set' | 'cleared' | 'retimed' {
  const before = t.current?.payload.value ?? null;
  const after = t.best.payload.value;
  if (after === null) {
    store.labels.delete(t.entry.rowId, t.annotator.id, t.dimension);
    store.labels.putCleared(t.entry.rowId, t.annotator.id, t.dimension, t.best.payload.codebookVersion, t.best.at, t.best.clock);
  } else
    store.labels.upsert(t.entry.rowId, t.annotator.id, t.dimension, {
      valueJson: JSON.stringify(after),
      codebookVersion: t.best.payload.codebookVersion,
      at: t.best.at,
      clock: t.best.clock,
      imported: false,
      madeOn: t.best.payload.madeOn,
    });
  store.labels.observe(t.annotator.id, t.best.clock);
  if (stableJson(before) === stableJson(after)) return 'retimed';
  store.events.append({ actor: t.annotator.name, kind: 'label.set', entryId: t.entry.id, dimension: t.dimension, before, after, at: t.at });
  return after === null ? 'cleared' : 'set';
}

/** A merge writes the winning note or status, with its own clock and time. */
export function mergeOwnRecord(store: Store, table: OwnRecord, t: MergeTarget & { current?: Register<string>; best: Register<string> }): 'set' | 'retimed' {
  store.labels.putOwn(table, t.entry.rowId, t.annotator.id, { value: t.best.payload, at: t.best.at, clock: t.best.clock, imported: false });
  store.labels.observe(t.annotator.id, t.best.clock);
  if (t.current?.payload === t.best.payload) return 'retimed';
  store.events.append({ actor: t.annotator.name, kind: OWN[table].kind, entryId: t.entry.id, before: t.current?.payload ?? OWN[table].empty, after: t.best.payload, at: t.at });
  return 'set';
}

// ---------------------------------------------------------------------------------------------
// The codebook changes under labels (db/codebook-edit.ts, db/reviews.ts)

/**
 * The lead moves a label off a value that left the codebook (retired, merged, split): the label
 * keeps the codebook version it was made under, so it reads as made under the older meaning and
 * is listed for re-review. Null clears it. Logged as `label.remap` by the lead, naming the
 * annotator inside the values (as imports do), so an annotator's undo never reverts it.
 */
export function remapLabel(
  store: Store,
  w: { entry: { rowId: number; id: string }; annotator: Labeller; dimension: string; before: LabelValue; value: LabelValue | null; codebookVersion: string; actor: string; at: string },
): void {
  // A write to the annotator's label like any other: it moves their clock on, so it wins over
  // every earlier copy of the label when packs merge; where it came from and what it was made on stay.
  const stored = store.labels.get(w.entry.rowId, w.annotator.id, w.dimension);
  const clock = store.labels.tick(w.annotator.id);
  if (w.value === null) {
    store.labels.delete(w.entry.rowId, w.annotator.id, w.dimension);
    store.labels.putCleared(w.entry.rowId, w.annotator.id, w.dimension, w.codebookVersion, w.at, clock);
  } else
    store.labels.upsert(w.entry.rowId, w.annotator.id, w.dimension, {
      valueJson: JSON.stringify(w.value),
      codebookVersion: w.codebookVersion,
      at: w.at,
      clock,
      imported: stored?.imported ?? false,
      madeOn: stored?.madeOn ?? null,
    });
  store.events.append({
    actor: w.actor,
    kind: 'label.remap',
    entryId: w.entry.id,
    dimension: w.dimension,
    before: { annotator: w.annotator.name, value: w.before },
    after: { annotator: w.annotator.name, value: w.value },
    at: w.at,
  });
}

/**
 * An annotator keeps a label as it is under the current codebook: it is written again with the
 * current version (the value unchanged), so it no longer reads as made under an older meaning.
 * Returns false when there is no label to keep.
 */
export function confirmLabel(store: Store, w: { entry: EntryRef; annotator: Labeller; dimension: string; codebookVersion: string }): boolean {
  const stored = store.labels.get(w.entry.rowId, w.annotator.id, w.dimension);
  if (!stored) return false;
  const at = now();
  store.labels.upsert(w.entry.rowId, w.annotator.id, w.dimension, {
    valueJson: stored.value,
    codebookVersion: w.codebookVersion,
    at,
    clock: store.labels.tick(w.annotator.id),
    imported: false,
    madeOn: stored.madeOn,
  });
  store.events.append({
    actor: w.annotator.name,
    kind: 'label.confirm',
    entryId: w.entry.id,
    dimension: w.dimension,
    before: { codebookVersion: stored.codebookVersion },
    after: { codebookVersion: w.codebookVersion },
    at,
  });
  return true;
}

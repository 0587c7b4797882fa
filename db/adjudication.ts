import { canonicalLabelValue, dimensionApplies, isEmptyValue, type Codebook, type Dimension, type LabelValue } from '../shared/codebook/index.ts';
import { checkPinnedLines } from './lines.ts';
import {
  consensusOf,
  methodFor,
  orderQueue,
  overridesMajority,
  queueItem,
  type AnnotatorValue,
  type ConsensusStatus,
  type Decision,
  type DecisionMethod,
  type DimensionConsensus,
  type QueueItem,
  conflictReason,
  valueKey,
} from '../shared/consensus/index.ts';
import { ConcordError, badInput } from '../shared/errors.ts';
import { compareIds } from '../shared/ids.ts';
import type { Entry } from '../shared/types.ts';
import { now, type Db } from './database.ts';
import type { AcceptMajoritiesResult, AdjudicationEntry, AdjudicationSummary, QueuePage, UndoResult } from '../shared/consensus/results.ts';
import { DEFAULT_QUEUE_PAGE } from '../shared/consensus/api-args.ts';
import { countsAs, raterRule, standingOf, type RaterRule } from './assignments.ts';
import { ConsensusIndex, dimState, seedOf, type ConsensusSeed, type DimState, type EntryState } from './consensus-index.ts';
import { openStore, TEXT_FIELDS, type DecisionRow, type EventRow, type Store } from './data/index.ts';
import { studySliceReads, type StudyEntryRow, type StudyLabelRow } from './data/streams.ts';
import { currentForAgreement, groupedForConsensus } from './data/agreement-rows.ts';
import { categoryReading } from '../shared/agreement/categories.ts';
import { strictMajorityAt } from '../shared/agreement/coders.ts';

export type { AcceptMajoritiesResult, AdjudicationEntry, AdjudicationSummary, QueuePage, UndoResult };

/**
 * Consensus and adjudication on the database: gathers the annotators' labels, says where they
 * agree, and records decisions. Decisions live in their own table and never touch a label.
 */

export interface StudyOptions {
  /** Count draft labels too; by default only entries an annotator submitted count. */
  includeDrafts?: boolean;
  /** Read every entry's prompt too (`StudyEntry.prompt`). */
  prompts?: boolean;
}

export interface StudyEntry {
  rowId: number;
  id: string;
  passed: boolean | null;
  metadata: Record<string, string | undefined>;
  /** Read only when asked for (`StudyOptions.prompts`): a release writes it. */
  prompt?: string;
}

/** Everything consensus and the exports read, loaded once, in a stable order. */
export interface Study {
  codebook: Codebook;
  /** By external id, in the natural order of ids (shared/ids.ts). */
  entries: StudyEntry[];
  /** Annotators with at least one counted label (see `raterRule`), sorted case-insensitively. */
  annotators: string[];
  /** entry row id -> dimension -> each annotator's value (annotators in `annotators` order). */
  labels: Map<number, Map<string, AnnotatorValue[]>>;
  decisions: Map<number, Map<string, Decision>>;
  /** entry row id -> dimensions whose decision predates a change to a counted label (see `staleDecisions`). */
  stale: Map<number, Set<string>>;
  /** Who counts on which entry. */
  raters: RaterRule;
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Names: case-insensitively, then by code point. */
function compareNames(a: string, b: string): number {
  return compareText(a.toLowerCase(), b.toLowerCase()) || compareText(a, b);
}

/**
 * The study, whole; or, with `only` (an entry's row id), the part of it one entry's consensus
 * needs, read through that entry's indexes: the same values, decisions and staleness for it as
 * the whole study gives (`annotators` still names everyone with a counted label anywhere, so
 * hidden names keep their letters from entry to entry).
 */
export function readStudy(db: Db, opts: StudyOptions = {}, only?: number): Study {
  const store = openStore(db);
  const codebook = store.project.codebook();
  const one = only === undefined ? undefined : store.entries.studyEntry(only);
  const entries: StudyEntry[] = only === undefined ? store.entries.forStudy() : one ? [one] : [];
  if (opts.prompts && only !== undefined) for (const e of entries) e.prompt = store.entries.fieldOf(e.rowId, TEXT_FIELDS.prompt) ?? '';
  else if (opts.prompts) {
    const prompts = store.entries.fieldOfAll(TEXT_FIELDS.prompt);
    for (const e of entries) e.prompt = prompts.get(e.rowId) ?? '';
  }
  const annotators = store.annotators.namesWithRole('annotator').sort(compareNames);

  // Who votes is raterRule's answer: role 'annotator' (reference labels and leads never vote) and,
  // once the project assigns entries, only on the entries assigned to them.
  const rule = raterRule(db, only === undefined ? {} : { entry: only });
  const rows = only === undefined ? store.labels.forStudy(!!opts.includeDrafts) : studySliceReads(db).labelsOn([only], !!opts.includeDrafts);
  // Exports list only annotators whose labels count (someone with drafts only has nothing to show).
  const counted = only === undefined ? new Set<string>() : countedAnywhere(store, opts, rule);
  const labels = studyLabels(rows, rule, annotators, only === undefined ? counted : undefined);

  const decisions = decisionsOf(only === undefined ? store.decisions.all() : store.decisions.ofEntry(only));
  const stale = !decisions.size
    ? new Map<number, Set<string>>()
    : staleDecisions(store, decisions, rule, opts, only === undefined ? wholeStaleReads(store) : staleReadsOn(db, entries, decisions));
  return { codebook, entries, annotators: annotators.filter((n) => counted.has(n)), labels, decisions, stale, raters: rule };
}

/** The study a slice at a time: what depends on no entry, and the slices. */
export interface StudyInSlices extends Pick<Study, 'codebook' | 'annotators' | 'raters'> {
  /** Each slice: its entries, in the study's order, with their labels, decisions and staleness. */
  slices(): Generator<Study>;
}

/**
 * The whole study as `readStudy` gives it, `size` entries at a time in the same order: each slice
 * holds its own entries' labels, decisions and staleness, and the same codebook, annotators and
 * rater rule as the whole. For an export that writes as it reads: at 100,000 entries the whole
 * study at once held some 200 MB (db/exports/labels-slices.test.ts holds each slice, and the
 * exports made of them, equal to the whole study's).
 */
export function studyInSlices(db: Db, opts: StudyOptions, size: number): StudyInSlices {
  const store = openStore(db);
  const reads = studySliceReads(db);
  const codebook = store.project.codebook();
  const everyone = store.annotators.namesWithRole('annotator').sort(compareNames);
  const rule = raterRule(db);
  // Who has a counted label anywhere: asked of the whole study, which no slice can tell.
  const counted = countedAnywhere(store, opts, rule);
  const annotators = everyone.filter((n) => counted.has(n));
  function* slices(): Generator<Study> {
    const interned = newInterned();
    let after: StudyEntryRow | null = null;
    for (;;) {
      const rows = reads.entriesAfter(after, size);
      if (!rows.length) return;
      after = rows[rows.length - 1];
      const entries: StudyEntry[] = rows.map((r) => ({ rowId: r.id, id: r.ext_id, passed: r.passed === null ? null : r.passed === 1, metadata: JSON.parse(r.metadata) }));
      const rowIds = entries.map((e) => e.rowId);
      if (opts.prompts) {
        const prompts = reads.fieldOn(TEXT_FIELDS.prompt, rowIds);
        for (const e of entries) e.prompt = prompts.get(e.rowId) ?? '';
      }
      const labels = studyLabels(reads.labelsOn(rowIds, !!opts.includeDrafts), rule, everyone, undefined, interned);
      const decisions = decisionsOf(reads.decisionsOn(rowIds));
      const stale = !decisions.size
        ? new Map<number, Set<string>>()
        : staleDecisions(store, decisions, rule, opts, staleReadsOn(db, entries, decisions));
      yield { codebook, entries, annotators, labels, decisions, stale, raters: rule };
    }
  }
  return { codebook, annotators, raters: rule, slices };
}

/**
 * Annotators with a counted label anywhere in the study (raterRule's: role annotator, no machine
 * coder, submitted unless drafts count, on an entry assigned to them once entries are assigned),
 * asked of the database rather than gathered from the labels read.
 */
function countedAnywhere(store: Store, opts: StudyOptions, rule: RaterRule): Set<string> {
  const machines = new Set(store.annotators.machines());
  return new Set(store.labels.countedAnnotators(!!opts.includeDrafts, rule.byAssignment).filter((n) => !machines.has(n)));
}

/** Strings shared across the labels read: names and plain values, each one string however often it repeats. */
function newInterned() {
  return { names: new Map<string, string>(), plain: new Map<string, LabelValue>() };
}

/**
 * The counted labels among `rows`, by entry and dimension, each list in the order of `annotators`;
 * with `counted`, adds the name of everyone with a counted label to it.
 */
function studyLabels(
  rows: Iterable<StudyLabelRow>,
  rule: RaterRule,
  annotators: string[],
  counted?: Set<string>,
  { names, plain } = newInterned(),
): Map<number, Map<string, AnnotatorValue[]>> {
  const rank = new Map(annotators.map((n, i) => [n, i]));
  const labels = new Map<number, Map<string, AnnotatorValue[]>>();
  // A million labels name a few annotators and dimensions and mostly repeat a few values: one
  // string per name, and one parsed value per distinct text where it is a plain string (never
  // shared when it is an object, which a reader could change).
  for (const r of rows) {
    if (!rule.counts(r.entry_id, r.name)) continue;
    const name = names.get(r.name) ?? (names.set(r.name, r.name), r.name);
    counted?.add(name);
    let byDim = labels.get(r.entry_id);
    if (!byDim) labels.set(r.entry_id, (byDim = new Map()));
    let list = byDim.get(r.dimension);
    if (!list) byDim.set(names.get(r.dimension) ?? (names.set(r.dimension, r.dimension), r.dimension), (list = []));
    let value = plain.get(r.value);
    if (value === undefined) {
      value = JSON.parse(r.value) as LabelValue;
      if (typeof value === 'string' && plain.size < 100_000) plain.set(r.value, value);
    }
    list.push({ annotator: name, value });
  }
  for (const byDim of labels.values()) for (const list of byDim.values()) list.sort((a, b) => rank.get(a.annotator)! - rank.get(b.annotator)!);
  return labels;
}

/**
 * The decisions that labels overtook: a counted annotator's label on that entry and dimension
 * changed after the decision was recorded. "After" is read from the event log, in the order of
 * the writes, not from the label's own time: a pack merged today may carry a label its annotator
 * made last week on a laptop, and the decision made in between never saw it. The decision is
 * placed at the `decision.set` event that wrote it (an undo that restores an older decision puts
 * back that older one, with its place). Every label change is logged, whoever wrote it (the app,
 * an undo, a pack merge, an import); a decision without its event (written by another tool) is
 * compared by time instead: a counted label updated after `decided_at`.
 *
 * Counted, as in consensus: a rater on that entry (`raterRule`), and submitted on that entry
 * unless drafts count. Someone who labels an entry not assigned to them never reopens it.
 * A label that changed and changed back still makes the decision stale: someone should look.
 * `read` gives what the decisions' entries need (the whole study's, one entry's or a slice's):
 * which of them are decided, who submitted them, the last changes the log holds on them.
 */
function staleDecisions(store: Store, decisions: Map<number, Map<string, Decision>>, rule: RaterRule, opts: StudyOptions, read: () => StaleReads): Map<number, Set<string>> {
  const { decided: extIds, submitted, changes: rows } = read();
  const counts = (entryRowId: number, who: string) => rule.counts(entryRowId, who) && (opts.includeDrafts || submitted.has(`${entryRowId}\u0000${who}`));
  const key = (entryRowId: number, dimension: string) => `${entryRowId}\u0000${dimension}`;

  // Where each decision was written: the last decision.set event that recorded exactly it.
  const placed = new Map<string, number>();
  // The last label change per entry, dimension and labeller. Imports log as "import" and name the
  // annotator inside the value; every other writer logs as the annotator.
  const changed = new Map<string, { who: string; id: number }[]>();
  for (const r of rows) {
    const rowId = extIds.get(r.e);
    if (rowId === undefined || r.tag === null) continue;
    const decision = decisions.get(rowId)?.get(r.d);
    if (!decision) continue;
    const k = key(rowId, r.d);
    if (r.kind === 'decision.set') {
      if (r.tag === decision.decidedAt) placed.set(k, Math.max(placed.get(k) ?? 0, r.id));
    } else if (counts(rowId, r.tag)) {
      const list = changed.get(k) ?? [];
      changed.set(k, list);
      list.push({ who: r.tag, id: r.id });
    }
  }

  const out = new Map<number, Set<string>>();
  for (const [rowId, byDim] of decisions)
    for (const [dimension, decision] of byDim) {
      const k = key(rowId, dimension);
      const at = placed.get(k);
      const isStale =
        at !== undefined
          ? (changed.get(k) ?? []).some((c) => c.id > at)
          : store.labels.timesOn(rowId, dimension).some((l) => counts(rowId, l.name) && l.at > decision.decidedAt);
      if (!isStale) continue;
      const set = out.get(rowId) ?? new Set<string>();
      out.set(rowId, set);
      set.add(dimension);
    }
  return out;
}

/** What `staleDecisions` reads of the decided entries: external id -> row id, "row id NUL name" of each submission, the log's last changes. */
interface StaleReads {
  decided: Map<string, number>;
  submitted: Set<string>;
  changes: { e: string; d: string; kind: string; tag: string | null; id: number }[];
}

/** `StaleReads` of the whole study. */
const wholeStaleReads = (store: Store) => (): StaleReads => ({
  decided: store.decisions.decidedEntries(),
  submitted: store.labels.submittedPairs(),
  changes: store.events.lastChangesOnDecidedEntries(),
});

/** `StaleReads` of some entries (a slice, or one entry) with their `decisions`, through the entries' indexes. */
const staleReadsOn = (db: Db, entries: StudyEntry[], decisions: Map<number, Map<string, Decision>>) => (): StaleReads => {
  const reads = studySliceReads(db);
  const decided = new Map(entries.filter((e) => decisions.has(e.rowId)).map((e) => [e.id, e.rowId]));
  return { decided, submitted: reads.submittedPairsOn([...decided.values()]), changes: reads.lastChangesOn([...decided.keys()]) };
};

/** Decisions by entry row id, then dimension. */
function decisionsOf(rows: DecisionRow[]): Map<number, Map<string, Decision>> {
  const decisions = new Map<number, Map<string, Decision>>();
  for (const r of rows) {
    const byDim = decisions.get(r.entry_id) ?? new Map<string, Decision>();
    decisions.set(r.entry_id, byDim);
    byDim.set(r.dimension, toDecision(r));
  }
  return decisions;
}

function toDecision(r: DecisionRow): Decision {
  return { value: JSON.parse(r.value), method: r.method, decidedBy: r.decided_by, rationale: r.rationale, decidedAt: r.decided_at };
}

/**
 * Consensus of one entry on every dimension that applies to it, and on any dimension that does
 * not apply but carries labels all the same: a conflict (a bug label on an output that passed).
 */
export function entryConsensus(study: Study, entry: StudyEntry): DimensionConsensus[] {
  const labels = study.labels.get(entry.rowId);
  const decisions = study.decisions.get(entry.rowId);
  const stale = study.stale.get(entry.rowId);
  return study.codebook.dimensions
    .filter((d) => d.kind !== 'text')
    .flatMap((d) => dimensionConsensus(d, entry, labels?.get(d.id) ?? [], decisions?.get(d.id) ?? null, stale?.has(d.id) ?? false) ?? []);
}

/** Consensus of one entry on one dimension, or null when the dimension does not apply and carries no label. */
function dimensionConsensus(d: Dimension, entry: { passed: boolean | null }, values: AnnotatorValue[], decision: Decision | null, stale: boolean): DimensionConsensus | null {
  const applies = dimensionApplies(d, entry);
  if (!applies && !values.some((v) => !isEmptyValue(v.value))) return null;
  return consensusOf(d, values, decision, stale, applies ? null : conflictReason(d, entry.passed));
}

/** The final value of every entry on every dimension (decision, else unanimous value), null without one. */
export function finalValues(study: Study): Map<string, Map<string, DimensionConsensus>> {
  const out = new Map<string, Map<string, DimensionConsensus>>();
  for (const e of study.entries) out.set(e.id, new Map(entryConsensus(study, e).map((c) => [c.dimension, c])));
  return out;
}

/**
 * What the consensus index keeps of every entry (db/consensus-index.ts), from the whole study at
 * once: the same states as `entryConsensus` gives entry by entry (consensus-index.test.ts holds
 * them equal), computed the way a study of 100,000 entries allows. The labels come grouped per
 * entry and dimension, as numbers, from the label columns agreement keeps (`groupedForConsensus`); and
 * since consensus depends only on the labels, the decision's presence, staleness and the test
 * result, each distinct case is computed once and its state shared by every entry in that case
 * (100,000 entries of three annotators hold a few thousand).
 */
export function consensusStates(db: Db, opts: StudyOptions = {}): Map<number, EntryState> {
  return everyConsensus(db, opts, dimState, false);
}

/**
 * A value read from every entry's consensus on each dimension (`pick`: its final value, the
 * human consensus), by entry id, computed as `consensusStates` computes the index's states. A
 * decided dimension is computed on its own, since what `pick` reads may be the decision's value.
 * The coder and machine figures read the same values at once (`consensusReference`); the tests
 * hold the two equal.
 */
export function consensusValues<T>(db: Db, opts: StudyOptions, pick: (c: DimensionConsensus) => T): Map<string, Map<string, T>> {
  const out = new Map<string, Map<string, T>>();
  for (const { id, dims } of consensusByRow(db, opts, pick).values()) out.set(id, new Map(dims));
  return out;
}

/** `consensusValues` by entry row id: each entry's [dimension, value] pairs. */
export function consensusByRow<T>(db: Db, opts: StudyOptions, pick: (c: DimensionConsensus) => T): Map<number, { id: string; dims: (readonly [string, T])[] }> {
  return everyConsensus(db, opts, (c) => [c.dimension, pick(c)] as const, true);
}

/** What the coder and machine figures compare with, of each entry's consensus (see `consensusReference`). */
export type ReferencePick = 'final' | 'human';

/** A value of every entry's consensus on one dimension: per entry row id, its index in `values` (-1 or past the end: none). */
export interface ConsensusReference {
  at: Int32Array;
  values: LabelValue[];
}

/**
 * One value of every entry's consensus on each categorical dimension of `dimensions` (those
 * `categoryReading` reads), as `consensusByRow` gives it: 'final' reads `c.final` (the decision,
 * else the value every counted annotator agreed on), 'human' the human consensus (the decision,
 * else what a strict majority chose, unanimity included: `humanConsensus` in agreement-figures).
 * The coder and machine figures compare with it at 100,000 entries, where a consensus object per
 * entry and dimension took a third of their time: one pass over the kept label columns counts each
 * entry's counted non-empty values and whether they all read the same; only where they differ and
 * a majority is asked for are they gathered, and their proposal found (on these kinds it depends
 * neither on the values' order nor on who chose them). consensus-reference.test.ts holds it equal
 * to `consensusByRow`.
 */
export function consensusReference(db: Db, opts: StudyOptions, pick: ReferencePick, dimensions: Dimension[]): Map<string, ConsensusReference> {
  const store = openStore(db);
  const dims = dimensions.filter((d) => categoryReading(d) !== null);
  const { rows, submitted, assigned } = currentForAgreement(db);
  // Who votes (raterRule's rule, as `everyConsensus` applies it), per annotator id: bit 1 on the
  // entries not assigned to them, bit 2 on those assigned.
  const kinds = store.annotators.kinds();
  const byAssignment = store.assignments.any();
  const people = store.annotators.all();
  const size = people.reduce((m, a) => Math.max(m, a.id + 1), 0);
  const votes = new Uint8Array(size);
  for (const a of people) {
    const counts = (isAssigned: boolean) => countsAs(standingOf(a.role, byAssignment, isAssigned, false, kinds.get(a.name) === 'machine'));
    votes[a.id] = (counts(false) ? 1 : 0) | (counts(true) ? 2 : 0);
  }
  const submittedBy = Array.from({ length: size }, (_, a) => submitted.get(a));
  const assignedTo = Array.from({ length: size }, (_, a) => assigned.get(a));
  const slotOf = Int32Array.from(rows.dimensions, (id) => dims.findIndex((d) => d.id === id));

  // The distinct values (by valueKey: two texts of one value are one value); per stored text, its
  // place among them, -1 when empty, -2 before it is read.
  const values: LabelValue[] = [];
  const known = new Map<string, number>();
  const distinct = new Int32Array(rows.values.length).fill(-2);
  /** The distinct value of label i when it counts on a dimension asked for, else -1. */
  const countedValue = (i: number): number => {
    const a = rows.annotator[i];
    if (slotOf[rows.dimension[i]] < 0 || a < 0 || a >= size) return -1;
    const e = rows.entry[i];
    if (!opts.includeDrafts && submittedBy[a]?.[e] !== 1) return -1;
    if ((votes[a] & (assignedTo[a]?.[e] === 1 ? 2 : 1)) === 0) return -1;
    const v = rows.value[i];
    if (distinct[v] === -2) {
      const value = JSON.parse(rows.values[v]) as LabelValue;
      const key = valueKey(value);
      let at = known.get(key);
      if (at === undefined && !isEmptyValue(value)) known.set(key, (at = values.push(value) - 1));
      distinct[v] = at ?? -1;
    }
    return distinct[v];
  };

  // Per dimension and entry (slot * entries + entry row id): how many counted values, the first, whether another differs.
  let entries = 0;
  for (let i = 0; i < rows.count; i++) if (rows.entry[i] >= entries) entries = rows.entry[i] + 1;
  const count = new Int32Array(dims.length * entries);
  const first = new Int32Array(dims.length * entries);
  const differs = new Uint8Array(dims.length * entries);
  for (let i = 0; i < rows.count; i++) {
    const c = countedValue(i);
    if (c < 0) continue;
    const k = slotOf[rows.dimension[i]] * entries + rows.entry[i];
    if (count[k]++ === 0) first[k] = c;
    else if (first[k] !== c) differs[k] = 1;
  }

  // Where the values differ, a strict majority may still propose one (asked for 'human' only):
  // each such group's values gathered in one array. One value per entry (single, ordinal): the
  // value a strict majority chose. Sets (multi, tree): `consensusOf`'s proposal, found once per
  // distinct collection of sets (looked up value by value in sorted order: no text per group).
  type Proposals = { next: Map<number, Proposals>; at?: number };
  const proposals: Proposals[] = dims.map(() => ({ next: new Map() }));
  const proposalOf = (slot: number, ids: Int32Array): number => {
    if (dims[slot].kind === 'single' || dims[slot].kind === 'ordinal') {
      const top = strictMajorityAt(ids);
      return top < 0 ? -1 : ids[top];
    }
    let node = proposals[slot];
    for (const id of ids.sort()) {
      let next = node.next.get(id);
      if (!next) node.next.set(id, (next = { next: new Map() }));
      node = next;
    }
    if (node.at === undefined) {
      const c = consensusOf(dims[slot], Array.from(ids, (id) => ({ annotator: '', value: values[id] })));
      node.at = c.labelStatus === 'majority' && c.proposal !== null ? values.push(c.proposal) - 1 : -1;
    }
    return node.at;
  };
  const majority = new Int32Array(pick === 'human' ? dims.length * entries : 0);
  if (pick === 'human') {
    // `next[k]`: where group k's next value goes.
    const next = new Int32Array(majority.length);
    let total = 0;
    for (let k = 0; k < next.length; k++)
      if (differs[k]) {
        next[k] = total;
        total += count[k];
      }
    const gathered = new Int32Array(total);
    for (let i = 0; i < rows.count; i++) {
      const c = countedValue(i);
      if (c < 0) continue;
      const k = slotOf[rows.dimension[i]] * entries + rows.entry[i];
      if (differs[k]) gathered[next[k]++] = c;
    }
    for (let k = 0; k < next.length; k++) if (differs[k]) majority[k] = proposalOf(Math.floor(k / entries), gathered.subarray(next[k] - count[k], next[k]));
  }

  // Each decision on a dimension asked for, its stored value read once per distinct text.
  const decisionValue = new Map<string, number>();
  const decisions: { rowId: number; slot: number; value: number }[] = [];
  let span = entries;
  for (const r of store.decisions.all()) {
    const slot = dims.findIndex((d) => d.id === r.dimension);
    if (slot < 0) continue;
    let value = decisionValue.get(r.value);
    if (value === undefined) decisionValue.set(r.value, (value = values.push(JSON.parse(r.value) as LabelValue) - 1));
    decisions.push({ rowId: r.entry_id, slot, value });
    span = Math.max(span, r.entry_id + 1);
  }
  // A decision is the value wherever the entry has a consensus on the dimension at all: labels sit
  // on it, or it applies to the entry (the test result, read of the unlabelled ones, may say not).
  const labelled = ({ rowId, slot }: { rowId: number; slot: number }) => rowId < entries && count[slot * entries + rowId] > 0;
  const unlabelled = decisions.filter((d) => !labelled(d) && dims[d.slot].appliesWhen).map((d) => d.rowId);
  const passed = unlabelled.length ? store.entries.testResultsOf(unlabelled) : new Map<number, 0 | 1 | null>();

  const out = new Map<string, ConsensusReference>();
  const ats = dims.map((d, slot) => {
    const at = new Int32Array(span).fill(-1);
    for (let e = 0; e < entries; e++) {
      const k = slot * entries + e;
      if (differs[k]) at[e] = pick === 'human' ? majority[k] : -1;
      else if (count[k] >= 2) at[e] = first[k];
    }
    out.set(d.id, { at, values });
    return at;
  });
  for (const decision of decisions) {
    const bit = passed.get(decision.rowId);
    if (labelled(decision) || dimensionApplies(dims[decision.slot], { passed: bit === undefined || bit === null ? null : bit === 1 })) ats[decision.slot][decision.rowId] = decision.value;
  }
  return out;
}

/**
 * Every entry's consensus, each dimension's read by `pick`, from the whole study at once (see
 * `consensusStates`). Entries that share a case share what `pick` made of it, unless
 * `decisionValueMatters` and the dimension is decided.
 */
function everyConsensus<T>(db: Db, opts: StudyOptions, pick: (c: DimensionConsensus) => T, decisionValueMatters: boolean): Map<number, { id: string; key: string; dims: T[] }> {
  const store = openStore(db);
  const dims = store.project.codebook().dimensions.filter((d) => d.kind !== 'text');
  const dimAt = new Map(dims.map((d, i) => [d.id, i]));
  // Who votes: raterRule's rule, from what it depends on (role, kind, whether the entry is theirs), per annotator id.
  const kinds = store.annotators.kinds();
  const people = new Map(store.annotators.all().map((a) => [a.id, { name: a.name, role: a.role, machine: kinds.get(a.name) === 'machine' }]));
  const byAssignment = store.assignments.any();
  const rank = new Map(store.annotators.namesWithRole('annotator').sort(compareNames).map((n, i) => [n, i]));
  const decisions = decisionsOf(store.decisions.all());
  const stale = staleOfDecided(db, decisions, opts);

  // Each dimension's labels of each entry, as the kept label columns group them (read once, then
  // brought up to date, or handed to a worker); each distinct group of labels (who, whether
  // assigned, which stored value) is named by the first place it is met. Groups are told apart by
  // a hash of their labels, then label by label: no text per group at 100,000 entries.
  const groups = groupedForConsensus(currentForAgreement(db), !!opts.includeDrafts);
  const dimOf = groups.dimensions.map((d) => dimAt.get(d) ?? -1);
  const sameLabels = (g: number, h: number) => {
    const [a, b] = [groups.start[g], groups.start[h]];
    if (groups.start[g + 1] - a !== groups.start[h + 1] - b) return false;
    for (let k = 0; k < groups.start[g + 1] - a; k++)
      if (groups.annotator[a + k] !== groups.annotator[b + k] || groups.assigned[a + k] !== groups.assigned[b + k] || groups.value[a + k] !== groups.value[b + k]) return false;
    return true;
  };
  const blocksByHash = new Map<number, number[]>();
  const firstGroup: number[] = [];
  let entryEnd = 0;
  for (let g = 0; g < groups.count; g++) entryEnd = Math.max(entryEnd, groups.entry[g] + 1);
  // Per entry row id and dimension (rowId * dims + dimension): its group's block, -1 when it has no labels.
  const blockAt = new Int32Array(entryEnd * dims.length).fill(-1);
  for (let g = 0; g < groups.count; g++) {
    const at = dimOf[groups.dimension[g]];
    if (at < 0) continue;
    let hash = 0;
    for (let k = groups.start[g]; k < groups.start[g + 1]; k++) hash = Math.imul(Math.imul(hash ^ groups.annotator[k], 31) ^ (groups.value[k] * 2 + groups.assigned[k]), 0x9e3779b1);
    let same = blocksByHash.get(hash);
    if (!same) blocksByHash.set(hash, (same = []));
    let id = same.find((b) => sameLabels(firstGroup[b], g));
    if (id === undefined) same.push((id = firstGroup.push(g) - 1));
    blockAt[groups.entry[g] * dims.length + at] = id;
  }

  /** The counted values of a group of labels, as readStudy gives them. */
  const parsed: (LabelValue | undefined)[] = new Array(groups.values.length);
  const valuesOf = (block: number): AnnotatorValue[] => {
    if (block < 0) return [];
    const g = firstGroup[block];
    const values: AnnotatorValue[] = [];
    for (let k = groups.start[g]; k < groups.start[g + 1]; k++) {
      const who = people.get(groups.annotator[k]);
      if (!who || !countsAs(standingOf(who.role, byAssignment, groups.assigned[k] === 1, false, who.machine))) continue;
      const v = groups.value[k];
      values.push({ annotator: who.name, value: (parsed[v] ??= JSON.parse(groups.values[v]) as LabelValue) });
    }
    return values.sort((a, b) => rank.get(a.annotator)! - rank.get(b.annotator)!);
  };

  const shared = new Map<number, T | null>();
  const out = new Map<number, { id: string; key: string; dims: T[] }>();
  for (const [rowId, id, key, passedBit] of store.entries.forConsensus()) {
    const entry = { passed: passedBit === null ? null : passedBit === 1 };
    const decided = decisions.get(rowId);
    const staleDims = stale.get(rowId);
    const states: T[] = [];
    for (let i = 0; i < dims.length; i++) {
      const decision = decided?.get(dims[i].id) ?? null;
      const isStale = staleDims?.has(dims[i].id) ?? false;
      const block = rowId < entryEnd ? blockAt[rowId * dims.length + i] : -1;
      // The case: dimension, labels, test result, decided or not, stale or not.
      const caseKey = (((block + 1) * dims.length + i) * 3 + (passedBit ?? 2)) * 4 + (decision ? 2 : 0) + (isStale ? 1 : 0);
      const own = decision !== null && decisionValueMatters;
      let state = own ? undefined : shared.get(caseKey);
      if (state === undefined) {
        const c = dimensionConsensus(dims[i], entry, valuesOf(block), decision, isStale);
        state = c && pick(c);
        if (!own) shared.set(caseKey, state);
      }
      if (state) states.push(state);
    }
    out.set(rowId, { id, key, dims: states });
  }
  return out;
}

/**
 * `staleDecisions` over the whole study: entry by entry while few entries are decided (the whole
 * study's version reads every assignment and submission of the project first), else at once.
 */
function staleOfDecided(db: Db, decisions: Map<number, Map<string, Decision>>, opts: StudyOptions): Map<number, Set<string>> {
  const store = openStore(db);
  if (decisions.size > 2000) return staleDecisions(store, decisions, raterRule(db), opts, wholeStaleReads(store));
  const out = new Map<number, Set<string>>();
  for (const [rowId, byDim] of decisions) {
    const one = store.entries.studyEntry(rowId);
    const decided = new Map([[rowId, byDim]]);
    if (one) for (const [id, dims] of staleDecisions(store, decided, raterRule(db, { entry: rowId }), opts, staleReadsOn(db, [one], decided))) out.set(id, dims);
  }
  return out;
}


export interface QueueOptions extends StudyOptions {
  /** Only disagreements on this dimension. */
  dimension?: string;
  /** Only entries with an open conflict (labels on a dimension that does not apply). */
  conflicts?: boolean;
}

const indexes = new WeakMap<Db, Map<boolean, ConsensusIndex>>();

/**
 * The consensus index of a connection (db/consensus-index.ts), brought up to date: what the queue
 * and the summary read, so that a meeting's every click does not read the whole study again.
 */
export function consensusIndex(db: Db, opts: StudyOptions = {}): ConsensusIndex {
  const index = indexOf(db, !!opts.includeDrafts);
  index.sync();
  return index;
}

function indexOf(db: Db, drafts: boolean): ConsensusIndex {
  let byDrafts = indexes.get(db);
  if (!byDrafts) indexes.set(db, (byDrafts = new Map()));
  let index = byDrafts.get(drafts);
  if (!index) {
    index = new ConsensusIndex(
      db,
      {
        all: () => consensusStates(db, { includeDrafts: drafts }),
        one: (rowId) => {
          const study = readStudy(db, { includeDrafts: drafts }, rowId);
          return study.entries.length ? entryConsensus(study, study.entries[0]) : undefined;
        },
      },
      () => openStore(db).project.codebook().dimensions.filter((d) => d.kind !== 'text'),
    );
    byDrafts.set(drafts, index);
  }
  return index;
}

/**
 * Every entry's consensus state (submitted labels only, as the queue counts them), worked out
 * ahead in a worker for the service's connection to take over (`adoptConsensus`), with the
 * codebook and the newest event it stands at, read in one snapshot.
 */
export function consensusSeed(db: Db): ConsensusSeed {
  const store = openStore(db);
  return db.transaction(() => seedOf(consensusStates(db), store.project.codebookJson() ?? '', store.events.newest()))();
}

/** Whether this connection holds every entry's consensus (built by a call, or taken over from a worker). */
export function consensusInHand(db: Db): boolean {
  return indexes.get(db)?.get(false)?.held ?? false;
}

/** Takes a seed over as this connection's consensus index, unless it has built one already (`ConsensusIndex.adopt`). */
export function adoptConsensus(db: Db, seed: ConsensusSeed): boolean {
  return indexOf(db, false).adopt(seed);
}

/** Drops what the index knows of a connection's database (after a backup was put in its place). */
export function forgetConsensus(db: Db): void {
  indexes.delete(db);
}

/** Entries with open disagreements (majority or needs-decision), most split first. */
export function adjudicationQueue(db: Db, opts: QueueOptions = {}): QueueItem[] {
  // A copy: the index moves entries in its own list as they change.
  return [...indexedQueue(db, opts)];
}

function indexedQueue(db: Db, opts: QueueOptions): readonly QueueItem[] {
  if (opts.dimension !== undefined) dimensionOf(openStore(db).project.codebook(), opts.dimension);
  return consensusIndex(db, opts).queue(opts.dimension, !!opts.conflicts);
}

/** One page of the queue (`adjudicationQueue`), or the page that holds `around`. */
export function adjudicationQueuePage(db: Db, opts: QueueOptions & { offset?: number; limit?: number; around?: string; only?: ReadonlySet<string> }): QueuePage {
  const queue = indexedQueue(db, opts);
  // A calibration round's meeting lists its own entries only.
  const all = opts.only ? queue.filter((q) => opts.only!.has(q.entryId)) : queue;
  const limit = opts.limit ?? DEFAULT_QUEUE_PAGE;
  const index = opts.around === undefined ? -1 : all.findIndex((q) => q.entryId === opts.around);
  const offset = index >= 0 ? index - (index % limit) : (opts.offset ?? 0);
  return { items: all.slice(offset, offset + limit), total: all.length, offset, index: index >= 0 ? index : null };
}

/** How many entry-dimensions are in each status, per dimension: the meeting's progress bar. */
export function adjudicationSummary(db: Db, opts: StudyOptions = {}): AdjudicationSummary {
  return consensusIndex(db, opts).summary();
}

export interface AdjudicationEntryOptions extends StudyOptions {
  entryId: string;
  /** Show annotators as "Annotator A", "Annotator B"... (the same letter for the same person in every entry). */
  hideNames?: boolean;
}


export function pseudonym(i: number): string {
  // A..Z, then AA, AB...: enough for any team.
  let s = '';
  let n = i;
  do {
    s = String.fromCharCode(65 + (n % 26)) + s;
    n = Math.floor(n / 26) - 1;
  } while (n >= 0);
  return `Annotator ${s}`;
}

/** One entry as the adjudication grid shows it: annotators x dimensions, proposal and status per dimension. */
export function adjudicationEntry(db: Db, opts: AdjudicationEntryOptions): AdjudicationEntry {
  const ref = openStore(db).entries.ref(opts.entryId);
  const study = readStudy(db, opts, ref?.rowId ?? -1);
  const e = study.entries[0];
  if (!ref || !e) throw new ConcordError('not-found', `unknown entry "${opts.entryId}"`, { field: 'entryId' });
  const alias = new Map(study.annotators.map((n, i) => [n, opts.hideNames ? pseudonym(i) : n]));
  // The stored metadata as consensus read it (readStudy), with the entry's full texts.
  const entry: Entry = { ...openStore(db).entries.entry(e.rowId), metadata: e.metadata };
  const dims = new Map(study.codebook.dimensions.map((d) => [d.id, d]));
  // The entry's raters: once entries are assigned, only its assignees, never someone who labelled it unasked.
  const raters = study.annotators.filter((n) => !study.raters.byAssignment || study.raters.counts(e.rowId, n));
  return {
    entry,
    annotators: raters.map((n) => alias.get(n)!),
    dimensions: entryConsensus(study, e).map((c) => ({
      ...c,
      values: c.values.map((v) => ({ ...v, annotator: alias.get(v.annotator) ?? v.annotator })),
      // An annotator who decided is hidden too, or the decider's name would give them away.
      decision: c.decision && { ...c.decision, decidedBy: c.decision.decidedBy === null ? null : (alias.get(c.decision.decidedBy) ?? c.decision.decidedBy) },
      label: dims.get(c.dimension)!.label,
      kind: dims.get(c.dimension)!.kind,
    })),
  };
}

function dimensionOf(codebook: Codebook, id: string): Dimension {
  const d = codebook.dimensions.find((x) => x.id === id);
  if (!d) throw badInput(`unknown dimension "${id}" (this codebook has ${codebook.dimensions.map((x) => x.id).join(', ')})`, { field: 'dimension' });
  return d;
}

export interface DecideArgs extends StudyOptions {
  entryId: string;
  dimension: string;
  /** The final value (ids, as labels.set takes them); null removes the decision. */
  value: unknown;
  rationale?: string;
  decidedBy: string;
}

interface DecisionState {
  value: LabelValue;
  method: DecisionMethod;
  decidedBy: string | null;
  rationale: string | null;
  decidedAt: string;
}

function readDecision(store: Store, entryRowId: number, dimension: string): DecisionState | null {
  const r = store.decisions.get(entryRowId, dimension);
  return r ? toDecision(r) : null;
}

function writeDecision(store: Store, entryRowId: number, dimension: string, d: DecisionState | null): void {
  if (d === null) store.decisions.delete(entryRowId, dimension);
  else
    store.decisions.upsert({
      entry_id: entryRowId,
      dimension,
      value: JSON.stringify(d.value),
      method: d.method,
      decided_by: d.decidedBy,
      rationale: d.rationale,
      decided_at: d.decidedAt,
    });
}

/**
 * The time of a new decision: now, or a millisecond after the decision it replaces when the clock
 * has not moved on since. The log places a decision by its time (see `staleDecisions`), so two
 * decisions of the same entry and dimension never share one.
 */
export function laterThan(previous: string | undefined): string {
  const at = now();
  if (previous === undefined || at > previous) return at;
  return new Date(Date.parse(previous) + 1).toISOString();
}

/**
 * Records the final value of one entry on one dimension. Deciding against a majority (or against
 * a unanimous value) needs a rationale. One transaction, one event.
 */
export function decide(db: Db, args: DecideArgs): DimensionConsensus {
  const decidedBy = args.decidedBy.trim();
  if (!decidedBy) throw badInput('a decision needs the name of who decided', { field: 'decidedBy' });
  const store = openStore(db);
  return store.transaction(() => {
    const ref = store.entries.ref(args.entryId);
    const study = readStudy(db, args, ref?.rowId ?? -1);
    const dim = dimensionOf(study.codebook, args.dimension);
    const e = study.entries[0];
    if (!ref || !e) throw new ConcordError('not-found', `unknown entry "${args.entryId}"`, { field: 'entryId' });
    // A dimension that does not apply takes a decision only to settle a conflict (labels on it all the same).
    const current = entryConsensus(study, e).find((c) => c.dimension === dim.id);
    if (dim.kind === 'text' || !current)
      throw badInput(`${dim.label} ${dim.kind === 'text' ? 'is free text and takes no decision' : (dim.appliesNote ?? 'does not apply to this entry')}`, { field: 'dimension' });
    const before = readDecision(store, e.rowId, dim.id);
    let after: DecisionState | null = null;
    if (args.value !== null && args.value !== undefined) {
      const value = canonicalLabelValue(dim, args.value);
      checkPinnedLines(store, dim, e.rowId, value);
      const rationale = args.rationale?.trim() || null;
      if (overridesMajority(current, value) && !rationale)
        throw badInput(`overriding the ${current.labelStatus === 'agreed' ? 'unanimous value' : 'majority'} of ${dim.label} needs a rationale`, { field: 'rationale' });
      if (isEmptyValue(value) && dim.kind !== 'multi' && dim.kind !== 'tree' && dim.kind !== 'lines') throw badInput(`${dim.label} needs a value`, { field: 'value' });
      after = { value, method: methodFor(current, value), decidedBy, rationale, decidedAt: laterThan(before?.decidedAt) };
    }
    if (JSON.stringify(before) !== JSON.stringify(after)) {
      writeDecision(store, e.rowId, dim.id, after);
      store.events.append({ actor: decidedBy, kind: 'decision.set', entryId: e.id, dimension: dim.id, before, after, at: after?.decidedAt });
    }
    return consensusOf(dim, current.values, after, false, current.conflict);
  });
}

export interface AcceptMajoritiesArgs extends StudyOptions {
  decidedBy: string;
  /** Only this dimension; every dimension by default. */
  dimension?: string;
}


/**
 * Accepts every open majority proposal as the decision (method `majority`). Unanimous values are
 * final already and need no decision. One transaction; a batch event plus one event per decision,
 * so undo reverses the whole batch at once.
 */
export function acceptMajorities(db: Db, args: AcceptMajoritiesArgs): AcceptMajoritiesResult {
  const decidedBy = args.decidedBy.trim();
  if (!decidedBy) throw badInput('a decision needs the name of who decided', { field: 'decidedBy' });
  const store = openStore(db);
  return store.transaction(() => {
    const study = readStudy(db, args);
    if (args.dimension !== undefined) dimensionOf(study.codebook, args.dimension);
    const todo: { entry: StudyEntry; c: DimensionConsensus }[] = [];
    for (const e of study.entries)
      for (const c of entryConsensus(study, e))
        // A conflict is the lead's to look at, never settled in bulk.
        if (c.status === 'majority' && !c.conflict && (args.dimension === undefined || c.dimension === args.dimension)) todo.push({ entry: e, c });
    const result: AcceptMajoritiesResult = { accepted: todo.length, decisions: todo.map(({ entry, c }) => ({ entryId: entry.id, dimension: c.dimension, value: c.proposal! })) };
    if (!todo.length) return result;
    const at = now();
    const batch = store.events.append({ actor: decidedBy, kind: 'decision.accept-majorities', dimension: args.dimension ?? null, after: { accepted: todo.length }, at });
    for (const { entry, c } of todo) {
      const after: DecisionState = { value: c.proposal!, method: 'majority', decidedBy, rationale: null, decidedAt: at };
      writeDecision(store, entry.rowId, c.dimension, after);
      store.events.append({ actor: decidedBy, kind: 'decision.set', entryId: entry.id, dimension: c.dimension, before: null, after: { ...after, batch }, at });
    }
    return result;
  });
}


/**
 * Reverts the most recent decision action not yet undone: one decision, or a whole
 * accept-majorities batch. With `actor`, only that person's actions. Returns null when there is
 * nothing to undo. The undo itself is logged; the log is never rewritten.
 */
export function undoDecision(db: Db, opts: { actor?: string } = {}): UndoResult | null {
  const store = openStore(db);
  return store.transaction(() => {
    const last = store.events.lastDecisionAction(opts.actor ?? null);
    if (!last) return null;
    const batchId = last.kind === 'decision.accept-majorities' ? last.id : (JSON.parse(last.after ?? 'null') as { batch?: number } | null)?.batch;
    const events: EventRow[] = batchId !== undefined ? store.events.batchDecisions(batchId) : [last];
    const at = now();
    const restored: UndoResult['restored'] = [];
    for (const ev of events) {
      const row = store.entries.ref(ev.entry_ext_id!);
      if (!row) continue; // the entry was deleted since; nothing to restore
      const before = JSON.parse(ev.before ?? 'null') as DecisionState | null;
      const current = readDecision(store, row.rowId, ev.dimension!);
      writeDecision(store, row.rowId, ev.dimension!, before);
      store.events.append({ actor: opts.actor ?? ev.actor, kind: 'decision.undo', entryId: ev.entry_ext_id, dimension: ev.dimension, before: current, after: before, reverts: ev.id, at });
      restored.push({ entryId: ev.entry_ext_id!, dimension: ev.dimension!, value: before?.value ?? null });
    }
    if (batchId !== undefined) store.events.append({ actor: opts.actor ?? last.actor, kind: 'decision.undo', before: null, after: { undone: events.length }, reverts: batchId, at });
    return { restored };
  });
}

import type { Dimension } from '../codebook/schema.ts';
import { majorityLineRanges, type LineRange } from '../codebook/lines.ts';
import { canonicalLabelValue, isEmptyValue, type LabelValue } from '../codebook/values.ts';
import { compareIds } from '../ids.ts';

/**
 * Consensus of one entry on one dimension, from the annotators' own labels. Pure: the database
 * layer gathers labels and decisions and asks here what they add up to.
 *
 * - agreed: every annotator who labelled chose the same value (at least two of them);
 * - majority: a strict majority chose the proposal, but not everyone did;
 * - needs-decision: no strict majority (a 1-1-1 split, or 1-1);
 * - decided: a decision is recorded (it wins whatever the labels say);
 * - single: only one annotator labelled, so there is nothing to agree on yet;
 * - unlabelled: nobody labelled.
 */
export type ConsensusStatus = 'agreed' | 'majority' | 'needs-decision' | 'decided' | 'single' | 'unlabelled';

export const consensusStatuses: readonly ConsensusStatus[] = ['needs-decision', 'majority', 'decided', 'agreed', 'single', 'unlabelled'];

export type DecisionMethod = 'unanimous' | 'majority' | 'adjudicated';

export interface Decision {
  value: LabelValue;
  method: DecisionMethod;
  decidedBy: string | null;
  rationale: string | null;
  decidedAt: string;
}

export interface AnnotatorValue {
  annotator: string;
  value: LabelValue;
}

export interface DimensionConsensus {
  dimension: string;
  /** What the labels alone say (ignores any decision): agreed, majority, needs-decision, single or unlabelled. */
  labelStatus: Exclude<ConsensusStatus, 'decided'>;
  /** labelStatus, or `decided` when a decision is recorded. */
  status: ConsensusStatus;
  /** The value to preselect: the unanimous value, or what a strict majority chose; null without one. */
  proposal: LabelValue | null;
  /** Share of annotators whose whole value equals the proposal (0 without a proposal). */
  support: number;
  values: AnnotatorValue[];
  decision: Decision | null;
  /** The decision's value, else the unanimous value, else null (a majority counts once accepted). */
  final: LabelValue | null;
  /**
   * A decision is recorded, but a counted annotator's label on this entry and dimension changed
   * after it (an edit, an undo, a merged pack): the decision stands until someone decides again,
   * and until then it counts as open.
   */
  stale: boolean;
  /**
   * Labels sit on a dimension that does not apply to the entry (a bug on an output that passed):
   * real labels and real results disagree. Computed from the data, so a result imported later
   * that flips the entry raises (or settles) it. Open until the lead records a decision.
   * Null without a conflict; otherwise why, in words (see `conflictReason`).
   */
  conflict: string | null;
}

/** Why labels on a dimension that does not apply conflict with the entry, in words. */
export function conflictReason(dim: Pick<Dimension, 'label' | 'appliesNote'>, passed: boolean | null): string {
  const result = passed === null ? 'the entry has no test result yet' : `the entry's output ${passed ? 'passed' : 'failed'}`;
  return `${dim.label} ${dim.appliesNote ?? 'does not apply to this entry'}; ${result}`;
}

/** Equal values have equal JSON because canonical values list ids in codebook order. */
export function valueKey(v: LabelValue): string {
  return JSON.stringify(v);
}

function strictMajority(count: number, n: number): boolean {
  return count * 2 > n;
}

/**
 * The majority proposal of a set dimension: every element that a strict majority of annotators
 * chose, in codebook order. Empty when no element has a majority.
 */
function proposeSet(dim: Dimension, values: string[][]): string[] {
  const counts = new Map<string, number>();
  for (const set of values) for (const id of new Set(set)) counts.set(id, (counts.get(id) ?? 0) + 1);
  const chosen = [...counts].filter(([, c]) => strictMajority(c, values.length)).map(([id]) => id);
  return canonicalLabelValue(dim, chosen) as string[];
}

/** The majority proposal of a checklist: each item as most annotators ticked it; null on a tie. */
function proposeChecklist(values: Record<string, boolean>[]): Record<string, boolean> | null {
  const n = values.length;
  const items = [...new Set(values.flatMap((v) => Object.keys(v)))];
  const out: Record<string, boolean> = {};
  for (const item of items) {
    const yes = values.filter((v) => v[item] === true).length;
    if (strictMajority(yes, n)) out[item] = true;
    else if (strictMajority(n - yes, n)) out[item] = false;
    else return null;
  }
  return out;
}

/**
 * Consensus of one dimension. `values` are the annotators' labels (empty values are ignored: an
 * empty set is no label); `decision` is the recorded decision, if any; `stale` says that labels
 * changed after that decision (the database layer knows; it means nothing without a decision).
 */
export function consensusOf(dim: Dimension, values: AnnotatorValue[], decision: Decision | null = null, stale = false, conflict: string | null = null): DimensionConsensus {
  const present = values.filter((v) => !isEmptyValue(v.value));
  const n = present.length;
  let labelStatus: DimensionConsensus['labelStatus'];
  let proposal: LabelValue | null = null;

  const keys = present.map((v) => valueKey(v.value));
  const allSame = n > 0 && keys.every((k) => k === keys[0]);
  if (n === 0) labelStatus = 'unlabelled';
  else if (n === 1) {
    labelStatus = 'single';
    proposal = present[0].value;
  } else if (allSame) {
    labelStatus = 'agreed';
    proposal = present[0].value;
  } else if (dim.kind === 'multi' || dim.kind === 'tree') {
    const set = proposeSet(dim, present.map((v) => v.value as string[]));
    proposal = set.length ? set : null;
    labelStatus = proposal ? 'majority' : 'needs-decision';
  } else if (dim.kind === 'lines') {
    // Line by line: each value on each line that a strict majority pins there.
    const ranges = majorityLineRanges(dim, present.map((v) => v.value as LineRange[]));
    proposal = ranges.length ? ranges : null;
    labelStatus = proposal ? 'majority' : 'needs-decision';
  } else if (dim.kind === 'checklist') {
    proposal = proposeChecklist(present.map((v) => v.value as Record<string, boolean>));
    labelStatus = proposal ? 'majority' : 'needs-decision';
  } else {
    const counts = new Map<string, number>();
    for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
    const [topKey, top] = [...counts].sort((a, b) => b[1] - a[1])[0];
    if (strictMajority(top, n)) {
      proposal = present[keys.indexOf(topKey)].value;
      labelStatus = 'majority';
    } else labelStatus = 'needs-decision';
  }

  const support = proposal === null || n === 0 ? 0 : keys.filter((k) => k === valueKey(proposal!)).length / n;
  const final = decision ? decision.value : labelStatus === 'agreed' ? proposal : null;
  return {
    dimension: dim.id,
    labelStatus,
    status: decision ? 'decided' : labelStatus,
    proposal,
    support,
    values,
    decision,
    final,
    stale: decision !== null && stale,
    conflict,
  };
}

/** Whether a status is an open disagreement (a row of the adjudication queue). */
export function isOpen(status: ConsensusStatus): boolean {
  return status === 'majority' || status === 'needs-decision';
}

/** Whether a dimension waits for someone: an open disagreement, a stale decision to look at again, or an undecided conflict. */
export function needsAttention(c: Pick<DimensionConsensus, 'status' | 'stale'> & { conflict?: string | null }): boolean {
  return isOpen(c.status) || c.stale || openConflict(c);
}

/** A conflict nobody has decided yet. */
export function openConflict(c: Pick<DimensionConsensus, 'status'> & { conflict?: string | null }): boolean {
  return !!c.conflict && c.status !== 'decided';
}

/** Why a stale decision is listed again (the queue and the grid say it in these words). */
export const STALE_REASON = 'labels changed since the decision';

/** Whether deciding `value` overrides what a majority (or everyone) chose, which needs a rationale. */
export function overridesMajority(c: DimensionConsensus, value: LabelValue): boolean {
  if (c.labelStatus !== 'majority' && c.labelStatus !== 'agreed') return false;
  return c.proposal !== null && valueKey(c.proposal) !== valueKey(value);
}

/** The method a decision of `value` records: a confirmed proposal keeps its origin, anything else is adjudicated. */
export function methodFor(c: DimensionConsensus, value: LabelValue): DecisionMethod {
  if (c.proposal !== null && valueKey(c.proposal) === valueKey(value)) {
    if (c.labelStatus === 'agreed') return 'unanimous';
    if (c.labelStatus === 'majority') return 'majority';
  }
  return 'adjudicated';
}

export interface QueueItem {
  entryId: string;
  /**
   * Open dimensions; `stale`: decided, but labels changed since the decision (see STALE_REASON);
   * `conflict`: labelled where the dimension does not apply (see DimensionConsensus.conflict).
   */
  open: { dimension: string; status: ConsensusStatus; support: number; stale: boolean; conflict: boolean; reason: string | null }[];
  needsDecision: number;
  /** Open dimensions that are conflicts. */
  conflicts: number;
  /** Sum over open dimensions of the share of annotators who did not choose the proposal. */
  split: number;
}

/**
 * Orders open entries most split first: more dimensions without any majority, then more
 * dissent in total, then entry id (code-point order, so the queue is the same on every machine).
 */
export function orderQueue(items: QueueItem[]): QueueItem[] {
  return [...items].sort(
    (a, b) => b.needsDecision - a.needsDecision || b.split - a.split || b.open.length - a.open.length || compareIds(a.entryId, b.entryId),
  );
}

export function queueItem(entryId: string, dims: DimensionConsensus[]): QueueItem | null {
  const open = dims.filter(needsAttention).map((d) => {
    const conflict = openConflict(d);
    return { dimension: d.dimension, status: d.status, support: d.support, stale: d.stale, conflict, reason: d.stale ? STALE_REASON : conflict ? d.conflict : null };
  });
  if (!open.length) return null;
  return {
    entryId,
    open,
    needsDecision: open.filter((o) => o.status === 'needs-decision').length,
    conflicts: open.filter((o) => o.conflict).length,
    split: open.reduce((s, o) => s + (1 - o.support), 0),
  };
}

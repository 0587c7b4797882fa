import type { Dimension } from '../../../shared/codebook/schema.ts';
import { intersectLineRanges, isLineRanges, unionLineRanges, type LineRange } from '../../../shared/codebook/lines.ts';
import { isEmptyValue, TREE_SEPARATOR, type LabelValue } from '../../../shared/codebook/values.ts';
import { needsAttention, valueKey, type DimensionConsensus } from '../../../shared/consensus/consensus.ts';

/**
 * What the decider can pick on one dimension, and where the keyboard goes next. Pure, so the
 * grid, the store and the tests agree on it.
 */

export interface Candidate {
  value: LabelValue;
  key: string;
  /** Annotators (as shown: names or pseudonyms) who gave exactly this value. */
  voters: string[];
  isProposal: boolean;
  /** A lines dimension: every line any annotator pinned (union), or only those all of them did (intersection). */
  combined?: 'union' | 'intersection';
}

/**
 * The distinct values the annotators gave, most chosen first (ties in annotator order), then the
 * proposal when no annotator gave it whole (a set majority), then the recorded decision when it
 * is none of these, then `extra` (a value picked from the codebook).
 */
export function candidatesOf(c: DimensionConsensus, extra?: LabelValue | null, dim?: Dimension): Candidate[] {
  const byKey = new Map<string, Candidate>();
  for (const v of c.values) {
    if (isEmptyValue(v.value)) continue;
    const key = valueKey(v.value);
    const seen = byKey.get(key);
    if (seen) seen.voters.push(v.annotator);
    else byKey.set(key, { value: v.value, key, voters: [v.annotator], isProposal: false });
  }
  const list = [...byKey.values()].sort((a, b) => b.voters.length - a.voters.length);
  const add = (value: LabelValue | null | undefined) => {
    if (value === null || value === undefined) return;
    const key = valueKey(value);
    if (!list.some((x) => x.key === key)) list.push({ value, key, voters: [], isProposal: false });
  };
  add(c.proposal);
  // Lines pinned by several annotators: everything any of them pinned, and what all of them did.
  const pinned = c.values.map((v) => v.value).filter((v) => isLineRanges(v) && v.length > 0) as LineRange[][];
  if (dim?.kind === 'lines' && pinned.length > 1) {
    for (const [combined, value] of [
      ['union', unionLineRanges(dim, pinned)],
      ['intersection', intersectLineRanges(dim, pinned)],
    ] as const) {
      const key = valueKey(value);
      const same = list.find((x) => x.key === key);
      if (same) same.combined ??= combined;
      else if (value.length) list.push({ value, key, voters: [], isProposal: false, combined });
    }
  }
  add(c.decision?.value);
  // A conflict (labels where the dimension does not apply) may be settled as "none": the result is right.
  if (c.conflict && c.values.some((v) => Array.isArray(v.value))) add([]);
  add(extra);
  if (c.proposal !== null) {
    const key = valueKey(c.proposal);
    for (const x of list) x.isProposal = x.key === key;
  }
  return list;
}

/** The choice a dimension starts with: the decision, else the proposal, else nothing. */
export function initialChoice(c: DimensionConsensus): LabelValue | null {
  return c.decision?.value ?? c.proposal ?? null;
}

/** Dimensions the grid lets the keyboard visit: those with at least one label. */
export function decidable(c: DimensionConsensus): boolean {
  return c.labelStatus !== 'unlabelled';
}

/**
 * Whether the grid shows a row. The meeting layout folds unanimous rows into one line (nothing to
 * discuss there) unless a decision overrode them, and leaves out dimensions nobody labelled.
 */
export function shownInGrid(c: DimensionConsensus, meeting: boolean): boolean {
  if (!meeting) return true;
  if (c.labelStatus === 'unlabelled') return false;
  return c.labelStatus !== 'agreed' || c.decision !== null;
}

/** The next (or previous) decidable dimension after `from`, wrapping; null when there is none. */
export function stepDimension(dims: DimensionConsensus[], from: string | null, delta: 1 | -1, meeting = false): string | null {
  const ids = dims.filter((d) => decidable(d) && shownInGrid(d, meeting)).map((d) => d.dimension);
  if (!ids.length) return null;
  const at = from === null ? -1 : ids.indexOf(from);
  if (at < 0) return delta > 0 ? ids[0] : ids[ids.length - 1];
  return ids[(at + delta + ids.length) % ids.length];
}

/** The first open (or stale) dimension after `from` (wrapping), or the first open one; null when all are settled. */
export function nextOpenDimension(dims: DimensionConsensus[], from: string | null = null): string | null {
  const open = dims.filter(needsAttention).map((d) => d.dimension);
  if (!open.length) return null;
  const order = dims.map((d) => d.dimension);
  const at = from === null ? -1 : order.indexOf(from);
  return open.find((id) => order.indexOf(id) > at) ?? open[0];
}

/** Moves the choice `delta` steps through the candidates (from nothing, +1 picks the first). */
export function cycleChoice(cands: Candidate[], current: LabelValue | null, delta: number): LabelValue | null {
  if (!cands.length) return current;
  const at = current === null ? -1 : cands.findIndex((x) => x.key === valueKey(current));
  const next = at < 0 ? (delta > 0 ? 0 : cands.length - 1) : (at + delta + cands.length) % cands.length;
  return cands[next].value;
}

/**
 * What a codebook hotkey does to a choice: a single or ordinal value replaces it; a set or
 * checklist value is toggled in it (starting from the current choice, or from nothing).
 */
export function applyHotkey(dim: Dimension, current: LabelValue | null, valueId: string): LabelValue {
  switch (dim.kind) {
    case 'lines':
      // A value's key says nothing about which lines: the lines are chosen among the candidates.
      return current ?? [];
    case 'multi':
    case 'tree': {
      const set = Array.isArray(current) ? (current as string[]) : [];
      const ids = set.includes(valueId) ? set.filter((x) => x !== valueId) : [...set, valueId];
      return sortLike(dim, ids);
    }
    case 'checklist': {
      const base: Record<string, boolean> = Object.fromEntries(dim.values.map((v) => [v.id, false]));
      const cur = current && typeof current === 'object' && !Array.isArray(current) ? current : {};
      const next = { ...base, ...cur };
      next[valueId] = !next[valueId];
      return next;
    }
    default:
      return valueId;
  }
}

/** Codebook order, so a toggled set compares equal to the same set an annotator gave. */
function sortLike(dim: Dimension, ids: string[]): string[] {
  const order = new Map<string, number>();
  let i = 0;
  for (const t of dim.values) {
    order.set(t.id, i++);
    for (const s of t.children ?? []) order.set(`${t.id}${TREE_SEPARATOR}${s.id}`, i++);
  }
  return [...new Set(ids)].sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
}

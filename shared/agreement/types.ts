/** Levels of measurement alpha is computed at; masi and jaccard compare sets of values. */
export const levels = ['nominal', 'ordinal', 'interval', 'ratio', 'masi', 'jaccard'] as const;
export type Level = (typeof levels)[number];

export function isLevel(s: string): s is Level {
  return (levels as readonly string[]).includes(s);
}

/** Levels whose values are sets (a cell holds several values). */
export function isSetLevel(level: Level): boolean {
  return level === 'masi' || level === 'jaccard';
}

/** Levels whose values are numbers. */
export function isNumericLevel(level: Level): boolean {
  return level === 'ordinal' || level === 'interval' || level === 'ratio';
}

/**
 * One alpha figure with what it rests on. `alpha` is null when it is undefined (nothing pairable,
 * or no expected disagreement); `undefinedReason` then says which. Never NaN, never a stand-in 0 or 1.
 */
export interface AlphaResult {
  alpha: number | null;
  undefinedReason?: string;
  level: Level;
  /** Pairable units: units with at least two values. */
  units: number;
  /** Pairable values: the values in pairable units (n in Krippendorff's notation). */
  values: number;
  /** Raters with at least one value in a pairable unit. */
  raters: number;
  /** D_o = sum(o_ck * delta_ck) / n; null when nothing is pairable. */
  observedDisagreement: number | null;
  /** D_e = sum(n_c * n_k * delta_ck) / (n * (n - 1)); null when nothing is pairable. */
  expectedDisagreement: number | null;
}

/** Bootstrap distribution of alpha over resampled units. */
export interface AlphaInterval {
  resamples: number;
  seed: number;
  /** Resamples where alpha was defined; the interval and probabilities rest on these. */
  defined: number;
  /** 2.5th and 97.5th percentiles; null when no resample gave a defined alpha. */
  low: number | null;
  high: number | null;
  /** Share of defined resamples with alpha below each threshold (Krippendorff's q). */
  probabilityBelow: { '0.800': number | null; '0.667': number | null };
}

/** A unit of reliability data: an entry, or an entry and a part when an entry has several units. */
export interface CellUnit {
  /** The entry's id as people know it (ext_id). */
  entry: string;
  /** The dimension (pooled figures) or checklist item (the checklist's `items` measure) the unit stands for. */
  part?: string;
}

/** Coincidence matrix with the values it is indexed by, in order. */
export interface CoincidenceTable {
  values: { id: string; label: string }[];
  /** counts[c][k] = o_ck. */
  counts: number[][];
  /**
   * The units behind each cell, keyed by `cellKey(c, k)` ("c,k" with c <= k: the matrix is
   * symmetric, so one list serves both (c, k) and (k, c)). A unit stands behind (c, k) when two
   * different raters gave it c and k (for c = k: both gave c). Only non-empty cells have a key;
   * units are in natural entry order. The agreement report fills it; exports, the CLI and tables
   * built from bare matrices leave it out.
   */
  cellUnits?: Record<string, CellUnit[]>;
}

/** The key of cell (c, k) and (k, c) in `CoincidenceTable.cellUnits`. */
export function cellKey(c: number, k: number): string {
  return c <= k ? `${c},${k}` : `${k},${c}`;
}

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

/** Coincidence matrix with the values it is indexed by, in order. */
export interface CoincidenceTable {
  values: { id: string; label: string }[];
  /** counts[c][k] = o_ck. */
  counts: number[][];
}

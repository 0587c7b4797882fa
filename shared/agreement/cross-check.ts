import { alpha as packageAlpha } from 'krippendorff';
import type { CodedRatings } from './ratings.ts';

/** Name and version of the independent implementation nominal figures are checked against. */
export const CROSS_CHECK_PACKAGE = 'krippendorff@0.1.0';
/** Two figures agree when they differ by less than this (or are both undefined). */
export const CROSS_CHECK_TOLERANCE = 1e-9;

/**
 * Nominal alpha of coded data computed by the `krippendorff` package, or null where it gives no
 * finite number (its way of saying "undefined"). The data is handed over so that the package's
 * quirks cannot bite: values are the integer codes, missing is `undefined` (it counts `null`
 * as a category), and every row is a full, dense row (it reads only as many units as the first
 * row has, and would skip holes in a sparse one).
 */
export function packageNominalAlpha(data: CodedRatings): number | null {
  const R = data.raterCount;
  const U = data.unitCount;
  const rows: (number | undefined)[][] = [];
  for (let r = 0; r < R; r++) {
    const row = new Array<number | undefined>(U);
    for (let u = 0; u < U; u++) {
      const c = data.codes[u * R + r];
      row[u] = c >= 0 ? c : undefined;
    }
    rows.push(row);
  }
  if (R === 0 || U === 0) return null;
  const a = packageAlpha(rows);
  return Number.isFinite(a) ? a : null;
}

/** Whether our figure and the package's agree: equal within tolerance, or both undefined. */
export function figuresAgree(ours: number | null, theirs: number | null): boolean {
  if (ours === null || theirs === null) return ours === theirs;
  return Math.abs(ours - theirs) < CROSS_CHECK_TOLERANCE;
}

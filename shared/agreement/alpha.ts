import { distanceMatrix } from './distance.ts';
import { codeRatingMatrix, type CodedRatings, type RatingCell, type ValueTable } from './ratings.ts';
import type { AlphaResult, CoincidenceTable, Level } from './types.ts';

/** The coincidence matrix of coded data, with what alpha needs besides it. */
export interface Coincidence {
  /** V x V, row-major: o[c * V + k] = sum over units of (pairs c-k in the unit) / (m_u - 1). */
  o: Float64Array;
  /** n_c: how often each value occurs in pairable units. */
  marginals: Float64Array;
  /** n: pairable values. */
  n: number;
  units: number;
  raters: number;
}

/** Builds the coincidence matrix in one pass over the units; units with fewer than two values are skipped. */
export function buildCoincidence(data: CodedRatings): Coincidence {
  const V = data.values.keys.length;
  const R = data.raterCount;
  const U = data.unitCount;
  const codes = data.codes;
  const o = new Float64Array(V * V);
  const marginals = new Float64Array(V);
  const raterSeen = new Uint8Array(R);
  let n = 0;
  let units = 0;
  // Kept as flat loops over the unit's row of codes: this is the hot path of every figure.
  for (let base = 0, end = U * R; base < end; base += R) {
    let m = 0;
    for (let r = 0; r < R; r++) if (codes[base + r] >= 0) m++;
    if (m < 2) continue;
    units++;
    n += m;
    const w = 1 / (m - 1);
    for (let r1 = 0; r1 < R; r1++) {
      const c1 = codes[base + r1];
      if (c1 < 0) continue;
      raterSeen[r1] = 1;
      marginals[c1]++;
      const row = c1 * V;
      for (let r2 = r1 + 1; r2 < R; r2++) {
        const c2 = codes[base + r2];
        if (c2 < 0) continue;
        o[row + c2] += w;
        o[c2 * V + c1] += w;
      }
    }
  }
  let raters = 0;
  for (let r = 0; r < R; r++) raters += raterSeen[r];
  return { o, marginals, n, units, raters };
}

/** Alpha from sums already formed: sumObserved = sum o_ck delta_ck, sumExpected = sum n_c n_k delta_ck. */
export function alphaFromSums(level: Level, units: number, n: number, raters: number, sumObserved: number, sumExpected: number): AlphaResult {
  const base = { level, units, values: n, raters };
  if (units === 0 || n < 2)
    return {
      alpha: null,
      undefinedReason: 'nothing is pairable: no unit has values from two or more raters',
      ...base,
      observedDisagreement: null,
      expectedDisagreement: null,
    };
  const observed = sumObserved / n;
  const expected = sumExpected / (n * (n - 1));
  if (sumExpected === 0)
    return {
      alpha: null,
      undefinedReason: 'the expected disagreement is 0: every pairable value is the same, so agreement cannot be told from chance',
      ...base,
      observedDisagreement: observed,
      expectedDisagreement: expected,
    };
  return { alpha: 1 - ((n - 1) * sumObserved) / sumExpected, ...base, observedDisagreement: observed, expectedDisagreement: expected };
}

/** Alpha at a level from a coincidence matrix over the given values. */
export function alphaFromCoincidence(co: Coincidence, level: Level, values: ValueTable): AlphaResult {
  const V = values.keys.length;
  const { o, marginals: nc } = co;
  let sumO = 0;
  let sumE = 0;
  if (level === 'nominal') {
    // delta is 1 off the diagonal: no V x V metric needed.
    let diag = 0;
    let squares = 0;
    for (let c = 0; c < V; c++) {
      diag += o[c * V + c];
      squares += nc[c] * nc[c];
    }
    sumO = co.n - diag;
    sumE = co.n * co.n - squares;
  } else {
    const d = distanceMatrix(level, values, nc);
    for (let c = 0; c < V; c++) {
      if (nc[c] === 0) continue;
      const row = c * V;
      for (let k = 0; k < V; k++) {
        const dk = d[row + k];
        if (dk === 0) continue;
        sumO += o[row + k] * dk;
        sumE += nc[c] * nc[k] * dk;
      }
    }
  }
  return alphaFromSums(level, co.units, co.n, co.raters, sumO, sumE);
}

/**
 * Nominal alpha without the V x V matrix: it only needs the matching pairs within units (the
 * diagonal of the coincidence matrix) and the value frequencies. The fast path for big data.
 */
function nominalAlpha(data: CodedRatings): AlphaResult {
  const V = data.values.keys.length;
  const R = data.raterCount;
  const codes = data.codes;
  const marginals = new Float64Array(V);
  const raterSeen = new Uint8Array(R);
  let n = 0;
  let units = 0;
  let diag = 0;
  for (let base = 0, end = data.unitCount * R; base < end; base += R) {
    let m = 0;
    for (let r = 0; r < R; r++) if (codes[base + r] >= 0) m++;
    if (m < 2) continue;
    units++;
    n += m;
    let same = 0;
    for (let r1 = 0; r1 < R; r1++) {
      const c1 = codes[base + r1];
      if (c1 < 0) continue;
      raterSeen[r1] = 1;
      marginals[c1]++;
      for (let r2 = r1 + 1; r2 < R; r2++) if (codes[base + r2] === c1) same++;
    }
    if (same) diag += (2 * same) / (m - 1);
  }
  let squares = 0;
  for (let c = 0; c < V; c++) squares += marginals[c] * marginals[c];
  let raters = 0;
  for (let r = 0; r < R; r++) raters += raterSeen[r];
  return alphaFromSums('nominal', units, n, raters, n - diag, n * n - squares);
}

/** Krippendorff's alpha of coded data at its level. */
export function computeAlpha(data: CodedRatings): AlphaResult {
  if (data.level === 'nominal') return nominalAlpha(data);
  return alphaFromCoincidence(buildCoincidence(data), data.level, data.values);
}

/**
 * Nominal alpha straight from rows of small whole numbers, in one pass and without coding the
 * matrix first; undefined (not applicable) as soon as a cell is anything else.
 */
function nominalAlphaOfSmallInts(rows: readonly (readonly RatingCell[])[]): AlphaResult | undefined {
  const R = rows.length;
  let U = 0;
  for (const row of rows) U = Math.max(U, row.length);
  let marginals = new Float64Array(64);
  const raterSeen = new Uint8Array(R);
  const present = new Int32Array(R);
  const presentRater = new Int32Array(R);
  let n = 0;
  let units = 0;
  let diag = 0;
  for (let u = 0; u < U; u++) {
    let m = 0;
    for (let r = 0; r < R; r++) {
      const v = rows[r][u];
      if (v === null || v === undefined) continue;
      if (typeof v !== 'number' || (v | 0) !== v || v < 0 || v >= 65536) return undefined;
      present[m] = v;
      presentRater[m++] = r;
    }
    if (m < 2) continue;
    units++;
    n += m;
    let same = 0;
    for (let i = 0; i < m; i++) {
      const c = present[i];
      if (c >= marginals.length) {
        const grown = new Float64Array(Math.max(c + 1, marginals.length * 2));
        grown.set(marginals);
        marginals = grown;
      }
      marginals[c]++;
      raterSeen[presentRater[i]] = 1;
      for (let j = i + 1; j < m; j++) if (present[j] === c) same++;
    }
    if (same) diag += (2 * same) / (m - 1);
  }
  let squares = 0;
  for (let c = 0; c < marginals.length; c++) squares += marginals[c] * marginals[c];
  let raters = 0;
  for (let r = 0; r < R; r++) raters += raterSeen[r];
  return alphaFromSums('nominal', units, n, raters, n - diag, n * n - squares);
}

/** Krippendorff's alpha of a reliability matrix (one row per rater; null or undefined = missing). */
export function alphaOfMatrix(rows: readonly (readonly RatingCell[])[], level: Level): AlphaResult {
  if (level === 'nominal') {
    const fast = nominalAlphaOfSmallInts(rows);
    if (fast) return fast;
  }
  return computeAlpha(codeRatingMatrix(rows, level));
}

/** The coincidence matrix as plain arrays, labelled by value. */
export function coincidenceTable(co: Coincidence, values: { id: string; label: string }[]): CoincidenceTable {
  const V = values.length;
  const counts: number[][] = [];
  for (let c = 0; c < V; c++) counts.push(Array.from(co.o.subarray(c * V, c * V + V)));
  return { values, counts };
}

import { dependsOnMarginals, distanceMatrix } from './distance.ts';
import { mulberry32 } from './prng.ts';
import type { CodedRatings } from './ratings.ts';
import type { AlphaInterval } from './types.ts';

export interface BootstrapOptions {
  /** Number of resamples; 0 skips the bootstrap. */
  resamples: number;
  seed: number;
  /** Told every few resamples how many are drawn (a long bootstrap shows progress, and may throw to stop). */
  progress?: (done: number) => void;
}

export const DEFAULT_RESAMPLES = 1000;
export const DEFAULT_SEED = 1;

/** Linear-interpolation quantile (Hyndman & Fan type 7) of sorted numbers. */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * Percentile bootstrap of alpha: draws the pairable units with replacement `resamples` times
 * and recomputes alpha on each draw. Each unit's values and (for metrics that do not depend on
 * the value frequencies) its share of the observed disagreement are worked out once, so a
 * resample costs O(pairable values) plus the expected disagreement over the values drawn.
 * Resamples where alpha is undefined (all values drawn alike) are counted, not used.
 */
export function bootstrapAlpha(data: CodedRatings, opts: BootstrapOptions): AlphaInterval {
  return summarizeBootstrap(bootstrapDistribution(data, opts), opts);
}

/**
 * The alphas of the resamples where alpha is defined, in draw order.
 *
 * Units holding the same multiset of codes are interchangeable: they add the same values, the same
 * pairs and the same share of the observed disagreement. So each pairable unit is given the index
 * of its type once, a resample only counts how often each type was drawn (the same draws, in the
 * same order, as drawing the units themselves), and the sums are formed per type. A resample then
 * touches one small array per draw instead of a unit's codes scattered over a large one: at
 * 100,000 entries the old per-unit walk spent its time waiting on memory.
 */
export function bootstrapDistribution(data: CodedRatings, opts: BootstrapOptions): Float64Array {
  const { resamples, seed } = opts;
  const V = data.values.keys.length;
  const level = data.level;
  const types = unitTypes(data);
  const N = types.unitType.length;
  const T = types.size.length;

  const alphas = new Float64Array(resamples);
  let defined = 0;
  if (N > 0 && resamples > 0) {
    const rand = mulberry32(seed);
    const { unitType, start, codes, size } = types;
    const fixed = !dependsOnMarginals(level);
    const delta = fixed && level !== 'nominal' ? distanceMatrix(level, data.values) : undefined;
    // Each type's share of sum(o_ck * delta_ck), when delta does not move between resamples.
    const typeObserved = new Float64Array(T);
    if (fixed)
      for (let t = 0; t < T; t++) {
        const a = start[t];
        const b = start[t + 1];
        let s = 0;
        for (let i = a; i < b; i++)
          for (let j = a; j < b; j++) if (i !== j) s += delta ? delta[codes[i] * V + codes[j]] : codes[i] === codes[j] ? 0 : 1;
        typeObserved[t] = s / (b - a - 1);
      }
    const drawn = new Int32Array(T);
    const nc = new Float64Array(V);
    const touched = new Int32Array(V);
    const o = fixed ? undefined : new Float64Array(V * V);

    for (let b = 0; b < resamples; b++) {
      if (opts.progress && b % 8 === 0) opts.progress(b);
      drawn.fill(0);
      for (let draw = 0; draw < N; draw++) drawn[unitType[Math.floor(rand() * N)]]++;
      nc.fill(0);
      if (o) o.fill(0);
      let n = 0;
      let sumO = 0;
      let touchedCount = 0;
      for (let t = 0; t < T; t++) {
        const k = drawn[t];
        if (k === 0) continue;
        const a = start[t];
        const e = start[t + 1];
        n += k * size[t];
        for (let i = a; i < e; i++) {
          const c = codes[i];
          if (nc[c] === 0) touched[touchedCount++] = c;
          nc[c] += k;
        }
        if (o) {
          const w = k / (e - a - 1);
          for (let i = a; i < e; i++) for (let j = a; j < e; j++) if (i !== j) o[codes[i] * V + codes[j]] += w;
        } else sumO += k * typeObserved[t];
      }
      let sumE = 0;
      if (level === 'nominal') {
        let squares = 0;
        for (let i = 0; i < touchedCount; i++) squares += nc[touched[i]] * nc[touched[i]];
        sumE = n * n - squares;
      } else {
        const d = delta ?? distanceMatrix(level, data.values, nc);
        for (let i = 0; i < touchedCount; i++) {
          const c = touched[i];
          for (let j = 0; j < touchedCount; j++) {
            const k = touched[j];
            const dk = d[c * V + k];
            sumE += nc[c] * nc[k] * dk;
            if (o) sumO += o[c * V + k] * dk;
          }
        }
      }
      if (sumE > 0) alphas[defined++] = 1 - ((n - 1) * sumO) / sumE;
    }
  }

  return alphas.slice(0, defined);
}

/**
 * The pairable units (two values or more) of coded data, each as the index of its type: the
 * multiset of its codes. `codes[start[t]..start[t + 1])` are type t's codes in ascending order,
 * `size[t]` how many.
 */
export function unitTypes(data: CodedRatings): { unitType: Int32Array | Uint16Array; start: Int32Array; codes: Int32Array; size: Int32Array } {
  const R = data.raterCount;
  const typeOf = new Map<string, number>();
  const unitType: number[] = [];
  const starts: number[] = [0];
  const flat: number[] = [];
  const own: number[] = [];
  for (let u = 0, base = 0; u < data.unitCount; u++, base += R) {
    own.length = 0;
    for (let r = 0; r < R; r++) if (data.codes[base + r] >= 0) own.push(data.codes[base + r]);
    if (own.length < 2) continue;
    own.sort((a, b) => a - b);
    const key = own.join(',');
    let t = typeOf.get(key);
    if (t === undefined) {
      t = starts.length - 1;
      typeOf.set(key, t);
      for (const c of own) flat.push(c);
      starts.push(flat.length);
    }
    unitType.push(t);
  }
  const start = Int32Array.from(starts);
  const size = new Int32Array(starts.length - 1);
  for (let t = 0; t < size.length; t++) size[t] = start[t + 1] - start[t];
  // Half the bytes when the types fit: the resampling loop reads this array at random.
  return { unitType: size.length <= 0xffff ? Uint16Array.from(unitType) : Int32Array.from(unitType), start, codes: Int32Array.from(flat), size };
}

/** Percentile interval and the chance of falling short of the usual thresholds. */
export function summarizeBootstrap(alphas: Float64Array, opts: BootstrapOptions): AlphaInterval {
  const { resamples, seed } = opts;
  const defined = alphas.length;
  const sorted = alphas.slice().sort();
  const below = (x: number) => {
    if (defined === 0) return null;
    let k = 0;
    while (k < defined && sorted[k] < x) k++;
    return k / defined;
  };
  return {
    resamples,
    seed,
    defined,
    low: defined ? quantileSorted(sorted, 0.025) : null,
    high: defined ? quantileSorted(sorted, 0.975) : null,
    probabilityBelow: { '0.800': below(0.8), '0.667': below(0.667) },
  };
}

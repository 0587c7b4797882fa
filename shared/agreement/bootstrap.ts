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

/** The alphas of the resamples where alpha is defined, in draw order. */
export function bootstrapDistribution(data: CodedRatings, opts: BootstrapOptions): Float64Array {
  const { resamples, seed } = opts;
  const R = data.raterCount;
  const V = data.values.keys.length;
  const level = data.level;

  // Pairable units as a compact list of their codes.
  const starts: number[] = [0];
  const flat: number[] = [];
  for (let u = 0, base = 0; u < data.unitCount; u++, base += R) {
    let m = 0;
    for (let r = 0; r < R; r++) if (data.codes[base + r] >= 0) m++;
    if (m < 2) continue;
    for (let r = 0; r < R; r++) if (data.codes[base + r] >= 0) flat.push(data.codes[base + r]);
    starts.push(flat.length);
  }
  const N = starts.length - 1;
  const start = Int32Array.from(starts);
  const vals = Int32Array.from(flat);

  const alphas = new Float64Array(resamples);
  let defined = 0;
  if (N > 0 && resamples > 0) {
    const rand = mulberry32(seed);
    const nc = new Float64Array(V);
    const touched = new Int32Array(V);
    const fixed = !dependsOnMarginals(level);
    const delta = fixed && level !== 'nominal' ? distanceMatrix(level, data.values) : undefined;
    // Each unit's share of sum(o_ck * delta_ck), when delta does not move between resamples.
    const unitObserved = new Float64Array(N);
    if (fixed)
      for (let u = 0; u < N; u++) {
        const a = start[u];
        const b = start[u + 1];
        let s = 0;
        for (let i = a; i < b; i++)
          for (let j = a; j < b; j++) if (i !== j) s += delta ? delta[vals[i] * V + vals[j]] : vals[i] === vals[j] ? 0 : 1;
        unitObserved[u] = s / (b - a - 1);
      }
    const o = fixed ? undefined : new Float64Array(V * V);

    for (let b = 0; b < resamples; b++) {
      if (opts.progress && b % 8 === 0) opts.progress(b);
      nc.fill(0);
      if (o) o.fill(0);
      let n = 0;
      let sumO = 0;
      let t = 0;
      for (let draw = 0; draw < N; draw++) {
        const u = Math.floor(rand() * N);
        const a = start[u];
        const e = start[u + 1];
        n += e - a;
        for (let i = a; i < e; i++) {
          const c = vals[i];
          if (nc[c] === 0) touched[t++] = c;
          nc[c]++;
        }
        if (o) {
          const w = 1 / (e - a - 1);
          for (let i = a; i < e; i++) for (let j = a; j < e; j++) if (i !== j) o[vals[i] * V + vals[j]] += w;
        } else sumO += unitObserved[u];
      }
      let sumE = 0;
      if (level === 'nominal') {
        let squares = 0;
        for (let i = 0; i < t; i++) squares += nc[touched[i]] * nc[touched[i]];
        sumE = n * n - squares;
      } else {
        const d = delta ?? distanceMatrix(level, data.values, nc);
        for (let i = 0; i < t; i++) {
          const c = touched[i];
          for (let j = 0; j < t; j++) {
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

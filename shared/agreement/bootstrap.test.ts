import { describe, expect, it } from 'vitest';
import { computeAlpha } from './alpha.ts';
import { bootstrapAlpha, bootstrapDistribution, quantileSorted } from './bootstrap.ts';
import { dependsOnMarginals, distanceMatrix } from './distance.ts';
import { mulberry32 } from './prng.ts';
import { codeRatingMatrix, type CodedRatings, type RatingCell } from './ratings.ts';
import type { Level } from './types.ts';

function randomMatrix(rand: () => number, raters: number, units: number, make: () => RatingCell, missing = 0.2): RatingCell[][] {
  return Array.from({ length: raters }, () => Array.from({ length: units }, () => (rand() < missing ? null : make())));
}

/** Resampling done the slow, plain way: copy the drawn units and recompute alpha from scratch. */
function naiveDistribution(data: CodedRatings, resamples: number, seed: number): number[] {
  const R = data.raterCount;
  const pairable: number[] = [];
  for (let u = 0; u < data.unitCount; u++) {
    let m = 0;
    for (let r = 0; r < R; r++) if (data.codes[u * R + r] >= 0) m++;
    if (m >= 2) pairable.push(u);
  }
  const rand = mulberry32(seed);
  const out: number[] = [];
  for (let b = 0; b < resamples; b++) {
    const codes = new Int32Array(pairable.length * R);
    for (let i = 0; i < pairable.length; i++) {
      const u = pairable[Math.floor(rand() * pairable.length)];
      codes.set(data.codes.subarray(u * R, u * R + R), i * R);
    }
    const a = computeAlpha({ ...data, unitCount: pairable.length, codes }).alpha;
    if (a !== null) out.push(a);
  }
  return out;
}

/**
 * The bootstrap as it was before units were grouped by type: each draw walks the drawn unit's own
 * codes. The grouped loop must give the same alphas, draw for draw, up to the order of summation.
 */
function perUnitDistribution(data: CodedRatings, resamples: number, seed: number): number[] {
  const R = data.raterCount;
  const V = data.values.keys.length;
  const level = data.level;
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
  const out: number[] = [];
  if (N === 0) return out;
  const rand = mulberry32(seed);
  const fixed = !dependsOnMarginals(level);
  const delta = fixed && level !== 'nominal' ? distanceMatrix(level, data.values) : undefined;
  const unitObserved = starts.slice(0, N).map((a, u) => {
    const b = starts[u + 1];
    let s = 0;
    for (let i = a; i < b; i++) for (let j = a; j < b; j++) if (i !== j) s += delta ? delta[flat[i] * V + flat[j]] : flat[i] === flat[j] ? 0 : 1;
    return s / (b - a - 1);
  });
  for (let b = 0; b < resamples; b++) {
    const nc = new Float64Array(V);
    const o = new Float64Array(V * V);
    let n = 0;
    let sumO = 0;
    for (let draw = 0; draw < N; draw++) {
      const u = Math.floor(rand() * N);
      const a = starts[u];
      const e = starts[u + 1];
      n += e - a;
      for (let i = a; i < e; i++) nc[flat[i]]++;
      if (fixed) sumO += unitObserved[u];
      else for (let i = a; i < e; i++) for (let j = a; j < e; j++) if (i !== j) o[flat[i] * V + flat[j]] += 1 / (e - a - 1);
    }
    const d = delta ?? distanceMatrix(level, data.values, nc);
    let sumE = 0;
    for (let c = 0; c < V; c++)
      for (let k = 0; k < V; k++) {
        sumE += nc[c] * nc[k] * d[c * V + k];
        if (!fixed) sumO += o[c * V + k] * d[c * V + k];
      }
    if (sumE > 0) out.push(1 - ((n - 1) * sumO) / sumE);
  }
  return out;
}

describe('bootstrap', () => {
  const rand = mulberry32(7);
  const sets = ['a', 'b', 'c', 'd'];
  const cases: [Level, () => RatingCell][] = [
    ['nominal', () => Math.floor(rand() * 4)],
    ['ordinal', () => Math.floor(rand() * 5)],
    ['interval', () => Math.floor(rand() * 5) * 1.5],
    ['ratio', () => Math.floor(rand() * 5)],
    ['masi', () => sets.filter(() => rand() < 0.4)],
    ['jaccard', () => sets.filter(() => rand() < 0.4)],
  ];
  for (const [level, make] of cases) {
    it(`recomputes ${level} alpha on every resample exactly as a from-scratch computation would`, () => {
      // Bias raters toward agreement so alphas are not all near 0.
      const base = randomMatrix(rand, 1, 40, make, 0)[0];
      const rows = randomMatrix(rand, 3, 40, make).map((row) => row.map((v, u) => (v === null ? null : rand() < 0.6 ? base[u] : v)));
      const data = codeRatingMatrix(rows, level);
      const fast = Array.from(bootstrapDistribution(data, { resamples: 60, seed: 11 }));
      const slow = naiveDistribution(data, 60, 11);
      expect(fast.length).toBe(slow.length);
      fast.forEach((a, i) => expect(Math.abs(a - slow[i])).toBeLessThan(1e-9));
    });
  }

  for (const [level, make] of cases) {
    it(`draws the same resamples as the per-unit loop and gets the same ${level} alphas (units grouped by type)`, () => {
      // Few distinct values and many units: most units share their multiset of codes with others.
      const base = randomMatrix(rand, 1, 3000, make, 0)[0];
      const rows = randomMatrix(rand, 4, 3000, make, 0.3).map((row) => row.map((v, u) => (v === null ? null : rand() < 0.7 ? base[u] : v)));
      const data = codeRatingMatrix(rows, level);
      const grouped = Array.from(bootstrapDistribution(data, { resamples: 40, seed: 5 }));
      const perUnit = perUnitDistribution(data, 40, 5);
      expect(grouped.length).toBe(perUnit.length);
      expect(grouped.length).toBeGreaterThan(30);
      grouped.forEach((a, i) => expect(Math.abs(a - perUnit[i])).toBeLessThan(1e-12));
    });
  }

  it('prints the same numbers for the same seed, and others for another seed', () => {
    const r = mulberry32(3);
    const data = codeRatingMatrix(randomMatrix(r, 3, 520, () => 1 + Math.floor(r() * 3)), 'nominal');
    const a = bootstrapAlpha(data, { resamples: 1000, seed: 42 });
    const b = bootstrapAlpha(data, { resamples: 1000, seed: 42 });
    const c = bootstrapAlpha(data, { resamples: 1000, seed: 43 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(c.low).not.toBe(a.low);
    expect(a.defined).toBe(1000);
  });

  it('brackets alpha and gives the probabilities of falling short', () => {
    const r = mulberry32(5);
    const truth = Array.from({ length: 300 }, () => Math.floor(r() * 4));
    const rows = [0, 1, 2].map(() => truth.map((v) => (r() < 0.1 ? (v + 1) % 4 : v)));
    const data = codeRatingMatrix(rows, 'nominal');
    const alpha = computeAlpha(data).alpha!;
    const ci = bootstrapAlpha(data, { resamples: 1000, seed: 1 });
    expect(ci.low!).toBeLessThan(alpha);
    expect(ci.high!).toBeGreaterThan(alpha);
    const dist = Array.from(bootstrapDistribution(data, { resamples: 1000, seed: 1 }));
    expect(ci.probabilityBelow['0.800']).toBe(dist.filter((a) => a < 0.8).length / dist.length);
    expect(ci.probabilityBelow['0.667']).toBe(dist.filter((a) => a < 0.667).length / dist.length);
  });

  it('reports no interval when no resample has a defined alpha', () => {
    const ci = bootstrapAlpha(codeRatingMatrix([[1, 1], [1, 1]], 'nominal'), { resamples: 50, seed: 1 });
    expect(ci).toMatchObject({ defined: 0, low: null, high: null, probabilityBelow: { '0.800': null } });
  });

  it('interpolates percentiles linearly', () => {
    expect(quantileSorted([0, 10], 0.25)).toBe(2.5);
    expect(quantileSorted([1, 2, 3, 4, 5], 0.5)).toBe(3);
  });
});

import { describe, expect, it } from 'vitest';
import { computeAlpha } from './alpha.ts';
import { bootstrapAlpha, bootstrapDistribution, quantileSorted } from './bootstrap.ts';
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

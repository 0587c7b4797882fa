import { describe, expect, it } from 'vitest';
import { computeAlpha } from './alpha.ts';
import { coefficientTable } from './coefficient-table.ts';
import { mulberry32 } from './prng.ts';
import type { CodedRatings } from './ratings.ts';
import { compareSet, near, sum, textbook, textbookWeights, type Cell } from './textbook.testing.ts';

/**
 * Random reliability matrices (2-6 raters, 2-6 categories, missing ratings) against an
 * independent implementation written here from the textbook formulas: Gwet (2014), Handbook of
 * Inter-Rater Reliability, 4th ed., as irrCAC's raw-data functions and kappa2.table state them.
 * It works on plain 2-D arrays with straight loops, keeps the matrices of the book (r_ik, r*_ik,
 * p_gk, lambda_ig) instead of the app's folded sums, and takes Conger's chance agreement as the
 * mean over pairs of raters of their Cohen chance agreement (Conger 1980) rather than from the
 * variance across raters the app uses. Every value and standard error agrees to 1e-9.
 */

/** A random matrix: units x raters, category index or null. */
function randomMatrix(rand: () => number, R: number, q: number, units: number, missing: number): Cell[][] {
  // Skewed category shares and a tendency to agree, so kappas land anywhere in [-1, 1].
  const shares = Array.from({ length: q }, () => rand() ** 2 + 0.01);
  const total = sum(shares);
  const draw = () => {
    let x = rand() * total;
    for (let k = 0; k < q; k++) if ((x -= shares[k]) <= 0) return k;
    return q - 1;
  };
  const agreement = rand();
  return Array.from({ length: units }, () => {
    const truth = draw();
    return Array.from({ length: R }, () => (rand() < missing ? null : rand() < agreement ? truth : draw()));
  });
}

function coded(matrix: Cell[][], q: number, level: 'nominal' | 'ordinal', values: number[]): CodedRatings {
  const U = matrix.length;
  const R = matrix[0].length;
  const codes = new Int32Array(U * R);
  matrix.forEach((row, u) => row.forEach((x, g) => (codes[u * R + g] = x === null ? -1 : x)));
  return {
    level,
    unitCount: U,
    raterCount: R,
    codes,
    values: { keys: values.map(String), ...(level === 'ordinal' ? { numbers: Float64Array.from(values) } : {}) },
  };
}

describe('coefficients against the textbook, on random matrices', () => {
  it('agree to 1e-9 on 300 matrices, every coefficient, its standard error and interval, per category too', () => {
    const rand = mulberry32(20240601);
    const schemes = ['ordinal', 'quadratic', 'linear'] as const;
    let checked = 0;
    let undefinedSeen = 0;
    for (let trial = 0; trial < 300; trial++) {
      const R = 2 + Math.floor(rand() * 5);
      const q = 2 + Math.floor(rand() * 5);
      const units = 1 + Math.floor(rand() * 40);
      const matrix = randomMatrix(rand, R, q, units, rand() * 0.6);
      if (!matrix.some((row) => row.some((x) => x !== null))) continue;
      const ordinal = trial % 3 === 0;
      const scheme = ordinal ? schemes[trial % 9 === 0 ? 0 : trial % 9 === 3 ? 1 : 2] : 'identity';
      // Category values for quadratic and linear weights: unevenly spaced numbers in rank order.
      const values: number[] = [];
      for (let k = 0, x = 0; k < q; k++) values.push((x += 1 + Math.floor(rand() * 3)));
      const data = coded(matrix, q, ordinal ? 'ordinal' : 'nominal', values);
      const raters = Array.from({ length: R }, (_, g) => `r${g + 1}`);
      const table = coefficientTable(data, raters, { bootstrap: 0, weights: ordinal ? (scheme as (typeof schemes)[number]) : undefined });
      const W = textbookWeights(scheme, q, values);
      const tb = textbook(matrix, q, W);
      expect(table.units).toBe(tb.n);
      expect(table.pairable).toBe(tb.n2);
      compareSet(table.coefficients, tb, `trial ${trial} (${R} raters, ${q} categories, ${scheme})`);
      if (tb.fleiss.value === null || tb.cohen.some((c) => c.value === null)) undefinedSeen++;

      // Krippendorff's alpha: the app's value against Gwet's formulation (nominal), with its standard error.
      if (!ordinal) {
        near(table.coefficients.alpha.value, tb.alpha?.value ?? computeAlpha(data).alpha, `trial ${trial} alpha`);
        if (tb.alpha) near(table.coefficients.alpha.analytic?.se ?? null, tb.alpha.se, `trial ${trial} alpha se`);
      }

      // One category against the rest: the textbook on the recoded matrix, unweighted.
      expect(table.perCategory.map((c) => c.id)).toEqual(values.map(String));
      table.perCategory.forEach((c, code) => {
        const binary = matrix.map((row) => row.map((x) => (x === null ? null : x === code ? 1 : 0)));
        compareSet(c.coefficients, textbook(binary, 2, textbookWeights('identity', 2, [1, 2])), `trial ${trial} category ${c.id}`);
      });
      checked++;
    }
    expect(checked).toBeGreaterThan(280);
    // The random matrices reach the undefined cases too (one category used, pairs with no unit in common).
    expect(undefinedSeen).toBeGreaterThan(5);
  });

  it('say null with a reason, never NaN or 0, when a coefficient is undefined', () => {
    const same = coded(
      [
        [0, 0, null],
        [0, null, 0],
        [0, 0, 0],
      ],
      2,
      'nominal',
      [1, 2],
    );
    const set = coefficientTable(same, ['a', 'b', 'c'], { bootstrap: 50 }).coefficients;
    for (const f of [set.fleiss, set.conger, set.alpha, set.cohen.pairs[0]]) {
      expect(f.value).toBeNull();
      expect(f.ci).toBeNull();
      expect(f.reason).toMatch(/same category|expected disagreement is 0/);
    }
    // AC1 and Brennan-Prediger take chance from the number of categories: with two possible, both are 1.
    expect(set.gwet.value).toBe(1);
    expect(set.brennanPrediger.value).toBe(1);
    expect(set.percent.value).toBe(1);
    expect(set.cohen.pairs.map((p) => p.raters.join('/'))).toEqual(['a/b', 'a/c', 'b/c']);
    expect(set.cohen.value).toBeNull();
    const apart = coefficientTable(coded([[0, 1, null], [1, null, 0]], 2, 'nominal', [1, 2]), ['a', 'b', 'c'], { bootstrap: 0 }).coefficients;
    expect(apart.cohen.pairs[2].value).toBeNull();
    expect(apart.cohen.pairs[2].reason).toMatch(/no unit in common/);

    const lonely = coefficientTable(coded([[0, null], [null, 1]], 2, 'nominal', [1, 2]), ['a', 'b'], { bootstrap: 10 }).coefficients;
    for (const f of [lonely.percent, lonely.fleiss, lonely.conger, lonely.gwet, lonely.brennanPrediger, lonely.alpha, lonely.cohen]) {
      expect(f.value).toBeNull();
      expect(f.reason).toMatch(/two or more raters|no pair|in common/);
    }
    const oneCategory = coefficientTable(coded([[0, 0], [0, 0]], 1, 'nominal', [1]), ['a', 'b'], { bootstrap: 0 }).coefficients;
    expect(oneCategory.gwet.value).toBeNull();
    expect(oneCategory.gwet.reason).toMatch(/only one category/);
    expect(oneCategory.brennanPrediger.reason).toMatch(/only one category/);
    expect(JSON.stringify(oneCategory)).not.toMatch(/NaN|Infinity/);
  });
});

describe('bootstrap intervals', () => {
  const rand = mulberry32(99);
  const matrix = randomMatrix(rand, 4, 3, 30, 0.3);
  const data = coded(matrix, 3, 'nominal', [1, 2, 3]);
  const raters = ['a', 'b', 'c', 'd'];

  it('are the percentiles of the coefficient over resamples of the rated units', () => {
    const resamples = 200;
    const seed = 5;
    const set = coefficientTable(data, raters, { bootstrap: resamples, seed, perCategory: false }).coefficients;
    // The same draws by hand: rated units in order, each resample n draws of floor(rand() * n).
    const rated = matrix.filter((row) => row.some((x) => x !== null));
    const draws = mulberry32(seed);
    const fleiss: number[] = [];
    const mean: number[] = [];
    for (let b = 0; b < resamples; b++) {
      const sample = rated.map(() => rated[Math.floor(draws() * rated.length)]);
      const tb = textbook(sample, 3, textbookWeights('identity', 3, [1, 2, 3]));
      if (tb.fleiss.value !== null) fleiss.push(tb.fleiss.value);
      if (tb.cohenMean !== null) mean.push(tb.cohenMean);
    }
    // Hyndman & Fan type 7, as R's quantile() by default.
    const percentile = (xs: number[], p: number) => {
      const s = [...xs].sort((x, y) => x - y);
      const h = (s.length - 1) * p;
      const lo = Math.floor(h);
      return s[lo] + (h - lo) * (s[Math.min(lo + 1, s.length - 1)] - s[lo]);
    };
    near(set.fleiss.bootstrap!.ci![0], percentile(fleiss, 0.025), 'Fleiss bootstrap low');
    near(set.fleiss.bootstrap!.ci![1], percentile(fleiss, 0.975), 'Fleiss bootstrap high');
    expect(set.fleiss.bootstrap!.defined).toBe(fleiss.length);
    near(set.cohen.ci![0], percentile(mean, 0.025), 'mean Cohen bootstrap low');
    near(set.cohen.ci![1], percentile(mean, 0.975), 'mean Cohen bootstrap high');
    expect(set.cohen.ciMethod).toBe('bootstrap');
  });

  it('are the same for the same seed and move with another', () => {
    const a = coefficientTable(data, raters, { bootstrap: 100, seed: 3 });
    const b = coefficientTable(data, raters, { bootstrap: 100, seed: 3 });
    const c = coefficientTable(data, raters, { bootstrap: 100, seed: 4 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(c.coefficients.fleiss.bootstrap!.ci).not.toEqual(a.coefficients.fleiss.bootstrap!.ci);
    // Alpha's interval is the one `concord alpha` gives for the same data and seed.
    expect(a.coefficients.alpha.bootstrap!.seed).toBe(3);
  });
});

import fc from 'fast-check';
import { alpha as packageAlpha } from 'krippendorff';
import { describe, expect, it } from 'vitest';
import { alphaFromCoincidence, alphaOfMatrix, buildCoincidence, computeAlpha } from './alpha.ts';
import { packageNominalAlpha } from './cross-check.ts';
import { codeRatingMatrix } from './ratings.ts';

/**
 * Random reliability matrices: 2-6 raters, 2-10 distinct values, 0-40% missing, checked
 * against implementations that share no code with ours.
 */
const matrixArb = <T>(cell: (values: number) => fc.Arbitrary<T>) =>
  fc
    .record({ raters: fc.integer({ min: 2, max: 6 }), units: fc.integer({ min: 1, max: 30 }), values: fc.integer({ min: 2, max: 10 }), missing: fc.double({ min: 0, max: 0.4, noNaN: true }) })
    .chain(({ raters, units, values, missing }) =>
      fc.array(fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), cell(values)), { minLength: units, maxLength: units }), {
        minLength: raters,
        maxLength: raters,
      }).map((rows) => rows.map((row) => row.map(([p, v]) => (p < missing ? null : v)))),
    );

/** The obviously-correct definition: D_o from pairs within units, D_e from all pairs of pairable values. */
function pairwiseSumAlpha<T>(rows: (T | null)[][], distance: (a: T, b: T) => number): number | null {
  const units: T[][] = [];
  for (let u = 0; u < rows[0].length; u++) {
    const vals = rows.map((row) => row[u]).filter((v): v is T => v !== null);
    if (vals.length >= 2) units.push(vals);
  }
  const all = units.flat();
  const n = all.length;
  if (n < 2) return null;
  let within = 0;
  for (const vals of units) {
    let s = 0;
    for (let i = 0; i < vals.length; i++) for (let j = 0; j < vals.length; j++) if (i !== j) s += distance(vals[i], vals[j]);
    within += s / (vals.length - 1);
  }
  let between = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) between += distance(all[i], all[j]);
  if (between === 0) return null;
  const observed = within / n;
  const expected = between / (n * (n - 1));
  return 1 - observed / expected;
}

function plainJaccard(a: string[], b: string[]): number {
  const A = new Set(a);
  const B = new Set(b);
  const inter = [...A].filter((x) => B.has(x)).length;
  const union = new Set([...A, ...B]).size;
  return union === 0 ? 0 : 1 - inter / union;
}

function plainMasi(a: string[], b: string[]): number {
  const A = new Set(a);
  const B = new Set(b);
  const inter = [...A].filter((x) => B.has(x)).length;
  const union = new Set([...A, ...B]).size;
  if (union === 0) return 0;
  const monotonicity = inter === A.size && inter === B.size ? 1 : inter === A.size || inter === B.size ? 2 / 3 : inter > 0 ? 1 / 3 : 0;
  return 1 - (inter / union) * monotonicity;
}

const ITEMS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'];
const setCell = (values: number) => fc.subarray(ITEMS.slice(0, values), { minLength: 1 });

describe('property: nominal alpha equals the krippendorff package', () => {
  it('on 1,000 random matrices (values handed over raw, missing as undefined)', () => {
    fc.assert(
      fc.property(matrixArb((v) => fc.integer({ min: 0, max: v - 1 })), (rows) => {
        const ours = alphaOfMatrix(rows, 'nominal').alpha;
        const theirs = packageAlpha(rows.map((row) => row.map((x) => (x === null ? undefined : x))));
        if (ours === null) expect(Number.isFinite(theirs)).toBe(false);
        else expect(Math.abs(ours - theirs)).toBeLessThan(1e-9);
      }),
      { numRuns: 1000, seed: 20240601 },
    );
  });

  it('and the quirk-proof encoding in the report cross-check gives the same answer', () => {
    fc.assert(
      fc.property(matrixArb((v) => fc.constantFrom(...ITEMS.slice(0, v))), (rows) => {
        const data = codeRatingMatrix(rows, 'nominal');
        const ours = alphaOfMatrix(rows, 'nominal').alpha;
        const theirs = packageNominalAlpha(data);
        if (ours === null) expect(theirs).toBeNull();
        else expect(Math.abs(ours - theirs!)).toBeLessThan(1e-9);
      }),
      { numRuns: 300, seed: 7 },
    );
  });
});

describe('property: the fast paths give the whole result the general path gives', () => {
  it('on 500 random integer matrices', () => {
    fc.assert(
      fc.property(matrixArb((v) => fc.integer({ min: 0, max: v - 1 })), (rows) => {
        const fast = alphaOfMatrix(rows, 'nominal');
        const general = alphaFromCoincidence(buildCoincidence(codeRatingMatrix(rows, 'nominal')), 'nominal', codeRatingMatrix(rows, 'nominal').values);
        const coded = computeAlpha(codeRatingMatrix(rows, 'nominal'));
        for (const other of [general, coded]) {
          expect({ ...fast, alpha: null, observedDisagreement: null, expectedDisagreement: null }).toEqual({ ...other, alpha: null, observedDisagreement: null, expectedDisagreement: null });
          if (other.alpha === null) expect(fast.alpha).toBeNull();
          else expect(Math.abs(fast.alpha! - other.alpha)).toBeLessThan(1e-12);
          if (other.observedDisagreement !== null) expect(Math.abs(fast.observedDisagreement! - other.observedDisagreement)).toBeLessThan(1e-12);
        }
      }),
      { numRuns: 500, seed: 17 },
    );
  });
});

describe('property: set levels equal the pairwise-sum definition', () => {
  for (const [level, distance] of [
    ['masi', plainMasi],
    ['jaccard', plainJaccard],
  ] as const) {
    it(`${level} on 1,000 random matrices`, () => {
      fc.assert(
        fc.property(matrixArb(setCell), (rows) => {
          const ours = alphaOfMatrix(rows, level).alpha;
          const plain = pairwiseSumAlpha(rows, distance);
          if (plain === null) expect(ours).toBeNull();
          else expect(Math.abs(ours! - plain)).toBeLessThan(1e-9);
        }),
        { numRuns: 1000, seed: 99 },
      );
    });
  }

  it('interval and ratio on 300 random matrices', () => {
    fc.assert(
      fc.property(matrixArb((v) => fc.integer({ min: 0, max: v - 1 })), (rows) => {
        const interval = pairwiseSumAlpha(rows, (a: number, b: number) => (a - b) ** 2);
        const ratio = pairwiseSumAlpha(rows, (a: number, b: number) => (a + b === 0 ? 0 : ((a - b) / (a + b)) ** 2));
        const oi = alphaOfMatrix(rows, 'interval').alpha;
        const or = alphaOfMatrix(rows, 'ratio').alpha;
        if (interval === null) expect(oi).toBeNull();
        else expect(Math.abs(oi! - interval)).toBeLessThan(1e-9);
        if (ratio === null) expect(or).toBeNull();
        else expect(Math.abs(or! - ratio)).toBeLessThan(1e-9);
      }),
      { numRuns: 300, seed: 3 },
    );
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { alphaOfMatrix } from './alpha.ts';
import type { RatingCell } from './ratings.ts';
import { isLevel } from './types.ts';

interface Case {
  id: string;
  level: string;
  expected_alpha: number | null;
  data: RatingCell[][];
}
const cases: Case[] = JSON.parse(readFileSync(new URL('../../fixtures/reference/kalpha-cases.json', import.meta.url), 'utf8')).cases;

describe('published reference cases', () => {
  it('has cases to check', () => expect(cases.length).toBeGreaterThan(10));
  for (const c of cases) {
    it(c.id, () => {
      if (!isLevel(c.level)) throw new Error(`unknown level ${c.level}`);
      const r = alphaOfMatrix(c.data, c.level);
      if (c.expected_alpha === null) {
        expect(r.alpha).toBeNull();
        expect(r.undefinedReason).toMatch(/\w/);
      } else {
        expect(r.alpha).not.toBeNull();
        expect(Math.abs(r.alpha! - c.expected_alpha)).toBeLessThan(1e-9);
      }
      expect(Number.isNaN(r.alpha)).toBe(false);
    });
  }
});

describe('what every result carries', () => {
  it('counts pairable units, values and raters, with both disagreements', () => {
    // Wikipedia's example: 15 units, 9 pairable, 26 pairable values, 3 raters.
    const u = undefined;
    const r = alphaOfMatrix(
      [
        [u, u, u, u, u, 3, 4, 1, 2, 1, 1, 3, 3, u, 3],
        [1, u, 2, 1, 3, 3, 4, 3, u, u, u, u, u, u, u],
        [u, u, 2, 1, 3, 4, 4, u, 2, 1, 1, 3, 3, u, 4],
      ],
      'nominal',
    );
    expect(r).toMatchObject({ units: 12, values: 26, raters: 3, level: 'nominal' });
    expect(r.observedDisagreement).toBeCloseTo(6 / 26, 12) // o_13 + o_31 + o_34 + o_43 = 1 + 1 + 2 + 2;
    expect(r.alpha).toBeCloseTo(1 - r.observedDisagreement! / r.expectedDisagreement!, 12);
  });

  it('says why alpha is undefined instead of returning NaN, 0 or 1', () => {
    const none = alphaOfMatrix([[1, null], [null, 2]], 'nominal');
    expect(none).toMatchObject({ alpha: null, units: 0, values: 0, observedDisagreement: null });
    expect(none.undefinedReason).toMatch(/pairable/);
    const same = alphaOfMatrix([['a', 'a'], ['a', 'a']], 'nominal');
    expect(same).toMatchObject({ alpha: null, units: 2, values: 4, expectedDisagreement: 0 });
    expect(same.undefinedReason).toMatch(/expected disagreement is 0/);
  });

  it('reads ratio zeros as equal and rejects negative ratios', () => {
    expect(alphaOfMatrix([[0, 0, 5], [0, 0, 5]], 'ratio').alpha).toBe(1);
    expect(() => alphaOfMatrix([[-1, 2], [1, 2]], 'ratio')).toThrow(/negative/);
  });

  it('rejects words where numbers are needed, naming the cell', () => {
    expect(() => alphaOfMatrix([[1, 'x'], [1, 2]], 'interval')).toThrow(/rater 1, unit 2/);
  });

  it('keeps ordinal codes in numeric order whatever order values first appear in', () => {
    const a = alphaOfMatrix([[10, 2, 3, 1], [10, 3, 3, 2]], 'ordinal');
    const b = alphaOfMatrix([[1, 2, 3, 10], [2, 3, 3, 10]], 'ordinal');
    expect(a.alpha).toBeCloseTo(b.alpha!, 12);
  });
});

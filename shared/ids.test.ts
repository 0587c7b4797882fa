import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareIds, sortIds } from './ids.ts';

describe('the order of entry ids', () => {
  it('is natural: numbers inside ids compare as numbers', () => {
    expect(['e10', 'e2', 'e1', 'b', 'a10b', 'a2b', 'a2a'].sort(compareIds)).toEqual(['a2a', 'a2b', 'a10b', 'b', 'e1', 'e2', 'e10']);
    expect(['x-100', 'x-20', 'x-3'].sort(compareIds)).toEqual(['x-3', 'x-20', 'x-100']);
    // Past floating point: 2^53 + 1 is not equal to 2^53.
    expect(compareIds('e9007199254740993', 'e9007199254740992')).toBeGreaterThan(0);
  });

  it('is a total order: equal only for equal ids, antisymmetric and transitive', () => {
    expect(compareIds('e01', 'e1')).not.toBe(0);
    expect(Math.sign(compareIds('e01', 'e1')) + Math.sign(compareIds('e1', 'e01'))).toBe(0);
    const id = fc.stringMatching(/^[a-c0-9_,]{0,6}$/);
    fc.assert(
      fc.property(id, id, id, (a, b, c) => {
        expect(compareIds(a, b) === 0).toBe(a === b);
        expect(Math.sign(compareIds(a, b)) + Math.sign(compareIds(b, a))).toBe(0);
        if (compareIds(a, b) < 0 && compareIds(b, c) < 0) expect(compareIds(a, c)).toBeLessThan(0);
      }),
      { numRuns: 3000 },
    );
  });

  it('sorts the same whatever order the ids come in', () => {
    const ids = ['e10', 'e2', 'e02', 'e1', 'e', 'E3', 'e2a', 'e2b', 'f1'];
    const sorted = [...ids].sort(compareIds);
    fc.assert(
      fc.property(fc.shuffledSubarray(ids, { minLength: ids.length }), (xs) => {
        expect([...xs].sort(compareIds)).toEqual(sorted);
      }),
    );
  });

  it('sortIds gives the order compareIds gives, in place, whether or not the ids come in order', () => {
    const id = fc.stringMatching(/^[a-c0-9_]{0,5}$/);
    fc.assert(
      fc.property(fc.uniqueArray(id, { maxLength: 40 }), (ids) => {
        const expected = [...ids].sort(compareIds);
        const given = [...ids];
        expect(sortIds(given)).toBe(given);
        expect(given).toEqual(expected);
        expect(sortIds([...expected])).toEqual(expected);
      }),
      { numRuns: 2000 },
    );
  });
});

import { describe, expect, it } from 'vitest';
import { contractKeys, type CoefficientSet } from '../../../shared/agreement/coefficient-table.ts';
import { coefficientKeys, coefficientNotes, coefficientScale, contractKeyOf } from './coefficients.ts';

describe('the coefficient selector', () => {
  const set = Object.fromEntries(['percent', 'cohen', 'fleiss', 'conger', 'gwet', 'brennanPrediger', 'alpha'].map((k) => [k, { value: 0.5, ci: [0.2, 0.8] }])) as unknown as CoefficientSet;

  it('offers every coefficient of the CLI contract, alpha first, each under the key `concord agreement --json` prints', () => {
    expect(coefficientKeys[0]).toBe('alpha');
    for (const gwetName of ['AC1', 'AC2'] as const) {
      const keys = Object.keys(contractKeys({ ...set, gwetName }));
      expect(coefficientKeys.map((k) => contractKeyOf(k, gwetName)).sort()).toEqual(keys.sort());
    }
  });

  it('says for each what it assumes and how it treats a missing rating', () => {
    for (const k of coefficientKeys) {
      expect(coefficientNotes[k].assumes.length, k).toBeGreaterThan(60);
      expect(coefficientNotes[k].missing.length, k).toBeGreaterThan(40);
    }
  });

  it('puts every bar on one scale from the lowest value or interval end (or 0) to 1', () => {
    expect(coefficientScale([{ value: 0.4, ci: [0.1, 0.7] } as never])).toEqual({ min: 0, max: 1 });
    expect(coefficientScale([{ value: -0.05, ci: [-0.31, 0.2] } as never, null])).toEqual({ min: -0.4, max: 1 });
  });
});

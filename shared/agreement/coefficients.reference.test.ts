import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { coefficientsOfMatrix, type Coefficient, type CoefficientLevel, type CoefficientSet } from './coefficient-table.ts';
import type { RatingCell } from './ratings.ts';
import { isWeightScheme } from './weights.ts';

/**
 * Published worked examples (fixtures/reference/agreement-cases.json; each case names its source):
 * Gwet's handbook datasets as irrCAC computes them, irrCAC's contingency tables, Fleiss (1971),
 * and Wikipedia's Cohen and Fleiss examples. A figure matches when it rounds to the published digits.
 */

type Published = { value?: string; se?: string; pa?: string; pe?: string; ci?: [string, string] };
interface Case {
  id: string;
  source: string;
  level: CoefficientLevel;
  weights?: string;
  raters: string[];
  data: RatingCell[][];
  expected: Record<string, Published | Published[]>;
  expectedPerCategory?: Record<string, Record<string, string>>;
}

const cases: Case[] = JSON.parse(readFileSync(new URL('../../fixtures/reference/agreement-cases.json', import.meta.url), 'utf8')).cases;

/** Whether `ours` rounds to the published figure: within half a unit of its last digit. */
function matchesPublished(ours: number | null | undefined, published: string): boolean {
  if (ours === null || ours === undefined) return false;
  const digits = (published.split('.')[1] ?? '').length;
  return Math.abs(ours - Number(published)) <= 0.5 * 10 ** -digits + 1e-12;
}

function figure(set: CoefficientSet, key: string): Coefficient {
  const byKey: Record<string, Coefficient> = {
    percent: set.percent,
    cohen: set.cohen,
    fleiss: set.fleiss,
    conger: set.conger,
    gwet: set.gwet,
    brennan_prediger: set.brennanPrediger,
    alpha: set.alpha,
  };
  const f = byKey[key];
  if (!f) throw new Error(`unknown coefficient key ${key}`);
  return f;
}

/** Every published field of one coefficient that ours does not round to, as "field: published vs ours". */
function mismatches(name: string, ours: Coefficient, published: Published): string[] {
  const out: string[] = [];
  const check = (field: string, got: number | null | undefined, want: string) => {
    if (!matchesPublished(got, want)) out.push(`${name}.${field}: published ${want}, ours ${got}`);
  };
  if (published.value !== undefined) check('value', ours.value, published.value);
  if (published.se !== undefined) check('se', ours.analytic?.se, published.se);
  if (published.pa !== undefined) check('pa', ours.pa, published.pa);
  if (published.pe !== undefined) check('pe', ours.pe, published.pe);
  if (published.ci) {
    check('ci low', ours.analytic?.ci[0], published.ci[0]);
    check('ci high', ours.analytic?.ci[1], published.ci[1]);
  }
  return out;
}

describe('published worked examples', () => {
  it('has the cases the issue asks for', () => {
    const ids = cases.map((c) => c.id);
    expect(ids).toEqual(expect.arrayContaining(['irrcac_raw4raters', 'fleiss1971_diagnoses', 'wikipedia_cohen_kappa', 'wikipedia_fleiss_kappa', 'irrcac_cont3x3abstractors']));
    for (const c of cases) expect(c.source.length, `${c.id} names its source`).toBeGreaterThan(40);
  });

  for (const c of cases)
    it(c.id, () => {
      if (c.weights !== undefined && !isWeightScheme(c.weights)) throw new Error(`unknown weights ${c.weights}`);
      const table = coefficientsOfMatrix(c.data, c.raters, c.level, {
        bootstrap: 0,
        weights: c.weights as never,
        perCategory: c.expectedPerCategory !== undefined,
      });
      const set = table.coefficients;
      const problems: string[] = [];
      for (const [key, published] of Object.entries(c.expected)) {
        if (key === 'cohen_pairs') (published as Published[]).forEach((p, i) => problems.push(...mismatches(`cohen pair ${i + 1}`, set.cohen.pairs[i], p)));
        else problems.push(...mismatches(key, figure(set, key), published as Published));
      }
      for (const [key, byCategory] of Object.entries(c.expectedPerCategory ?? {}))
        for (const [category, published] of Object.entries(byCategory)) {
          const row = table.perCategory.find((p) => p.id === category);
          if (!row) problems.push(`no per-category row for ${category}`);
          else problems.push(...mismatches(`${key} ${category}`, figure(row.coefficients, key), { value: published }));
        }
      expect(problems).toEqual([]);
    });

  it('gives irrCAC raw4raters every figure the CLI reports, with the t interval on n - 1 degrees of freedom', () => {
    const c = cases.find((x) => x.id === 'irrcac_raw4raters')!;
    const set = coefficientsOfMatrix(c.data, c.raters, 'nominal', { bootstrap: 0, perCategory: false }).coefficients;
    for (const f of [set.percent, set.fleiss, set.conger, set.gwet, set.brennanPrediger, set.alpha]) {
      expect(f.ciMethod).toBe('analytic');
      expect(f.analytic!.df).toBe(11);
      expect(f.ci).toEqual(f.analytic!.ci);
    }
    expect(set.gwetName).toBe('AC1');
  });
});

import { describe, expect, it } from 'vitest';
import { deepBenchCodebook } from '../codebook/deep-bench.ts';
import { parseCodebook } from '../codebook/index.ts';
import type { LabelValue } from '../codebook/values.ts';
import { buildCoefficientReport, codeCategories, codeKeys } from './coefficient-report.ts';
import { coefficientsOfMatrix } from './coefficient-table.ts';
import { mulberry32 } from './prng.ts';
import { buildAgreementReport, type AgreementLabel } from './report.ts';

/** Deep-Bench's codebook with one dimension of every other kind: ordinal, multi, text. */
const codebook = parseCodebook({
  ...deepBenchCodebook,
  dimensions: [
    ...deepBenchCodebook.dimensions,
    {
      id: 'severity',
      label: 'Severity',
      kind: 'ordinal',
      definition: 'How bad the failure is.',
      values: ['low', 'medium', 'high', 'critical'].map((id) => ({ id, label: id, definition: `${id} severity` })),
    },
    {
      id: 'smells',
      label: 'Code smells',
      kind: 'multi',
      definition: 'Smells in the generated code.',
      values: ['dead-code', 'magic-number', 'long-function'].map((id) => ({ id, label: id.replace('-', ' '), definition: id })),
    },
    { id: 'note', label: 'Note', kind: 'text', definition: 'Anything else.', values: [] },
  ],
});
const dim = (id: string) => codebook.dimensions.find((d) => d.id === id)!;
const raters = ['ann', 'bob', 'cat'];

/** A study: three annotators who mostly agree, gaps, a bug tree only on failing entries, a stray label. */
function study(seed: number, entries = 50): AgreementLabel[] {
  const rand = mulberry32(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  const ids = (d: string) => dim(d).values.map((v) => v.id);
  const labels: AgreementLabel[] = [];
  for (let e = 1; e <= entries; e++) {
    const entryId = `e${e}`;
    const passed = e % 4 === 0;
    const stage = pick(ids('stage'));
    const type = pick(dim('bug').values);
    const bug = type.children?.length ? [`${type.id}::${pick(type.children).id}`] : [type.id];
    const severity = pick(ids('severity'));
    const smells = ids('smells').filter(() => rand() < 0.4);
    for (const annotator of raters) {
      if (rand() < 0.1) continue;
      const push = (dimension: string, value: LabelValue) => labels.push({ entryId, annotator, dimension, value, passed });
      push('stage', rand() < 0.8 ? stage : pick(ids('stage')));
      if (!passed) {
        push('bug', rand() < 0.7 ? bug : [pick(dim('bug').values).id]);
        push('severity', rand() < 0.7 ? severity : pick(ids('severity')));
      }
      push('smells', rand() < 0.7 ? smells : ids('smells').filter(() => rand() < 0.4));
      push('prompt-review', Object.fromEntries(ids('prompt-review').map((i) => [i, rand() < 0.5])));
      push('note', 'looked at it');
    }
    if (passed) labels.push({ entryId, annotator: 'ann', dimension: 'bug', value: ['syntax-error'], passed });
  }
  return labels;
}

describe('buildCoefficientReport', () => {
  const labels = study(3);
  const report = buildCoefficientReport(codebook, labels, { bootstrap: 0 });
  const alphas = buildAgreementReport(codebook, labels, { bootstrap: 0, cellUnits: false });
  const ours = (id: string) => report.dimensions.find((d) => d.id === id)!;
  const theirs = (id: string) => alphas.dimensions.find((d) => d.id === id)!;
  const measure = (id: string, m: string) => theirs(id).measures.find((x) => x.id === m)!.figure;

  it('stands on the same units as the alpha report, dimension by dimension', () => {
    expect(report.raters).toEqual(alphas.raters);
    for (const d of codebook.dimensions) expect(ours(d.id).units, d.id).toBe(theirs(d.id).units);
    // Where the reading is the same, alpha is the same figure.
    expect(ours('stage').table!.coefficients.alpha.value).toBe(measure('stage', 'nominal').alpha);
    expect(ours('stage').table!.pairable).toBe(measure('stage', 'nominal').units);
    expect(ours('severity').table!.coefficients.alpha.value).toBeCloseTo(measure('severity', 'ordinal').alpha!, 12);
    expect(ours('prompt-review').table!.coefficients.alpha.value).toBeCloseTo(measure('prompt-review', 'items').alpha!, 12);
    expect(report.pooled!.coefficients.alpha.value).toBeCloseTo(alphas.pooledNominal!.figure.alpha!, 12);
    expect(report.pooled!.pairable).toBe(alphas.pooledNominal!.figure.units);
    expect(report.pooled!.dimensions).toEqual(alphas.pooledNominal!.dimensions);
  });

  it('gives every type, subtype and checklist item its figure, as the alpha report does', () => {
    const perValue = (id: string) => theirs(id).perValue;
    const byId = (id: string) => new Map(ours(id).table!.perCategory.map((c) => [c.id, c]));
    for (const [d, kinds] of [
      ['bug', ['type', 'subtype']],
      ['prompt-review', ['item']],
    ] as const) {
      const mine = byId(d);
      expect([...mine.values()].map((c) => c.kind)).toEqual(perValue(d).map((v) => v.kind));
      for (const v of perValue(d)) {
        expect(kinds).toContain(v.kind);
        const alpha = mine.get(v.valueId)!.coefficients.alpha.value;
        if (v.figure.alpha === null) expect(alpha).toBeNull();
        else expect(alpha, `${d} ${v.valueId}`).toBeCloseTo(v.figure.alpha, 12);
      }
    }
  });

  it('computes each dimension as the matrix function does on the same cells', () => {
    // stage, by hand: entries with a stage label, raters in order, the codebook's values as the categories.
    const own = labels.filter((l) => l.dimension === 'stage');
    const entries = [...new Set(own.map((l) => l.entryId))];
    const rows = raters.map((r) => entries.map((e) => (own.find((l) => l.entryId === e && l.annotator === r)?.value as string | undefined) ?? null));
    const categories = dim('stage').values.map((v) => v.id);
    // The matrix function knows only the categories used; the figures compared here do not depend on the others
    // (AC1 and Brennan-Prediger do: the report counts every category of the codebook).
    const direct = coefficientsOfMatrix(rows, raters, 'nominal', { bootstrap: 0, perCategory: false });
    const mine = ours('stage').table!;
    expect(mine.categories.map((c) => c.id)).toEqual(categories);
    for (const key of ['percent', 'fleiss', 'conger', 'alpha'] as const) expect(mine.coefficients[key].value).toBeCloseTo(direct.coefficients[key].value!, 12);
    for (const [i, p] of mine.coefficients.cohen.pairs.entries()) expect(p.value).toBeCloseTo(direct.coefficients.cohen.pairs[i].value!, 12);
    expect(mine.perCategory.map((c) => c.id)).toEqual(categories);
  });

  it('weights ordinal dimensions and reads sets whole, saying so', () => {
    expect(ours('severity').table!.weights).toBe('ordinal');
    expect(ours('severity').table!.coefficients.gwetName).toBe('AC2');
    expect(ours('stage').table!.coefficients.gwetName).toBe('AC1');
    expect(ours('smells').treatment).toMatch(/set of values as a whole/);
    expect(ours('bug').treatment).toMatch(/set of types as a whole/);
    expect(ours('smells').table!.perCategory.map((c) => c.id)).toEqual(dim('smells').values.map((v) => v.id));
    expect(ours('note').table).toBeNull();
    expect(ours('note').treatment).toMatch(/free text/);
    expect(report.pooled!.treatment).toMatch(/exact match/);
    // A checklist: every entry x item is a unit.
    expect(ours('prompt-review').table!.units).toBe(ours('prompt-review').units * dim('prompt-review').values.length);
  });

  it('compares the bug tree by the set of types: two subtypes of one type agree', () => {
    const two: AgreementLabel[] = [
      { entryId: 'x1', annotator: 'ann', dimension: 'bug', value: ['misinterpretation::shape-and-dimension-mismatch'], passed: false },
      { entryId: 'x1', annotator: 'bob', dimension: 'bug', value: ['misinterpretation'], passed: false },
      { entryId: 'x2', annotator: 'ann', dimension: 'bug', value: ['syntax-error'], passed: false },
      { entryId: 'x2', annotator: 'bob', dimension: 'bug', value: ['syntax-error'], passed: false },
    ];
    const r = buildCoefficientReport(codebook, two, { bootstrap: 0, dimension: 'bug' });
    expect(r.pooled).toBeNull();
    expect(r.dimensions.map((d) => d.id)).toEqual(['bug']);
    expect(r.dimensions[0].table!.coefficients.percent.value).toBe(1);
  });

  it('gives the same numbers for the same seed', () => {
    const few = study(8, 15);
    const a = buildCoefficientReport(codebook, few, { bootstrap: 40, seed: 2, dimension: 'stage' });
    const b = buildCoefficientReport(codebook, few, { bootstrap: 40, seed: 2, dimension: 'stage' });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(a.dimensions[0].table!.coefficients.fleiss.bootstrap!.resamples).toBe(40);
  });
});

describe('the per-category figures of one dimension at a time', () => {
  const labels = study(3, 60);
  const full = buildCoefficientReport(codebook, labels, { bootstrap: 0 });
  const withCategories = full.dimensions.filter((d) => d.table?.perCategory.length);

  it('come for the first dimension only when asked, the others saying how many they have', () => {
    const first = buildCoefficientReport(codebook, labels, { bootstrap: 0, categories: 'first' });
    expect(withCategories.map((d) => d.kind)).toEqual(expect.arrayContaining(['single', 'tree', 'checklist', 'ordinal', 'multi']));
    expect(first.pooled).toEqual(full.pooled);
    first.dimensions.forEach((d, i) => {
      const whole = full.dimensions[i];
      expect(d.table?.coefficients, d.id).toEqual(whole.table?.coefficients);
      if (whole === withCategories[0]) expect(d).toEqual(whole);
      else if (whole.table?.perCategory.length) {
        expect(d.table!.perCategory).toEqual([]);
        expect(d.categoriesLeftOut, d.id).toBe(whole.table.perCategory.length);
      } else expect(d).toEqual(whole);
    });
  });

  it('and a dimension asked for alone has the per-category figures the full report has', () => {
    for (const d of withCategories) {
      const alone = buildCoefficientReport(codebook, labels, { bootstrap: 0, dimension: d.id, categories: 'first' });
      expect(alone.dimensions).toEqual([d]);
    }
  });
});

describe('codeKeys', () => {
  /** Cells as the database hands them: each distinct value one object, shared by every cell that holds it. */
  function sharedCells(seed: number, R: number, U: number, values: LabelValue[]): (LabelValue | undefined)[][] {
    const rand = mulberry32(seed);
    return Array.from({ length: R }, () => Array.from({ length: U }, () => (rand() < 0.2 ? undefined : values[Math.floor(rand() * values.length)])));
  }
  // Keys first used in another order unit by unit than rater by rater; two values share a key; one has none.
  const values: LabelValue[] = [['b', 'a'], ['a', 'b'], ['c'], 'x', ['d', 'a'], ['z'], 'y'];
  const key = (v: LabelValue): string | null => (v === 'y' ? null : Array.isArray(v) ? [...v].sort().join('|') : String(v));

  it('codes the cells as codeCategories codes their rows of keys, each key worked out once per distinct value', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const cells = sharedCells(seed, 3, 40, values);
      const rows = cells.map((row) => row.map((v) => (v === undefined ? null : key(v))));
      let calls = 0;
      const counted = (v: LabelValue) => (calls++, key(v));
      const { data, noKey } = codeKeys([{ cells, key: counted }], ['x', 'c'], 'nominal');
      expect(data, `seed ${seed}`).toEqual(codeCategories(rows, ['x', 'c'], 'nominal'));
      expect(noKey).toBe(cells.flat().filter((v) => v === 'y').length);
      expect(calls).toBeLessThanOrEqual(values.length);
    }
  });

  it('codes several matrices side by side as their rows joined unit after unit', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const a = sharedCells(seed, 3, 25, values);
      const b = sharedCells(seed + 100, 3, 17, values);
      const other = (v: LabelValue) => (key(v) === null ? null : `other:${key(v)}`);
      const rows = a.map((row, r) => [...row.map((v) => (v === undefined ? null : key(v))), ...b[r].map((v) => (v === undefined ? null : other(v)))]);
      expect(codeKeys([{ cells: a, key }, { cells: b, key: other }], [], 'ordinal').data, `seed ${seed}`).toEqual(codeCategories(rows, [], 'ordinal'));
    }
  });
});

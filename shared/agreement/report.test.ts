import { describe, expect, it } from 'vitest';
import { deepBenchCodebook } from '../codebook/deep-bench.ts';
import type { LabelValue } from '../codebook/values.ts';
import { alphaOfMatrix } from './alpha.ts';
import { mulberry32 } from './prng.ts';
import type { Codebook } from '../codebook/schema.ts';
import { buildAgreementReport, distinctValues, figureKey, pickUnits, Stopped, type AgreementLabel, type AgreementReport } from './report.ts';
import type { RatingCell } from './ratings.ts';
import { cellKey, type CellUnit, type CoincidenceTable } from './types.ts';

const cb = deepBenchCodebook;
const dim = (id: string) => cb.dimensions.find((d) => d.id === id)!;
const stages = dim('stage').values.map((v) => v.id);
const bugTypes = dim('bug').values;
const items = dim('prompt-review').values.map((v) => v.id);

/** A study like Deep-Bench: entries, three annotators who mostly agree, some gaps. */
function study(seed: number, entries = 60) {
  const rand = mulberry32(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  const labels: AgreementLabel[] = [];
  for (let e = 1; e <= entries; e++) {
    const entryId = `e${e}`;
    const passed = e % 4 === 0;
    const stage = pick(stages);
    const t = pick(bugTypes);
    const bug = t.children?.length ? [`${t.id}::${pick(t.children).id}`] : [t.id];
    for (const annotator of ['ann', 'bob', 'cat']) {
      if (rand() < 0.1) continue; // did not label this entry
      const push = (dimension: string, value: LabelValue) => labels.push({ entryId, annotator, dimension, value, passed });
      push('stage', rand() < 0.8 ? stage : pick(stages));
      if (!passed) push('bug', rand() < 0.7 ? bug : rand() < 0.5 ? [...bug, pick(bugTypes).id] : [pick(bugTypes).id]);
      push('prompt-review', Object.fromEntries(items.map((i) => [i, rand() < 0.5])));
    }
    // A bug label on a passing entry: a conflict, and still the annotator's label (unpaired here).
    if (passed) labels.push({ entryId, annotator: 'ann', dimension: 'bug', value: ['syntax-error'], passed });
  }
  return labels;
}

/** Raters x units matrix of one dimension, built the obvious way. */
function matrixOf(labels: AgreementLabel[], dimension: string, raters: string[], cell: (v: LabelValue) => RatingCell, applies = (l: AgreementLabel) => true) {
  const own = labels.filter((l) => l.dimension === dimension && applies(l));
  const units = [...new Set(own.map((l) => l.entryId))];
  return raters.map((r) => units.map((u) => {
    const l = own.find((x) => x.entryId === u && x.annotator === r);
    return l ? cell(l.value) : null;
  }));
}

describe('buildAgreementReport', () => {
  const labels = study(1);
  const report = buildAgreementReport(cb, labels, { bootstrap: 200, seed: 5 });
  const raters = ['ann', 'bob', 'cat'];
  const failing = (l: AgreementLabel) => l.passed === false;

  it('measures a single-choice dimension with nominal alpha', () => {
    const stage = report.dimensions.find((d) => d.id === 'stage')!;
    expect(stage.primary).toBe('nominal');
    const expected = alphaOfMatrix(matrixOf(labels, 'stage', raters, (v) => v as string), 'nominal');
    expect(stage.measures[0].figure.alpha).toBeCloseTo(expected.alpha!, 12);
    expect(stage.measures[0].figure).toMatchObject({ units: expected.units, values: expected.values, raters: 3 });
    expect(stage.measures[0].coincidence.values.map((v) => v.id)).toEqual(stages);
    expect(stage.measures[0].coincidence.values[0].label).toBe('Pre/Post Processing');
  });

  it('measures the bug tree wherever it is labelled, at type and subtype level and per value', () => {
    const bug = report.dimensions.find((d) => d.id === 'bug')!;
    expect(bug.units).toBe(new Set(labels.filter((l) => l.dimension === 'bug').map((l) => l.entryId)).size);
    expect(bug.units).toBeGreaterThan(new Set(labels.filter((l) => l.dimension === 'bug' && failing(l)).map((l) => l.entryId)).size);
    const typeSets = matrixOf(labels, 'bug', raters, (v) => [...new Set((v as string[]).map((p) => p.split('::')[0]))]);
    expect(bug.measures.find((m) => m.id === 'masi-type')!.figure.alpha).toBeCloseTo(alphaOfMatrix(typeSets, 'masi').alpha!, 12);
    const paths = matrixOf(labels, 'bug', raters, (v) => v as string[]);
    expect(bug.measures.find((m) => m.id === 'masi-subtype')!.figure.alpha).toBeCloseTo(alphaOfMatrix(paths, 'masi').alpha!, 12);
    // Presence of one type: a rater who left the entry unlabelled is missing, not "absent".
    const mis = bug.perValue.find((v) => v.valueId === 'misinterpretation')!;
    const presence = matrixOf(labels, 'bug', raters, (v) => ((v as string[]).some((p) => p.startsWith('misinterpretation')) ? 1 : 0));
    const expected = alphaOfMatrix(presence, 'nominal');
    expect(mis.figure.alpha).toBeCloseTo(expected.alpha!, 12);
    expect(mis.figure.values).toBe(expected.values);
    expect(bug.perValue.filter((v) => v.kind === 'type')).toHaveLength(bugTypes.length);
    expect(bug.perValue.filter((v) => v.kind === 'subtype').length).toBe(bugTypes.reduce((n, t) => n + (t.children?.length ?? 0), 0));
    // A value nobody ever used has no expected disagreement: undefined, with the reason.
    const unused = bug.perValue.find((v) => v.figure.values > 0 && v.coincidence.counts[1][1] === 0 && v.coincidence.counts[0][1] === 0)!;
    expect(unused.figure.alpha).toBeNull();
    expect(unused.figure.undefinedReason).toMatch(/expected disagreement is 0/);
  });

  it('measures checklist items one by one', () => {
    const pr = report.dimensions.find((d) => d.id === 'prompt-review')!;
    expect(pr.perValue.map((v) => v.valueId)).toEqual(items);
    const m = matrixOf(labels, 'prompt-review', raters, (v) => ((v as Record<string, boolean>)[items[0]] ? 'y' : 'n'));
    expect(pr.perValue[0].figure.alpha).toBeCloseTo(alphaOfMatrix(m, 'nominal').alpha!, 12);
    const all = items.map((i) => matrixOf(labels, 'prompt-review', raters, (v) => ((v as Record<string, boolean>)[i] ? 'y' : 'n')));
    const stacked = raters.map((_, r) => all.flatMap((mat) => mat[r]));
    expect(pr.primary).toBe('items');
    expect(pr.measures[0].figure.alpha).toBeCloseTo(alphaOfMatrix(stacked, 'nominal').alpha!, 12);
  });

  it('pools the categorical dimensions, one unit per entry and dimension', () => {
    expect(report.pooled!.dimensions).toEqual(['stage', 'task', 'input', 'bug']);
    const stage = matrixOf(labels, 'stage', raters, (v) => [`stage:${v}`]);
    const bug = matrixOf(labels, 'bug', raters, (v) => (v as string[]).map((p) => `bug:${p}`));
    const stacked = raters.map((_, r) => [...stage[r], ...bug[r]]);
    expect(report.pooled!.figure.alpha).toBeCloseTo(alphaOfMatrix(stacked, 'masi').alpha!, 12);
    expect(report.pooled!.figure.units).toBe(alphaOfMatrix(stage, 'masi').units + alphaOfMatrix(bug, 'masi').units);
    const exact = stacked.map((row) => row.map((v) => (v === null ? null : (v as string[]).slice().sort().join('|'))));
    expect(report.pooledNominal!.figure.alpha).toBeCloseTo(alphaOfMatrix(exact, 'nominal').alpha!, 12);
  });

  it('gives pairwise alpha and percent agreement on shared units', () => {
    const pairs = report.dimensions.find((d) => d.id === 'stage')!.measures[0].pairwise;
    expect(pairs.map((p) => p.raters)).toEqual([['ann', 'bob'], ['ann', 'cat'], ['bob', 'cat']]);
    const two = matrixOf(labels, 'stage', ['ann', 'bob'], (v) => v as string);
    const shared = two[0].map((_, u) => u).filter((u) => two[0][u] !== null && two[1][u] !== null);
    const same = shared.filter((u) => two[0][u] === two[1][u]).length;
    expect(pairs[0].units).toBe(shared.length);
    expect(pairs[0].percentAgreement).toBeCloseTo((100 * same) / shared.length, 12);
    const restricted = alphaOfMatrix([shared.map((u) => two[0][u]), shared.map((u) => two[1][u])], 'nominal');
    expect(pairs[0].result.alpha).toBeCloseTo(restricted.alpha!, 12);
  });

  it('cross-checks every nominal figure against the krippendorff package, and they agree', () => {
    expect(report.crossCheck.checked).toBeGreaterThan(40);
    expect(report.crossCheck.agree).toBe(true);
    expect(report.crossCheck.disagreements).toEqual([]);
    expect(report.dimensions[0].measures[0].figure.crossCheck).toMatchObject({ agree: true });
  });

  it('attaches seeded bootstrap intervals that a rerun reproduces', () => {
    const again = buildAgreementReport(cb, labels, { bootstrap: 200, seed: 5 });
    expect(JSON.stringify(again)).toBe(JSON.stringify(report));
    const iv = report.pooled!.figure.interval!;
    expect(iv.resamples).toBe(200);
    expect(iv.low!).toBeLessThanOrEqual(report.pooled!.figure.alpha!);
    expect(iv.high!).toBeGreaterThanOrEqual(report.pooled!.figure.alpha!);
    const other = buildAgreementReport(cb, labels, { bootstrap: 200, seed: 6 });
    expect(other.pooled!.figure.interval!.low).not.toBe(iv.low);
    expect(buildAgreementReport(cb, labels, { bootstrap: 0 }).pooled!.figure.interval).toBeNull();
  });

  it('filters annotators and dimensions', () => {
    const two = buildAgreementReport(cb, labels, { bootstrap: 0, annotators: ['ann', 'cat'], dimension: 'stage' });
    expect(two.raters).toEqual(['ann', 'cat']);
    expect(two.pooled).toBeNull();
    expect(two.dimensions.map((d) => d.id)).toEqual(['stage']);
    const pair = report.dimensions[0].measures[0].pairwise.find((p) => p.raters.join() === 'ann,cat')!;
    expect(two.dimensions[0].measures[0].figure.alpha).toBeCloseTo(pair.result.alpha!, 12);
  });

  it('reports undefined agreement when there is nothing to pair', () => {
    const r = buildAgreementReport(cb, [{ entryId: 'e1', annotator: 'ann', dimension: 'stage', value: 'training', passed: false }], { bootstrap: 10 });
    expect(r.pooled!.figure).toMatchObject({ alpha: null, units: 0 });
    expect(r.pooled!.figure.undefinedReason).toMatch(/pairable/);
    expect(r.pooled!.figure.interval).toMatchObject({ defined: 0, low: null });
    expect(r.crossCheck.agree).toBe(true);
  });
});

describe('a report asked to stop (a worker that gives way to the lead, or a cancel)', () => {
  const labels = study(3);
  it('is asked between dimensions as its figures are made, before any resample, and stops there when told', () => {
    let asked = 0;
    const plain = buildAgreementReport(cb, labels, { bootstrap: 0 });
    // Asked once before each dimension and once before the pooled figures, then between resamples: the report is the same.
    expect(buildAgreementReport(cb, labels, { bootstrap: 0, shouldStop: () => (asked++, false) })).toEqual(plain);
    expect(asked).toBe(cb.dimensions.length + 1);
    let made = 0;
    expect(() => buildAgreementReport(cb, labels, { bootstrap: 0, shouldStop: () => made++ === 2 })).toThrow(Stopped);
    expect(made).toBe(3);
  });
});

describe('the units behind each coincidence cell', () => {
  const value = (id: string) => ({ id, label: id.toUpperCase(), definition: id });
  const tiny: Codebook = {
    id: 'tiny',
    version: '1',
    name: 'Tiny',
    description: 'One dimension of each kind the report lists cells for.',
    dimensions: [
      { id: 'color', label: 'Color', kind: 'single', definition: 'd', values: [value('red'), value('blue')] },
      { id: 'tags', label: 'Tags', kind: 'multi', definition: 'd', values: [value('a'), value('b')] },
      {
        id: 'bug',
        label: 'Bug',
        kind: 'tree',
        definition: 'd',
        appliesWhen: { passed: false },
        values: [{ ...value('x'), children: [value('x1'), value('x2')] }, value('y')],
      },
      { id: 'check', label: 'Check', kind: 'checklist', definition: 'd', values: [value('p'), value('q')] },
    ],
  };
  const passed: Record<string, boolean> = { e1: false, e2: false, e3: true, e10: false };
  const given: [string, string, string, LabelValue][] = [
    // color: e1 two reds and a blue, e2 two blues, e10 red and blue, e3 one label (not pairable).
    ['e1', 'ann', 'color', 'red'],
    ['e1', 'bob', 'color', 'red'],
    ['e1', 'cat', 'color', 'blue'],
    ['e2', 'ann', 'color', 'blue'],
    ['e2', 'bob', 'color', 'blue'],
    ['e10', 'ann', 'color', 'red'],
    ['e10', 'cat', 'color', 'blue'],
    ['e3', 'ann', 'color', 'red'],
    // tags: the same set in two orders is one value.
    ['e1', 'ann', 'tags', ['a']],
    ['e1', 'bob', 'tags', ['a', 'b']],
    ['e1', 'cat', 'tags', ['b', 'a']],
    ['e2', 'ann', 'tags', ['b']],
    ['e2', 'bob', 'tags', ['b']],
    // bug: e3 passed, so its bug labels are a conflict; they count all the same.
    ['e1', 'ann', 'bug', ['x::x1']],
    ['e1', 'bob', 'bug', ['x::x2']],
    ['e1', 'cat', 'bug', ['y']],
    ['e2', 'ann', 'bug', ['x']],
    ['e2', 'bob', 'bug', ['x::x1', 'y']],
    ['e10', 'bob', 'bug', ['y']],
    ['e10', 'cat', 'bug', ['y']],
    ['e3', 'ann', 'bug', ['x']],
    ['e3', 'bob', 'bug', ['y']],
    // check: an item left out reads as not ticked.
    ['e1', 'ann', 'check', { p: true, q: false }],
    ['e1', 'bob', 'check', { p: true, q: true }],
    ['e2', 'ann', 'check', { p: false, q: false }],
    ['e2', 'bob', 'check', { p: false }],
    ['e2', 'cat', 'check', { p: true, q: false }],
    ['e3', 'ann', 'check', { p: true }],
  ];
  const labels: AgreementLabel[] = given.map(([entryId, annotator, dimension, value]) => ({ entryId, annotator, dimension, value, passed: passed[entryId] }));
  const report = buildAgreementReport(tiny, labels, { bootstrap: 0 });
  const d = (id: string) => report.dimensions.find((x) => x.id === id)!;
  const measureOf = (dim: string, id: string) => d(dim).measures.find((m) => m.id === id)!.coincidence;
  const valueOf = (dim: string, id: string) => d(dim).perValue.find((v) => v.valueId === id)!.coincidence;

  /** The cells by the values they pair ("a ~ b", the two in alphabetical order; sets sorted), each unit as "entry" or "entry/part". */
  function byValue(t: CoincidenceTable): Record<string, string[]> {
    const name = (c: number) => t.values[c].id.split('|').sort().join('|');
    const out: Record<string, string[]> = {};
    for (const [key, units] of Object.entries(t.cellUnits!)) {
      const [c, k] = key.split(',').map(Number);
      expect(c, key).toBeLessThanOrEqual(k);
      out[[name(c), name(k)].sort().join(' ~ ')] = units.map((u) => (u.part === undefined ? u.entry : `${u.entry}/${u.part}`));
    }
    return out;
  }

  it('lists the entries behind each cell of a single-choice dimension, in natural order, one key per symmetric cell', () => {
    const t = measureOf('color', 'nominal');
    expect(t.values.map((v) => v.id)).toEqual(['red', 'blue']);
    expect(t.counts).toEqual([
      [1, 2],
      [2, 2],
    ]);
    expect(t.cellUnits).toEqual({ '0,0': [{ entry: 'e1' }], '0,1': [{ entry: 'e1' }, { entry: 'e10' }], '1,1': [{ entry: 'e2' }] });
    expect(cellKey(1, 0)).toBe('0,1');
  });

  it('lists them for sets (MASI, Jaccard) and for the tree at type and subtype level', () => {
    const tags = { 'a ~ a|b': ['e1'], 'a|b ~ a|b': ['e1'], 'b ~ b': ['e2'] };
    expect(byValue(measureOf('tags', 'masi'))).toEqual(tags);
    expect(byValue(measureOf('tags', 'jaccard'))).toEqual(tags);
    expect(byValue(measureOf('bug', 'masi-type'))).toEqual({ 'x ~ x': ['e1'], 'x ~ y': ['e1', 'e3'], 'x ~ x|y': ['e2'], 'y ~ y': ['e10'] });
    expect(byValue(measureOf('bug', 'masi-subtype'))).toEqual({
      'x::x1 ~ x::x2': ['e1'],
      'x::x1 ~ y': ['e1'],
      'x::x2 ~ y': ['e1'],
      'x ~ x::x1|y': ['e2'],
      'x ~ y': ['e3'],
      'y ~ y': ['e10'],
    });
  });

  it('lists them for the presence of a tree value: a type holds when any of its paths does, a subtype only as itself', () => {
    expect(byValue(valueOf('bug', 'x'))).toEqual({ 'absent ~ absent': ['e10'], 'absent ~ present': ['e1', 'e3'], 'present ~ present': ['e1', 'e2'] });
    expect(byValue(valueOf('bug', 'x::x1'))).toEqual({ 'absent ~ absent': ['e1', 'e3', 'e10'], 'absent ~ present': ['e1', 'e2'] });
    expect(byValue(valueOf('bug', 'y'))).toEqual({ 'absent ~ absent': ['e1'], 'absent ~ present': ['e1', 'e2', 'e3'], 'present ~ present': ['e10'] });
  });

  it('lists entries per checklist item, and entry x item units (with the item as part) for the whole checklist', () => {
    expect(byValue(valueOf('check', 'p'))).toEqual({ 'absent ~ absent': ['e2'], 'absent ~ present': ['e2'], 'present ~ present': ['e1'] });
    expect(byValue(valueOf('check', 'q'))).toEqual({ 'absent ~ absent': ['e2'], 'absent ~ present': ['e1'] });
    expect(byValue(measureOf('check', 'items'))).toEqual({ 'absent ~ absent': ['e2/p', 'e2/q'], 'absent ~ present': ['e1/q', 'e2/p'], 'present ~ present': ['e1/p'] });
  });

  it('lists entry x dimension units for the pooled figures, by entry', () => {
    const pooled = {
      'color:red ~ color:red': ['e1/color'],
      'color:blue ~ color:red': ['e1/color', 'e10/color'],
      'color:blue ~ color:blue': ['e2/color'],
      'tags:a ~ tags:a|tags:b': ['e1/tags'],
      'tags:a|tags:b ~ tags:a|tags:b': ['e1/tags'],
      'tags:b ~ tags:b': ['e2/tags'],
      'bug:x::x1 ~ bug:x::x2': ['e1/bug'],
      'bug:x::x1 ~ bug:y': ['e1/bug'],
      'bug:x::x2 ~ bug:y': ['e1/bug'],
      'bug:x ~ bug:x::x1|bug:y': ['e2/bug'],
      'bug:x ~ bug:y': ['e3/bug'],
      'bug:y ~ bug:y': ['e10/bug'],
    };
    expect(report.pooled!.dimensions).toEqual(['color', 'tags', 'bug']);
    expect(byValue(report.pooled!.coincidence)).toEqual(pooled);
    expect(byValue(report.pooledNominal!.coincidence)).toEqual(pooled);
  });

  /** Every coincidence table of a report, with the number of pairable units of its figure. */
  function tablesOf(r: AgreementReport): [string, CoincidenceTable, number][] {
    const out: [string, CoincidenceTable, number][] = [];
    if (r.pooled) out.push(['pooled masi', r.pooled.coincidence, r.pooled.figure.units]);
    if (r.pooledNominal) out.push(['pooled nominal', r.pooledNominal.coincidence, r.pooledNominal.figure.units]);
    for (const dim of r.dimensions) {
      for (const m of dim.measures) out.push([`${dim.id} ${m.id}`, m.coincidence, m.figure.units]);
      for (const v of dim.perValue) out.push([`${dim.id} ${v.valueId}`, v.coincidence, v.figure.units]);
    }
    return out;
  }
  const unitId = (u: CellUnit) => `${u.entry}/${u.part ?? ''}`;

  it('has a list for exactly the cells with a count, and every pairable unit behind at least one cell', () => {
    const big = buildAgreementReport(cb, study(3), { bootstrap: 0 });
    const all = [...tablesOf(report), ...tablesOf(big)];
    expect(all.length).toBeGreaterThan(40);
    for (const [name, t, units] of all) {
      const positive = t.counts.flatMap((row, c) => row.flatMap((x, k) => (k >= c && x > 0 ? [cellKey(c, k)] : [])));
      expect(Object.keys(t.cellUnits!).sort(), name).toEqual(positive.sort());
      const listed = new Set<string>();
      for (const list of Object.values(t.cellUnits!)) {
        const ids = list.map(unitId);
        expect(new Set(ids).size, name).toBe(ids.length);
        ids.forEach((id) => listed.add(id));
      }
      expect(listed.size, name).toBe(units);
    }
  });

  it('with two raters, has counts that are the lengths of the lists (twice on the diagonal)', () => {
    const two = buildAgreementReport(cb, study(4), { bootstrap: 0, annotators: ['ann', 'cat'] });
    let cells = 0;
    for (const [name, t] of tablesOf(two))
      t.counts.forEach((row, c) =>
        row.forEach((x, k) => {
          const n = t.cellUnits![cellKey(c, k)]?.length ?? 0;
          expect(x, `${name} ${c},${k}`).toBe(c === k ? 2 * n : n);
          cells += n > 0 ? 1 : 0;
        }),
      );
    expect(cells).toBeGreaterThan(100);
  });

  it('lists one cell of one figure as the whole listing has it, in the same order, and no other', () => {
    // Entries whose natural order is not their order of first use (e10 after e9), and pooled
    // figures whose units repeat each entry once per dimension: ties broken by the data's order.
    const labels = study(6, 80);
    const whole = buildAgreementReport(cb, labels, { bootstrap: 0, pooledAlone: true, pairwise: false });
    let listed = 0;
    for (const [measure, t] of [['masi', whole.pooled!.coincidence], ['nominal', whole.pooledNominal!.coincidence]] as const) {
      const n = t.counts.length;
      // The longest lists, both ways round, and cells that list nothing: empty, off the table, a missing rating's code.
      const longest = Object.keys(t.cellUnits!).sort((a, b) => t.cellUnits![b].length - t.cellUnits![a].length).slice(0, 6);
      const cells = [...longest.map((x) => x.split(',').map(Number)).flatMap(([c, k]) => [[c, k], [k, c]]), [0, n - 1], [n, n], [-1, 0], [-1, -1]];
      for (const [c, k] of cells) {
        const one = buildAgreementReport(cb, labels, { bootstrap: 0, pooledAlone: true, pairwise: false, cellUnits: { figure: figureKey({ scope: 'pooled', measure }), cell: cellKey(c, k) } });
        const [own, other] = measure === 'masi' ? [one.pooled!, one.pooledNominal!] : [one.pooledNominal!, one.pooled!];
        const want = t.cellUnits![cellKey(c, k)];
        expect(own.coincidence.cellUnits, `${measure} ${c},${k}`).toEqual(want ? { [cellKey(c, k)]: want } : {});
        expect(other.coincidence.cellUnits).toBeUndefined();
        listed += want?.length ?? 0;
      }
    }
    expect(listed).toBeGreaterThan(200);
  });

  it('leaves the lists out when asked to, and changes no figure', () => {
    const without = buildAgreementReport(tiny, labels, { bootstrap: 0, cellUnits: false });
    expect(JSON.stringify(without)).not.toContain('cellUnits');
    const strip = (r: AgreementReport) => JSON.stringify(r, (k, v) => (k === 'cellUnits' ? undefined : v));
    expect(strip(without)).toBe(strip(report));
  });
});

describe('the distinct values of some units of a matrix (pickUnits)', () => {
  it('are those distinctValues finds in the cells picked, in the same order, the same objects', () => {
    const rand = mulberry32(23);
    // Few distinct objects, some cells missing: the order of first appearance, rater by rater, differs from the whole matrix's.
    const values: LabelValue[] = ['a', 'b', ['c', 'd'], { x: true }, 'e', ['f']];
    const cells = Array.from({ length: 4 }, () => Array.from({ length: 300 }, () => (rand() < 0.3 ? undefined : values[Math.floor(rand() * values.length)])));
    for (let k = 0; k < 20; k++) {
      const picked = Int32Array.from(Array.from({ length: 300 }, (_, u) => u).filter(() => rand() < 0.1 + k / 40));
      if (k % 3 === 0) picked.reverse();
      const own = pickUnits(cells, picked);
      expect(own).toEqual(cells.map((row) => Array.from(picked, (u) => row[u])));
      // The same matrix as new arrays, so distinctValues finds its values afresh, object by object.
      const fresh = distinctValues(own.map((row) => [...row]));
      const known = distinctValues(own);
      expect(known.index).toEqual(fresh.index);
      expect(known.distinct.length).toBe(fresh.distinct.length);
      known.distinct.forEach((v, d) => expect(v).toBe(fresh.distinct[d]));
    }
  });
});

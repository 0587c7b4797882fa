import { describe, expect, it } from 'vitest';
import { deepBenchCodebook } from '../codebook/deep-bench.ts';
import type { LabelValue } from '../codebook/values.ts';
import { alphaOfMatrix } from './alpha.ts';
import { mulberry32 } from './prng.ts';
import { buildAgreementReport, type AgreementLabel } from './report.ts';
import type { RatingCell } from './ratings.ts';

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
    // A stray bug label on a passing entry: the bug tree does not apply there.
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

  it('measures the bug tree on failing entries only, at type and subtype level and per value', () => {
    const bug = report.dimensions.find((d) => d.id === 'bug')!;
    expect(bug.units).toBe(new Set(labels.filter((l) => l.dimension === 'bug' && failing(l)).map((l) => l.entryId)).size);
    const typeSets = matrixOf(labels, 'bug', raters, (v) => [...new Set((v as string[]).map((p) => p.split('::')[0]))], failing);
    expect(bug.measures.find((m) => m.id === 'masi-type')!.figure.alpha).toBeCloseTo(alphaOfMatrix(typeSets, 'masi').alpha!, 12);
    const paths = matrixOf(labels, 'bug', raters, (v) => v as string[], failing);
    expect(bug.measures.find((m) => m.id === 'masi-subtype')!.figure.alpha).toBeCloseTo(alphaOfMatrix(paths, 'masi').alpha!, 12);
    // Presence of one type: a rater who left the entry unlabelled is missing, not "absent".
    const mis = bug.perValue.find((v) => v.valueId === 'misinterpretation')!;
    const presence = matrixOf(labels, 'bug', raters, (v) => ((v as string[]).some((p) => p.startsWith('misinterpretation')) ? 1 : 0), failing);
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
    const bug = matrixOf(labels, 'bug', raters, (v) => (v as string[]).map((p) => `bug:${p}`), failing);
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

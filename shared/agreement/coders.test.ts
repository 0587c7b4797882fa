import { describe, expect, it } from 'vitest';
import { deepBenchCodebook } from '../codebook/deep-bench.ts';
import type { LabelValue } from '../codebook/values.ts';
import { buildCoderReport, describeConfusion, strictMajorityAt, type Comparison } from './coders.ts';
import { mulberry32 } from './prng.ts';
import { categoryReading } from './categories.ts';
import { codeCategories } from './coefficient-report.ts';
import { compareIds } from './report.ts';
import type { AgreementLabel } from './report.ts';
import { compare, near, textbook, textbookWeights, type Cell } from './textbook.testing.ts';

const stage = deepBenchCodebook.dimensions.find((d) => d.id === 'stage')!;
const stageIds = stage.values.map((v) => v.id);
const label = (id: string) => stage.values.find((v) => v.id === id)!.label;

/** Four raters on 60 entries: gaps, a drifting rater, and final values for most entries. */
function study(seed: number) {
  const rand = mulberry32(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  const raters = ['ana', 'ben', 'cai', 'dee'];
  const labels: AgreementLabel[] = [];
  const finals = new Map<string, Map<string, LabelValue | null>>();
  for (let e = 1; e <= 60; e++) {
    const entryId = `e${e}`;
    const truth = pick(stageIds);
    for (const annotator of raters) {
      if (rand() < 0.15) continue;
      const value = annotator === 'ben' && truth === 'evaluation-metrics' && rand() < 0.6 ? 'inference' : rand() < 0.75 ? truth : pick(stageIds);
      labels.push({ entryId, annotator, dimension: 'stage', value, passed: false });
    }
    finals.set(entryId, new Map([['stage', rand() < 0.8 ? truth : null]]));
  }
  return { raters, labels, finals };
}

/** The same comparisons by hand: plain loops over the labels, the textbook for kappa. */
function byHand(s: ReturnType<typeof study>, coder: string, reference: 'final' | 'others') {
  const value = (who: string, e: string) => s.labels.find((l) => l.annotator === who && l.entryId === e)?.value as string | undefined;
  const entries = [...new Set(s.labels.filter((l) => l.annotator === coder).map((l) => l.entryId))];
  const pairs: [string, string, string][] = [];
  let without = 0;
  for (const e of entries) {
    let ref: string | null;
    if (reference === 'final') ref = (s.finals.get(e)?.get('stage') as string | null) ?? null;
    else {
      const others = s.raters.filter((r) => r !== coder).map((r) => value(r, e)).filter((v): v is string => v !== undefined);
      const tally = new Map<string, number>();
      for (const v of others) tally.set(v, (tally.get(v) ?? 0) + 1);
      ref = [...tally].find(([, c]) => c > others.length / 2)?.[0] ?? null;
    }
    if (ref === null) without++;
    else pairs.push([e, value(coder, e)!, ref]);
  }
  const q = stageIds.length;
  const counts = Array.from({ length: q }, () => new Array(q).fill(0));
  for (const [, a, b] of pairs) counts[stageIds.indexOf(a)][stageIds.indexOf(b)]++;
  const n = pairs.length;
  // Cohen's kappa from the confusion matrix: observed agreement against the product of the margins.
  const po = stageIds.reduce((t, _, k) => t + counts[k][k], 0) / n;
  const rows = counts.map((r) => r.reduce((a, b) => a + b, 0));
  const cols = stageIds.map((_, k) => counts.reduce((t, r) => t + r[k], 0));
  const pe = rows.reduce((t, r, k) => t + (r / n) * (cols[k] / n), 0);
  const matrix: Cell[][] = pairs.map(([, a, b]) => [stageIds.indexOf(a), stageIds.indexOf(b)]);
  return { pairs, without, counts, rows, cols, n, accuracy: po, kappa: (po - pe) / (1 - pe), textbook: textbook(matrix, q, textbookWeights('identity', q, [])) };
}

describe('each coder against the consensus', () => {
  const s = study(17);
  const report = buildCoderReport(deepBenchCodebook, s.labels, s.finals, { bootstrap: 0, dimension: 'stage' });
  const dim = report.dimensions[0];
  const find = (coder: string, ref: string) => dim.comparisons.find((c) => c.coder === coder && c.reference === ref)!;

  it('counts each cell, precision and recall, and Cohen kappa with its interval as the textbook does, to 1e-9', () => {
    expect(dim.comparisons.map((c) => `${c.coder}/${c.reference}`)).toEqual(s.raters.flatMap((r) => [`${r}/final`, `${r}/others`]));
    for (const c of dim.comparisons) {
      const h = byHand(s, c.coder, c.reference as 'final' | 'others');
      const what = `${c.coder} vs ${c.reference}`;
      expect(c.categories.map((x) => x.id), what).toEqual(stageIds);
      expect(c.counts, what).toEqual(h.counts);
      expect(c.units).toBe(h.n);
      expect(c.withoutReference, what).toBe(h.without);
      near(c.accuracy, h.accuracy, `${what} accuracy`);
      c.perCategory.forEach((p, k) => {
        near(p.precision, h.rows[k] ? h.counts[k][k] / h.rows[k] : null, `${what} precision ${p.id}`);
        near(p.recall, h.cols[k] ? h.counts[k][k] / h.cols[k] : null, `${what} recall ${p.id}`);
      });
      near(c.kappa.value, h.kappa, `${what} kappa from the confusion matrix`);
      compare(c.kappa, h.textbook.cohen[0], c.kappa.units, `${what} kappa`);
      // Every entry stands behind exactly one cell, the cell its two categories name.
      const listed = Object.entries(c.cellEntries!).flatMap(([key, es]) => es.map((e) => `${e}@${key}`)).sort();
      expect(listed).toEqual(h.pairs.map(([e, a, b]) => `${e}@${stageIds.indexOf(a)},${stageIds.indexOf(b)}`).sort());
    }
  });

  it('names who disagrees how, most entries first, each with its entries', () => {
    const top = report.confusions.filter((c) => c.reference === 'others')[0];
    expect(top.coder).toBe('ben');
    expect(top.coderCategory.id).toBe('inference');
    expect(top.referenceCategory.id).toBe('evaluation-metrics');
    expect(describeConfusion(top)).toBe(`ben puts ${label('inference')} where the rest of the team puts ${label('evaluation-metrics')} (${top.count} entries)`);
    expect(top.entries!.length).toBe(top.count);
    const ben = find('ben', 'others');
    expect(ben.cellEntries![`${top.row},${top.col}`]).toEqual(top.entries!);
    const counts = report.confusions.map((c) => c.count);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    expect(report.confusions.every((c) => c.row !== c.col && c.count > 0)).toBe(true);
  });

  it('reads the bug taxonomy as its set of types, and leaves out entries with no reference', () => {
    const labels: AgreementLabel[] = [
      { entryId: 'e1', annotator: 'ana', dimension: 'bug', value: ['wrong-input-type::type-mismatch-problem'], passed: false },
      { entryId: 'e1', annotator: 'ben', dimension: 'bug', value: ['wrong-input-type'], passed: false },
      { entryId: 'e1', annotator: 'cai', dimension: 'bug', value: ['hallucinated-object'], passed: false },
      { entryId: 'e2', annotator: 'ana', dimension: 'bug', value: ['silly-mistake'], passed: false },
      { entryId: 'e2', annotator: 'ben', dimension: 'bug', value: ['wrong-attribute'], passed: false },
    ];
    const finals = new Map([['e1', new Map<string, LabelValue | null>([['bug', ['wrong-input-type::type-mismatch-problem']]])]]);
    const r = buildCoderReport(deepBenchCodebook, labels, finals, { bootstrap: 0, dimension: 'bug' });
    const get = (coder: string, ref: string) => r.dimensions[0].comparisons.find((c) => c.coder === coder && c.reference === ref)! as Comparison;
    // ben's "Wrong Input Type" is the final label's type: they agree.
    expect(get('ben', 'final').accuracy).toBe(1);
    expect(get('ben', 'final').withoutReference).toBe(1);
    // cai against ana and ben: their types agree, so a majority of the others stands against cai.
    expect(get('cai', 'others').accuracy).toBe(0);
    expect(get('cai', 'others').units).toBe(1);
    // On e1 the others of ana split (no majority); on e2 ana has one other rater (ben), a majority of one.
    expect(get('ana', 'others').units).toBe(1);
    expect(get('ana', 'others').withoutReference).toBe(1);
    expect(strictMajorityAt(['a', 'b'])).toBe(-1);
    expect(strictMajorityAt(['b', 'a', 'a'])).toBe(1);
    expect(strictMajorityAt([])).toBe(-1);
  });

  it('numbers the categories of a matrix as the coefficients number them (codeCategories), sets first met in any order', () => {
    const bug = deepBenchCodebook.dimensions.find((d) => d.id === 'bug')!;
    const reading = categoryReading(bug)!;
    const types = bug.values.map((v) => v.id).slice(0, 5);
    const rand = mulberry32(5);
    const set = () => [...new Set([types[Math.floor(rand() * 5)], types[Math.floor(rand() * 5)]])];
    const labels: AgreementLabel[] = [];
    const finals = new Map<string, Map<string, LabelValue | null>>();
    for (let e = 1; e <= 80; e++) {
      for (const annotator of ['ana', 'ben', 'cai']) if (rand() < 0.9) labels.push({ entryId: `e${e}`, annotator, dimension: 'bug', value: rand() < 0.1 ? [] : set(), passed: false });
      finals.set(`e${e}`, new Map([['bug', rand() < 0.7 ? set() : null]]));
    }
    const r = buildCoderReport(deepBenchCodebook, labels, finals, { bootstrap: 0, dimension: 'bug' });
    let sets = 0;
    for (const c of r.dimensions[0].comparisons.filter((x) => x.reference === 'final')) {
      // By hand: the coder's entries in natural order, each with the coder's category and the final one.
      const mine = labels.filter((l) => l.annotator === c.coder && (l.value as string[]).length).sort((a, b) => compareIds(a.entryId, b.entryId));
      const paired = mine.flatMap((l) => {
        const final = finals.get(l.entryId)!.get('bug');
        return final ? [[reading.key(l.value)!, reading.key(final)!]] : [];
      });
      const expected = codeCategories([paired.map((p) => p[0]), paired.map((p) => p[1])], reading.known, reading.level).values.keys;
      expect(c.categories.map((k) => k.id)).toEqual(expected);
      sets += expected.filter((k) => k.includes('|')).length;
    }
    expect(sets).toBeGreaterThan(3);
  });

  it('says undefined, with a reason, where nothing can be compared', () => {
    const r = buildCoderReport(deepBenchCodebook, [{ entryId: 'e1', annotator: 'ana', dimension: 'stage', value: 'training', passed: null }], new Map(), { bootstrap: 0, dimension: 'stage' });
    const c = r.dimensions[0].comparisons[0];
    expect(c.units).toBe(0);
    expect(c.accuracy).toBeNull();
    expect(c.kappa.value).toBeNull();
    expect(c.kappa.reason).toMatch(/\w/);
    expect(c.perCategory.every((p) => p.precision === null && p.recall === null)).toBe(true);
    expect(JSON.stringify(r)).not.toMatch(/NaN|Infinity/);
  });
});

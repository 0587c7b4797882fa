import { describe, expect, it } from 'vitest';
import { buildAgreementReport, type AgreementLabel, type Measure, type ValueFigure } from '../../../shared/agreement/report.ts';
import { mulberry32 } from '../../../shared/agreement/prng.ts';
import { deepBenchCodebook } from '../../../shared/codebook/deep-bench.ts';
import type { LabelValue } from '../../../shared/codebook/values.ts';
import type { EntrySummary, SubmissionStatus } from '../../../shared/types.ts';
import { codeUnits, normalizeValueId, unitsBehindCell, type CodedUnit, type MeasureRef, type RaterRows } from './cell-entries.ts';

const codebook = deepBenchCodebook;
const raters = ['ana', 'ben', 'cai'];

/** Random labels on `n` entries: some missing, some drafts, some entries passing (no bug tree). */
function randomProject(seed: number, n: number): { rows: RaterRows; labels: (includeDrafts: boolean) => AgreementLabel[] } {
  const rnd = mulberry32(seed);
  const pick = <T,>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
  const entries = Array.from({ length: n }, (_, i) => ({ id: `e${i + 1}`, passed: rnd() < 0.3 }));
  const rows: RaterRows = raters.map(() => []);
  raters.forEach((_, r) => {
    for (const e of entries) {
      if (rnd() < 0.1) continue; // not in this rater's queue
      const labels: Record<string, LabelValue> = {};
      for (const dim of codebook.dimensions) {
        if (rnd() < 0.15) continue;
        const few = (k: number) => [...new Set(Array.from({ length: 1 + Math.floor(rnd() * k) }, () => pick(dim.values).id))];
        if (dim.kind === 'single' || dim.kind === 'ordinal') labels[dim.id] = pick(dim.values.slice(0, 3)).id;
        else if (dim.kind === 'multi') labels[dim.id] = few(2);
        else if (dim.kind === 'tree') {
          const types = dim.values.slice(0, 5);
          labels[dim.id] = [
            ...new Set(
              Array.from({ length: 1 + Math.floor(rnd() * 2) }, () => {
                const t = pick(types);
                return t.children?.length && rnd() < 0.7 ? `${t.id}::${pick(t.children).id}` : t.id;
              }),
            ),
          ];
        } else if (dim.kind === 'checklist') labels[dim.id] = Object.fromEntries(dim.values.map((v) => [v.id, rnd() < 0.5]));
      }
      const status: SubmissionStatus = pick(['submitted', 'submitted', 'submitted', 'draft', 'todo']);
      rows[r].push({ id: e.id, repo: null, function: null, passed: e.passed, status, labels } satisfies EntrySummary);
    }
  });
  const labels = (includeDrafts: boolean) =>
    rows.flatMap((rs, r) =>
      rs
        .filter((row) => row.status === 'submitted' || (includeDrafts && row.status === 'draft'))
        .flatMap((row) => Object.entries(row.labels).map(([dimension, value]) => ({ entryId: row.id, annotator: raters[r], dimension, value, passed: row.passed }))),
    );
  return { rows, labels };
}

/** The coincidence matrix the units imply: each ordered pair of raters in a unit adds 1/(m-1). */
function coincidenceOf(units: CodedUnit[]): Map<string, number> {
  const o = new Map<string, number>();
  for (const u of units) {
    const ks = u.keys.filter((k): k is string => k !== null);
    if (ks.length < 2) continue;
    for (let i = 0; i < ks.length; i++)
      for (let j = 0; j < ks.length; j++) if (i !== j) o.set(`${ks[i]}\t${ks[j]}`, (o.get(`${ks[i]}\t${ks[j]}`) ?? 0) + 1 / (ks.length - 1));
  }
  return o;
}

function reportMatrix(ref: MeasureRef, m: Measure | ValueFigure): Map<string, number> {
  const dim = ref.scope === 'pooled' ? undefined : codebook.dimensions.find((d) => d.id === ref.dimension);
  const ids = m.coincidence.values.map((v) => normalizeValueId(ref, v.id, dim));
  const o = new Map<string, number>();
  m.coincidence.counts.forEach((row, c) => row.forEach((x, k) => x > 0 && o.set(`${ids[c]}\t${ids[k]}`, x)));
  return o;
}

function expectSameMatrix(ours: Map<string, number>, theirs: Map<string, number>, what: string): void {
  const keys = new Set([...ours.keys(), ...theirs.keys()]);
  for (const k of keys) expect(ours.get(k) ?? 0, `${what}: ${k}`).toBeCloseTo(theirs.get(k) ?? 0, 9);
}

describe('the entries behind a coincidence cell', () => {
  for (const [seed, includeDrafts] of [
    [1, false],
    [2, true],
    [3, false],
  ] as const)
    it(`rebuilds every matrix of the report from the raters' queues (seed ${seed}, drafts ${includeDrafts})`, () => {
      const { rows, labels } = randomProject(seed, 40);
      const report = buildAgreementReport(codebook, labels(includeDrafts), { bootstrap: 0, annotators: raters });
      const sel = { includeDrafts };
      let checked = 0;
      for (const [measure, m] of [
        ['masi', report.pooled!],
        ['nominal', report.pooledNominal!],
      ] as const) {
        const ref: MeasureRef = { scope: 'pooled', measure, dimensions: m.dimensions };
        expectSameMatrix(coincidenceOf(codeUnits(codebook, ref, rows, sel)), reportMatrix(ref, m), `pooled ${measure}`);
        checked++;
      }
      for (const d of report.dimensions) {
        for (const m of d.measures) {
          const ref: MeasureRef = { scope: 'dimension', dimension: d.id, measure: m.id };
          expectSameMatrix(coincidenceOf(codeUnits(codebook, ref, rows, sel)), reportMatrix(ref, m), `${d.id} ${m.id}`);
          checked++;
        }
        for (const v of d.perValue) {
          const ref: MeasureRef = { scope: 'value', dimension: d.id, valueId: v.valueId };
          expectSameMatrix(coincidenceOf(codeUnits(codebook, ref, rows, sel)), reportMatrix(ref, v), `${d.id} ${v.valueId}`);
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(30);
    });

  it('lists the units whose raters paired the two values, and those where two agreed on one', () => {
    const units: CodedUnit[] = [
      { entryId: 'e1', keys: ['a', 'b', null] },
      { entryId: 'e2', keys: ['a', 'a', 'a'] },
      { entryId: 'e3', keys: ['b', null, null] },
      { entryId: 'e4', keys: ['b', 'a', 'b'] },
    ];
    expect(unitsBehindCell(units, 'a', 'b').map((u) => u.entryId)).toEqual(['e1', 'e4']);
    expect(unitsBehindCell(units, 'b', 'a').map((u) => u.entryId)).toEqual(['e1', 'e4']);
    expect(unitsBehindCell(units, 'a', 'a').map((u) => u.entryId)).toEqual(['e2']);
    expect(unitsBehindCell(units, 'b', 'b').map((u) => u.entryId)).toEqual(['e4']);
  });
});

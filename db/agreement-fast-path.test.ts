import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../shared/agreement/prng.ts';
import { buildAgreementReport, distinctValues, type AgreementLabel } from '../shared/agreement/report.ts';
import { deepBenchCodebook } from '../shared/codebook/deep-bench.ts';
import { findDimension, type LabelValue } from '../shared/codebook/values.ts';
import type { AnnotatorRole } from '../shared/types.ts';
import { buildCoefficientReport } from '../shared/agreement/coefficient-report.ts';
import { buildDrift } from '../shared/agreement/drift.ts';
import { coefficientReport, driftReport } from './agreement-figures.ts';
import { agreementReport, countedCells, selectAgreementLabels, type AgreementQuery } from './agreement.ts';
import { provenanceOf } from './provenance.ts';
import { raterRule } from './assignments.ts';
import type { Db } from './database.ts';
import { openStore } from './data/index.ts';
import { freshProject } from '../test/helpers/export-project.ts';
import { everyLabel } from '../test/helpers/every-label.ts';
import { seedDemo } from './import/index.ts';

/**
 * The agreement report reads labels as rows and hands the report cells (db/agreement.ts), where it
 * once built a label object per label and let the report gather them. This is that earlier path,
 * kept as the reference: the fast one must give the same report, figure for figure, on the demo
 * and on a generated project with every kind of selection.
 */
function referenceReport(db: Db, query: AgreementQuery) {
  const store = openStore(db);
  const codebook = store.project.codebook();
  const dimension = query.dimension === undefined ? undefined : findDimension(codebook, query.dimension)!.id;
  const resolve = (names: string[]) => names.map((n) => store.annotators.byName(n)!).filter((r, i, all) => all.findIndex((x) => x.name === r.name) === i);
  const named = query.annotators ? resolve(query.annotators) : undefined;
  const annotators = named?.map((a) => a.name);
  const include = [...(query.includeUnassigned ? resolve(query.includeUnassigned) : []), ...(named ?? []).filter((a) => a.role !== 'annotator')];
  const rule = raterRule(db, { include: include.map((a) => a.name) });
  const selected = annotators ? new Set(annotators) : undefined;
  const versions = new Set<string>();
  const labels: AgreementLabel[] = [];
  const unassigned = new Map<string, { labels: number; entries: Set<number>; included: boolean }>();
  for (const r of everyLabel(db)) {
    if (selected ? !selected.has(r.annotator) : r.role !== 'annotator') continue;
    if (r.status !== 'submitted' && !query.includeDrafts) continue;
    if (query.codebookVersion !== undefined && r.version !== query.codebookVersion) continue;
    if (dimension !== undefined && r.dimension !== dimension) continue;
    const standing = rule.standing(r.entryRowId, r.annotator);
    if (r.role === 'annotator' && (standing === 'not-assigned' || standing === 'included')) {
      const u = unassigned.get(r.annotator) ?? { labels: 0, entries: new Set<number>(), included: standing === 'included' };
      unassigned.set(r.annotator, u);
      u.labels++;
      u.entries.add(r.entryRowId);
    }
    if (!rule.counts(r.entryRowId, r.annotator)) continue;
    versions.add(r.version);
    labels.push({ entryId: r.entryId, annotator: r.annotator, dimension: r.dimension, value: JSON.parse(r.value) as LabelValue, passed: r.passed === null ? null : r.passed === 1 });
  }
  const report = buildAgreementReport(codebook, labels, { bootstrap: query.bootstrap, seed: query.seed, annotators, dimension, cellUnits: query.cellUnits });
  return {
    ...report,
    selection: {
      includeDrafts: query.includeDrafts ?? false,
      codebookVersion: query.codebookVersion ?? null,
      annotators: report.raters,
      labels: labels.length,
      codebookVersions: [...versions].sort(),
      byAssignment: rule.byAssignment,
      unassigned: [...unassigned]
        .map(([annotator, u]) => ({ annotator, labels: u.labels, entries: u.entries.size, included: u.included }))
        .sort((a, b) => (a.annotator < b.annotator ? -1 : a.annotator > b.annotator ? 1 : 0)),
    },
  };
}

/**
 * 240 entries (ids in an order that is not the natural one, some numbered alike: e7, e07) and six
 * people: four annotators assigned three to an entry (who also label some entries not theirs), a
 * reference and a lead; drafts, an older codebook version, bug trees with a type the codebook
 * does not know, checklists, and empty values.
 */
function generatedProject(db: Db): void {
  const store = openStore(db);
  const rand = mulberry32(7);
  const pick = <T,>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const t = '2025-01-01T00:00:00.000Z';
  const people: [string, AnnotatorRole][] = [
    ['ana', 'annotator'],
    ['Ben', 'annotator'],
    ['cai', 'annotator'],
    ['dee', 'annotator'],
    ['pub', 'reference'],
    ['lead', 'adjudicator'],
  ];
  const ids = people.map(([name, role]) => store.annotators.insert(name, role, t));
  const dims = deepBenchCodebook.dimensions;
  store.transaction(() => {
    for (let i = 240; i >= 1; i--) {
      const ext = i % 37 === 0 ? `e0${i}` : `e${i}`;
      const passed = rand() < 0.2;
      const row = store.entries.insert(ext, { fields: { prompt: `p${i}` }, passed: passed ? 1 : 0, failingTests: '[]', metadata: '{}', hash: '' }, t);
      const assignees = [0, 1, 2, 3].filter((k) => (i + k) % 4 !== 0);
      for (const k of assignees) store.assignments.insert(row, ids[k]);
      for (let p = 0; p < people.length; p++) {
        const mine = p >= 4 || assignees.includes(p) || rand() < 0.15;
        if (!mine) continue;
        for (const d of dims) {
          if (rand() < 0.1) continue;
          let value: LabelValue;
          if (d.kind === 'tree') {
            const ty = rand() < 0.05 ? { id: 'unknown-type', children: [] } : pick(d.values);
            value = rand() < 0.08 ? [] : [ty.children?.length ? `${ty.id}::${pick(ty.children).id}` : ty.id, ...(rand() < 0.2 ? [pick(d.values).id] : [])];
          } else if (d.kind === 'checklist') value = Object.fromEntries(d.values.map((v) => [v.id, rand() < 0.5]));
          else if (d.kind === 'text') value = 'a note';
          else value = rand() < 0.75 ? d.values[i % d.values.length].id : pick(d.values).id;
          store.labels.upsert(row, ids[p], d.id, { valueJson: JSON.stringify(value), codebookVersion: rand() < 0.1 ? '0.9.0' : '1.0.0', at: t, clock: 1, imported: false, madeOn: null });
        }
        store.labels.putOwn('submission', row, ids[p], { value: rand() < 0.12 ? 'draft' : 'submitted', at: t, clock: 1, imported: false });
      }
    }
  });
}

const queries: AgreementQuery[] = [
  { bootstrap: 0 },
  { bootstrap: 30, seed: 3 },
  { bootstrap: 0, includeDrafts: true, cellUnits: false },
  { bootstrap: 0, annotators: ['ana', 'Ben', 'pub'] },
  { bootstrap: 0, annotators: ['ben', 'lead', 'cai'], includeUnassigned: ['dee'] },
  { bootstrap: 0, includeUnassigned: ['ana', 'cai'] },
  { bootstrap: 10, dimension: 'bug' },
  { bootstrap: 0, dimension: 'stage', includeDrafts: true },
  { bootstrap: 0, codebookVersion: '1.0.0' },
];

describe('the agreement report read straight from the rows', () => {
  let demo: ReturnType<typeof freshProject>;
  let generated: ReturnType<typeof freshProject>;
  beforeAll(async () => {
    demo = freshProject();
    await seedDemo(demo.db);
    generated = freshProject();
    generatedProject(generated.db);
  });
  afterAll(() => {
    demo.cleanup();
    generated.cleanup();
  });

  it('is the report the label objects gave, on the demo', () => {
    for (const q of queries.filter((x) => !x.includeUnassigned && !x.annotators?.includes('Ben'))) expect(agreementReport(demo.db, q), JSON.stringify(q)).toEqual(referenceReport(demo.db, q));
  });

  it('is the report the label objects gave, on a generated project with assignments, drafts, references and unknown values', () => {
    for (const q of queries) {
      const fast = agreementReport(generated.db, q);
      expect(fast, JSON.stringify(q)).toEqual(referenceReport(generated.db, q));
      expect(fast.selection.labels, JSON.stringify(q)).toBeGreaterThan(50);
    }
    // The generated project has what each part of the path must handle.
    const all = agreementReport(generated.db, { bootstrap: 0, includeUnassigned: ['ana'] });
    expect(all.selection.unassigned.map((u) => u.annotator)).toEqual(['Ben', 'ana', 'cai', 'dee']);
    expect(all.dimensions.find((d) => d.id === 'bug')!.perValue.some((v) => v.valueId === 'unknown-type')).toBe(true);
    expect(all.selection.codebookVersions).toEqual(['0.9.0', '1.0.0']);
  });
});

/**
 * The coefficient and drift reports read the same cells from the columns (`countedCells`), and
 * hash the labels grouped by entry; they once took the label objects `selectAgreementLabels`
 * builds. That path, kept as the reference, must give the same reports, provenance included, on
 * a generated project whose labels carry times over several weeks, some none or one that does not
 * parse, and some entries whose labels share no time.
 */
describe('the coefficient and drift reports read straight from the rows', () => {
  let generated: ReturnType<typeof freshProject>;
  beforeAll(() => {
    generated = freshProject();
    generatedProject(generated.db);
    const labels = generated.db.prepare('SELECT rowid AS id, entry_id AS entry FROM label ORDER BY rowid').all() as { id: number; entry: number }[];
    const setTime = generated.db.prepare('UPDATE label SET updated_at = ? WHERE rowid = ?');
    const rand = mulberry32(11);
    generated.db.transaction(() => {
      for (const { id, entry } of labels) {
        const r = rand();
        // Entries over nine weeks, a label a few hours after another; every 50th entry carries no time.
        // A fifth of the entries were finished at one moment: drift orders them by id, whatever order their rows stand in.
        const time = new Date(Date.UTC(2025, 0, 1) + (entry % 60) * 86_400_000 + Math.floor(rand() * 20) * 3_600_000 + id * 1000).toISOString();
        setTime.run(entry % 50 === 0 || r < 0.02 ? 'not a time' : r < 0.03 ? '2025-02-03 10:00:00+02:00' : entry % 5 === 1 ? '2025-01-20T10:00:00.000Z' : time, id);
      }
    })();
  });
  afterAll(() => generated.cleanup());

  const forFigures: AgreementQuery[] = [
    ...queries.filter((q) => q.bootstrap === 0 || q.dimension),
    { bootstrap: 0, annotators: ['ana', 'cai', 'lead'], dimension: 'bug' },
  ];

  it('number each dimension\'s distinct values as distinctValues finds them, from the stored values', () => {
    let seen = 0;
    for (const q of forFigures) {
      const { codebook, input } = countedCells(generated.db, q);
      for (const dim of codebook.dimensions) {
        const { cells } = input.cellsOf(dim);
        // The same cells as new arrays, so distinctValues finds their values afresh, object by object.
        const fresh = distinctValues(cells.map((row) => [...row]));
        const known = distinctValues(cells);
        expect(known.index, `${dim.id} ${JSON.stringify(q)}`).toEqual(fresh.index);
        expect(known.distinct.length).toBe(fresh.distinct.length);
        known.distinct.forEach((v, d) => expect(v).toBe(fresh.distinct[d]));
        seen += known.distinct.length;
      }
    }
    expect(seen).toBeGreaterThan(30);
  });

  it('give the coefficients the label objects gave', () => {
    for (const q of forFigures) {
      const { codebook, annotators, dimension, labels, selection } = selectAgreementLabels(generated.db, q, { times: false });
      const report = buildCoefficientReport(codebook, labels, { bootstrap: q.bootstrap, seed: q.seed, annotators, dimension });
      const reference = { ...report, selection: { ...selection, annotators: report.raters }, provenance: provenanceOf(codebook, 'coefficients', labels) };
      // (How many resamples fit the app's budget is the database report's own.)
      const { bootstrapFits, ...fast } = coefficientReport(generated.db, q);
      expect(fast, JSON.stringify(q)).toEqual(reference);
      expect(bootstrapFits).toBeGreaterThan(q.bootstrap ?? 0);
      expect(reference.provenance.labels.count, JSON.stringify(q)).toBeGreaterThan(50);
    }
  });

  it('give the drift the label objects gave, by week and by batch', () => {
    for (const q of forFigures)
      for (const by of ['week', 'batch'] as const) {
        const { codebook, annotators, dimension, labels, selection } = selectAgreementLabels(generated.db, q);
        const report = buildDrift(codebook, labels, { by, bootstrap: q.bootstrap, seed: q.seed, annotators, dimension });
        const reference = { ...report, selection: { ...selection, annotators: report.raters }, provenance: provenanceOf(codebook, 'drift', labels) };
        const fast = driftReport(generated.db, { ...q, by });
        expect(fast, `${by} ${JSON.stringify(q)}`).toEqual(reference);
        expect(fast.groups.length).toBeGreaterThan(3);
        expect(fast.undated).toBeGreaterThan(0);
      }
  });
});

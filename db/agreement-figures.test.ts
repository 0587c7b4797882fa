import { appCall } from '../test/helpers/service.ts';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deepBenchCodebook } from '../shared/codebook/index.ts';
import { parseLabelValue } from '../shared/codebook/values.ts';
import { consensusValues, decide, finalValues, readStudy } from './adjudication.ts';
import { coderReport, coefficientReport, driftReport, figureReport, humanConsensus, machineReport } from './agreement-figures.ts';
import { selectAgreementLabels, type AgreementQuery } from './agreement.ts';
import { setAssignments } from './assignments.ts';
import { openStore } from './data/index.ts';
import { buildCoderReport } from '../shared/agreement/coders.ts';
import { buildMachineReport } from '../shared/agreement/machines.ts';
import { compareIds, type AgreementLabel } from '../shared/agreement/report.ts';
import type { LabelValue } from '../shared/codebook/values.ts';
import type { DimensionConsensus } from '../shared/consensus/consensus.ts';
import { addEntry, addLabel, buildSmallProject, freshProject } from '../test/helpers/export-project.ts';
import { runImport, seedDemo } from './import/index.ts';
import { makeProjectDb } from '../test/helpers/import-project.ts';
import { createService } from './service.ts';
import type { CoderCellJob } from '../shared/api.ts';

// The figures beyond alpha on the demo project with the two machine coders of fixtures/machine,
// through the service as the Agreement view asks for them.

const fixture = fileURLToPath(new URL('../fixtures/machine/labels.jsonl', import.meta.url));
let project: ReturnType<typeof makeProjectDb>;
beforeAll(async () => {
  project = makeProjectDb();
  await seedDemo(project.db);
  await runImport(project.db, fixture, { format: 'annotations', machines: ['gpt-4o', 'llama-3-70b'] });
  appCall(createService(project.db), 'project.addAnnotator', { name: 'lead', role: 'adjudicator' });
});
afterAll(() => project.cleanup());

describe('the figures beyond alpha, on the database', () => {
  it('are for the lead only, like the alpha report', () => {
    const s = createService(project.db);
    for (const m of ['agreement.coefficients', 'agreement.coders', 'agreement.machines'] as const) expect(() => appCall(s, m, { as: 'ana', bootstrap: 0 })).toThrow(/for the lead of the study/);
    expect(() => appCall(s, 'agreement.drift', { as: 'ana', by: 'week', bootstrap: 0 })).toThrow(/for the lead of the study/);
    expect(appCall(s, 'agreement.drift', { as: 'lead', by: 'week', bootstrap: 0 }).groups.length).toBe(3);
    expect(appCall(s, 'agreement.coefficients', { as: 'lead', bootstrap: 0 }).raters).toEqual(['ana', 'ben', 'cai']);
  });

  it('refuse, before computing, more resamples than fit in reasonable time, and say how many fit', () => {
    const budget = 5e6;
    let message = '';
    try {
      coefficientReport(project.db, { bootstrap: 1000 }, budget);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/too much to resample 1000 times/);
    const fits = Number(/ask for (\d+) resamples or fewer, or one dimension/.exec(message)?.[1]);
    expect(fits).toBeGreaterThan(0);
    expect(fits).toBeLessThan(1000);
    expect(coefficientReport(project.db, { bootstrap: fits }, budget).bootstrap.resamples).toBe(fits);
    // The figures alone say it too, so that a view asks for no more (and one more is refused).
    expect(coefficientReport(project.db, { bootstrap: 0 }, budget).bootstrapFits).toBe(fits);
    expect(() => coefficientReport(project.db, { bootstrap: fits + 1 }, budget)).toThrow(`ask for ${fits} resamples or fewer`);
  });

  it('compare each coder with the final labels the adjudication view shows', () => {
    const r = coderReport(project.db, { bootstrap: 0, dimension: 'stage' });
    expect(r.raters).toEqual(['ana', 'ben', 'cai']);
    const finals = finalValues(readStudy(project.db));
    for (const c of r.dimensions[0].comparisons.filter((x) => x.reference === 'final')) {
      // Every entry in a cell has the final value of that cell's column.
      for (const [key, entries] of Object.entries(c.cellEntries!)) {
        const col = c.categories[Number(key.split(',')[1])].id;
        for (const e of entries) expect(finals.get(e)!.get('stage')!.final, `${c.coder} ${e}`).toBe(col);
      }
      // Every entry the coder labelled is compared or counted as having no final value.
      const labelled = project.db
        .prepare(`SELECT e.ext_id AS e FROM label l JOIN entry e ON e.id = l.entry_id JOIN annotator a ON a.id = l.annotator_id WHERE a.name = ? AND l.dimension = 'stage'`)
        .all(c.coder) as { e: string }[];
      expect(c.units + c.withoutReference).toBe(labelled.length);
      expect(c.withoutReference).toBe(labelled.filter((x) => !finals.get(x.e)!.get('stage')!.final).length);
    }
  });

  it('hold each machine coder against the human consensus, and list exactly the entries where it departs', () => {
    const r = machineReport(project.db, { bootstrap: 0 });
    expect(r.machines).toEqual(['gpt-4o', 'llama-3-70b']);
    expect(r.humans).toEqual(['ana', 'ben', 'cai']);
    // By hand: the fixture's values against the people's values, a strict majority of the three (or a decision: none here).
    const stage = deepBenchCodebook.dimensions.find((d) => d.id === 'stage')!;
    const people = new Map<string, string[]>();
    for (const row of project.db
      .prepare(`SELECT e.ext_id AS e, l.value AS v FROM label l JOIN entry e ON e.id = l.entry_id JOIN annotator a ON a.id = l.annotator_id WHERE a.kind = 'human' AND a.role = 'annotator' AND l.dimension = 'stage'`)
      .all() as { e: string; v: string }[])
      people.set(row.e, [...(people.get(row.e) ?? []), JSON.parse(row.v)]);
    const majority = (vs: string[]) => [...new Set(vs)].find((v) => vs.filter((x) => x === v).length * 2 > vs.length) ?? null;
    const gpt = readFileSync(fixture, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((l) => l.annotator === 'gpt-4o' && l.dimension === 'stage');
    const expected = gpt
      .map((l) => ({ entry: l.entry_id as string, machine: parseLabelValue(stage, l.value) as string, people: majority(people.get(l.entry_id) ?? []) }))
      .filter((x) => x.people !== null && x.machine !== x.people)
      .map((x) => x.entry)
      .sort();
    const row = r.dimensions.find((d) => d.id === 'stage')!.machines.find((m) => m.coder === 'gpt-4o')!;
    expect(row.departures.map((d) => d.entry).sort()).toEqual(expected);
    expect(row.departures.some((d) => d.machine.id === 'inference' && d.consensus.id === 'evaluation-metrics')).toBe(true);
    expect(row.accuracy).toBeCloseTo(1 - expected.length / row.units, 12);
    // The people are there too, each against the majority of the other people.
    expect(r.dimensions.find((d) => d.id === 'stage')!.humans.map((h) => h.coder)).toEqual(['ana', 'ben', 'cai']);
  });

  it('list the first departures of each machine when asked (the Agreement view), and count them all', () => {
    const all = machineReport(project.db, { bootstrap: 0 });
    const few = machineReport(project.db, { bootstrap: 0 }, { departuresListed: 2 });
    const pairs = all.dimensions.flatMap((d, i) => d.machines.map((m, j) => [m, few.dimensions[i].machines[j]] as const));
    expect(pairs.some(([m]) => m.departures.length > 2)).toBe(true);
    for (const [m, f] of pairs) {
      expect(m.departureCount).toBe(m.departures.length);
      expect(f.departureCount).toBe(m.departureCount);
      expect(f.departures).toEqual(m.departures.slice(0, 2));
      expect({ ...f, departures: [] }).toEqual({ ...m, departures: [] });
    }
  });

  it('leave the people out of the Machines tab when there is no machine coder (the export keeps them)', () => {
    const bare = freshProject();
    try {
      buildSmallProject(bare.db);
      const exported = machineReport(bare.db, { bootstrap: 0 });
      expect(exported.machines).toEqual([]);
      expect(exported.dimensions.flatMap((d) => d.humans).length).toBeGreaterThan(0);
      const tab = figureReport(bare.db, { figures: 'machines', query: { bootstrap: 0 } });
      expect(tab).toEqual({ ...exported, dimensions: [] });
    } finally {
      bare.cleanup();
    }
  });

  it('follow the same labels as the alpha report: a machine named by the lead joins the drift', () => {
    const humans = driftReport(project.db, { by: 'week', bootstrap: 0 });
    const withMachine = driftReport(project.db, { by: 'week', bootstrap: 0, annotators: ['ana', 'ben', 'cai', 'gpt-4o'] });
    expect(humans.raters).toEqual(['ana', 'ben', 'cai']);
    expect(withMachine.raters).toContain('gpt-4o');
    expect(withMachine.overall.raters).toBe(4);
  });
});

/** A coder or machine report as the Agreement view's job gives it: no entries behind the cells (the departures stay). */
function withoutEntries<T>(x: T): T {
  if (Array.isArray(x)) return x.map(withoutEntries) as T;
  if (!x || typeof x !== 'object') return x;
  return Object.fromEntries(Object.entries(x).flatMap(([k, v]) => (k === 'cellEntries' || (k === 'entries' && Array.isArray(v)) ? [] : [[k, withoutEntries(v)]]))) as T;
}

/**
 * The coder and machine figures read the consensus as the adjudication index builds it (each
 * distinct case of labels computed once, a decided dimension on its own), and the labels through
 * one sort of numbers; here both are held equal to the whole study read at once (`readStudy`,
 * `finalValues`) and to the labels sorted name by name, on a study where they could differ:
 * drafts, a machine coder, the lead's own labels, empty labels, entries that share their labels
 * but not their decisions, decisions (one overtaken by a later label: stale), and assignments that
 * leave an annotator's labels uncounted on some entries.
 */
describe('the coder and machine figures, on the consensus the adjudication index computes', () => {
  let small: ReturnType<typeof freshProject>;
  beforeAll(() => {
    small = freshProject();
    const { db } = small;
    buildSmallProject(db);
    const s = createService(db, { workers: false });
    const ids = ['e1', 'e2', 'e3', 'e10', 'e11', 'e20', 'e100', 'x-7', 'x-30'];
    ids.forEach((id, i) => {
      addEntry(db, id, i % 3 === 0 ? true : i % 3 === 1 ? false : null);
      addLabel(db, id, 'ana', 'stage', i % 5 ? 'training' : 'inference');
      addLabel(db, id, 'ben', 'stage', i % 2 ? 'training' : 'inference');
      addLabel(db, id, 'cai', 'stage', i % 4 ? 'inference' : 'training', i % 4 === 3 ? 'draft' : 'submitted');
      addLabel(db, id, 'ana', 'task', 'general');
      addLabel(db, id, 'cai', 'task', i % 2 ? 'general' : 'classification');
      if (i % 3 !== 0) addLabel(db, id, 'ben', 'bug', i % 2 ? [] : ['syntax-error']);
      if (i % 3 !== 0) addLabel(db, id, 'cai', 'bug', ['syntax-error']);
      if (i % 4 === 1) addLabel(db, id, 'lead', 'stage', 'training');
      // One set of types stored two ways (two texts, one category), and a type alone: ties among the others.
      if (i % 3 !== 0) addLabel(db, id, 'ana', 'bug', i === 1 ? ['syntax-error'] : i % 2 ? ['syntax-error', 'silly-mistake::not-dl-related'] : ['silly-mistake::not-dl-related', 'syntax-error']);
      addLabel(db, id, 'gpt-4o', 'stage', i % 3 ? 'training' : 'inference');
    });
    db.prepare("UPDATE annotator SET kind = 'machine' WHERE name = 'gpt-4o'").run();
    db.prepare("UPDATE annotator SET role = 'adjudicator' WHERE name = 'lead'").run();
    decide(db, { entryId: 'e2', dimension: 'stage', value: 'training', decidedBy: 'lead' });
    decide(db, { entryId: 'e20', dimension: 'stage', value: 'inference', decidedBy: 'lead' });
    decide(db, { entryId: 'x-7', dimension: 'task', value: 'general', decidedBy: 'lead' });
    // The same labels, test result and standing on task, decided two ways.
    decide(db, { entryId: 'e1', dimension: 'task', value: 'general', decidedBy: 'lead' });
    decide(db, { entryId: 'e100', dimension: 'task', value: 'classification', decidedBy: 'lead' });
    // A label changed after the decision: stale, found through the log.
    s.call('labels.set', { annotator: 'cai', entryId: 'e20', dimension: 'stage', value: 'training' }, { kind: 'anonymous' });
  });
  afterAll(() => small.cleanup());

  /** The consensus as the whole study read at once gives it. */
  const wholeStudy = (includeDrafts: boolean, pick: (c: DimensionConsensus) => LabelValue | null) => {
    const out = new Map<string, Map<string, LabelValue | null>>();
    for (const [entry, byDim] of finalValues(readStudy(small.db, { includeDrafts }))) out.set(entry, new Map([...byDim].map(([dim, c]) => [dim, pick(c)])));
    return out;
  };
  /** The labels sorted as they were: entries in natural order, then annotators by compareIds, then dimensions. */
  const sortedByName = (labels: AgreementLabel[]) => {
    const rank = new Map(openStore(small.db).entries.refs().map((e, i) => [e.id, i]));
    return [...labels].sort((a, b) => rank.get(a.entryId)! - rank.get(b.entryId)! || compareIds(a.annotator, b.annotator) || (a.dimension < b.dimension ? -1 : a.dimension > b.dimension ? 1 : 0));
  };

  /** A cell's entries, as the view follows the job that lists them. */
  const listed = async (service: ReturnType<typeof createService>, job: CoderCellJob) => {
    while (!['done', 'failed', 'cancelled'].includes(job.progress.phase)) {
      await new Promise((r) => setTimeout(r, 1));
      job = appCall(service, 'agreement.coderCellJob', { as: 'lead', jobId: job.jobId });
    }
    return job.entries;
  };

  const check = async () => {
    const queries: AgreementQuery[] = [{}, { includeDrafts: true }, { annotators: ['cai', 'ana', 'lead', 'gpt-4o'] }, { dimension: 'stage', includeDrafts: true }];
    for (const query of queries) {
      const includeDrafts = query.includeDrafts ?? false;
      for (const pick of [(c: DimensionConsensus) => c.final, humanConsensus]) {
        const whole = wholeStudy(includeDrafts, pick);
        expect([...whole.values()].some((m) => [...m.values()].some((v) => v !== null))).toBe(true);
        expect(consensusValues(small.db, { includeDrafts }, pick), JSON.stringify(query)).toEqual(whole);
      }
      const { labels, codebook, annotators, dimension } = selectAgreementLabels(small.db, query);
      expect(labels.length).toBeGreaterThan(10);
      expect(labels).toEqual(sortedByName(labels));
      expect(labels.map((l) => `${l.entryId}/${l.annotator}/${l.dimension}`)).toEqual(sortedByName(labels).map((l) => `${l.entryId}/${l.annotator}/${l.dimension}`));
      // The reports, against the same figures made from the whole study's consensus.
      const q = { ...query, bootstrap: 20, seed: 7 };
      const coders = coderReport(small.db, q);
      const reference = buildCoderReport(codebook, labels, wholeStudy(includeDrafts, (c) => c.final), { annotators, dimension, bootstrap: 20, seed: 7 });
      expect(coders).toEqual({ ...reference, selection: { ...coders.selection, annotators: reference.raters } });
      expect(coders.dimensions.flatMap((d) => d.comparisons).some((c) => c.reference === 'final' && c.units > 0)).toBe(true);
      // The Agreement view's job: the same figures without the entries behind the cells; the view asks for a cell's when it is opened.
      expect(figureReport(small.db, { figures: 'coders', query: q })).toEqual(withoutEntries(coders));
      const service = createService(small.db, { workers: false });
      let cells = 0;
      for (const d of coders.dimensions)
        for (const c of d.comparisons)
          for (const [key, entries] of Object.entries(c.cellEntries!)) {
            const [row, col] = key.split(',').map((k) => c.categories[Number(k)].id);
            const cell = { dimension: d.id, coder: c.coder, reference: c.reference as 'final' | 'others', row, col };
            expect(await listed(service, appCall(service, 'agreement.coderCell', { as: 'lead', ...query, ...cell })), JSON.stringify([query, cell])).toEqual(entries);
            cells++;
          }
      expect(cells).toBeGreaterThan(10);
    }
    const machines = machineReport(small.db, { bootstrap: 20, seed: 7 });
    const people = selectAgreementLabels(small.db, {});
    const models = selectAgreementLabels(small.db, { annotators: ['gpt-4o'] }).labels;
    const reference = buildMachineReport(people.codebook, models, people.labels, wholeStudy(false, humanConsensus), { bootstrap: 20, seed: 7 });
    expect(machines).toEqual({ ...reference, selection: { ...people.selection, annotators: reference.humans } });
    expect(machines.dimensions.find((d) => d.id === 'stage')!.machines[0].units).toBeGreaterThan(5);
    expect(figureReport(small.db, { figures: 'machines', query: { bootstrap: 20, seed: 7 } })).toEqual(withoutEntries(machines));
    // The bug taxonomy's set stored two ways reads as one category.
    const ana = machines.dimensions.find((d) => d.id === 'bug')!.humans.find((h) => h.coder === 'ana')!;
    expect(ana.categories.filter((c) => c.id.split('|').sort().join() === 'silly-mistake,syntax-error').length).toBe(1);
  };

  it('give the figures the whole study gives', async () => {
    expect(readStudy(small.db).stale.size).toBe(1);
    await check();
  });

  it('and still do once entries are assigned, leaving some labels uncounted', async () => {
    const ids = openStore(small.db).entries.refs().map((e) => e.id);
    setAssignments(small.db, { entryIds: ids, annotators: ['ana', 'ben'] });
    setAssignments(small.db, { entryIds: ['e100', 'e2', 'x-7'], annotators: ['ana', 'ben', 'cai'] });
    await check();
  });
});

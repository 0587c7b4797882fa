import { appCall } from '../test/helpers/service.ts';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deepBenchCodebook } from '../shared/codebook/index.ts';
import { parseLabelValue } from '../shared/codebook/values.ts';
import { finalValues, readStudy } from './adjudication.ts';
import { coderReport, coefficientReport, driftReport, machineReport } from './agreement-figures.ts';
import { runImport, seedDemo } from './import/index.ts';
import { makeProjectDb } from '../test/helpers/import-project.ts';
import { createService } from './service.ts';

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
  });

  it('compare each coder with the final labels the adjudication view shows', () => {
    const r = coderReport(project.db, { bootstrap: 0, dimension: 'stage' });
    expect(r.raters).toEqual(['ana', 'ben', 'cai']);
    const finals = finalValues(readStudy(project.db));
    for (const c of r.dimensions[0].comparisons.filter((x) => x.reference === 'final')) {
      // Every entry in a cell has the final value of that cell's column.
      for (const [key, entries] of Object.entries(c.cellEntries)) {
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

  it('follow the same labels as the alpha report: a machine named by the lead joins the drift', () => {
    const humans = driftReport(project.db, { by: 'week', bootstrap: 0 });
    const withMachine = driftReport(project.db, { by: 'week', bootstrap: 0, annotators: ['ana', 'ben', 'cai', 'gpt-4o'] });
    expect(humans.raters).toEqual(['ana', 'ben', 'cai']);
    expect(withMachine.raters).toContain('gpt-4o');
    expect(withMachine.overall.raters).toBe(4);
  });
});

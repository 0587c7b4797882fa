import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { machineLabels } from '../../fixtures/machine/make-machine-labels.ts';
import { ConcordError } from '../../shared/errors.ts';
import { adjudicationEntry, adjudicationSummary } from '../adjudication.ts';
import { agreementReport } from '../agreement.ts';
import { autoAssign } from '../assignments.ts';
import type { Db } from '../database.ts';
import { runImport, seedDemo } from './index.ts';
import { dumpTables, makeProjectDb } from '../../test/helpers/import-project.ts';

// `concord import --format annotations --machine <name>`: a model's labels become an annotator of
// kind machine, with no queue, outside agreement, consensus and adjudication unless named.

const fixture = fileURLToPath(new URL('../../fixtures/machine/labels.jsonl', import.meta.url));
const machines = ['gpt-4o', 'llama-3-70b'];

let t: ReturnType<typeof makeProjectDb>;
let db: Db;
beforeEach(async () => {
  t = makeProjectDb();
  db = t.db;
  await seedDemo(db);
});
afterEach(() => t.cleanup());

const kindOf = (name: string) => (db.prepare('SELECT kind FROM annotator WHERE name = ?').get(name) as { kind: string } | undefined)?.kind;
const count = (sql: string, ...args: unknown[]) => (db.prepare(sql).get(...args) as { n: number }).n;

async function refused(p: Promise<unknown>, message: RegExp): Promise<void> {
  const before = dumpTables(db);
  await expect(p).rejects.toSatisfy((e: unknown) => e instanceof ConcordError && message.test(e.message) && e.where?.field === 'annotator');
  expect(dumpTables(db)).toEqual(before);
}

describe('importing machine coders', () => {
  it('uses the committed fixture its generator writes', () => {
    expect(readFileSync(fixture, 'utf8')).toBe(machineLabels());
  });

  it('imports each named model as a machine coder: labelled and submitted, never assigned', async () => {
    const assignmentsBefore = count('SELECT COUNT(*) AS n FROM assignment');
    const s = await runImport(db, fixture, { format: 'annotations', machines });
    expect(s.machines).toEqual(machines);
    expect(s.annotatorsCreated).toBe(2);
    // The alias spelling and the note quoting a field name read as values, not as columns.
    expect(s.labels).toBe(readFileSync(fixture, 'utf8').trim().split('\n').length);
    for (const m of machines) expect(kindOf(m)).toBe('machine');
    expect(kindOf('ana')).toBe('human');
    expect(count('SELECT COUNT(*) AS n FROM assignment')).toBe(assignmentsBefore);
    expect(count("SELECT COUNT(*) AS n FROM submission s JOIN annotator a ON a.id = s.annotator_id WHERE a.name = 'gpt-4o' AND s.status = 'submitted'")).toBe(33);
    // Assigning "everyone" later leaves the machines out.
    const r = autoAssign(db, { perEntry: 3 });
    expect(r.annotators).toEqual(['ana', 'ben', 'cai']);
  });

  it('keeps machines out of agreement, consensus and adjudication, and counts one when the lead names it', async () => {
    const before = agreementReport(db, { bootstrap: 0, cellUnits: false });
    const queueBefore = adjudicationSummary(db);
    await runImport(db, fixture, { format: 'annotations', machines });
    const after = agreementReport(db, { bootstrap: 0, cellUnits: false });
    expect(after.raters).toEqual(['ana', 'ben', 'cai']);
    expect(after.pooled!.figure.alpha).toBe(before.pooled!.figure.alpha);
    expect(after.selection.unassigned).toEqual([]);
    expect(adjudicationSummary(db)).toEqual(queueBefore);
    expect(adjudicationEntry(db, { entryId: 'visionkit_normalize_image1' }).annotators).toEqual(['ana', 'ben', 'cai']);

    const named = agreementReport(db, { bootstrap: 0, cellUnits: false, annotators: ['ana', 'ben', 'cai', 'gpt-4o'] });
    expect(named.raters).toEqual(['ana', 'ben', 'cai', 'gpt-4o']);
    expect(named.pooled!.figure.raters).toBe(4);
    expect(named.selection.labels).toBeGreaterThan(after.selection.labels);
  });

  it('refuses, changing nothing, a file whose annotators are not the machines named', async () => {
    const mixed = join(t.dir, 'mixed.jsonl');
    writeFileSync(mixed, `${readFileSync(fixture, 'utf8')}{"entry_id":"visionkit_normalize_image1","annotator":"dora","dimension":"stage","value":"Training"}\n`);
    await refused(runImport(db, mixed, { format: 'annotations', machines }), /annotator "dora" is not one of the machine coders named/);
    await refused(runImport(db, fixture, { format: 'annotations', machines: ['gpt-4o'] }), /"llama-3-70b" is not one of the machine coders/);
    await refused(runImport(db, fixture, { format: 'annotations', machines: [...machines, 'gpt-5'] }), /no labels of "gpt-5" in this file/);
  });

  it('refuses a machine named like a person, and a machine imported as a person', async () => {
    const asAna = join(t.dir, 'ana.jsonl');
    writeFileSync(asAna, '{"entry_id":"visionkit_normalize_image1","annotator":"ANA","dimension":"stage","value":"Training"}\n');
    await refused(runImport(db, asAna, { format: 'annotations', machines: ['ana'] }), /"ANA" is a person in this project/);
    await runImport(db, fixture, { format: 'annotations', machines });
    await refused(runImport(db, fixture, { format: 'annotations' }), /"gpt-4o" is a machine coder in this project: import its labels with --machine gpt-4o/);
    // Importing the same labels again as machines changes nothing.
    expect((await runImport(db, fixture, { format: 'annotations', machines })).labels).toBe(0);
  });

  it('is refused for any other format, before reading', async () => {
    await expect(runImport(db, fixture, { format: 'jsonl', machines })).rejects.toThrow(/--machine names the machine coders of an annotations file/);
  });
});

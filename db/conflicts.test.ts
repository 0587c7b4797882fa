import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConcordError } from '../shared/errors.ts';
import { acceptMajorities, adjudicationEntry, adjudicationQueue, adjudicationSummary, decide } from './adjudication.ts';
import { agreementReport } from './agreement.ts';
import { renderExport } from './exports/render.ts';
import { runImport } from './import/index.ts';
import { exportPack } from './packs/export.ts';
import { importPacks } from './packs/merge.ts';
import type { Pack } from './packs/format.ts';
import { dumpAll, makeProject, signedIn } from '../test/helpers/pack-project.ts';
import type { Service } from './service.ts';
import { appCall } from '../test/helpers/service.ts';

/**
 * Part 8 of issue 14: labels the lead imports may disagree with the results (a bug on an output
 * that passed). They come in, count, and are listed as conflicts; the label panel and packs
 * still refuse a new one.
 */

const samples = fileURLToPath(new URL('../fixtures/samples', import.meta.url));
const PASSING = 'recsys_hit_rate17';
const FAILING = 'torchgeom_rotate_points42';
const WHY = "Bug applies only to failing outputs; the entry's output passed";

let dir: string;
let s: Service;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'concord-conflicts-'));
  s = makeProject(join(dir, 'lead.db'));
  await runImport(s.db, join(samples, 'dlbench'));
  await runImport(s.db, join(samples, 'taxonomy-data'));
  // The samples' Taxonomy-Data holds a result for one entry only; the lead's results say this one passed.
  writeFileSync(join(dir, 'passed.jsonl'), `${JSON.stringify({ id: PASSING, passed: true })}\n`);
  await runImport(s.db, join(dir, 'passed.jsonl'));
  appCall(s, 'project.addAnnotator', { name: 'lead', role: 'adjudicator' });
});
afterEach(() => s.close());

/** Bug labels from a spreadsheet: ana and ben on a passing entry (a conflict), ana on a failing one. */
async function importSpreadsheet() {
  const file = join(dir, 'bugs.csv');
  writeFileSync(
    file,
    [
      'entry_id,annotator,dimension,value',
      `${PASSING},ana,stage,Evaluation & Metrics`,
      `${PASSING},ana,bug,Wrong Input Type::Type Mismatch Problem`,
      `${PASSING},ben,bug,Wrong Input Type::Type Mismatch Problem`,
      `${FAILING},ana,bug,Missing Corner Case`,
      `${FAILING},ben,bug,Missing Corner Case`,
    ].join('\n'),
  );
  return runImport(s.db, file);
}

describe('importing labels that conflict with the results', () => {
  it('imports them with one grouped warning and lists each as a conflict', async () => {
    const summary = await importSpreadsheet();
    expect(summary.labels).toBe(5);
    expect(summary.conflicts).toEqual([
      { entryId: PASSING, annotator: 'ana', dimension: 'bug', value: ['wrong-input-type::type-mismatch-problem'], reason: WHY, file: join(dir, 'bugs.csv'), line: 3 },
      { entryId: PASSING, annotator: 'ben', dimension: 'bug', value: ['wrong-input-type::type-mismatch-problem'], reason: WHY, file: join(dir, 'bugs.csv'), line: 4 },
    ]);
    expect(summary.groups).toEqual([
      {
        kind: 'label-conflicts-with-result',
        count: 2,
        message: "2 labels conflict with the entry's test result (e.g. a bug on an output that passed): imported, and listed as conflicts for the lead to resolve",
      },
    ]);
    expect(s.db.prepare("SELECT COUNT(*) AS n FROM label WHERE dimension = 'bug'").get()).toEqual({ n: 4 });
  });

  it('counts them as the annotators\' labels in agreement', async () => {
    await importSpreadsheet();
    const bug = agreementReport(s.db, { bootstrap: 0, dimension: 'bug' }).dimensions[0];
    // Both entries are units, and both are pairable (two annotators each).
    expect(bug.units).toBe(2);
    expect(bug.measures[0].figure).toMatchObject({ units: 2, values: 4 });
    // The reliability matrix behind it holds the same units, so alpha can be recomputed from it.
    const matrix = renderExport(s.db, { kind: 'reliability-matrix', format: 'csv', dimension: 'bug' });
    expect(matrix.shape === 'file' && matrix.file.content.split('\n')[0]).toBe(`rater,${PASSING},${FAILING}`);
  });
});

describe('conflicts in adjudication', () => {
  it('lists the conflict in the queue, under its own filter, in the grid and in the summary', async () => {
    await importSpreadsheet();
    const queue = adjudicationQueue(s.db);
    const item = queue.find((q) => q.entryId === PASSING)!;
    // ana and ben agree on the bug, but the entry passed: still open, as a conflict.
    expect(item).toMatchObject({ conflicts: 1, open: [{ dimension: 'bug', status: 'agreed', conflict: true, reason: WHY }] });
    expect(queue.some((q) => q.entryId === FAILING)).toBe(false);
    expect(adjudicationQueue(s.db, { conflicts: true }).map((q) => q.entryId)).toEqual([PASSING]);
    const grid = adjudicationEntry(s.db, { entryId: PASSING });
    expect(grid.dimensions.find((d) => d.dimension === 'bug')).toMatchObject({ conflict: WHY, status: 'agreed' });
    expect(adjudicationEntry(s.db, { entryId: FAILING }).dimensions.find((d) => d.dimension === 'bug')?.conflict).toBeNull();
    expect(adjudicationSummary(s.db).dimensions.find((d) => d.dimension === 'bug')).toMatchObject({ conflicts: 1 });
    // Accepting majorities in bulk leaves a conflict to the lead.
    expect(acceptMajorities(s.db, { decidedBy: 'lead' }).decisions.some((d) => d.entryId === PASSING)).toBe(false);
  });

  it('is settled by a decision, "no bug" included, and the badge stays', async () => {
    await importSpreadsheet();
    expect(() => decide(s.db, { entryId: PASSING, dimension: 'bug', value: [], decidedBy: 'lead' })).toThrow(/needs a rationale/);
    const c = decide(s.db, { entryId: PASSING, dimension: 'bug', value: [], decidedBy: 'lead', rationale: 'the output passes here; their run failed' });
    expect(c).toMatchObject({ status: 'decided', final: [], conflict: WHY });
    expect(adjudicationQueue(s.db, { conflicts: true })).toEqual([]);
    expect(adjudicationEntry(s.db, { entryId: PASSING }).dimensions.find((d) => d.dimension === 'bug')?.conflict).toBe(WHY);
    // Where nobody labelled the bug tree of a passing entry, there is nothing to decide.
    await runImport(s.db, join(dir, 'passed.jsonl'));
    expect(() => decide(s.db, { entryId: 'classes-tinynet_init, 7', dimension: 'bug', value: ['syntax-error'], decidedBy: 'lead' })).toThrow(/failing outputs/);
  });

  it('is computed from the data: a result imported later raises it, and settles it again', async () => {
    await importSpreadsheet();
    expect(adjudicationQueue(s.db, { conflicts: true }).map((q) => q.entryId)).toEqual([PASSING]);
    // Taxonomy-Data (or any result) flips the failing entry to passed: its bug labels become a conflict.
    writeFileSync(join(dir, 'flip.jsonl'), `${JSON.stringify({ id: FAILING, passed: true })}\n${JSON.stringify({ id: PASSING, passed: false })}\n`);
    // A flipped result is a change of content: kept as a new version of each entry.
    await runImport(s.db, join(dir, 'flip.jsonl'), { newVersion: true });
    expect(adjudicationQueue(s.db, { conflicts: true }).map((q) => q.entryId)).toEqual([FAILING]);
    const reason = adjudicationQueue(s.db, { conflicts: true })[0].open[0].reason;
    expect(reason).toBe(WHY);
  });
});

describe('a new conflicting label is still refused', () => {
  it('by the label panel (labels.set), with the reason', async () => {
    appCall(s, 'project.addAnnotator', { name: 'ana' });
    let err: unknown;
    try {
      appCall(s, 'labels.set', { annotator: 'ana', entryId: PASSING, dimension: 'bug', value: ['syntax-error'] });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConcordError);
    expect((err as ConcordError).message).toBe(WHY);
  });

  it('by a pack merge, naming the pack, and nothing changes; a conflict already here travels back', async () => {
    await importSpreadsheet();
    // ana's own copy holds her imported labels, the conflict among them: her pack brings it back unchanged.
    const same = exportPack(s.db, { annotator: 'ana' }).text;
    expect(importPacks(s.db, [{ name: 'ana.pack.json', text: same }], { backup: false }).changed).toBe(false);
    // A pack with a new bug label on the passing entry (written before the result came in, say).
    const pack = JSON.parse(same) as { labels: { entry: string; dimension: string; value: unknown; updatedAt: string; clock: number }[] };
    const conflict = pack.labels.find((l) => l.entry === PASSING && l.dimension === 'bug')!;
    conflict.value = ['syntax-error'];
    conflict.updatedAt = '2099-01-01T00:00:00.000Z';
    conflict.clock += 1;
    const before = dumpAll(s.db);
    let err: unknown;
    try {
      importPacks(s.db, [{ name: 'ana-old.pack.json', text: signedIn(s.db, pack as unknown as Pack) }], { backup: false });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConcordError);
    expect((err as ConcordError).message).toMatch(new RegExp(`gives ana a new Bug label on entry "${PASSING}", and Bug applies only to failing outputs; the entry's output passed`));
    expect((err as ConcordError).where).toMatchObject({ file: 'ana-old.pack.json' });
    expect(dumpAll(s.db)).toBe(before);
    // Clearing the conflicting label is not refused.
    conflict.value = null;
    expect(importPacks(s.db, [{ name: 'ana-cleared.pack.json', text: signedIn(s.db, pack as unknown as Pack) }], { backup: false }).labelsCleared).toBe(1);
  });
});

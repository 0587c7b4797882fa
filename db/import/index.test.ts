import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConcordError } from '../../shared/errors.ts';
import type { ImportProgress } from '../../shared/types.ts';
import type { Db } from '../database.ts';
import { detectFormat, PUBLISHED_ANNOTATOR, runImport } from './index.ts';
import { contentHash } from './plan.ts';
import { writeDeepBenchLike } from './synthetic.ts';
import { dumpTables, makeProjectDb, storedEntry } from '../../test/helpers/import-project.ts';

const samples = fileURLToPath(new URL('../../fixtures/samples', import.meta.url));

let t: ReturnType<typeof makeProjectDb>;
let db: Db;
beforeEach(() => {
  t = makeProjectDb();
  db = t.db;
});
afterEach(() => t.cleanup());

const count = (sql: string, ...args: unknown[]) => (db.prepare(sql).get(...args) as { n: number }).n;
const entry = (extId: string) => storedEntry(db, extId)!;
const labelsOf = (extId: string, annotator: string) =>
  Object.fromEntries(
    (
      db
        .prepare('SELECT l.dimension, l.value FROM label l JOIN entry e ON e.id = l.entry_id JOIN annotator a ON a.id = l.annotator_id WHERE e.ext_id = ? AND a.name = ?')
        .all(extId, annotator) as { dimension: string; value: string }[]
    ).map((r) => [r.dimension, JSON.parse(r.value)]),
  );

async function expectRefused(p: Promise<unknown>, where: { file?: RegExp; line?: number; field?: string }) {
  const before = dumpTables(db);
  let err: unknown;
  try {
    await p;
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ConcordError);
  const w = (err as ConcordError).where ?? {};
  if (where.file) expect(w.file).toMatch(where.file);
  if (where.line !== undefined) expect(w.line).toBe(where.line);
  if (where.field !== undefined) expect(w.field).toBe(where.field);
  expect(dumpTables(db)).toEqual(before);
  return err as ConcordError;
}

describe("an entry's content hash", () => {
  it('is the SHA-256 of its texts joined by NUL bytes, the named ones by name, as every pack made before holds it', () => {
    const joined = (...texts: string[]) => createHash('sha256').update(Buffer.from(texts.join('\0'), 'utf8')).digest('hex');
    expect(contentHash('Write déjà vu.', 'def f(x):\n    return x', '')).toBe(joined('Write déjà vu.', 'def f(x):\n    return x', ''));
    // Named texts in the order of their names; an empty one is left out. A lone surrogate is written as U+FFFD either way.
    expect(contentHash('p', '', 'o\ud83d', { trace: 'step 1 😀', input: '[1, 2]', empty: '' })).toBe(joined('p', '', 'o\ud83d', 'input', '[1, 2]', 'trace', 'step 1 😀'));
    // Worked out apart from Node: printf 'p\0g\0o' | sha256sum
    expect(contentHash('p', 'g', 'o')).toBe('e3cbc44391de829fdac494f32462765deac42e9412fddfc8c5beaa89b4379481');
  });
});

describe('format detection', () => {
  it('tells every sample apart', async () => {
    expect(await detectFormat(join(samples, 'dlbench'))).toBe('dlbench');
    expect(await detectFormat(join(samples, 'taxonomy-data'))).toBe('taxonomy-data');
    expect(await detectFormat(join(samples, 'annotations.csv'))).toBe('annotations');
    const dir = join(t.dir, 'rows');
    mkdirSync(dir);
    writeFileSync(join(dir, 'r.csv'), 'entry_id,model,passed\n');
    writeFileSync(join(dir, 'e.jsonl'), '\n{"id": "a", "prompt": "p"}\n');
    writeFileSync(join(dir, 'e.csv'), 'id,prompt\n');
    writeFileSync(join(dir, 'x.csv'), 'name,age\n');
    expect(await detectFormat(join(dir, 'r.csv'))).toBe('results');
    expect(await detectFormat(join(dir, 'e.jsonl'))).toBe('jsonl');
    expect(await detectFormat(join(dir, 'e.csv'))).toBe('csv');
    await expect(detectFormat(join(dir, 'x.csv'))).rejects.toThrow(/cannot tell/);
    await expect(detectFormat(join(dir, 'missing'))).rejects.toThrow(/does not exist/);
  });
});

describe('importing the shared samples', () => {
  it('merges Deep-Bench entries, Taxonomy-Data results and annotations into one project', async () => {
    const progress: ImportProgress[] = [];
    const s1 = await runImport(db, join(samples, 'dlbench'), { onProgress: (p) => progress.push(p) });
    expect(s1).toMatchObject({ format: 'dlbench', files: 3, entriesCreated: 3, entriesUpdated: 0, labels: 9, annotatorsCreated: 1 });
    expect(s1.warnings.some((w) => w.file.endsWith('classes-tinynet_init, 7.txt') && /swapped/.test(w.message))).toBe(true);
    expect(s1.groups).toEqual([
      { kind: 'stage-data-swapped', count: 1, message: '1 entry has stage and data swapped: imported as input type and stage' },
      { kind: 'no-published-task', count: 2, message: '2 entries have no published task: imported as General' },
    ]);
    expect(progress.filter((p) => p.phase === 'reading').map((p) => p.done)).toEqual([1, 2, 3]);
    expect(progress.at(-1)?.phase).toBe('done');
    expect(labelsOf('classes-tinynet_init, 7', PUBLISHED_ANNOTATOR)).toEqual({ stage: 'model-construction', task: 'general', input: 'others' });
    expect(db.prepare('SELECT role FROM annotator WHERE name = ?').get(PUBLISHED_ANNOTATOR)).toEqual({ role: 'reference' });
    expect(count("SELECT COUNT(*) AS n FROM submission WHERE status = 'submitted'")).toBe(3);
    expect(count("SELECT COUNT(*) AS n FROM event WHERE kind = 'entry.create' AND actor = 'import'")).toBe(3);
    // New labels on undecided entries are counted by the import's one event, not logged one by one.
    expect(count("SELECT COUNT(*) AS n FROM event WHERE kind = 'label.set'")).toBe(0);
    const logged = db.prepare("SELECT actor, after FROM event WHERE kind = 'label.import'").all() as { actor: string; after: string }[];
    expect(logged.map((r) => [r.actor, JSON.parse(r.after).labels])).toEqual([['import', 9]]);

    const s2 = await runImport(db, join(samples, 'taxonomy-data'), { actor: 'lead' });
    expect(s2).toMatchObject({ format: 'taxonomy-data', files: 3, entriesCreated: 0, entriesUpdated: 1, warnings: [] });
    const e = entry('torchgeom_rotate_points42');
    expect(e.passed).toBe(0);
    expect(JSON.parse(e.failing_tests)).toHaveLength(2);
    expect(e.output).toContain('return points @ rot');
    expect(e.prompt).toContain('rotates a batch of 2D points');
    expect(e.content_hash).toBe(contentHash(e.prompt, e.ground_truth, e.output));
    expect(JSON.parse(e.metadata)).toMatchObject({ repo: 'torchgeom', function: 'rotate_points', sourceFile: 'torchgeom_rotate_points42.txt' });
    expect(count("SELECT COUNT(*) AS n FROM event WHERE kind = 'entry.update' AND actor = 'lead'")).toBe(1);

    const s3 = await runImport(db, join(samples, 'annotations.csv'));
    expect(s3).toMatchObject({ format: 'annotations', labels: 6, annotatorsCreated: 3 });
    expect(labelsOf('torchgeom_rotate_points42', 'ana')).toEqual({
      stage: 'pre-post-processing',
      bug: ['missing-corner-case::not-dl-related', 'wrong-input-type::tensor-shape-mismatch'],
    });
    expect(labelsOf('torchgeom_rotate_points42', 'ben').bug).toEqual(['operation-calculation-error::shape-and-dimension-errors-in-operations']);
    expect(db.prepare("SELECT n.text FROM note n JOIN annotator a ON a.id = n.annotator_id WHERE a.name = 'cai'").get()).toEqual({ text: 'no ValueError for bad shape' });
    expect(count('SELECT COUNT(*) AS n FROM assignment')).toBe(3);
    // Written without SQLite's per-row foreign key checks, the import refers only to rows it found, and the checks are back on.
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
  });

  it('creates a result whose entry is missing, with a warning', async () => {
    const s = await runImport(db, join(samples, 'taxonomy-data'));
    expect(s.entriesCreated).toBe(1);
    expect(s.warnings).toHaveLength(1);
    expect(s.warnings[0].message).toMatch(/no entry "torchgeom_rotate_points42"/);
  });
});

describe('all or nothing', () => {
  it('refuses a folder with one bad entry file in the middle and writes nothing', async () => {
    await runImport(db, join(samples, 'dlbench'));
    const dir = join(t.dir, 'mixed');
    cpSync(join(samples, 'dlbench'), dir, { recursive: true });
    writeFileSync(join(dir, 'm_middle, 2.txt'), 'stage: Training\ntask:\ndata: Text\n\nno prompt key here\n');
    await expectRefused(runImport(db, dir), { file: /m_middle, 2\.txt$/, line: 5 });
  });

  it('refuses a broken result file and writes nothing', async () => {
    const dir = join(t.dir, 'tax');
    cpSync(join(samples, 'taxonomy-data'), dir, { recursive: true });
    writeFileSync(join(dir, 'Result', 'processed_zz.txt'), 'function:\nf\nPass or Failed: 2\n');
    await expectRefused(runImport(db, dir), { file: /processed_zz\.txt$/, line: 3, field: 'Pass or Failed' });
  });

  it('refuses annotations naming an unknown value, entry or dimension', async () => {
    await runImport(db, join(samples, 'dlbench'));
    await runImport(db, join(samples, 'taxonomy-data'));
    const file = join(t.dir, 'a.csv');
    const head = 'entry_id,annotator,dimension,value\n';
    writeFileSync(file, `${head}torchgeom_rotate_points42,ana,stage,Training\ntorchgeom_rotate_points42,ana,task,Segmentatoin\n`);
    const e = await expectRefused(runImport(db, file), { line: 3, field: 'value' });
    expect(e.message).toContain('Segmentatoin');
    writeFileSync(file, `${head}torchgeom_rotate_points42,ana,stage,Training\nnope,ana,stage,Training\n`);
    await expectRefused(runImport(db, file), { line: 3, field: 'entry_id' });
    writeFileSync(file, `${head}torchgeom_rotate_points42,ana,colour,red\n`);
    await expectRefused(runImport(db, file), { line: 2, field: 'dimension' });
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
  });
});

describe('annotations as JSONL', () => {
  it('reads arrays for sets, objects for checklists, notes and times', async () => {
    await runImport(db, join(samples, 'dlbench'));
    await runImport(db, join(samples, 'taxonomy-data'));
    const f = join(t.dir, 'a.jsonl');
    const id = 'torchgeom_rotate_points42';
    writeFileSync(
      f,
      [
        { entry_id: id, annotator: 'Dee', dimension: 'Bug', value: ['Wrong Input Type::Type Mismatch Problem', 'syntax-error'], note: 'two causes', updated_at: '2026-01-05T10:00:00Z' },
        { entry_id: id, annotator: 'dee', dimension: 'prompt-review', value: { 'Clear and sufficient information': true, 'input-and-output-format-specified': 'no' } },
      ]
        .map((o) => JSON.stringify(o))
        .join('\n'),
    );
    const s = await runImport(db, f);
    expect(s).toMatchObject({ format: 'annotations', labels: 2, annotatorsCreated: 1 });
    expect(labelsOf(id, 'Dee')).toEqual({
      bug: ['syntax-error', 'wrong-input-type::type-mismatch-problem'],
      'prompt-review': { 'clear-and-sufficient-information': true, 'input-and-output-format-specified': false, 'error-handling-and-boundary-conditions-covered': false },
    });
    expect(db.prepare("SELECT updated_at FROM label WHERE dimension = 'bug'").get()).toEqual({ updated_at: '2026-01-05T10:00:00.000Z' });
    writeFileSync(f, JSON.stringify({ entry_id: id, annotator: 'dee', dimension: 'stage', value: 'Training', updated_at: 'yesterday' }));
    await expectRefused(runImport(db, f), { line: 1, field: 'updated_at' });
    writeFileSync(f, `${JSON.stringify({ entry_id: id, annotator: 'dee', dimension: 'stage', value: 'Training' })}\n{"entry_id": `);
    await expectRefused(runImport(db, f), { line: 2 });
  });

  it('gives no assignment to an adjudicator whose labels are imported', async () => {
    await runImport(db, join(samples, 'dlbench'));
    db.prepare("INSERT INTO annotator (name, role, created_at) VALUES ('judge', 'adjudicator', '2026-01-01')").run();
    const f = join(t.dir, 'a.csv');
    writeFileSync(f, 'entry_id,annotator,dimension,value\nrecsys_hit_rate17,judge,stage,Inference\nrecsys_hit_rate17,ana,stage,Inference\n');
    await runImport(db, f);
    expect(db.prepare('SELECT a.name FROM assignment s JOIN annotator a ON a.id = s.annotator_id').all()).toEqual([{ name: 'ana' }]);
  });
});

describe('idempotence', () => {
  it('importing the same folders twice updates in place and duplicates nothing', async () => {
    await runImport(db, join(samples, 'dlbench'));
    await runImport(db, join(samples, 'taxonomy-data'));
    await runImport(db, join(samples, 'annotations.csv'));
    const before = dumpTables(db);
    const again = [
      await runImport(db, join(samples, 'dlbench')),
      await runImport(db, join(samples, 'taxonomy-data')),
      await runImport(db, join(samples, 'annotations.csv')),
    ];
    for (const s of again) expect(s).toMatchObject({ entriesCreated: 0, entriesUpdated: 0, labels: 0, annotatorsCreated: 0 });
    expect(dumpTables(db)).toEqual(before);
  });

  it('a changed file is refused, naming what differs; with newVersion it updates its entry, keeps the earlier content and logs what changed', async () => {
    const dir = join(t.dir, 'one');
    cpSync(join(samples, 'dlbench'), dir, { recursive: true });
    await runImport(db, dir);
    writeFileSync(join(dir, 'recsys_hit_rate17.txt'), 'stage: Inference\ntask: Recommendation\ndata: Table\n\nprompt:\nNew prompt.\n\n repo:recsys\n');
    const before = dumpTables(db);
    await expect(runImport(db, dir)).rejects.toThrow(/"recsys_hit_rate17" \(.*recsys_hit_rate17\.txt, line 1\): prompt \(212 characters here, 11 in the file\).*--new-version/);
    expect(dumpTables(db)).toEqual(before);
    const s = await runImport(db, dir, { newVersion: true });
    expect(s).toMatchObject({ entriesCreated: 0, entriesUpdated: 1, labels: 1, newVersions: [{ entryId: 'recsys_hit_rate17', version: 2, fields: ['prompt'], flagged: 0 }] });
    expect(db.prepare('SELECT version FROM entry_version ORDER BY version').all()).toEqual([{ version: 1 }, { version: 2 }]);
    expect(entry('recsys_hit_rate17').prompt).toBe('New prompt.');
    const ev = db.prepare("SELECT before, after FROM event WHERE kind = 'entry.update'").get() as { before: string; after: string };
    expect(Object.keys(JSON.parse(ev.after)).sort()).toEqual(['metadata', 'prompt']);
    expect(labelsOf('recsys_hit_rate17', PUBLISHED_ANNOTATOR).stage).toBe('inference');
  });
});

describe('a Deep-Bench-sized project', () => {
  it('imports 520 entries with the release quirks and merges 490 Taxonomy-Data results into them', async () => {
    const set = writeDeepBenchLike(join(t.dir, 'big'), { seed: 7 });
    expect([set.swappedIds.length, set.stageInDataIds.length, set.emptyTaskIds.length, set.predictionIds.length]).toEqual([66, 58, 289, 3]);
    expect(set.docstringIds.length).toBeGreaterThan(10);
    const s1 = await runImport(db, set.dlbenchDir);
    expect(s1.entriesCreated).toBe(520);
    expect(s1.files).toBe(520);
    // One line per kind, with its count; the per-file list stays in `warnings`.
    const byKind = Object.fromEntries(s1.groups.map((g) => [g.kind, g]));
    expect(byKind['stage-data-swapped'].count).toBe(66);
    expect(byKind['moved:data->stage'].message).toBe('58 entries have the stage in the data field: imported as stage');
    expect(byKind['no-published-task'].message).toBe('289 entries have no published task: imported as General');
    expect(byKind['unplaced-value'].count).toBe(3);
    expect(byKind['unplaced-value'].message).toMatch(/^3 values not placed: task "Prediction" \(3 files: /);
    expect(s1.groups.map((g) => g.kind).sort()).toEqual(['moved:data->stage', 'no-published-task', 'stage-data-swapped', 'unplaced-value']);
    expect(s1.warnings).toHaveLength(66 + 58 + 289 + 3);
    expect(s1.unplaced).toEqual([{ field: 'task', value: 'Prediction', count: 3, files: set.predictionIds.map((id) => `${id}.txt`).sort(), metadataKey: 'publishedTask' }]);
    // Published labels per dimension: every stage, every input but those of the stage-in-data
    // entries, every task but "Prediction".
    const perDimension = Object.fromEntries(
      (
        db
          .prepare('SELECT l.dimension, COUNT(*) AS n FROM label l JOIN annotator a ON a.id = l.annotator_id WHERE a.name = ? GROUP BY l.dimension')
          .all(PUBLISHED_ANNOTATOR) as { dimension: string; n: number }[]
      ).map((r) => [r.dimension, r.n]),
    );
    expect(perDimension).toEqual({ stage: 520, task: 517, input: 462 });
    expect(s1.labels).toBe(520 + 517 + 462);
    const s2 = await runImport(db, set.taxonomyDir);
    expect(s2).toMatchObject({ files: 1470, entriesCreated: 0, entriesUpdated: 490, warnings: [], groups: [] });

    expect(count('SELECT COUNT(*) AS n FROM entry')).toBe(520);
    expect(count("SELECT COUNT(*) AS n FROM entry_field WHERE name = 'output'")).toBe(490);
    expect(count('SELECT COUNT(*) AS n FROM entry WHERE passed = 0')).toBe(325);
    expect(count('SELECT COUNT(*) AS n FROM entry WHERE passed = 1')).toBe(165);
    expect(count("SELECT COUNT(*) AS n FROM entry_field p JOIN entry_field o ON o.entry_id = p.entry_id AND o.name = 'output' WHERE p.name = 'prompt'")).toBe(490);
    // Every published label maps to the value the generator meant, swaps undone, docstrings kept whole.
    for (const id of set.ids) expect(labelsOf(id, PUBLISHED_ANNOTATOR)).toEqual(set.expected.get(id));
    for (const id of set.predictionIds) expect(JSON.parse(entry(id).metadata).publishedTask).toBe('Prediction');
    for (const id of set.docstringIds) {
      expect(entry(id).prompt).toMatch(/ground_truth: the expected tensor, of the same shape\.\n {8}repo: .*\n {8}function: .*\n {4}"{3}$/);
      expect(JSON.parse(entry(id).metadata).groundTruthPath).toMatch(/\.py$/);
    }
    const failing = entry(set.failingIds[0]);
    expect(JSON.parse(failing.failing_tests)).toHaveLength(1);
    expect(entry(set.ids.find((id) => id.includes(', '))!).prompt).toMatch(/^Write a Python function/);
  });

  it('warns about results whose entry file is missing (2 of 490 in the release)', async () => {
    const set = writeDeepBenchLike(join(t.dir, 'orph'), { entries: 40, results: 30, failing: 20, swapped: 5, orphans: 2, seed: 3 });
    await runImport(db, set.dlbenchDir);
    const s = await runImport(db, set.taxonomyDir);
    expect(s.entriesCreated).toBe(2);
    expect(s.entriesUpdated).toBe(28);
    expect(s.warnings.map((w) => w.message).filter((m) => /no entry/.test(m))).toHaveLength(2);
    expect(s.groups).toEqual([{ kind: 'result-without-entry', count: 2, message: '2 results have no entry file: created from the Taxonomy-Data files alone, without a prompt' }]);
  });
});

describe('generic entries and model results', () => {
  it('imports JSONL and CSV entries, keeping extra columns as metadata', async () => {
    const jl = join(t.dir, 'e.jsonl');
    writeFileSync(jl, '{"id":"a","prompt":"p","output":"o","passed":0,"model":"gpt-4o","failing_tests":["t.py::x","t.py::x"]}\n{"id":"b","prompt":"q","passed":"true"}\n');
    const s = await runImport(db, jl);
    expect(s).toMatchObject({ format: 'jsonl', entriesCreated: 2 });
    expect(JSON.parse(entry('a').metadata)).toEqual({ model: 'gpt-4o' });
    expect(JSON.parse(entry('a').failing_tests)).toEqual(['t.py::x']);
    expect(entry('b').passed).toBe(1);
    const csv = join(t.dir, 'e.csv');
    writeFileSync(csv, 'id,prompt,repo,passed\na,"multi\nline, ""quoted""",r,\n');
    await expectRefused(runImport(db, csv), { field: 'content' });
    const s2 = await runImport(db, csv, { newVersion: true });
    expect(s2).toMatchObject({ format: 'csv', entriesCreated: 0, entriesUpdated: 1 });
    expect(entry('a').prompt).toBe('multi\nline, "quoted"');
    expect(entry('a').passed).toBe(0); // a blank cell changes nothing
    writeFileSync(csv, 'id,prompt\nc,x\nd,y\nc,z\n');
    await expectRefused(runImport(db, csv), { line: 4, field: 'id' });
    writeFileSync(csv, 'id,passed\nc,perhaps\n');
    await expectRefused(runImport(db, csv), { line: 2, field: 'passed' });
  });

  it('imports model results per entry and refuses one for an unknown entry', async () => {
    await runImport(db, join(samples, 'dlbench'));
    const f = join(t.dir, 'r.csv');
    writeFileSync(f, 'entry_id,model,passed,tests_passed,tests_total\nrecsys_hit_rate17,gpt-4o,1,3,3\nrecsys_hit_rate17,claude,0,1,3\n');
    expect((await runImport(db, f)).modelResults).toBe(2);
    expect((await runImport(db, f)).modelResults).toBe(0);
    writeFileSync(f, 'entry_id,model,passed\nrecsys_hit_rate17,gpt-4o,0\nghost,gpt-4o,1\n');
    await expectRefused(runImport(db, f), { line: 3, field: 'entry_id' });
    writeFileSync(f, 'entry_id,model,passed,tests_passed,tests_total\nrecsys_hit_rate17,gpt-4o,1,4,3\n');
    await expectRefused(runImport(db, f), { line: 2, field: 'tests_passed' });
  });

  it('refuses an import into a database without a project', async () => {
    db.prepare('DELETE FROM project').run();
    await expect(runImport(db, join(samples, 'dlbench'))).rejects.toThrow(/no project/);
  });
});

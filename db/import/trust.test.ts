import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { backupDir } from '../backup.ts';
import { openStore } from '../data/index.ts';
import { exportPack } from '../packs/export.ts';
import { importPacks } from '../packs/merge.ts';
import { writeStarter } from '../packs/starter.ts';
import { createService, type Service } from '../service.ts';
import { openDatabase } from '../database.ts';
import { dumpAll, makeProject } from '../../test/helpers/pack-project.ts';
import { appCall } from '../../test/helpers/service.ts';
import { runImport } from './index.ts';

/**
 * What an import may not do to work already in the project: replace an annotator's own label
 * with an older one from a file, or replace an entry's content under the labels made on it.
 */

const dir = mkdtempSync(join(tmpdir(), 'concord-import-trust-'));
let n = 0;
let s: Service;
let file: string;

const write = (name: string, text: string) => {
  const f = join(dir, `${n}-${name}`);
  writeFileSync(f, text);
  return f;
};
const stage = (who: string, id = 'e1') =>
  (s.db.prepare("SELECT l.value FROM label l JOIN annotator a ON a.id = l.annotator_id JOIN entry e ON e.id = l.entry_id WHERE a.name = ? AND e.ext_id = ? AND l.dimension = 'stage'").get(who, id) as
    | { value: string }
    | undefined)?.value;
const backups = () => (existsSync(backupDir(file)) ? readdirSync(backupDir(file)) : []);

beforeEach(() => {
  file = join(dir, `study-${++n}.db`);
  s = makeProject(file, { entries: ['e1', 'e2'], annotators: ['ana'] });
});

describe('an annotations file', () => {
  it("never replaces an annotator's own label with a file's, however the file dates it, and says what it kept", async () => {
    appCall(s, 'labels.set', { annotator: 'ana', entryId: 'e1', dimension: 'stage', value: 'training' });
    const csv = write('old.csv', 'entry_id,annotator,dimension,value,note,updated_at\ne1,ana,stage,Inference,,2020-01-01T00:00:00Z\ne2,ana,stage,Inference,,2020-01-01T00:00:00Z\n');
    const r = await runImport(s.db, csv);
    expect(stage('ana')).toBe('"training"');
    expect(stage('ana', 'e2')).toBe('"inference"'); // nothing was there: filled in
    expect(r.labels).toBe(1);
    expect(r.kept).toEqual([{ entryId: 'e1', annotator: 'ana', dimension: 'stage', kept: 'training', file: 'inference', source: csv, line: 2 }]);
    expect(r.groups.find((g) => g.kind === 'label-kept')?.message).toMatch(/^1 label was kept as the project has it: the annotator made or cleared it in Concord/);
    // A file dated in the future does no better: files carry no logical clock.
    const future = write('future.csv', 'entry_id,annotator,dimension,value,note,updated_at\ne1,ana,stage,Inference,,2999-01-01T00:00:00Z\n');
    expect((await runImport(s.db, future)).kept).toHaveLength(1);
    expect(stage('ana')).toBe('"training"');
  });

  it('keeps a label the annotator cleared, and a status they set', async () => {
    appCall(s, 'labels.set', { annotator: 'ana', entryId: 'e1', dimension: 'stage', value: 'training' });
    appCall(s, 'labels.set', { annotator: 'ana', entryId: 'e1', dimension: 'stage', value: null });
    appCall(s, 'labels.setStatus', { annotator: 'ana', entryId: 'e1', status: 'draft' });
    const r = await runImport(s.db, write('a.csv', 'entry_id,annotator,dimension,value\ne1,ana,stage,Inference\n'));
    expect(r.kept).toMatchObject([{ kept: null, file: 'inference' }]);
    expect(stage('ana')).toBeUndefined();
    expect(appCall(s, 'entries.get', { annotator: 'ana', id: 'e1' }).status).toBe('draft');
  });

  it('replaces what an earlier file wrote (a corrected spreadsheet), and that survives an older pack', async () => {
    await runImport(s.db, write('v1.csv', 'entry_id,annotator,dimension,value\ne1,ben,stage,Inference\n'));
    // ben's starter file, made now, carries the imported label; the lead then corrects the spreadsheet.
    writeStarter(s.db, { annotator: 'ben', out: join(dir, `ben-${n}.db`) });
    const r = await runImport(s.db, write('v2.csv', 'entry_id,annotator,dimension,value\ne1,ben,stage,Training\n'));
    expect(r).toMatchObject({ labels: 1, kept: [] });
    expect(stage('ben')).toBe('"training"');
    const benFile = createService(openDatabase(join(dir, `ben-${n}.db`)));
    importPacks(s.db, [{ name: 'ben.pack', text: exportPack(benFile.db, { annotator: 'ben' }).text }]);
    expect(stage('ben')).toBe('"training"');
  });

  it('refuses a new annotator who looks like one already here, naming them', async () => {
    const before = dumpAll(s.db);
    await expect(runImport(s.db, write('a.csv', 'entry_id,annotator,dimension,value\ne1,\u0430na,stage,Inference\n'))).rejects.toMatchObject({
      message: expect.stringMatching(/^the annotator name "аna" looks like "ana", who is already an annotator/),
      where: { line: 2, field: 'annotator' },
    });
    await expect(runImport(s.db, write('b.csv', 'entry_id,annotator,dimension,value\ne1,dora,stage,Inference\ne2,d\u043era,stage,Inference\n'))).rejects.toThrow(/"dоra" looks like "dora"/);
    expect(dumpAll(s.db)).toBe(before);
  });
});

describe('a backup', () => {
  it('is taken before an import that changes an entry already here, and not before one that only adds', async () => {
    await runImport(s.db, write('new.jsonl', '{"id":"e9","prompt":"p9"}\n'));
    expect(backups()).toEqual([]);
    const r = await runImport(s.db, write('labels.csv', 'entry_id,annotator,dimension,value\ne1,ana,stage,Inference\n'));
    expect(r.backup?.reason).toBe('import');
    expect(backups()).toEqual([r.backup!.name]);
    // Unchanged data changes nothing and takes no backup.
    expect((await runImport(s.db, write('labels.csv', 'entry_id,annotator,dimension,value\ne1,ana,stage,Inference\n'))).backup).toBeNull();
  });
});

describe('an entry whose content changed', () => {
  const jsonl = (prompt: string, passed = false) => write('e.jsonl', `${JSON.stringify({ id: 'e1', prompt, output: 'out e1', passed })}\n`);

  it('is refused, naming the fields that differ, and nothing changes', async () => {
    const before = dumpAll(s.db);
    await expect(runImport(s.db, jsonl('a new prompt', true))).rejects.toThrow(
      /an entry already in the project has other content in this file: "e1" \(.*e\.jsonl, line 1\): prompt \(9 characters here, 12 in the file\), passed \(failed here, passed in the file\)\. Nothing was imported\..*--new-version/,
    );
    expect(dumpAll(s.db)).toBe(before);
  });

  it('is kept as a new version with newVersion: labels on the earlier content flagged, an older pack still merges, flagged too', async () => {
    writeStarter(s.db, { annotator: 'ana', out: join(dir, `ana-${n}.db`) });
    appCall(s, 'labels.set', { annotator: 'ana', entryId: 'e1', dimension: 'stage', value: 'training' });
    const r = await runImport(s.db, jsonl('a new prompt'), { newVersion: true });
    expect(r.newVersions).toEqual([{ entryId: 'e1', version: 2, fields: ['prompt'], flagged: 1 }]);
    expect(r.backup).not.toBeNull();
    const store = openStore(s.db);
    expect(store.entryVersions.toReview()).toEqual([{ entryId: 'e1', annotator: 'ana', dimension: 'stage' }]);
    expect(JSON.parse(store.entryVersions.of(1)[0].fields!)).toMatchObject({ prompt: 'prompt e1' });
    // ana's starter still has the first version: her pack merges, and what she labelled there is flagged.
    const anaFile = createService(openDatabase(join(dir, `ana-${n}.db`)));
    appCall(anaFile, 'labels.set', { annotator: 'ana', entryId: 'e1', dimension: 'task', value: 'classification' });
    const merged = importPacks(s.db, [{ name: 'ana.pack', text: exportPack(anaFile.db, { annotator: 'ana' }).text }]);
    expect(merged).toMatchObject({ labelsSet: 1, flagged: 1 });
    expect(store.entryVersions.toReview().map((l) => l.dimension)).toEqual(['stage', 'task']);
    // Set again by its annotator (same value), a label is reviewed: no longer flagged, and logged.
    appCall(s, 'labels.set', { annotator: 'ana', entryId: 'e1', dimension: 'stage', value: 'training' });
    expect(store.entryVersions.toReview().map((l) => l.dimension)).toEqual(['task']);
    expect(s.db.prepare("SELECT COUNT(*) AS n FROM event WHERE kind = 'label.review'").get()).toEqual({ n: 1 });
  });

  it('filled in where it was empty is no change: no version, no flag, and older packs merge', async () => {
    s.db.prepare("DELETE FROM entry_field WHERE name = 'output' AND entry_id = (SELECT id FROM entry WHERE ext_id = 'e2')").run();
    s.db.prepare("UPDATE entry SET content_hash = '' WHERE ext_id = 'e2'").run();
    const r = await runImport(s.db, write('fill.jsonl', `${JSON.stringify({ id: 'e2', output: 'filled' })}\n`));
    expect(r).toMatchObject({ entriesUpdated: 1, newVersions: [] });
    expect(openStore(s.db).entryVersions.toReview()).toEqual([]);
  });
});

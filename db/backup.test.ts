import { openDatabase } from './database.ts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backupDatabase, backupDir, listBackups, restoreBackup } from './backup.ts';
import { makeProject } from '../test/helpers/pack-project.ts';
import { createService } from './service.ts';
import { appCall } from '../test/helpers/service.ts';

const labelsOf = (file: string) => {
  const db = openDatabase(file);
  try {
    return db.prepare('SELECT dimension, value FROM label ORDER BY dimension').all();
  } finally {
    db.close();
  }
};

describe('backups', () => {
  it('are listed newest first with time, size and reason, beside the database', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'concord-bk-')), 'p.db');
    const s = makeProject(file, { entries: ['e1'] });
    const a = backupDatabase(s.db, 'pack-import');
    const b = backupDatabase(s.db, 'Manual backup!');
    s.close();
    expect(b.name > a.name).toBe(true);
    expect(listBackups(file)).toEqual([b, a]);
    expect(a).toMatchObject({ reason: 'pack-import', size: expect.any(Number) });
    expect(b.reason).toBe('manual-backup');
    expect(a.size).toBeGreaterThan(0);
    expect(Date.parse(a.time)).not.toBeNaN();
    expect(backupDir(file)).toBe(`${file}.backups`);
  });

  it('restore brings back the state of the backup, keeping the current one as a backup first', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'concord-bk-')), 'p.db');
    let s = makeProject(file, { entries: ['e1'], annotators: ['ana'] });
    appCall(s, 'labels.set', { annotator: 'ana', entryId: 'e1', dimension: 'stage', value: 'training' });
    const taken = backupDatabase(s.db, 'pack-import');
    appCall(s, 'labels.set', { annotator: 'ana', entryId: 'e1', dimension: 'stage', value: 'inference' });
    appCall(s, 'labels.set', { annotator: 'ana', entryId: 'e1', dimension: 'task', value: 'regression' });
    s.close();

    const r = await restoreBackup(file, taken.name);
    expect(r.restored).toEqual(taken);
    expect(r.safety?.reason).toBe('before-restore');
    expect(labelsOf(file)).toEqual([{ dimension: 'stage', value: '"training"' }]);
    // The database as it was before the restore can itself be restored.
    await restoreBackup(file, r.safety!.name);
    expect(labelsOf(file)).toEqual([
      { dimension: 'stage', value: '"inference"' },
      { dimension: 'task', value: '"regression"' },
    ]);
    s = createService(openDatabase(file));
    expect((await appCall(s, 'entries.get', { annotator: 'ana', id: 'e1' })).labels).toEqual({ stage: 'inference', task: 'regression' });
    s.close();
  });

  it('restore refuses an unknown or damaged backup and changes nothing', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'concord-bk-')), 'p.db');
    const s = makeProject(file, { entries: ['e1'], annotators: ['ana'] });
    appCall(s, 'labels.set', { annotator: 'ana', entryId: 'e1', dimension: 'stage', value: 'training' });
    backupDatabase(s.db, 'manual');
    s.close();
    await expect(restoreBackup(file, '../p.db')).rejects.toThrow(/no backup named/);
    const junk = '2020-01-01T00-00-00-000Z-manual.db';
    writeFileSync(join(backupDir(file), junk), 'not a database at all, just text that is long enough to be read as a header '.repeat(20));
    await expect(restoreBackup(file, junk)).rejects.toThrow(/backup "2020-01-01T00-00-00-000Z-manual.db" is damaged or not a Concord project/);
    expect(labelsOf(file)).toEqual([{ dimension: 'stage', value: '"training"' }]);
    expect(listBackups(file).map((b) => b.reason)).toEqual(['manual', 'manual']);
  });
});

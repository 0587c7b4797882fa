import { openDatabase } from '../../db/database.ts';
import { copyFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dumpAll, makeProject } from '../../test/helpers/pack-project.ts';
import { createService } from '../../db/service.ts';
import { runCommand as run } from '../../test/helpers/cli.ts';
import assign from './assign.ts';
import backup from './backup.ts';
import pack from './pack.ts';
import { appCall } from '../../test/helpers/service.ts';

const dump = (file: string) => {
  const db = openDatabase(file);
  try {
    return dumpAll(db);
  } finally {
    db.close();
  }
};

describe('concord assign, pack and backup', () => {
  it('take a project from assignment through starter files to merged packs, in either order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'concord-cli-'));
    const lead = join(dir, 'lead.db');
    makeProject(lead, { entries: ['e1', 'e2', 'e3', 'e4'] }).close();

    const a = await run(assign, ['--db', lead, '--per-entry', '2', '--annotators', 'ben,ana', '--json']);
    expect(a.code).toBe(0);
    const assigned = JSON.parse(a.stdout);
    expect(assigned).toMatchObject({ perEntry: 2, annotators: ['ana', 'ben'], annotatorsCreated: ['ben', 'ana'], added: 8 });
    expect((await run(assign, ['--db', lead, '--progress'])).stdout).toMatch(/ana\s+4\s+0\s+0\s+4/);

    for (const who of ['ana', 'ben']) {
      const r = await run(pack, ['starter', '--db', lead, '--annotator', who, '--out', join(dir, `${who}.db`), '--json']);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ annotator: who, entries: 4 });
      const s = createService(openDatabase(join(dir, `${who}.db`)));
      appCall(s, 'labels.set', { annotator: who, entryId: 'e1', dimension: 'stage', value: who === 'ana' ? 'training' : 'inference' });
      appCall(s, 'labels.setStatus', { annotator: who, entryId: 'e1', status: 'submitted' });
      s.close();
      const e = await run(pack, ['export', '--db', join(dir, `${who}.db`), '--annotator', who, '--out', join(dir, `${who}.pack`)]);
      expect(e.code).toBe(0);
      expect(e.stdout).toMatch(/1 labels \(0 cleared\)/);
    }

    copyFileSync(lead, join(dir, 'x.db'));
    copyFileSync(lead, join(dir, 'y.db'));
    const x = await run(pack, ['import', join(dir, 'ana.pack'), join(dir, 'ben.pack'), '--db', join(dir, 'x.db'), '--json']);
    expect(x.code).toBe(0);
    expect(JSON.parse(x.stdout)).toMatchObject({ labelsSet: 2, submissionsSet: 2, changed: true });
    expect(x.stdout.trim().startsWith('{') && x.stdout.trim().endsWith('}')).toBe(true);
    expect((await run(pack, ['import', join(dir, 'ben.pack'), '--db', join(dir, 'y.db')])).code).toBe(0);
    expect((await run(pack, ['import', join(dir, 'ana.pack'), '--db', join(dir, 'y.db')])).code).toBe(0);
    const again = await run(pack, ['import', join(dir, 'ana.pack'), '--db', join(dir, 'y.db')]);
    expect(again.stdout).toMatch(/nothing new/);

    for (const who of ['ana', 'ben']) {
      await run(pack, ['export', '--db', join(dir, 'x.db'), '--annotator', who, '--out', join(dir, `x-${who}.pack`)]);
      await run(pack, ['export', '--db', join(dir, 'y.db'), '--annotator', who, '--out', join(dir, `y-${who}.pack`)]);
      expect(readFileSync(join(dir, `x-${who}.pack`), 'utf8')).toBe(readFileSync(join(dir, `y-${who}.pack`), 'utf8'));
      expect(readFileSync(join(dir, `x-${who}.pack`), 'utf8')).toBe(readFileSync(join(dir, `${who}.pack`), 'utf8'));
    }

    // The backup taken before the merge restores the lead's database as it was.
    const list = await run(backup, ['list', '--db', join(dir, 'x.db'), '--json']);
    const { backups } = JSON.parse(list.stdout);
    expect(backups).toHaveLength(1);
    expect(backups[0].reason).toBe('pack-import');
    const restored = await run(backup, ['restore', backups[0].name, '--db', join(dir, 'x.db')]);
    expect(restored.code).toBe(0);
    expect(dump(join(dir, 'x.db'))).toBe(dump(lead));
    expect(JSON.parse((await run(backup, ['list', '--db', join(dir, 'x.db'), '--json'])).stdout).backups.map((b: { reason: string }) => b.reason)).toEqual([
      'before-restore',
      'pack-import',
    ]);
  });

  it('exit 2 with a message and nothing changed for a refused pack; exit 1 for usage errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'concord-cli-'));
    const mine = join(dir, 'mine.db');
    const s = makeProject(mine, { entries: ['e1'], annotators: ['ana'], uid: 'mine' });
    appCall(s, 'labels.set', { annotator: 'ana', entryId: 'e1', dimension: 'stage', value: 'training' });
    s.close();
    await run(pack, ['export', '--db', mine, '--annotator', 'ana', '--out', join(dir, 'ana.pack')]);
    const theirs = join(dir, 'theirs.db');
    makeProject(theirs, { entries: ['e1'], uid: 'theirs' }).close();
    const before = dump(theirs);
    const r = await run(pack, ['import', join(dir, 'ana.pack'), '--db', theirs, '--json']);
    expect(r).toMatchObject({ code: 2, stdout: '' });
    expect(r.stderr).toMatch(/ana\.pack: pack refused, nothing was changed: it belongs to another project/);
    expect(dump(theirs)).toBe(before);
    expect(existsSync(`${theirs}.backups`)).toBe(false);

    expect((await run(pack, ['import', join(dir, 'missing.pack'), '--db', theirs])).code).toBe(2);
    expect((await run(pack, ['import', join(dir, 'ana.pack'), '--db', join(dir, 'nope.db')])).code).toBe(2);
    expect(existsSync(join(dir, 'nope.db'))).toBe(false);
    expect((await run(pack, ['export', '--db', mine, '--annotator', 'zed', '--out', join(dir, 'z.pack')])).code).toBe(2);
    expect((await run(pack, ['import', '--db', theirs])).code).toBe(1);
    expect((await run(pack, ['export', '--db', mine, '--out', join(dir, 'z.pack')])).code).toBe(1);
    expect((await run(pack, ['frobnicate'])).code).toBe(1);
    expect((await run(assign, ['--db', mine, '--per-entry', 'three'])).code).toBe(1);
    expect((await run(assign, ['--db', mine, '--per-entry', '3'])).code).toBe(2);
    expect((await run(backup, ['restore', '--db', mine])).code).toBe(1);
    expect((await run(backup, ['restore', 'nothing.db', '--db', mine])).code).toBe(2);
    expect(existsSync(join(dir, 'z.pack'))).toBe(false);
  });
});

describe('concord assign by hand', () => {
  it('gives the named entries (ids with commas too) exactly the named annotators, and their queues follow', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'concord-assign-hand-'));
    const lead = join(dir, 'lead.db');
    makeProject(lead, { entries: ['a1', 'classes-x_fit, 107', 'c3'], annotators: ['ana', 'ben', 'cai'] }).close();
    const r = await run(assign, ['--db', lead, '--entry', 'classes-x_fit, 107', '--entry', 'c3', '--annotators', 'ben,ana', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).assignments).toEqual([
      { entryId: 'classes-x_fit, 107', annotators: ['ana', 'ben'] },
      { entryId: 'c3', annotators: ['ana', 'ben'] },
    ]);
    const s = createService(openDatabase(lead));
    expect(appCall(s, 'entries.list', { annotator: 'ben' }).map((e) => e.id)).toEqual(['c3', 'classes-x_fit, 107']);
    expect(appCall(s, 'entries.list', { annotator: 'cai' }).map((e) => e.id)).toHaveLength(3);
    s.close();
    expect((await run(assign, ['--db', lead, '--entry', 'c3'])).code).toBe(1);
    const unknown = await run(assign, ['--db', lead, '--entry', 'zz', '--annotators', 'ana']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown entry "zz"');
  });
});

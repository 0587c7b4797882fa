import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { setAssignments } from '../assignments.ts';
import { openDatabase } from '../database.ts';
import { migrations } from '../migrations/index.ts';
import { createService, ensureProject } from '../service.ts';
import { deepBenchCodebook } from '../../shared/codebook/index.ts';
import { exportPack } from './export.ts';
import { importPacks } from './merge.ts';
import { projectIdentity } from './schema.ts';
import { writeStarter } from './starter.ts';
import { makeProject } from '../../test/helpers/pack-project.ts';
import { appCall } from '../../test/helpers/service.ts';

describe('starter files', () => {
  it('carry the project, the codebook, the assigned entries and only that annotator', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'concord-starter-'));
    const lead = makeProject(join(dir, 'lead.db'), { entries: ['e1', 'e2', 'e3'], annotators: ['ana', 'ben'], uid: 'lead-uid' });
    setAssignments(lead.db, { entryIds: ['e1', 'e2'], annotators: ['ana', 'ben'] });
    setAssignments(lead.db, { entryIds: ['e3'], annotators: ['ben'] });
    appCall(lead, 'labels.set', { annotator: 'ben', entryId: 'e1', dimension: 'stage', value: 'training' });
    appCall(lead, 'labels.setNote', { annotator: 'ben', entryId: 'e1', text: 'ben only' });
    appCall(lead, 'labels.set', { annotator: 'ana', entryId: 'e2', dimension: 'task', value: 'regression' });
    appCall(lead, 'labels.set', { annotator: 'ana', entryId: 'e2', dimension: 'stage', value: 'training' });
    appCall(lead, 'labels.set', { annotator: 'ana', entryId: 'e2', dimension: 'stage', value: null });

    const out = join(dir, 'ana.db');
    expect(writeStarter(lead.db, { annotator: 'ana', out })).toEqual({ file: out, annotator: 'ana', entries: 2, labels: 1 });
    const s = createService(openDatabase(out));
    expect(projectIdentity(s.db)).toEqual({ uid: 'lead-uid', name: 'Deep-Bench study' });
    expect(appCall(s, 'project.codebook', {})).toEqual(deepBenchCodebook);
    expect((await appCall(s, 'entries.list', { annotator: 'ana' })).map((e) => e.id)).toEqual(['e1', 'e2']);
    expect(appCall(s, 'project.annotators', {})).toEqual([{ name: 'ana', role: 'annotator' }]);
    const text = JSON.stringify(s.db.prepare('SELECT * FROM event').all()) + JSON.stringify(s.db.prepare('SELECT * FROM note').all());
    expect(text).not.toContain('ben');
    // Ana's own work, her cleared label included, goes out and comes back unchanged.
    expect(exportPack(s.db, { annotator: 'ana' }).text).toBe(exportPack(lead.db, { annotator: 'ana' }).text);
    expect(importPacks(lead.db, [{ name: 'ana', text: exportPack(s.db, { annotator: 'ana' }).text }]).changed).toBe(false);
    s.close();
    // No leftovers beside it.
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('never replaces an existing file and refuses unknown or unassigned annotators', () => {
    const dir = mkdtempSync(join(tmpdir(), 'concord-starter-'));
    const lead = makeProject(join(dir, 'lead.db'), { entries: ['e1'], annotators: ['ana', 'ben'] });
    writeFileSync(join(dir, 'taken.db'), 'labels live here');
    expect(() => writeStarter(lead.db, { annotator: 'ana', out: join(dir, 'taken.db') })).toThrow(/already exists/);
    expect(() => writeStarter(lead.db, { annotator: 'zed', out: join(dir, 'z.db') })).toThrow(/unknown annotator "zed"/);
    setAssignments(lead.db, { entryIds: ['e1'], annotators: ['ana'] });
    expect(() => writeStarter(lead.db, { annotator: 'ben', out: join(dir, 'b.db') })).toThrow(/"ben" has no assigned entries/);
    expect(existsSync(join(dir, 'z.db')) || existsSync(join(dir, 'b.db'))).toBe(false);
  });
});

describe('migration 002-packs', () => {
  it('gives an existing project a uid once, a new project its own, and keeps cleared labels as tombstones', () => {
    const dir = mkdtempSync(join(tmpdir(), 'concord-mig-'));
    const v1 = openDatabase(join(dir, 'old.db'), { migrations });
    ensureProject(v1, 'Old', deepBenchCodebook);
    v1.close();
    const old = openDatabase(join(dir, 'old.db'));
    const uid = projectIdentity(old).uid;
    expect(uid).toMatch(/^[0-9a-f]{32}$/);
    old.close();
    const again = openDatabase(join(dir, 'old.db'));
    expect(projectIdentity(again).uid).toBe(uid);
    const other = openDatabase(join(dir, 'other.db'));
    ensureProject(other, 'Other', deepBenchCodebook);
    expect(projectIdentity(other).uid).toMatch(/^[0-9a-f]{32}$/);
    expect(projectIdentity(other).uid).not.toBe(uid);

    const s = createService(again);
    s.db.prepare("INSERT INTO entry (ext_id, created_at, updated_at) VALUES ('e1', 'x', 'x')").run();
    appCall(s, 'project.addAnnotator', { name: 'ana' });
    appCall(s, 'labels.set', { annotator: 'ana', entryId: 'e1', dimension: 'stage', value: 'training' });
    const t0 = new Date().toISOString();
    appCall(s, 'labels.set', { annotator: 'ana', entryId: 'e1', dimension: 'stage', value: null });
    const tomb = s.db.prepare('SELECT dimension, codebook_version, cleared_at FROM label_clear').get() as { cleared_at: string };
    expect(tomb).toMatchObject({ dimension: 'stage', codebook_version: '1.0.0' });
    expect(tomb.cleared_at >= t0.slice(0, 19)).toBe(true);
    expect(tomb.cleared_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    // Undo puts the label back and removes the tombstone; deleting the entry leaves nothing behind.
    appCall(s, 'labels.undo', { annotator: 'ana' });
    expect(s.db.prepare('SELECT COUNT(*) AS n FROM label_clear').get()).toEqual({ n: 0 });
    s.db.prepare("DELETE FROM entry WHERE ext_id = 'e1'").run();
    expect(s.db.prepare('SELECT (SELECT COUNT(*) FROM label) + (SELECT COUNT(*) FROM label_clear) AS n').get()).toEqual({ n: 0 });
    s.close();
  });
});

import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../database.ts';
import { createService } from '../service.ts';
import { FILE_OWNER } from '../../shared/door.ts';

/**
 * Migration 006 starts the codebook's history from the codebook a project already has: a project
 * made by the first schema (fixtures/schema/v1.db) opens with its codebook as revision 1, and its
 * labels read as made under that revision's version.
 */
const v1 = fileURLToPath(new URL('../../fixtures/schema/v1.db', import.meta.url));

describe('migration 006 on a project of the first schema', () => {
  it('records the project\'s codebook as revision 1 and leaves every label under its version', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'concord-006-')), 'v1.db');
    copyFileSync(v1, file);
    const before = new Database(file, { readonly: true });
    const project = before.prepare('SELECT codebook_json, created_at FROM project').get() as { codebook_json: string; created_at: string };
    const labelVersions = before.prepare('SELECT DISTINCT codebook_version FROM label').all();
    before.close();

    const db = openDatabase(file);
    const rows = db.prepare('SELECT revision, version, codebook_json, created_by, created_at FROM codebook_revision').all() as Record<string, unknown>[];
    expect(rows).toEqual([{ revision: 1, version: JSON.parse(project.codebook_json).version, codebook_json: project.codebook_json, created_by: 'system', created_at: project.created_at }]);
    expect(db.prepare('SELECT DISTINCT codebook_version FROM label').all()).toEqual(labelVersions);
    const s = createService(db);
    const history = s.call('codebook.history', {}, FILE_OWNER);
    expect(history.map((h) => [h.revision, h.version, h.newVersion])).toEqual([[1, JSON.parse(project.codebook_json).version, true]]);
    // Nothing of the new tables is there yet, and the lists answer empty.
    expect(s.call('reviews.all', {}, FILE_OWNER)).toMatchObject({ total: 0, items: [] });
    expect(s.call('rounds.list', {}, FILE_OWNER)).toEqual([]);
    s.close();
  });
});

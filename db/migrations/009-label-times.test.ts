import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../database.ts';
import { LABEL_TIME_MS } from './009-label-times.ts';
import { migrations } from './index.ts';

/**
 * Migration 009 indexes each label's time as a number. A project of schema 8 (the first schema's
 * demo, fixtures/schema/v1.db, migrated up to 008) whose labels carry times of every kind opens
 * with its labels as they were, and the index holds `Date.parse` of each time written as
 * `toISOString` writes it, and nothing for any other text.
 */
const v1 = fileURLToPath(new URL('../../fixtures/schema/v1.db', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'concord-009-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const times = [
  '2026-03-02T10:00:00.000Z',
  '2026-12-31T23:59:59.999Z',
  '1969-12-31T23:59:59.999Z',
  '0001-01-01T00:00:00.000Z',
  '2026-02-30T10:00:00.000Z',
  '2026-01-20T24:00:00.000Z',
  '2026-01-20T24:30:00.000Z',
  '2026-01-20T10:60:00.000Z',
  '2026-13-01T00:00:00.000Z',
  '9999-12-31T23:59:59.999Z',
  '2026-03-02T10:00:00Z',
  '2026-03-02T10:00:00.000+02:00',
  '2026-03-02 10:00:00',
  '2026-03-02',
  'not a time',
  '',
];

describe('migration 009: each label’s time as a number, in an index', () => {
  it('keeps every label as it was and indexes the times toISOString writes, exactly as Date.parse reads them', () => {
    const file = join(dir, 'v8.db');
    copyFileSync(v1, file);
    const v8 = openDatabase(file, { migrations: migrations.filter((m) => m.version <= 8) });
    const keys = v8.prepare('SELECT rowid AS id FROM label ORDER BY rowid').all() as { id: number }[];
    expect(keys.length).toBeGreaterThan(times.length);
    const set = v8.prepare('UPDATE label SET updated_at = ? WHERE rowid = ?');
    keys.forEach(({ id }, k) => set.run(times[k % times.length], id));
    const before = v8.prepare('SELECT rowid, * FROM label ORDER BY rowid').all();
    v8.close();

    const db = openDatabase(file);
    try {
      expect(db.prepare('SELECT name FROM schema_migration WHERE version = 9').get()).toEqual({ name: '009-label-times' });
      expect(db.prepare('SELECT rowid, * FROM label ORDER BY rowid').all()).toEqual(before);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const indexed = db.prepare(`SELECT updated_at AS text, ${LABEL_TIME_MS} AS ms FROM label INDEXED BY label_times`).all() as { text: string; ms: number | null }[];
      expect(indexed.length).toBe(keys.length);
      const written = (t: string) => Number.isFinite(Date.parse(t)) && new Date(Date.parse(t)).toISOString() === t;
      for (const { text, ms } of indexed) expect(ms, text).toBe(written(text) ? Date.parse(text) : null);
      expect(indexed.filter((r) => r.ms !== null).length).toBeGreaterThan(3);
    } finally {
      db.close();
    }
  });
});

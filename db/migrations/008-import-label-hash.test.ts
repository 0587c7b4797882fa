import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../database.ts';
import { openStore } from '../data/index.ts';
import { migrations } from './index.ts';

/**
 * Migration 008 stores a label's content hash only when the label was made on other content than
 * its entry holds now. A project of schema 6 (the first schema's demo, fixtures/schema/v1.db,
 * migrated up to 006) opens with every label reading the hash it read before, and the trigger
 * keeps that true when an entry's content changes.
 */
const v1 = fileURLToPath(new URL('../../fixtures/schema/v1.db', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'concord-008-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const OTHER = 'f'.repeat(64);

/** Every label's key, value, clock, time and the hash it was made on, as the data layer reads it. */
function labelsRead(db: Db): string[] {
  const store = openStore(db);
  const keys = db.prepare('SELECT entry_id, annotator_id, dimension FROM label ORDER BY 1, 2, 3').all() as { entry_id: number; annotator_id: number; dimension: string }[];
  return keys.map((k) => JSON.stringify([k, store.labels.get(k.entry_id, k.annotator_id, k.dimension)]));
}

const stored = (db: Db, entryId: number, annotatorId: number, dimension: string) =>
  (db.prepare('SELECT content_hash FROM label WHERE entry_id = ? AND annotator_id = ? AND dimension = ?').get(entryId, annotatorId, dimension) as { content_hash: string }).content_hash;

describe('migration 008: a label stores its content hash only when it is not its entry\'s', () => {
  it('keeps every label reading the hash it was made on, and stores none that is its entry\'s', () => {
    const file = join(dir, 'v6.db');
    copyFileSync(v1, file);
    const v6 = openDatabase(file, { migrations: migrations.filter((m) => m.version <= 6) });
    // One label made on other content (a pack made on an earlier version): its hash must stay.
    const other = v6.prepare('SELECT entry_id, annotator_id, dimension FROM label ORDER BY 1, 2, 3 LIMIT 1').get() as { entry_id: number; annotator_id: number; dimension: string };
    v6.prepare('UPDATE label SET content_hash = ? WHERE entry_id = ? AND annotator_id = ? AND dimension = ?').run(OTHER, other.entry_id, other.annotator_id, other.dimension);
    const before = labelsRead(v6);
    const rowsBefore = v6.prepare('SELECT entry_id, annotator_id, dimension, value, codebook_version, updated_at, clock, imported FROM label ORDER BY 1, 2, 3').all();
    expect(before.length).toBeGreaterThan(100);
    expect(before.filter((l) => l.includes(OTHER))).toHaveLength(1);
    v6.close();

    const db = openDatabase(file);
    try {
      expect(db.prepare('SELECT name FROM schema_migration WHERE version = 8').get()).toEqual({ name: '008-import-label-hash' });
      expect(labelsRead(db)).toEqual(before);
      expect(db.prepare('SELECT entry_id, annotator_id, dimension, value, codebook_version, updated_at, clock, imported FROM label ORDER BY 1, 2, 3').all()).toEqual(rowsBefore);
      // Only the label made on other content still stores a hash.
      expect(db.prepare("SELECT entry_id, annotator_id, dimension, content_hash FROM label WHERE content_hash <> ''").all()).toEqual([{ ...other, content_hash: OTHER }]);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
  });

  it('gives the labels of an entry whose content changes the hash they were made on, and takes it off those made on the new content', () => {
    const file = join(dir, 'trigger.db');
    copyFileSync(v1, file);
    const db = openDatabase(file);
    try {
      const store = openStore(db);
      const [a, b] = db.prepare('SELECT entry_id, annotator_id, dimension FROM label WHERE entry_id = (SELECT MIN(entry_id) FROM label) ORDER BY 2, 3 LIMIT 2').all() as {
        entry_id: number;
        annotator_id: number;
        dimension: string;
      }[];
      const entryId = a.entry_id;
      const oldHash = store.labels.get(a.entry_id, a.annotator_id, a.dimension)!.madeOn;
      const newHash = '1'.repeat(64);
      // b was made on the new content already (a pack from a copy that had it).
      store.labels.upsert(b.entry_id, b.annotator_id, b.dimension, { valueJson: '"x"', codebookVersion: '1', at: '2026-01-01T00:00:00.000Z', clock: 1, imported: false, madeOn: newHash });
      expect(stored(db, b.entry_id, b.annotator_id, b.dimension)).toBe(newHash);

      db.prepare('UPDATE entry SET content_hash = ? WHERE id = ?').run(newHash, entryId);
      expect(store.labels.get(a.entry_id, a.annotator_id, a.dimension)!.madeOn).toBe(oldHash);
      expect(stored(db, a.entry_id, a.annotator_id, a.dimension)).toBe(oldHash);
      expect(store.labels.get(b.entry_id, b.annotator_id, b.dimension)!.madeOn).toBe(newHash);
      expect(stored(db, b.entry_id, b.annotator_id, b.dimension)).toBe('');

      // Back to the first content: a reads as made on it again, stored as ''; b keeps the hash it was made on.
      db.prepare('UPDATE entry SET content_hash = ? WHERE id = ?').run(oldHash, entryId);
      expect([stored(db, a.entry_id, a.annotator_id, a.dimension), stored(db, b.entry_id, b.annotator_id, b.dimension)]).toEqual(['', newHash]);
      expect(store.labels.get(b.entry_id, b.annotator_id, b.dimension)!.madeOn).toBe(newHash);
      // A label written as made on the entry's own content stores nothing.
      store.labels.upsert(b.entry_id, b.annotator_id, b.dimension, { valueJson: '"y"', codebookVersion: '1', at: '2026-01-01T00:00:01.000Z', clock: 2, imported: false, madeOn: oldHash });
      expect(stored(db, b.entry_id, b.annotator_id, b.dimension)).toBe('');
    } finally {
      db.close();
    }
  });
});

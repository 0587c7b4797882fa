import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../database.ts';
import { readForAgreement } from '../data/agreement-rows.ts';
import { openStore } from '../data/index.ts';
import { migrations } from './index.ts';

/**
 * Migration 010 gives each label its kind: the number of its (dimension, value, codebook version)
 * in `label_kind`, which agreement's full read takes instead of the three texts. A number that
 * named other texts would count a label under another category without a trace, so: every label
 * of an earlier project gets the kind of its texts, every way of writing a label keeps it so, and
 * the read gives each label the texts its row holds.
 */
const v1 = fileURLToPath(new URL('../../fixtures/schema/v1.db', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'concord-010-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Labels whose kind is missing or names other texts than the label's own. */
const wrongKinds = (db: Db) =>
  db
    .prepare(
      `SELECT l.rowid, l.dimension, l.value, l.codebook_version, l.kind FROM label l LEFT JOIN label_kind k ON k.id = l.kind
        WHERE k.id IS NULL OR k.dimension IS NOT l.dimension OR k.value IS NOT l.value OR k.codebook_version IS NOT l.codebook_version`,
    )
    .all();

/** Every label as its row holds it, in the table's order: row, entry, annotator, dimension, value, version. */
const rowsAsStored = (db: Db) => db.prepare('SELECT rowid, entry_id, annotator_id, dimension, value, codebook_version FROM label ORDER BY rowid').raw(true).all();

/** The same as agreement's read gives them. */
function rowsAsRead(db: Db): unknown[][] {
  const { rows } = readForAgreement(db);
  return Array.from({ length: rows.count }, (_, i) => [
    rows.rowid[i],
    rows.entry[i],
    rows.annotator[i],
    rows.dimensions[rows.dimension[i]],
    rows.values[rows.value[i]],
    rows.versions[rows.version[i]],
  ]);
}

function migratedCopy(name: string): Db {
  const file = join(dir, name);
  copyFileSync(v1, file);
  return openDatabase(file);
}

describe('migration 010: each label names its kind', () => {
  it('gives every label of an earlier project the kind of its texts, and changes nothing else', () => {
    const file = join(dir, 'v9.db');
    copyFileSync(v1, file);
    const v9 = openDatabase(file, { migrations: migrations.filter((m) => m.version <= 9) });
    const before = v9.prepare('SELECT * FROM label ORDER BY rowid').all();
    const distinct = v9.prepare('SELECT count(*) FROM (SELECT DISTINCT dimension, value, codebook_version FROM label)').pluck().get() as number;
    expect(before.length).toBeGreaterThan(100);
    expect(distinct).toBeGreaterThan(5);
    v9.close();

    const db = openDatabase(file);
    try {
      expect(db.prepare('SELECT name FROM schema_migration WHERE version = 10').get()).toEqual({ name: '010-label-kind' });
      expect(wrongKinds(db)).toEqual([]);
      expect(db.prepare('SELECT count(*) FROM label_kind').pluck().get()).toBe(distinct);
      expect(db.prepare('SELECT * FROM label ORDER BY rowid').all().map((r) => ({ ...(r as object), kind: undefined }))).toEqual(before.map((r) => ({ ...(r as object), kind: undefined })));
      expect(rowsAsRead(db)).toEqual(rowsAsStored(db));
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
  });

  it("keeps each label's kind that of its texts, however the label is written", () => {
    const db = migratedCopy('writes.db');
    try {
      const store = openStore(db);
      const some = db.prepare('SELECT entry_id, annotator_id, dimension FROM label ORDER BY rowid LIMIT 3').all() as { entry_id: number; annotator_id: number; dimension: string }[];
      const entry = db.prepare('SELECT max(id) FROM entry').pluck().get() as number;
      const annotator = db.prepare('SELECT max(id) FROM annotator').pluck().get() as number;
      const write = (value: string, clock: number) => ({ valueJson: value, codebookVersion: '1.0.0', at: '2026-12-06T00:00:00.000Z', clock, imported: false, madeOn: null });
      const kinds = () => db.prepare('SELECT count(*) FROM label_kind').pluck().get() as number;
      const start = kinds();

      // A label written in the app: new, then changed to a value no label held, then back.
      store.labels.delete(some[0].entry_id, some[0].annotator_id, some[0].dimension);
      store.labels.upsert(some[0].entry_id, some[0].annotator_id, some[0].dimension, write('"a value nobody chose"', 1));
      store.labels.upsert(some[0].entry_id, some[0].annotator_id, some[0].dimension, write('"another one"', 2));
      expect(kinds()).toBe(start + 2);
      store.labels.upsert(some[0].entry_id, some[0].annotator_id, some[0].dimension, write('"a value nobody chose"', 3));
      expect(kinds()).toBe(start + 2);
      // Rows written by hand, as a script or an older tool would: without a kind, texts changed, the kind taken away.
      db.prepare("INSERT INTO label (entry_id, annotator_id, dimension, value, codebook_version, updated_at) VALUES (?, ?, 'by-hand', '\"x\"', 'v9', 't')").run(entry, annotator);
      db.prepare("UPDATE label SET value = '\"changed by hand\"' WHERE entry_id = ? AND annotator_id = ? AND dimension = ?").run(some[1].entry_id, some[1].annotator_id, some[1].dimension);
      db.prepare('UPDATE label SET kind = NULL WHERE entry_id = ? AND annotator_id = ? AND dimension = ?').run(some[2].entry_id, some[2].annotator_id, some[2].dimension);
      // An import's bulk insert, which names the kinds itself: new texts, texts already known, and a row already there.
      db.transaction(() =>
        store.labels.insertImported([
          [entry, annotator, 'imported-a', '"new in the file"', '1.0.0', 't', 10],
          [entry, annotator, 'imported-b', '"a value nobody chose"', '1.0.0', 't', 11],
          [some[1].entry_id, some[1].annotator_id, some[1].dimension, '"imported over it"', '2.0.0', 't', 12],
        ]),
      )();
      // An import that failed: the kind it added is gone with it, and the next import does not take its number for it.
      expect(() =>
        db.transaction(() => {
          store.labels.insertImported([[entry, annotator, 'imported-c', '"rolled back"', '1.0.0', 't', 13]]);
          throw new Error('the import stopped');
        })(),
      ).toThrow('the import stopped');
      expect(db.prepare(`SELECT count(*) FROM label_kind WHERE value = '"rolled back"'`).pluck().get()).toBe(0);
      db.transaction(() => store.labels.insertImported([[entry, annotator, 'imported-d', '"after the failure"', '1.0.0', 't', 14]]))();
      // A starter file's copies of an annotator's labels, as stored.
      const own = store.labels.ownRows(annotator);
      db.prepare('DELETE FROM label WHERE annotator_id = ?').run(annotator);
      store.labels.insertCopies({ labels: own.labels, cleared: [], notes: [], submissions: [] }, annotator, (id) => id);

      expect(wrongKinds(db)).toEqual([]);
      expect(db.prepare(`SELECT count(*) FROM label WHERE value IN ('"imported over it"', '"changed by hand"', '"after the failure"', '"new in the file"')`).pluck().get()).toBe(3);
      expect(rowsAsRead(db)).toEqual(rowsAsStored(db));
    } finally {
      db.close();
    }
  });
});

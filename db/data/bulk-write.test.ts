import { describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../database.ts';
import { openStore } from './index.ts';
import type { EntryColumns } from './entries.ts';
import { BATCH_ROWS, insertRows, statementsOf, withIndexesBuiltAfter, withoutForeignKeyChecks } from './statements.ts';

/**
 * An import writes new entries and their creation events many to a statement
 * (`entries.insertMany`, `events.appendMany`); the tables must hold exactly what writing them one
 * at a time (`entries.insert`, `events.append`) holds: the same row ids, texts, search index and
 * log, across batch boundaries, with empty texts and other named texts.
 */
function entriesOf(n: number): { extId: string; columns: EntryColumns }[] {
  return Array.from({ length: n }, (_, i) => {
    const fields: Record<string, string> = {
      prompt: i % 7 === 0 ? '' : `Write the function number ${i} that déplace le tensor`,
      ground_truth: `def f${i}(x):\n    return x * ${i}`,
      output: i % 5 === 0 ? '' : `def f${i}(x):\n    return x + ${i}  # wörd${i % 3}`,
      test_log: i % 3 === 0 ? `AssertionError in test_${i}` : '',
    };
    if (i % 11 === 0) fields.trace = `step ${i}: called tool grep_${i}`;
    if (i === 42) for (const k of Object.keys(fields)) fields[k] = '';
    return { extId: `e${i + 1}`, columns: { fields, passed: i % 2 === 0 ? 1 : i % 3 === 0 ? null : 0, failingTests: i % 2 ? '["t1"]' : '[]', metadata: JSON.stringify({ repo: `r${i % 4}` }), hash: `h${i}` } };
  });
}

const dump = (db: Db) =>
  ['entry', 'entry_field', 'event'].map((t) => JSON.stringify(db.prepare(`SELECT * FROM ${t} ORDER BY 1`).all())).join('\n');

const search = (db: Db, words: string[]) =>
  words.map((w) => (db.prepare('SELECT rowid FROM entry_text WHERE entry_text MATCH ? ORDER BY rowid').all(w) as { rowid: number }[]).map((r) => r.rowid));

describe('bulk writes of new entries', () => {
  it('hold exactly what one-at-a-time writes hold, after entries already there', () => {
    const at = '2026-12-05T09:00:00.000Z';
    const all = entriesOf(700);
    const [before, rest] = [all.slice(0, 5), all.slice(5)];
    const one = openDatabase(':memory:');
    const many = openDatabase(':memory:');
    for (const db of [one, many]) {
      const store = openStore(db);
      for (const e of before) store.entries.insert(e.extId, e.columns, at);
      store.events.append({ actor: 'x', kind: 'project.create', after: { a: 1 }, at });
    }
    const event = (e: { extId: string; columns: EntryColumns }) => ({ actor: 'import', kind: 'entry.create', entryId: e.extId, before: null, after: { hash: e.columns.hash }, at });
    const s1 = openStore(one);
    for (const e of rest) {
      s1.entries.insert(e.extId, e.columns, at);
      s1.events.append(event(e));
    }
    const s2 = openStore(many);
    // Batches of 256, as imports write them, and one of another size.
    const ids: number[] = [];
    for (const part of [rest.slice(0, 256), rest.slice(256, 512), rest.slice(512)]) {
      ids.push(...s2.entries.insertMany(part, at));
      s2.events.appendMany(part.map(event));
    }
    expect(ids).toEqual(rest.map((_, i) => before.length + i + 1));
    expect(dump(many)).toEqual(dump(one));
    const words = ['"deplace"*', '"wörd1"', '"grep"*', '"assertionerror"', '"return" AND "x"', '"f42"*', '"e1"'];
    // The bulk write lists its entries for the search index (all but e43, which has no text) and indexes none of them yet.
    const listed = () => many.prepare('SELECT COUNT(*) FROM entry_text_pending').pluck().get();
    expect(listed()).toBe(rest.length - 1);
    expect(search(many, ['"grep"*'])[0]).toEqual([1]); // e1 alone, written one at a time
    // Indexed after, a slice at a time, across the batches' boundaries.
    const left: number[] = [];
    do left.push(s2.transaction(() => s2.entries.indexPending(300)));
    while (left.at(-1)! > 0);
    expect(left).toEqual([rest.length - 1 - 300, rest.length - 1 - 600, 0]);
    expect(search(many, words)).toEqual(search(one, words));
    expect(search(many, ['"grep"*'])[0].length).toBeGreaterThan(50);
    expect(many.prepare('SELECT COUNT(*) AS n FROM entry_text').get()).toEqual(one.prepare('SELECT COUNT(*) AS n FROM entry_text').get());
    // The entry with no text at all has no row in the index, nor any field.
    expect(many.prepare("SELECT COUNT(*) AS n FROM entry_field WHERE entry_id = (SELECT id FROM entry WHERE ext_id = 'e43')").get()).toEqual({ n: 0 });
  });

  it('are found by a search before their index is built, and never indexed twice, changed or deleted while listed', () => {
    const at = '2026-12-05T09:00:00.000Z';
    const db = openDatabase(':memory:');
    const store = openStore(db);
    const all = entriesOf(40);
    const ids = store.transaction(() => store.entries.insertMany(all, at));
    // Changed while listed: indexed with its new texts at once, and no longer listed.
    store.transaction(() => store.entries.update(ids[3], { ...all[3].columns, fields: { prompt: 'a brand new zanzibar prompt' } }, at));
    // Deleted while listed: it leaves the list.
    store.transaction(() => db.prepare('DELETE FROM entry WHERE id = ?').run(ids[5]));
    expect(db.prepare('SELECT COUNT(*) FROM entry_text_pending').pluck().get()).toBe(38);
    const page = (search: string) => store.entries.queuePage({ annotatorId: 0, assignedOnly: false, search }, 0, 100).map((r) => r.ext_id);
    // A search indexes what is still listed first.
    expect(page('zanzibar')).toEqual(['e4']);
    expect(page('tensor')).toEqual(all.filter((e, i) => i !== 3 && i !== 5 && /tensor/.test(e.columns.fields.prompt)).map((e) => e.extId));
    expect(db.prepare('SELECT COUNT(*) FROM entry_text_pending').pluck().get()).toBe(0);
    expect(search(db, ['"zanzibar"', '"e4"'])).toEqual([[ids[3]], []]);
    // One row per entry with a text: none twice.
    expect(db.prepare('SELECT COUNT(*) FROM entry_text').pluck().get()).toBe(39);
  });
});

describe('indexes built after a bulk write into an empty table', () => {
  const indexes = (db: Db) => db.prepare("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name").all() as { name: string; tbl_name: string; sql: string }[];
  const at = '2026-12-05T09:00:00.000Z';

  it('drops the own indexes of the empty tables only, makes them again as they were, and reads through them after', () => {
    const db = openDatabase(':memory:');
    const store = openStore(db);
    store.entries.insert('e0', entriesOf(1)[0].columns, at);
    const before = indexes(db);
    expect(before.filter((i) => i.tbl_name === 'label').map((i) => i.name)).toEqual(['label_by_annotator']);
    const during = store.transaction(() =>
      withIndexesBuiltAfter(db, ['entry', 'label'], () => {
        const now = indexes(db);
        const annotator = store.annotators.insert('ana', 'annotator', at);
        store.labels.insertImported(Array.from({ length: 300 }, (_, i) => [1, annotator, `d${i}`, '"x"', '1', at, i + 1] as [number, number, string, string, string, string, number]));
        return now;
      }),
    );
    // The entry table held a row: its indexes stayed; the empty label table's went for the write.
    expect(during.map((i) => i.name)).toEqual(before.filter((i) => i.tbl_name !== 'label').map((i) => i.name));
    expect(indexes(db)).toEqual(before);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const plan = (db.prepare('EXPLAIN QUERY PLAN SELECT 1 FROM label WHERE annotator_id = 1 LIMIT 1').all() as { detail: string }[]).map((r) => r.detail).join(' ');
    expect(plan).toMatch(/label_by_annotator/);
  });

  it('makes the entries\' indexes again over the rows written, generated columns and all', () => {
    const db = openDatabase(':memory:');
    const store = openStore(db);
    const before = indexes(db);
    store.transaction(() => withIndexesBuiltAfter(db, ['entry'], () => store.entries.insertMany(entriesOf(300), at)));
    expect(indexes(db)).toEqual(before);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    // The order's index holds each entry's repository, read from its metadata as the index was made.
    expect(db.prepare("SELECT COUNT(*) AS n FROM entry INDEXED BY entry_in_order WHERE repo = 'r1'").get()).toEqual({ n: 75 });
  });

  it('leaves every index as it was when the write fails', () => {
    const db = openDatabase(':memory:');
    const store = openStore(db);
    const before = indexes(db);
    expect(() =>
      store.transaction(() =>
        withIndexesBuiltAfter(db, ['entry', 'label', 'submission', 'assignment'], () => {
          store.entries.insert('e1', entriesOf(1)[0].columns, at);
          throw new Error('a bad row');
        }),
      ),
    ).toThrow('a bad row');
    expect(indexes(db)).toEqual(before);
    expect(store.entries.count()).toBe(0);
  });

  it('runs only inside a transaction', () => {
    expect(() => withIndexesBuiltAfter(openDatabase(':memory:'), ['label'], () => 1)).toThrow(/inside a transaction/);
  });
});

describe('many rows to a statement (insertRows)', () => {
  it('writes every row once, in order, across full batches and a last short one, by width or by a row of its own', () => {
    const db = openDatabase(':memory:');
    db.exec('CREATE TABLE t (a INTEGER, b TEXT, c TEXT, d INTEGER)');
    const rows = Array.from({ length: BATCH_ROWS * 2 + 5 }, (_, i) => [i, `b${i}`, i % 3 ? null : `c${i}`]);
    expect(insertRows(statementsOf(db), 'INSERT INTO t (a, b, c)', 3, rows)).toBe(rows.length);
    // A row's own text, a constant in it: the values bound are the `?`s only.
    expect(insertRows(statementsOf(db), 'INSERT INTO t (a, b, c, d)', "(?, ?, ?, 7)", rows.slice(0, 3))).toBe(3);
    const stored = db.prepare('SELECT a, b, c, d FROM t ORDER BY rowid').raw().all();
    expect(stored).toEqual([...rows.map((r) => [...r, null]), ...rows.slice(0, 3).map((r) => [...r, 7])]);
    expect(() => insertRows(statementsOf(db), 'INSERT INTO t (a, b, c)', 3, [[1, 'b', 'c'], [2, 'b']])).toThrow(/a row of 2 values, not 3/);
    expect(db.prepare('SELECT COUNT(*) FROM t').pluck().get()).toBe(rows.length + 3);
  });
});

describe('a write made without foreign key checks', () => {
  const foreignKeys = (db: Db) => db.pragma('foreign_keys', { simple: true });

  it('is unchecked only while it runs, and checked again after, however it ends', () => {
    const db = openDatabase(':memory:');
    const orphan = (name: string) => db.prepare("INSERT INTO entry_field (entry_id, name, text) VALUES (999, ?, 'p')").run(name);
    expect(() => orphan('prompt')).toThrow(/FOREIGN KEY/);
    // Inside it SQLite does not look the parent up: the writer vouches for every row it refers to.
    withoutForeignKeyChecks(db, () => db.transaction(() => orphan('prompt'))());
    expect(db.pragma('foreign_key_check')).toHaveLength(1);
    expect(foreignKeys(db)).toBe(1);
    expect(() =>
      withoutForeignKeyChecks(db, () => {
        throw new Error('a bad file');
      }),
    ).toThrow('a bad file');
    expect(foreignKeys(db)).toBe(1);
    expect(() => orphan('output')).toThrow(/FOREIGN KEY/);
  });

  it('runs only outside a transaction, where SQLite heeds the switch', () => {
    const db = openDatabase(':memory:');
    expect(() => db.transaction(() => withoutForeignKeyChecks(db, () => 1))()).toThrow(/outside a transaction/);
    expect(foreignKeys(db)).toBe(1);
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addAnnotator, addEntry, addLabel, freshProject } from '../../test/helpers/export-project.ts';
import type { Db } from '../database.ts';
import { openStore } from './index.ts';
import type { QueueQuery } from './entries.ts';

/**
 * An annotator's queue counts its entries and their submissions in one pass, and the whole queue
 * from the indexes that begin with the annotator (migration 007). Each count must be the one the
 * queue's own rows give: every row of the queue, read in full, counted.
 */
let db: Db;
let cleanup: () => void;
beforeEach(() => ({ db, cleanup } = freshProject()));
afterEach(() => cleanup());

function study(): void {
  db.transaction(() => {
    for (let i = 1; i <= 60; i++) addEntry(db, `e${i}`, i % 3 === 0 ? true : i % 3 === 1 ? false : null, { repo: i % 2 ? 'tensorkit' : 'deepforge', function: `fn_${i % 5}` }, i % 4 ? 'normalize the tensor' : 'other words');
    for (const who of ['ana', 'ben', 'cai']) addAnnotator(db, who);
    const id = (e: number) => openStore(db).entries.ref(`e${e}`)!.rowId;
    const person = (name: string) => openStore(db).annotators.byName(name)!.id;
    for (let i = 1; i <= 60; i++) {
      // ana: assigned two thirds, submitted some inside and some outside them; ben: no assignments; cai: drafts only.
      if (i % 3) db.prepare('INSERT INTO assignment (entry_id, annotator_id) VALUES (?, ?)').run(id(i), person('ana'));
      if (i % 4 === 0) addLabel(db, `e${i}`, 'ana', 'stage', 'training', 'submitted');
      else if (i % 5 === 0) addLabel(db, `e${i}`, 'ana', 'stage', 'training', 'draft');
      if (i % 2) addLabel(db, `e${i}`, 'ben', 'stage', 'inference', i % 3 ? 'submitted' : 'draft');
      if (i % 7 === 0) addLabel(db, `e${i}`, 'cai', 'stage', 'inference', 'draft');
    }
  })();
}

/** The counts from the queue's rows themselves. */
function fromRows(q: QueueQuery) {
  const rows = openStore(db).entries.queuePage(q, 0, -1);
  return { total: rows.length, submitted: rows.filter((r) => r.status === 'submitted').length };
}

describe("an annotator's queue counts", () => {
  it('are what its rows add up to, for the whole queue and every filter, assigned or not', () => {
    study();
    const store = openStore(db);
    for (const name of ['ana', 'ben', 'cai']) {
      const a = store.annotators.byName(name)!.id;
      const base: QueueQuery = { annotatorId: a, assignedOnly: store.assignments.anyOf(a) };
      const queries: QueueQuery[] = [
        base,
        { ...base, status: 'submitted' },
        { ...base, status: 'draft' },
        { ...base, status: 'todo' },
        { ...base, passed: true },
        { ...base, search: 'tensorkit' },
        { ...base, search: 'E1' },
        { ...base, search: 'normalize the' },
        { ...base, only: ['e4', 'e5', 'e8', 'nope'] },
      ];
      for (const q of queries) expect(store.entries.queueCounts(q), `${name} ${JSON.stringify(q)}`).toEqual(fromRows(q));
    }
    // The study is awkward enough: ana submitted entries outside her assignments too, and her queue is not the whole study.
    const ana = store.annotators.byName('ana')!.id;
    expect(store.entries.queueCounts({ annotatorId: ana, assignedOnly: true })).toEqual({ total: 40, submitted: 10 });
    expect(store.entries.queueCounts({ annotatorId: ana, assignedOnly: false })).toEqual({ total: 60, submitted: 15 });
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { addAnnotator, addEntry, addLabel, freshProject } from '../../test/helpers/export-project.ts';
import type { Db } from '../database.ts';
import { openStore } from './index.ts';
import { searchWords, type QueueQuery } from './entries.ts';

/**
 * A search of the label queue finds its matches once (a temporary set, kept while nothing is
 * written) and its page, counts and positions read that set. They must answer as the queries
 * did before, which ran the search inside each statement: those queries are kept here, as they
 * were, as the reference.
 */
let db: Db;
let dir: string;
let cleanup: () => void;
beforeEach(() => ({ db, dir, cleanup } = freshProject()));
afterEach(() => cleanup());

/** The queue's queries before the search was found once (db/data/entries.ts at 0e53e67), verbatim. */
function reference(db: Db) {
  const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
  const queueWhere = (q: QueueQuery): { where: string; params: Record<string, unknown> } => {
    const parts: string[] = [];
    const params: Record<string, unknown> = { a: q.annotatorId };
    if (q.assignedOnly) parts.push('EXISTS (SELECT 1 FROM assignment x WHERE x.entry_id = e.id AND x.annotator_id = @a)');
    if (q.status === 'todo') parts.push('s.status IS NULL');
    else if (q.status) {
      parts.push('s.status = @status');
      params.status = q.status;
    }
    if (q.passed !== undefined) {
      parts.push('e.passed = @passed');
      params.passed = q.passed ? 1 : 0;
    }
    if (q.label) {
      parts.push('EXISTS (SELECT 1 FROM label l WHERE l.entry_id = e.id AND l.annotator_id = @a AND l.dimension = @dim AND concord_label_holds(l.value, @wanted))');
      params.dim = q.label.dimension;
      params.wanted = q.label.value;
    }
    if (q.only) {
      parts.push('e.ext_id IN (SELECT value FROM json_each(@only))');
      params.only = JSON.stringify(q.only);
    }
    // The re-review filter as a predicate of each entry (db/data/reviews.ts at 2eb21f7, openReviewOn), verbatim.
    if (q.review)
      parts.push(`EXISTS (SELECT 1 FROM label_review r LEFT JOIN label l ON l.entry_id = r.entry_id AND l.annotator_id = r.annotator_id AND l.dimension = r.dimension
            WHERE r.entry_id = e.id AND r.annotator_id = @a AND (l.codebook_version IS NULL
                 OR coalesce((SELECT MIN(revision) FROM codebook_revision WHERE version = l.codebook_version), 0)
                    < coalesce((SELECT MIN(revision) FROM codebook_revision WHERE version = r.version), 9007199254740991))
                AND r.dimension IN (SELECT json_extract(d.value, '$.id') FROM project p, json_each(p.codebook_json, '$.dimensions') d WHERE p.id = 1))`);
    const search = q.search?.trim();
    if (search) {
      const like = "LIKE @like ESCAPE '\\'";
      const inSummary = `e.ext_id ${like} OR e.repo ${like} OR e.function_name ${like}`;
      params.like = `%${likeEscape(search)}%`;
      const words = searchWords(search);
      if (words.length) params.words = words.join(' AND ');
      parts.push(`(${inSummary}${words.length ? ' OR e.id IN (SELECT rowid FROM entry_text WHERE entry_text MATCH @words)' : ''})`);
    }
    return { where: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params };
  };
  const FROM_QUEUE = 'FROM entry e LEFT JOIN submission s ON s.entry_id = e.id AND s.annotator_id = @a';
  return {
    page(q: QueueQuery, offset: number, limit: number) {
      const { where, params } = queueWhere(q);
      return db
        .prepare(`SELECT e.id, e.ext_id, e.passed, e.repo, e.function_name AS fn, s.status ${FROM_QUEUE} ${where} ORDER BY e.sort_key, e.ext_id LIMIT @limit OFFSET @offset`)
        .all({ ...params, limit, offset });
    },
    counts(q: QueueQuery) {
      const { where, params } = queueWhere(q);
      return db.prepare(`SELECT COUNT(*) AS total, COUNT(CASE WHEN s.status = 'submitted' THEN 1 END) AS submitted ${FROM_QUEUE} ${where}`).get(params);
    },
    indexOf(q: QueueQuery, extId: string): number {
      const row = db.prepare('SELECT sort_key FROM entry WHERE ext_id = ?').get(extId) as { sort_key: string } | undefined;
      if (!row) return -1;
      const { where, params } = queueWhere(q);
      const listed = db.prepare(`SELECT 1 ${FROM_QUEUE} ${where ? `${where} AND` : 'WHERE'} e.ext_id = @id`).get({ ...params, id: extId });
      if (!listed) return -1;
      const before = `(e.sort_key, e.ext_id) < (@key, @id)`;
      return (db.prepare(`SELECT COUNT(*) AS n ${FROM_QUEUE} ${where ? `${where} AND` : 'WHERE'} ${before}`).get({ ...params, key: row.sort_key, id: extId }) as { n: number }).n;
    },
  };
}

const IDS = ['e1', 'e10', 'e100', 'e11', 'E12', 'e2', 'a_b', 'a%b', 'axb', 'tensor-7', 'café', 'x\\y', 'blank'];

/**
 * Entries where the search's parts could disagree: ids that are prefixes of others, an id that
 * is also a word of texts, words in several texts and fields, LIKE's specials in ids, a text
 * without words, an entry without texts; and annotators with and without assignments, drafts
 * and submissions inside and outside them.
 */
function study(): void {
  db.transaction(() => {
    const texts: Record<string, string> = {
      e1: 'Normalize the tensor along the batch axis.',
      e10: 'the tensors are normalized; see e100',
      e100: 'compute_batch returns a batch of the tensor',
      e11: 'THE TENSOR, NORMALIZED',
      E12: 'other words entirely',
      e2: 'mentions e1 and e10',
      a_b: 'under_score words a_b',
      'a%b': '100% done',
      axb: 'the café is open',
      'tensor-7': '',
      café: 'Thé and café in normalization',
      'x\\y': 'back\\slash',
      blank: '',
    };
    IDS.forEach((id, i) => {
      const meta: Record<string, string> = {};
      if (i % 3 !== 2) meta.repo = ['tensorkit', 'TensorKit-Extra', 'deepforge'][i % 3];
      if (i % 4 !== 3) meta.function = ['compute_batch', 'normalize', 'e1_helper'][i % 3];
      addEntry(db, id, i % 3 === 0 ? true : i % 3 === 1 ? false : null, meta, texts[id]);
    });
    const store = openStore(db);
    for (const who of ['ana', 'ben', 'cai']) addAnnotator(db, who);
    const person = (name: string) => store.annotators.byName(name)!.id;
    IDS.forEach((id, i) => {
      const rowId = store.entries.ref(id)!.rowId;
      if (i % 3) db.prepare('INSERT INTO assignment (entry_id, annotator_id) VALUES (?, ?)').run(rowId, person('ana'));
      if (i % 4 === 1) db.prepare('INSERT INTO assignment (entry_id, annotator_id) VALUES (?, ?)').run(rowId, person('cai'));
      if (i % 2 === 0) addLabel(db, id, 'ana', 'stage', i % 4 ? 'training' : 'inference', i % 3 === 1 ? 'draft' : 'submitted');
      if (i % 3 !== 1) addLabel(db, id, 'ben', 'stage', 'training', i % 5 ? 'submitted' : 'draft');
    });
    // Labels listed for re-review after a change of meaning (version 2.0.0): open where the label
    // is older than the change or gone, closed where it was made again under 2.0.0, and never on
    // a dimension the codebook no longer has; one change the history does not know.
    db.prepare("INSERT INTO codebook_revision (version, codebook_json, created_by, created_at) VALUES ('2.0.0', '{}', 'lead', ?)").run(T0);
    const flag = (id: string, who: string, dimension: string, version = '2.0.0') =>
      db.prepare('INSERT INTO label_review (entry_id, annotator_id, dimension, version, reason, created_at) VALUES (?, ?, ?, ?, ?, ?)').run(store.entries.ref(id)!.rowId, person(who), dimension, version, 'meaning changed', T0);
    IDS.forEach((id, i) => {
      if (i % 2 === 0) flag(id, 'ana', 'stage');
      if (i % 5 === 1) flag(id, 'ana', 'task');
      if (i % 3 === 0) flag(id, 'ben', 'stage', i % 2 ? '2.0.0' : '9.9.9');
    });
    flag('e2', 'ana', 'retired-dimension');
    flag('blank', 'cai', 'retired-dimension');
    // Made again under the new meaning: the flag is closed.
    for (const id of ['e1', 'a_b']) db.prepare("UPDATE label SET codebook_version = '2.0.0' WHERE entry_id = ? AND annotator_id = ?").run(store.entries.ref(id)!.rowId, person('ana'));
  })();
}
const T0 = '2025-01-01T00:00:00.000Z';

const SEARCHES = [
  'e1',
  'E10',
  ' e100 ',
  'tensor',
  'Tensor',
  'normalize the',
  'the normal',
  'the',
  'compute_batch',
  'compute batch',
  'batch',
  '_',
  '%',
  'a_b',
  'a%b',
  'x\\y',
  'café',
  'thé',
  'caf',
  'tensor-7',
  '!!!',
  'e1 nothing',
  'zzz',
  'normalize the tensor along the batch axis and then some more words until there are more than sixteen of them',
];

describe('a search of the label queue', () => {
  it('lists, counts and places entries as the queries that ran the search in each statement did, for every filter', () => {
    study();
    const store = openStore(db);
    const ref = reference(db);
    let compared = 0;
    for (const name of ['ana', 'ben', 'cai']) {
      const a = store.annotators.byName(name)!.id;
      for (const assignedOnly of [true, false]) {
        const base: QueueQuery = { annotatorId: a, assignedOnly };
        const filters: QueueQuery[] = [
          base,
          { ...base, status: 'submitted' },
          { ...base, status: 'draft' },
          { ...base, status: 'todo' },
          { ...base, passed: true },
          { ...base, passed: false },
          { ...base, label: { dimension: 'stage', value: 'training' } },
          { ...base, only: ['e1', 'e10', 'café', 'nope'] },
          { ...base, status: 'submitted', passed: false },
          { ...base, review: true },
          { ...base, review: true, status: 'submitted' },
        ];
        for (const filter of filters)
          for (const search of SEARCHES) {
            const q = { ...filter, search };
            const what = `${name} ${JSON.stringify(q)}`;
            expect(store.entries.queuePage(q, 0, -1), what).toEqual(ref.page(q, 0, -1));
            expect(store.entries.queuePage(q, 1, 2), what).toEqual(ref.page(q, 1, 2));
            expect(store.entries.queueCounts(q), what).toEqual(ref.counts(q));
            for (const id of ['e1', 'e100', 'a_b', 'café', 'blank', 'nope']) expect(store.entries.queueIndexOf(q, id), `${what} ${id}`).toBe(ref.indexOf(q, id));
            compared++;
          }
      }
    }
    expect(compared).toBe(3 * 2 * 11 * SEARCHES.length);
    // The same search, one queue after another (the set found for one queue is not another's).
    for (const search of ['e1', 'tensor', 'the'])
      for (const name of ['ana', 'cai', 'ana', 'ben'])
        for (const assignedOnly of [true, false, true]) {
          const q: QueueQuery = { annotatorId: store.annotators.byName(name)!.id, assignedOnly, search };
          expect(store.entries.queueCounts(q), `${name} ${JSON.stringify(q)}`).toEqual(ref.counts(q));
          expect(store.entries.queuePage(q, 0, -1), `${name} ${JSON.stringify(q)}`).toEqual(ref.page(q, 0, -1));
        }
    // The data is awkward enough: searches that match by id, by text, by both and by nothing.
    const ana: QueueQuery = { annotatorId: store.annotators.byName('ana')!.id, assignedOnly: false };
    const found = (search: string) => store.entries.queuePage({ ...ana, search }, 0, -1).map((r) => r.ext_id);
    // By id (e1, e10, ...), by function (axb's e1_helper), by text (e2 mentions e1), and e1 by id and text at once.
    expect(found('e1')).toEqual(['E12', 'axb', 'e1', 'e2', 'e10', 'e11', 'e100']);
    expect(found('normalize the')).toEqual(['e1', 'e10', 'e11']);
    // LIKE's specials stand for themselves in the id; as words, "a" and "b" begin words of e1's and e100's texts.
    expect(found('a_b')).toEqual(['a_b', 'e1', 'e100']);
    expect(found('a%b')).toEqual(['a%b', 'a_b', 'e1', 'e100']);
    expect(found('zzz')).toEqual([]);
    // The flags are awkward enough too: open and closed, on entries with and without a label, on a retired dimension.
    const toReview = (name: string) => store.entries.queuePage({ annotatorId: store.annotators.byName(name)!.id, assignedOnly: false, review: true }, 0, -1).map((r) => r.ext_id);
    // ana: stage flags open on her 1.0.0 labels, task flags open where she has no task label; e1's closed, e2's retired.
    expect(toReview('ana')).toEqual(['E12', 'a_b', 'axb', 'blank', 'café', 'e10', 'e100', 'x\\y']);
    // ben: flags of a change the history does not know stay open.
    expect(toReview('ben')).toEqual(['a_b', 'blank', 'e1', 'e11', 'tensor-7']);
    expect(toReview('cai')).toEqual([]);
  });

  it('filtered to re-review, finds what was written since, beside a search kept at the same time', () => {
    study();
    const store = openStore(db);
    const ref = reference(db);
    const ana = store.annotators.byName('ana')!.id;
    const review: QueueQuery = { annotatorId: ana, assignedOnly: false, review: true };
    const search: QueueQuery = { annotatorId: ana, assignedOnly: false, search: 'tensor' };
    const both: QueueQuery = { ...review, search: 'tensor' };
    const same = (q: QueueQuery) => {
      expect(store.entries.queueCounts(q), JSON.stringify(q)).toEqual(ref.counts(q));
      expect(store.entries.queuePage(q, 0, -1), JSON.stringify(q)).toEqual(ref.page(q, 0, -1));
      return store.entries.queuePage(q, 0, -1).map((r) => r.ext_id);
    };
    const all = () => [same(review), same(search), same(both)];
    const found = ['E12', 'a%b', 'a_b', 'blank', 'café', 'e1', 'e10', 'e11', 'e100', 'tensor-7'];
    expect(all()).toEqual([['E12', 'a_b', 'axb', 'blank', 'café', 'e10', 'e100', 'x\\y'], found, ['E12', 'a_b', 'blank', 'café', 'e10', 'e100']]);
    // Labelled again under the new meaning, on this connection: e100's flag closes.
    const relabel = (on: Db, id: string) =>
      on.prepare("UPDATE label SET codebook_version = '2.0.0' WHERE entry_id = (SELECT id FROM entry WHERE ext_id = ?) AND annotator_id = ?").run(id, ana);
    relabel(db, 'e100');
    expect(all()).toEqual([['E12', 'a_b', 'axb', 'blank', 'café', 'e10', 'x\\y'], found, ['E12', 'a_b', 'blank', 'café', 'e10']]);
    // On another connection to the same file: blank's.
    const second = new Database(join(dir, 'project.db'));
    try {
      relabel(second, 'blank');
    } finally {
      second.close();
    }
    expect(all()).toEqual([['E12', 'a_b', 'axb', 'café', 'e10', 'x\\y'], found, ['E12', 'a_b', 'café', 'e10']]);
    // A label removed: its flag is open again, as long as the label is gone.
    db.prepare("DELETE FROM label WHERE entry_id = (SELECT id FROM entry WHERE ext_id = 'e1') AND annotator_id = ?").run(ana);
    expect(same(review)).toEqual(['E12', 'a_b', 'axb', 'café', 'e1', 'e10', 'x\\y']);
  });

  it('finds what was written since the last search: on this connection, on another, and not what a transaction rolled back', () => {
    study();
    const store = openStore(db);
    const ref = reference(db);
    const q: QueueQuery = { annotatorId: store.annotators.byName('ana')!.id, assignedOnly: false, search: 'quokka' };
    const same = () => {
      expect(store.entries.queuePage(q, 0, -1)).toEqual(ref.page(q, 0, -1));
      expect(store.entries.queueCounts(q)).toEqual(ref.counts(q));
      return store.entries.queuePage(q, 0, -1).map((r) => r.ext_id);
    };
    expect(same()).toEqual([]);
    // A text changed on this connection.
    const e2 = store.entries.row('e2')!;
    store.entries.update(e2.id, { fields: { prompt: 'a quokka smiles' }, passed: null, failingTests: '[]', metadata: '{}', hash: 'h' }, '2025-01-02T00:00:00.000Z');
    expect(same()).toEqual(['e2']);
    // A repository changed (metadata only, the texts as they were).
    const e1 = store.entries.row('e1')!;
    store.entries.update(e1.id, { fields: e1.fields, passed: 1, failingTests: '[]', metadata: JSON.stringify({ repo: 'quokka-lab' }), hash: 'h' }, '2025-01-02T00:00:00.000Z');
    expect(same()).toEqual(['e1', 'e2']);
    // An entry written by another connection to the same file.
    const second = new Database(join(dir, 'project.db'));
    try {
      openStore(second).entries.insert('e3', { fields: { prompt: 'Quokkas everywhere' }, passed: null, failingTests: '[]', metadata: '{}', hash: 'h' }, '2025-01-02T00:00:00.000Z');
    } finally {
      second.close();
    }
    expect(same()).toEqual(['e1', 'e2', 'e3']);
    // A search inside a transaction that is then rolled back: its entry is gone, and so is what
    // it found (the temporary table is rolled back to what another search found before).
    const other = (search: string) => store.entries.queuePage({ ...q, search }, 0, -1).map((r) => r.ext_id);
    expect(other('other words')).toEqual(['E12']);
    expect(() =>
      store.transaction(() => {
        addEntry(db, 'e4', null, {}, 'one more quokka');
        expect(same()).toEqual(['e1', 'e2', 'e3', 'e4']);
        throw new Error('undone');
      }),
    ).toThrow('undone');
    expect(same()).toEqual(['e1', 'e2', 'e3']);
    // ...and inside a nested one (a savepoint), rolled back while the outer one goes on.
    store.transaction(() => {
      expect(other('other words')).toEqual(['E12']);
      expect(() =>
        store.transaction(() => {
          addEntry(db, 'e5', null, {}, 'quokka five');
          expect(same()).toEqual(['e1', 'e2', 'e3', 'e5']);
          throw new Error('undone');
        }),
      ).toThrow('undone');
      expect(same()).toEqual(['e1', 'e2', 'e3']);
    });
    expect(same()).toEqual(['e1', 'e2', 'e3']);
  });
});

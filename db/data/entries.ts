import type { Entry } from '../../shared/types.ts';
import type { Db } from '../database.ts';
import { unmarkedWrite } from './changes.ts';
import { naturalKey } from './natural-key.ts';
import { entriesWithOpenReview } from './reviews.ts';
import { insertRows, statementsOf } from './statements.ts';

/**
 * Entries: the `entry` table (ids, pass/fail, metadata, content hash, the natural sort key) and
 * their texts, kept apart as named fields in `entry_field` (migration 005), indexed for search
 * by `entry_text` (FTS5, written here: this module is the only writer of entry texts). Lists and statistics read the small rows; only what shows or copies an
 * entry reads its texts. Nothing outside this module touches these tables.
 */

/** The texts of an entry the Deep-Bench shape names, as `Entry` calls them -> as stored. */
export const TEXT_FIELDS = { prompt: 'prompt', groundTruth: 'ground_truth', output: 'output', testLog: 'test_log' } as const;
export type TextField = keyof typeof TEXT_FIELDS;

/** An entry's row as stored, with its named texts (an empty text has no field). */
export interface EntryRow {
  id: number;
  ext_id: string;
  passed: 0 | 1 | null;
  failing_tests: string;
  metadata: string;
  content_hash: string;
  created_at: string;
  updated_at: string;
  /** Named texts: prompt, ground_truth, output, test_log (and any other an entry holds). */
  fields: Record<string, string>;
}

/** An entry by its two ids, and whether its output passed. */
export interface EntryRef {
  rowId: number;
  id: string;
  passed: boolean | null;
}

/** What an import writes (JSON already serialised, pass/fail as 0/1/null); texts by stored name. */
export interface EntryColumns {
  fields: Record<string, string>;
  passed: 0 | 1 | null;
  failingTests: string;
  metadata: string;
  hash: string;
}

/** One row of an annotator's queue, as the page query reads it. */
export interface QueueRow {
  id: number;
  ext_id: string;
  passed: 0 | 1 | null;
  repo: string | null;
  fn: string | null;
  status: 'draft' | 'submitted' | null;
}

/** Which of an annotator's entries a queue page lists (all given parts must hold). */
export interface QueueQuery {
  annotatorId: number;
  /** Only entries assigned to the annotator (they have assignments). */
  assignedOnly: boolean;
  status?: 'todo' | 'draft' | 'submitted';
  passed?: boolean;
  /** The annotator's own label on `dimension` holds `value` (see `labelHolds`). */
  label?: { dimension: string; value: string };
  /** Part of the id, repository or function name (any case), or words of the texts. */
  search?: string;
  /** Only entries where the annotator has a label listed for re-review (made under an older meaning). */
  review?: boolean;
  /** Only these entries (external ids): a calibration round's. */
  only?: string[];
}

const passedOf = (p: number | null): boolean | null => (p === null ? null : p === 1);

/** The entry as the app shows it: its row and its texts. */
export function toEntry(r: Omit<EntryRow, 'id' | 'created_at' | 'updated_at'>): Entry {
  const text = (f: TextField) => r.fields[TEXT_FIELDS[f]] ?? '';
  return {
    id: r.ext_id,
    prompt: text('prompt'),
    groundTruth: text('groundTruth'),
    output: text('output'),
    testLog: text('testLog'),
    fields: r.fields,
    passed: passedOf(r.passed),
    failingTests: JSON.parse(r.failing_tests),
    metadata: JSON.parse(r.metadata),
    contentHash: r.content_hash,
  };
}

/** The texts of `Entry` as named fields (empty ones left out). */
export function fieldsOf(e: Pick<Entry, TextField>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, name] of Object.entries(TEXT_FIELDS)) if (e[k as TextField]) out[name] = e[k as TextField];
  return out;
}

/** Whether a stored label value (JSON) holds `wanted`: the id itself, a tree type with any of its subtypes, or a ticked checklist item. */
export function labelHolds(valueJson: string, wanted: string): boolean {
  const value = JSON.parse(valueJson) as unknown;
  if (typeof value === 'string') return value === wanted;
  if (Array.isArray(value)) return value.some((v) => v === wanted || (typeof v === 'string' && v.startsWith(`${wanted}::`)));
  return !!value && typeof value === 'object' && (value as Record<string, unknown>)[wanted] === true;
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The words of a search, each as an FTS5 query for words that begin so (at most 16). */
export function searchWords(search: string): string[] {
  const words = search.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return [...new Set(words)].slice(0, 16).map((w) => `"${w}"*`);
}

/**
 * Per connection, the sets of entries a queue's filters found (temporary tables of row ids, by
 * name): what each was found for, and the state of the data it was found on.
 */
const keptSets = new WeakMap<Db, Map<string, { key: string; changes: number; version: number }>>();

const ROW = 'id, ext_id, passed, failing_tests, metadata, content_hash, created_at, updated_at';
type BareRow = Omit<EntryRow, 'fields'>;

export function entryTable(db: Db) {
  const sql = statementsOf(db);
  db.function('concord_label_holds', { deterministic: true }, (value: unknown, wanted: unknown) => (labelHolds(String(value), String(wanted)) ? 1 : 0));
  const refOf = (r: { id: number; ext_id: string; passed: 0 | 1 | null }): EntryRef => ({ rowId: r.id, id: r.ext_id, passed: passedOf(r.passed) });
  const fieldsOfRow = (rowId: number): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const f of sql('SELECT name, text FROM entry_field WHERE entry_id = ?').all(rowId) as { name: string; text: string }[]) out[f.name] = f.text;
    return out;
  };
  const withFields = (r: BareRow | undefined): EntryRow | undefined => r && { ...r, fields: fieldsOfRow(r.id) };
  /**
   * Indexes an entry's texts for search, as one text (an entry with none is not indexed). Given
   * from JavaScript, where they are at hand: reading them back in SQL from the rows just written
   * cost more than handing them over again (some 0.3 s of CPU in an import of 100,000 entries).
   */
  const indexTexts = (rowId: number, fields: Record<string, string>) => {
    const texts = Object.values(fields).filter((text) => text);
    if (texts.length) sql('INSERT INTO entry_text (rowid, text) VALUES (?, ?)').run(rowId, texts.join('\n'));
  };
  /** The named texts of a new entry (empty ones are not stored), indexed. */
  const insertFields = (rowId: number, fields: Record<string, string>) => {
    for (const [name, text] of Object.entries(fields)) if (text) sql('INSERT INTO entry_field (entry_id, name, text) VALUES (?, ?, ?)').run(rowId, name, text);
    indexTexts(rowId, fields);
  };
  /** Replaces the named texts of an entry: a changed text is rewritten, an emptied one removed, and the entry indexed again if any changed. */
  const replaceFields = (rowId: number, fields: Record<string, string>) => {
    const old = fieldsOfRow(rowId);
    let changed = false;
    for (const name of new Set([...Object.keys(old), ...Object.keys(fields)])) {
      const text = fields[name] ?? '';
      if ((old[name] ?? '') === text) continue;
      changed = true;
      if (!text) sql('DELETE FROM entry_field WHERE entry_id = ? AND name = ?').run(rowId, name);
      else if (old[name] === undefined) sql('INSERT INTO entry_field (entry_id, name, text) VALUES (?, ?, ?)').run(rowId, name, text);
      else sql('UPDATE entry_field SET text = ? WHERE entry_id = ? AND name = ?').run(text, rowId, name);
    }
    if (!changed) return;
    sql('DELETE FROM entry_text WHERE rowid = ?').run(rowId);
    // Indexed now: an import's entry still listed for the index must not be indexed twice.
    sql('DELETE FROM entry_text_pending WHERE entry_id = ?').run(rowId);
    indexTexts(rowId, fields);
  };
  /**
   * Indexes up to `limit` of the entries an import listed for the search index
   * (`entry_text_pending`, migration 009), their texts read back from entry_field; returns how
   * many are still listed (a limit of -1: all of them). In the caller's transaction, or in one of
   * its own.
   */
  const indexPending = (limit: number): number => {
    const index = () => {
      const ids = JSON.stringify((sql('SELECT entry_id FROM entry_text_pending ORDER BY entry_id LIMIT ?').pluck().all(limit) as number[]));
      sql("INSERT INTO entry_text (rowid, text) SELECT entry_id, group_concat(text, char(10)) FROM entry_field WHERE entry_id IN (SELECT value FROM json_each(?)) GROUP BY entry_id").run(ids);
      sql('DELETE FROM entry_text_pending WHERE entry_id IN (SELECT value FROM json_each(?))').run(ids);
      return toIndex();
    };
    // Texts stored already, indexed: nothing any reader keeps changes. (With its commit, where the text index writes what it gathered.)
    return unmarkedWrite(db, () => (db.inTransaction ? index() : db.transaction(index).immediate()));
  };
  const toIndex = (): number => sql('SELECT COUNT(*) FROM entry_text_pending').pluck().get() as number;

  /**
   * A set of entries (row ids) a queue's filter finds, in the temporary table `table`: filled by
   * `fill` for `key`, and kept while nothing has been written since, on this connection
   * (`total_changes()`) or another (`data_version`), so that a page, its counts and where an entry
   * sits all read one set rather than each finding it again. Never kept from inside a
   * transaction, which could roll it back.
   */
  const keptSet = (table: string, key: string, fill: () => void): void => {
    const state = () => sql('SELECT total_changes() AS changes, (SELECT data_version FROM pragma_data_version) AS version').get() as { changes: number; version: number };
    let sets = keptSets.get(db);
    if (!sets) keptSets.set(db, (sets = new Map()));
    const before = state();
    const same = (k: { changes: number; version: number }) => k.changes === before.changes && k.version === before.version;
    const kept = sets.get(table);
    if (kept && !db.inTransaction && kept.key === key && same(kept)) return;
    sets.delete(table);
    // A temporary table of this connection: what other readers keep (changes.ts) still holds.
    unmarkedWrite(db, () => {
      db.exec(`CREATE TEMP TABLE IF NOT EXISTS ${table} (id INTEGER PRIMARY KEY)`);
      sql(`DELETE FROM temp.${table}`).run();
      fill();
    });
    if (db.inTransaction) return;
    const after = state();
    // Filling this set counts as a change; the other sets, found on the same data, still hold.
    for (const k of sets.values()) if (same(k)) Object.assign(k, after);
    sets.set(table, { key, ...after });
  };

  /**
   * The entries of a queue that its search matches, into `queue_search_hit`: of the annotator's
   * assigned entries when the queue holds only those, those whose id, repository or function
   * holds the search (any case), and those where every word of the search begins a word of some
   * text (not necessarily the same text). At 100k entries a broad search matches most of them.
   */
  const findSearch = (q: QueueQuery, search: string): void =>
    keptSet('queue_search_hit', JSON.stringify([search, q.annotatorId, q.assignedOnly]), () => {
      const words = searchWords(search);
      // Entries an import listed for the index and not yet indexed are indexed first: a search never misses one.
      if (words.length && sql('SELECT 1 FROM entry_text_pending LIMIT 1').get()) indexPending(-1);
      // The text index gives entries in the order of row ids, as the assignments' index does: merged, not looked up one by one.
      if (words.length) {
        const assigned = q.assignedOnly ? ' INTERSECT SELECT entry_id FROM assignment WHERE annotator_id = @a ORDER BY 1' : '';
        sql(`INSERT INTO temp.queue_search_hit (id) SELECT rowid FROM entry_text WHERE entry_text MATCH @words${assigned}`).run({ words: words.join(' AND '), ...(q.assignedOnly ? { a: q.annotatorId } : {}) });
      }
      // Repository and function are read from the order's index, which holds them (migration 007), not from each entry's metadata.
      const like = "LIKE @like ESCAPE '\\'";
      const assigned = q.assignedOnly ? ' AND EXISTS (SELECT 1 FROM assignment x WHERE x.entry_id = e.id AND x.annotator_id = @a)' : '';
      sql(
        `INSERT OR IGNORE INTO temp.queue_search_hit (id) SELECT id FROM entry e INDEXED BY entry_in_order WHERE (ext_id ${like} OR repo ${like} OR function_name ${like})${assigned}`,
      ).run({ like: `%${likeEscape(search)}%`, ...(q.assignedOnly ? { a: q.annotatorId } : {}) });
    });

  /** The entries where the annotator has a label listed for re-review, into `queue_review_hit`. */
  const findOpenReviews = (annotatorId: number): void =>
    keptSet('queue_review_hit', String(annotatorId), () => sql(`INSERT INTO temp.queue_review_hit (id) ${entriesWithOpenReview('@a')}`).run({ a: annotatorId }));

  /** The WHERE clause and parameters of an annotator's queue. */
  const queueWhere = (q: QueueQuery): { where: string; params: Record<string, unknown> } => {
    const parts: string[] = [];
    const params: Record<string, unknown> = { a: q.annotatorId };
    const search = q.search?.trim();
    if (search) {
      // The entries of the queue the search matches, found once for the search (see `findSearch`).
      // Each entry read is looked up in the set (`+`: SQLite must not read the whole set instead,
      // seeking each of its entries, when the query can read entries in order or by another part).
      findSearch(q, search);
      parts.push('+e.id IN (SELECT id FROM temp.queue_search_hit)');
    } else if (q.assignedOnly) parts.push('EXISTS (SELECT 1 FROM assignment x WHERE x.entry_id = e.id AND x.annotator_id = @a)');
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
    if (q.review) {
      // Found once, as a search is: a page, its counts and where an entry sits read the one set.
      findOpenReviews(q.annotatorId);
      parts.push('+e.id IN (SELECT id FROM temp.queue_review_hit)');
    }
    if (q.only) {
      parts.push('e.ext_id IN (SELECT value FROM json_each(@only))');
      params.only = JSON.stringify(q.only);
    }
    return { where: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params };
  };
  const FROM_QUEUE = 'FROM entry e LEFT JOIN submission s ON s.entry_id = e.id AND s.annotator_id = @a';

  return {
    /** Summary: one entry by its external id. */
    ref(extId: string): EntryRef | undefined {
      const r = sql('SELECT id, ext_id, passed FROM entry WHERE ext_id = ?').get(extId) as { id: number; ext_id: string; passed: 0 | 1 | null } | undefined;
      return r && refOf(r);
    },
    /** Summary: every entry, in the natural order of ids. */
    refs(): EntryRef[] {
      return (sql('SELECT id, ext_id, passed FROM entry ORDER BY sort_key, ext_id').all() as { id: number; ext_id: string; passed: 0 | 1 | null }[]).map(refOf);
    },
    /** Summary: every entry's row id and external id, in the natural order of ids. */
    inOrder(): [number, string][] {
      // Two JSON columns, not a row each: handing 100,000 rows across one at a time took twice as long.
      const [ids, extIds] = sql('SELECT json_group_array(id), json_group_array(ext_id) FROM (SELECT id, ext_id FROM entry ORDER BY sort_key, ext_id)').raw(true).get() as [string, string];
      const extId = JSON.parse(extIds) as string[];
      return (JSON.parse(ids) as number[]).map((id, k) => [id, extId[k]]);
    },
    /** Summary: every entry with its content hash (what packs check their entries against). */
    hashes(): (EntryRef & { hash: string })[] {
      return (sql('SELECT id, ext_id, passed, content_hash FROM entry').all() as { id: number; ext_id: string; passed: 0 | 1 | null; content_hash: string }[]).map((r) => ({
        ...refOf(r),
        hash: r.content_hash,
      }));
    },
    /** Summary: one page of an annotator's queue, in the natural order of ids. */
    queuePage(q: QueueQuery, offset: number, limit: number): QueueRow[] {
      const { where, params } = queueWhere(q);
      return sql(
        `SELECT e.id, e.ext_id, e.passed, e.repo, e.function_name AS fn, s.status ${FROM_QUEUE} ${where} ORDER BY e.sort_key, e.ext_id LIMIT @limit OFFSET @offset`,
      ).all({ ...params, limit, offset }) as QueueRow[];
    },
    /** How many entries an annotator's queue lists, and how many of them the annotator submitted. */
    queueCounts(q: QueueQuery): { total: number; submitted: number } {
      const filtered = q.status !== undefined || q.passed !== undefined || q.label !== undefined || q.search !== undefined || q.review || q.only !== undefined;
      if (!filtered) {
        // The whole queue: counted from the indexes that begin with the annotator (migration 007),
        // without reading every entry. Every assignment and submission names an entry (their
        // foreign keys), so these are the same counts.
        const a = { a: q.annotatorId };
        if (!q.assignedOnly)
          return {
            total: (sql('SELECT COUNT(*) AS n FROM entry').get() as { n: number }).n,
            submitted: (sql("SELECT COUNT(*) AS n FROM submission WHERE annotator_id = @a AND status = 'submitted'").get(a) as { n: number }).n,
          };
        return {
          total: (sql('SELECT COUNT(*) AS n FROM assignment WHERE annotator_id = @a').get(a) as { n: number }).n,
          // Both lists are read in the order of entry from their indexes and merged.
          submitted: (
            sql(
              "SELECT COUNT(*) AS n FROM (SELECT entry_id FROM assignment WHERE annotator_id = @a INTERSECT SELECT entry_id FROM submission WHERE annotator_id = @a AND status = 'submitted')",
            ).get(a) as { n: number }
          ).n,
        };
      }
      const { where, params } = queueWhere(q);
      if (q.search?.trim() && q.passed === undefined && q.label === undefined && !q.review && q.only === undefined) {
        // A search, perhaps with a status: the search's set (the queue's entries it matches) and the
        // annotator's submissions are read in the order of entry (the temporary table's key, the
        // index that begins with the annotator) and merged, rather than looked up entry by entry.
        // Every entry the set holds exists (the text index loses an entry's row with it, migration 005).
        const count = (query: string) => (sql(query).get(params) as { n: number }).n;
        const submittedOnes = "SELECT entry_id FROM submission WHERE annotator_id = @a AND status = 'submitted'";
        if (q.status === undefined)
          return {
            total: count('SELECT COUNT(*) AS n FROM temp.queue_search_hit'),
            submitted: count(`SELECT COUNT(*) AS n FROM (SELECT id FROM temp.queue_search_hit INTERSECT ${submittedOnes} ORDER BY 1)`),
          };
        const listed =
          q.status === 'todo'
            ? 'SELECT id FROM temp.queue_search_hit EXCEPT SELECT entry_id FROM submission WHERE annotator_id = @a'
            : 'SELECT id FROM temp.queue_search_hit INTERSECT SELECT entry_id FROM submission WHERE annotator_id = @a AND status = @status';
        const total = count(`SELECT COUNT(*) AS n FROM (${listed} ORDER BY 1)`);
        return { total, submitted: q.status === 'submitted' ? total : 0 };
      }
      // One pass for both counts.
      return sql(`SELECT COUNT(*) AS total, COUNT(CASE WHEN s.status = 'submitted' THEN 1 END) AS submitted ${FROM_QUEUE} ${where}`).get(params) as { total: number; submitted: number };
    },
    /** Where an entry sits in an annotator's queue (0-based), or -1 when the queue does not list it. */
    queueIndexOf(q: QueueQuery, extId: string): number {
      const row = sql('SELECT sort_key FROM entry WHERE ext_id = ?').get(extId) as { sort_key: string } | undefined;
      if (!row) return -1;
      const { where, params } = queueWhere(q);
      const listed = sql(`SELECT 1 ${FROM_QUEUE} ${where ? `${where} AND` : 'WHERE'} e.ext_id = @id`).get({ ...params, id: extId });
      if (!listed) return -1;
      const before = `(e.sort_key, e.ext_id) < (@key, @id)`;
      return (sql(`SELECT COUNT(*) AS n ${FROM_QUEUE} ${where ? `${where} AND` : 'WHERE'} ${before}`).get({ ...params, key: row.sort_key, id: extId }) as { n: number }).n;
    },
    /** What consensus and the exports read of every entry: summary columns and metadata, in the natural order of ids. */
    forStudy(): (EntryRef & { metadata: Record<string, string | undefined> })[] {
      return (sql('SELECT id, ext_id, passed, metadata FROM entry ORDER BY sort_key, ext_id').all() as { id: number; ext_id: string; passed: 0 | 1 | null; metadata: string }[]).map(
        (r) => ({ ...refOf(r), metadata: JSON.parse(r.metadata) }),
      );
    },
    /** The test result of some entries (row id -> 1, 0 or null), found by their key. */
    testResultsOf(rowIds: number[]): Map<number, 0 | 1 | null> {
      const rows = sql('SELECT id, passed FROM entry WHERE id IN (SELECT value FROM json_each(?))').raw(true).all(JSON.stringify(rowIds)) as [number, 0 | 1 | null][];
      return new Map(rows);
    },
    /** Every entry as the consensus index keeps it: [row id, external id, natural sort key, passed (1, 0 or null)], in no order. */
    forConsensus(): [number, string, string, 0 | 1 | null][] {
      return sql('SELECT id, ext_id, sort_key, passed FROM entry').raw(true).all() as [number, string, string, 0 | 1 | null][];
    },
    /** What consensus reads of one entry: its summary columns and metadata. */
    studyEntry(rowId: number): (EntryRef & { metadata: Record<string, string | undefined> }) | undefined {
      const r = sql('SELECT id, ext_id, passed, metadata FROM entry WHERE id = ?').get(rowId) as { id: number; ext_id: string; passed: 0 | 1 | null; metadata: string } | undefined;
      return r && { ...refOf(r), metadata: JSON.parse(r.metadata) };
    },
    /** One named text of every entry that has it: entry row id -> text (a release writes every prompt). */
    fieldOfAll(name: string): Map<number, string> {
      return new Map((sql('SELECT entry_id, text FROM entry_field WHERE name = ?').all(name) as { entry_id: number; text: string }[]).map((r) => [r.entry_id, r.text]));
    },
    /** One named text of one entry, or undefined when the entry has none. */
    fieldOf(rowId: number, name: string): string | undefined {
      return (sql('SELECT text FROM entry_field WHERE entry_id = ? AND name = ?').get(rowId, name) as { text: string } | undefined)?.text;
    },
    /**
     * How many lines one named text has in every entry that has it (as Monaco counts them: newlines
     * plus one), for the line units of agreement; an entry without the text has none.
     */
    lineCountsOf(name: string): Map<number, number> {
      const rows = sql("SELECT entry_id, length(text) - length(replace(text, char(10), '')) + 1 AS n FROM entry_field WHERE name = ?").all(name) as { entry_id: number; n: number }[];
      return new Map(rows.map((r) => [r.entry_id, r.n]));
    },
    /** Full texts: one entry as the app shows it. */
    entry(rowId: number): Entry {
      return toEntry(withFields(sql(`SELECT ${ROW} FROM entry WHERE id = ?`).get(rowId) as BareRow)!);
    },
    /** Full texts: the stored row of one entry (an import compares it field by field). */
    row(extId: string): EntryRow | undefined {
      return withFields(sql(`SELECT ${ROW} FROM entry WHERE ext_id = ?`).get(extId) as BareRow | undefined);
    },
    /** Full texts: every row, in the natural order of ids, one at a time (a starter file copies them). */
    *rows(): Generator<EntryRow> {
      // Collected first: better-sqlite3 allows no other statement on the connection while one iterates.
      const ids = (sql('SELECT id FROM entry ORDER BY sort_key, ext_id').all() as { id: number }[]).map((r) => r.id);
      for (const id of ids) yield withFields(sql(`SELECT ${ROW} FROM entry WHERE id = ?`).get(id) as BareRow)!;
    },
    /** Copies a row from another project file as it is (a starter file); returns the new row id. */
    insertCopy(row: EntryRow): number {
      const id = Number(
        sql(
          `INSERT INTO entry (ext_id, passed, failing_tests, metadata, content_hash, created_at, updated_at, sort_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(row.ext_id, row.passed, row.failing_tests, row.metadata, row.content_hash, row.created_at, row.updated_at, naturalKey(row.ext_id)).lastInsertRowid,
      );
      insertFields(id, row.fields);
      return id;
    },
    /** A new entry; returns its row id. */
    insert(extId: string, c: EntryColumns, at: string): number {
      const id = Number(
        sql(
          `INSERT INTO entry (ext_id, passed, failing_tests, metadata, content_hash, created_at, updated_at, sort_key)
           VALUES (@extId, @passed, @failingTests, @metadata, @hash, @at, @at, @key)`,
        ).run({ extId, passed: c.passed, failingTests: c.failingTests, metadata: c.metadata, hash: c.hash, at, key: naturalKey(extId) }).lastInsertRowid,
      );
      insertFields(id, c.fields);
      return id;
    },
    /**
     * Many new entries at once (an import's): rows, texts and their index written many to a
     * statement. Row ids are given in order after the highest one, as SQLite would give them one
     * by one; returns them.
     */
    insertMany(entries: { extId: string; columns: EntryColumns }[], at: string): number[] {
      const first = (sql('SELECT COALESCE(MAX(id), 0) + 1 AS id FROM entry').get() as { id: number }).id;
      const ids = entries.map((_, i) => first + i);
      insertRows(
        sql,
        'INSERT INTO entry (id, ext_id, passed, failing_tests, metadata, content_hash, created_at, updated_at, sort_key)',
        9,
        entries.map(({ extId, columns: c }, i) => [ids[i], extId, c.passed, c.failingTests, c.metadata, c.hash, at, at, naturalKey(extId)]),
      );
      const fields: [number, string, string][] = [];
      entries.forEach(({ columns: c }, i) => {
        for (const [name, text] of Object.entries(c.fields)) if (text) fields.push([ids[i], name, text]);
      });
      insertRows(sql, 'INSERT INTO entry_field (entry_id, name, text)', 3, fields);
      // Listed for the search index, built after the import's transaction (indexPending): building it here took a third of the writing.
      insertRows(
        sql,
        'INSERT INTO entry_text_pending (entry_id)',
        1,
        ids.filter((_, i) => Object.values(entries[i].columns.fields).some((text) => text)).map((id) => [id]),
      );
      return ids;
    },
    update(rowId: number, c: EntryColumns, at: string): void {
      sql(
        `UPDATE entry SET passed = @passed, failing_tests = @failingTests, metadata = @metadata, content_hash = @hash, updated_at = @at WHERE id = @id`,
      ).run({ id: rowId, passed: c.passed, failingTests: c.failingTests, metadata: c.metadata, hash: c.hash, at });
      replaceFields(rowId, c.fields);
    },
    /** Indexes up to `limit` entries listed for the search index (-1: all); returns how many are still listed. In the caller's transaction. */
    indexPending,
    /** How many entries an import listed for the search index are not indexed yet. */
    toIndex,
    count(): number {
      return (sql('SELECT COUNT(*) AS n FROM entry').get() as { n: number }).n;
    },
    /** Whether the project has any entry (without counting them). */
    any(): boolean {
      return sql('SELECT 1 FROM entry LIMIT 1').get() !== undefined;
    },
    countFailing(): number {
      return (sql('SELECT COUNT(*) AS n FROM entry WHERE passed = 0').get() as { n: number }).n;
    },
  };
}

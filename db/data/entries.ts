import { compareIds } from '../../shared/ids.ts';
import type { Entry } from '../../shared/types.ts';
import type { Db } from '../database.ts';
import { statementsOf } from './statements.ts';

/**
 * The `entry` table. Reads come in two sizes: summary columns (ids, pass/fail, metadata), which
 * lists and statistics use, and full texts (prompt, ground truth, output, test log), which only
 * what shows or copies one entry asks for. Nothing outside this module selects `*` from entry.
 */

/** A row as stored, full texts included. */
export interface EntryRow {
  id: number;
  ext_id: string;
  prompt: string;
  ground_truth: string;
  output: string;
  test_log: string;
  passed: 0 | 1 | null;
  failing_tests: string;
  metadata: string;
  content_hash: string;
  created_at: string;
  updated_at: string;
}

/** An entry by its two ids, and whether its output passed. */
export interface EntryRef {
  rowId: number;
  id: string;
  passed: boolean | null;
}

/** The columns an import writes (JSON already serialised, pass/fail as 0/1/null). */
export interface EntryColumns {
  prompt: string;
  groundTruth: string;
  output: string;
  testLog: string;
  passed: 0 | 1 | null;
  failingTests: string;
  metadata: string;
  hash: string;
}

const passedOf = (p: number | null): boolean | null => (p === null ? null : p === 1);

export function toEntry(r: EntryRow): Entry {
  return {
    id: r.ext_id,
    prompt: r.prompt,
    groundTruth: r.ground_truth,
    output: r.output,
    testLog: r.test_log,
    passed: passedOf(r.passed),
    failingTests: JSON.parse(r.failing_tests),
    metadata: JSON.parse(r.metadata),
    contentHash: r.content_hash,
  };
}

const COPIED_COLUMNS = ['ext_id', 'prompt', 'ground_truth', 'output', 'test_log', 'passed', 'failing_tests', 'metadata', 'content_hash', 'created_at', 'updated_at'] as const;

export function entryTable(db: Db) {
  const sql = statementsOf(db);
  const refOf = (r: { id: number; ext_id: string; passed: 0 | 1 | null }): EntryRef => ({ rowId: r.id, id: r.ext_id, passed: passedOf(r.passed) });
  return {
    /** Summary: one entry by its external id. */
    ref(extId: string): EntryRef | undefined {
      const r = sql('SELECT id, ext_id, passed FROM entry WHERE ext_id = ?').get(extId) as { id: number; ext_id: string; passed: 0 | 1 | null } | undefined;
      return r && refOf(r);
    },
    /** Summary: every entry, in the natural order of ids. */
    refs(): EntryRef[] {
      return (sql('SELECT id, ext_id, passed FROM entry').all() as { id: number; ext_id: string; passed: 0 | 1 | null }[]).map(refOf).sort((a, b) => compareIds(a.id, b.id));
    },
    /** Summary: every entry with its content hash (what packs check their entries against). */
    hashes(): (EntryRef & { hash: string })[] {
      return (sql('SELECT id, ext_id, passed, content_hash FROM entry').all() as { id: number; ext_id: string; passed: 0 | 1 | null; content_hash: string }[]).map((r) => ({
        ...refOf(r),
        hash: r.content_hash,
      }));
    },
    /** Summary: every entry with one annotator's submission status (their queue, in no particular order). */
    queue(annotatorId: number) {
      return sql(
        `SELECT e.id, e.ext_id, e.passed, json_extract(e.metadata, '$.repo') AS repo, json_extract(e.metadata, '$.function') AS fn,
                s.status
         FROM entry e LEFT JOIN submission s ON s.entry_id = e.id AND s.annotator_id = ?`,
      ).all(annotatorId) as { id: number; ext_id: string; passed: 0 | 1 | null; repo: string | null; fn: string | null; status: 'draft' | 'submitted' | null }[];
    },
    /** What consensus and the exports read of every entry: summary columns, metadata and the prompt (Deep-Bench releases carry it). */
    forStudy(): (EntryRef & { prompt: string; metadata: Record<string, string | undefined> })[] {
      return (
        sql('SELECT id, ext_id, passed, prompt, metadata FROM entry').all() as { id: number; ext_id: string; passed: 0 | 1 | null; prompt: string; metadata: string }[]
      ).map((r) => ({ ...refOf(r), prompt: r.prompt, metadata: JSON.parse(r.metadata) }));
    },
    /** Full texts: one entry as the app shows it. */
    entry(rowId: number): Entry {
      return toEntry(sql('SELECT * FROM entry WHERE id = ?').get(rowId) as EntryRow);
    },
    /** Full texts: the stored row of one entry (an import compares it field by field). */
    row(extId: string): EntryRow | undefined {
      return sql('SELECT * FROM entry WHERE ext_id = ?').get(extId) as EntryRow | undefined;
    },
    /** Full texts: every row, in the natural order of ids (a starter file copies them). */
    rows(): EntryRow[] {
      return (sql('SELECT * FROM entry').all() as EntryRow[]).sort((a, b) => compareIds(a.ext_id, b.ext_id));
    },
    /** Copies a row from another project file as it is (a starter file); returns the new row id. */
    insertCopy(row: EntryRow): number {
      const insert = sql(`INSERT INTO entry (${COPIED_COLUMNS.join(', ')}) VALUES (${COPIED_COLUMNS.map(() => '?').join(', ')})`);
      return Number(insert.run(...COPIED_COLUMNS.map((c) => row[c])).lastInsertRowid);
    },
    insert(extId: string, c: EntryColumns, at: string): void {
      sql(
        `INSERT INTO entry (ext_id, prompt, ground_truth, output, test_log, passed, failing_tests, metadata, content_hash, created_at, updated_at)
         VALUES (@extId, @prompt, @groundTruth, @output, @testLog, @passed, @failingTests, @metadata, @hash, @at, @at)`,
      ).run({ extId, ...c, at });
    },
    update(rowId: number, c: EntryColumns, at: string): void {
      sql(
        `UPDATE entry SET prompt = @prompt, ground_truth = @groundTruth, output = @output, test_log = @testLog, passed = @passed,
         failing_tests = @failingTests, metadata = @metadata, content_hash = @hash, updated_at = @at WHERE id = @id`,
      ).run({ id: rowId, ...c, at });
    },
    count(): number {
      return (sql('SELECT COUNT(*) AS n FROM entry').get() as { n: number }).n;
    },
    countFailing(): number {
      return (sql('SELECT COUNT(*) AS n FROM entry WHERE passed = 0').get() as { n: number }).n;
    },
  };
}

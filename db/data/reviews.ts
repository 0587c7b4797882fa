import type { Db } from '../database.ts';
import { statementsOf } from './statements.ts';

/** A label a change of meaning touched, with the label as it is now (value null: none any more). */
export interface ReviewRow {
  entry_id: number;
  entry: string;
  annotator_id: number;
  annotator: string;
  dimension: string;
  version: string;
  reason: string;
  created_at: string;
  value: string | null;
  label_version: string | null;
}

// Open: the label is gone, or older than the change that flagged it (a version the history does
// not know counts as oldest for the label and newest for the flag); its dimension still in the codebook.
const OPEN = `(l.codebook_version IS NULL
                 OR coalesce((SELECT MIN(revision) FROM codebook_revision WHERE version = l.codebook_version), 0)
                    < coalesce((SELECT MIN(revision) FROM codebook_revision WHERE version = r.version), 9007199254740991))
                AND r.dimension IN (SELECT json_extract(d.value, '$.id') FROM project p, json_each(p.codebook_json, '$.dimensions') d WHERE p.id = 1)`;

/**
 * SQL: the entries (row ids, each once) where the annotator `annotator` (a row id, as an SQL
 * expression) has a flag open: the label queue's re-review filter. Found from the annotator's
 * flags in one pass, rather than asked of each of the project's entries.
 */
export const entriesWithOpenReview = (annotator: string) =>
  `SELECT DISTINCT r.entry_id FROM label_review r LEFT JOIN label l ON l.entry_id = r.entry_id AND l.annotator_id = r.annotator_id AND l.dimension = r.dimension
    WHERE r.annotator_id = ${annotator} AND ${OPEN}`;

/** `label_review`: labels to look at again after a change of meaning, one per entry, annotator and dimension. */
export function reviewTable(db: Db) {
  const sql = statementsOf(db);
  const SELECT = `SELECT r.entry_id, e.ext_id AS entry, r.annotator_id, a.name AS annotator, r.dimension, r.version, r.reason, r.created_at,
                         l.value, l.codebook_version AS label_version
                    FROM label_review r
                    JOIN entry e ON e.id = r.entry_id
                    JOIN annotator a ON a.id = r.annotator_id
                    LEFT JOIN label l ON l.entry_id = r.entry_id AND l.annotator_id = r.annotator_id AND l.dimension = r.dimension`;
  return {
    /** Flags a label (a later change replaces an earlier one's version and adds its reason). */
    put(entryRowId: number, annotatorId: number, dimension: string, version: string, reason: string, at: string): void {
      sql(
        `INSERT INTO label_review (entry_id, annotator_id, dimension, version, reason, created_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (entry_id, annotator_id, dimension) DO UPDATE SET version = excluded.version, created_at = excluded.created_at,
           reason = CASE WHEN label_review.version = excluded.version THEN label_review.reason || '; ' || excluded.reason ELSE excluded.reason END`,
      ).run(entryRowId, annotatorId, dimension, version, reason, at);
    },
    /** Every flag of an annotator, open or answered (what a starter file copies). */
    ofAnnotator(annotatorId: number): ReviewRow[] {
      return sql(`${SELECT} WHERE r.annotator_id = ? ORDER BY e.id, r.dimension`).all(annotatorId) as ReviewRow[];
    },
    /** The open flags, by annotator then entry, `offset` on (the lead's list, a page at a time). */
    openPage(offset: number, limit: number): ReviewRow[] {
      return sql(`${SELECT} WHERE ${OPEN} ORDER BY a.name COLLATE NOCASE, e.id, r.dimension LIMIT ? OFFSET ?`).all(limit, offset) as ReviewRow[];
    },
    /** How many flags each annotator has open, by name. */
    openCounts(): { annotator: string; open: number }[] {
      return sql(
        `SELECT a.name AS annotator, count(*) AS open FROM label_review r JOIN annotator a ON a.id = r.annotator_id
           LEFT JOIN label l ON l.entry_id = r.entry_id AND l.annotator_id = r.annotator_id AND l.dimension = r.dimension
          WHERE ${OPEN} GROUP BY a.id ORDER BY a.name COLLATE NOCASE`,
      ).all() as { annotator: string; open: number }[];
    },
    /** An annotator's open flags, by entry; with `entryRowId`, that entry's. */
    openOf(annotatorId: number, entryRowId?: number): ReviewRow[] {
      return entryRowId === undefined
        ? (sql(`${SELECT} WHERE r.annotator_id = ? AND ${OPEN} ORDER BY e.id, r.dimension`).all(annotatorId) as ReviewRow[])
        : (sql(`${SELECT} WHERE r.annotator_id = ? AND r.entry_id = ? AND ${OPEN} ORDER BY r.dimension`).all(annotatorId, entryRowId) as ReviewRow[]);
    },
    get(entryRowId: number, annotatorId: number, dimension: string): ReviewRow | undefined {
      return sql(`${SELECT} WHERE r.entry_id = ? AND r.annotator_id = ? AND r.dimension = ?`).get(entryRowId, annotatorId, dimension) as ReviewRow | undefined;
    },
    delete(entryRowId: number, annotatorId: number, dimension: string): void {
      sql('DELETE FROM label_review WHERE entry_id = ? AND annotator_id = ? AND dimension = ?').run(entryRowId, annotatorId, dimension);
    },
  };
}

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
    all(): ReviewRow[] {
      return sql(`${SELECT} ORDER BY a.name COLLATE NOCASE, e.id, r.dimension`).all() as ReviewRow[];
    },
    ofAnnotator(annotatorId: number): ReviewRow[] {
      return sql(`${SELECT} WHERE r.annotator_id = ? ORDER BY e.id, r.dimension`).all(annotatorId) as ReviewRow[];
    },
    ofAnnotatorOn(annotatorId: number, entryRowId: number): ReviewRow[] {
      return sql(`${SELECT} WHERE r.annotator_id = ? AND r.entry_id = ? ORDER BY r.dimension`).all(annotatorId, entryRowId) as ReviewRow[];
    },
    get(entryRowId: number, annotatorId: number, dimension: string): ReviewRow | undefined {
      return sql(`${SELECT} WHERE r.entry_id = ? AND r.annotator_id = ? AND r.dimension = ?`).get(entryRowId, annotatorId, dimension) as ReviewRow | undefined;
    },
    delete(entryRowId: number, annotatorId: number, dimension: string): void {
      sql('DELETE FROM label_review WHERE entry_id = ? AND annotator_id = ? AND dimension = ?').run(entryRowId, annotatorId, dimension);
    },
  };
}

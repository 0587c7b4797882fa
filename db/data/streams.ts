import type { Db } from '../database.ts';
import { statementsOf } from './statements.ts';
import { MADE_ON } from './labels.ts';

/**
 * Reads that a large export walks row by row (better-sqlite3's `iterate`) instead of holding every
 * row at once: at 100,000 entries an annotator's pack is some 380,000 records. Rows come in the
 * natural order of entry ids (`entry.sort_key`, then the id: db/data/natural-key.ts), one entry's
 * rows together, so a writer can sort each entry's few rows and write them as it goes.
 */

export interface PackLabelRow {
  ext_id: string;
  content_hash: string;
  dimension: string;
  /** null: a cleared label. */
  value: string | null;
  at: string;
  cv: string;
  clock: number;
  made_on: string;
}
export interface PackNoteRow {
  ext_id: string;
  content_hash: string;
  text: string;
  at: string;
  clock: number;
}
export interface PackSubmissionRow {
  ext_id: string;
  content_hash: string;
  status: 'draft' | 'submitted';
  at: string;
  clock: number;
}
export interface PackCommentRow {
  ext_id: string;
  content_hash: string;
  text: string;
  created_at: string;
  deleted_at: string | null;
}

export function packStreams(db: Db) {
  const sql = statementsOf(db);
  return {
    /** Each entry any of the annotator's records is on, with its content hash (in no particular order). */
    entries(annotatorId: number): IterableIterator<{ ext_id: string; content_hash: string }> {
      return sql(
        `SELECT ext_id, content_hash FROM entry WHERE id IN (
           SELECT entry_id FROM label WHERE annotator_id = @a UNION SELECT entry_id FROM label_clear WHERE annotator_id = @a
           UNION SELECT entry_id FROM note WHERE annotator_id = @a UNION SELECT entry_id FROM submission WHERE annotator_id = @a
           UNION SELECT entry_id FROM comment WHERE annotator_id = @a)`,
      ).iterate({ a: annotatorId }) as IterableIterator<{ ext_id: string; content_hash: string }>;
    },
    /** The annotator's labels, then on the same entry their cleared labels (as `packLabels` lists them). */
    labels(annotatorId: number): IterableIterator<PackLabelRow> {
      return sql(
        `SELECT ext_id, content_hash, dimension, value, at, cv, clock, made_on FROM (
           SELECT e.sort_key, e.ext_id, e.content_hash, 0 AS arm, l.dimension, l.value, l.updated_at AS at, l.codebook_version AS cv, l.clock, ${MADE_ON} AS made_on
           FROM label l JOIN entry e ON e.id = l.entry_id WHERE l.annotator_id = @a
           UNION ALL
           SELECT e.sort_key, e.ext_id, e.content_hash, 1, c.dimension, NULL, c.cleared_at, c.codebook_version, c.clock, e.content_hash
           FROM label_clear c JOIN entry e ON e.id = c.entry_id WHERE c.annotator_id = @a)
         ORDER BY sort_key, ext_id, arm, dimension`,
      ).iterate({ a: annotatorId }) as IterableIterator<PackLabelRow>;
    },
    notes(annotatorId: number): IterableIterator<PackNoteRow> {
      return sql(
        `SELECT e.ext_id, e.content_hash, n.text, n.updated_at AS at, n.clock FROM note n JOIN entry e ON e.id = n.entry_id
         WHERE n.annotator_id = ? ORDER BY e.sort_key, e.ext_id`,
      ).iterate(annotatorId) as IterableIterator<PackNoteRow>;
    },
    submissions(annotatorId: number): IterableIterator<PackSubmissionRow> {
      return sql(
        `SELECT e.ext_id, e.content_hash, s.status, s.updated_at AS at, s.clock FROM submission s JOIN entry e ON e.id = s.entry_id
         WHERE s.annotator_id = ? ORDER BY e.sort_key, e.ext_id`,
      ).iterate(annotatorId) as IterableIterator<PackSubmissionRow>;
    },
    /** The annotator's comments, each entry's in the order they were written. */
    comments(annotatorId: number): IterableIterator<PackCommentRow> {
      return sql(
        `SELECT e.ext_id, e.content_hash, c.text, c.created_at, c.deleted_at FROM comment c JOIN entry e ON e.id = c.entry_id
         WHERE c.annotator_id = ? ORDER BY e.sort_key, e.ext_id, c.id`,
      ).iterate(annotatorId) as IterableIterator<PackCommentRow>;
    },
  };
}

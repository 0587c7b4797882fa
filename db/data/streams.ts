import type { Db } from '../database.ts';
import { statementsOf } from './statements.ts';
import { MADE_ON } from './labels.ts';
import type { DecisionRow } from './decisions.ts';
import { LAST_CHANGE } from './events.ts';

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

/** One entry as consensus and the exports read it, with its natural sort key (where the next slice starts). */
export interface StudyEntryRow {
  id: number;
  ext_id: string;
  passed: 0 | 1 | null;
  metadata: string;
  sort_key: string;
}
/** A label as readStudy takes it: its entry, dimension, value JSON and annotator's name. */
export interface StudyLabelRow {
  entry_id: number;
  dimension: string;
  value: string;
  name: string;
}

/**
 * The study a slice of entries at a time (readStudy's reads, each limited to the slice's entries),
 * for an export that writes as it reads: at 100,000 entries the whole study held at once took
 * hundreds of MB. Entries come in their natural order (`entry.sort_key`, then the id), paged by
 * that key through its index; each other read takes the slice's row ids (or external ids) as one
 * JSON list.
 */
export function studySliceReads(db: Db) {
  const sql = statementsOf(db);
  const ENTRY = 'SELECT id, ext_id, passed, metadata, sort_key FROM entry';
  return {
    /** The next `limit` entries after `after` (the last one of the slice before; none: from the first). */
    entriesAfter(after: { sort_key: string; ext_id: string } | null, limit: number): StudyEntryRow[] {
      return (
        after
          ? sql(`${ENTRY} WHERE (sort_key, ext_id) > (?, ?) ORDER BY sort_key, ext_id LIMIT ?`).all(after.sort_key, after.ext_id, limit)
          : sql(`${ENTRY} ORDER BY sort_key, ext_id LIMIT ?`).all(limit)
      ) as StudyEntryRow[];
    },
    /** `labels.forStudy` on these entries (row ids): a slice, or one entry. */
    labelsOn(entryRowIds: number[], includeDrafts: boolean): StudyLabelRow[] {
      return sql(
        `SELECT l.entry_id, l.dimension, l.value, a.name FROM label l
         JOIN annotator a ON a.id = l.annotator_id
         LEFT JOIN submission s ON s.entry_id = l.entry_id AND s.annotator_id = l.annotator_id
         WHERE l.entry_id IN (SELECT value FROM json_each(?)) AND (? OR s.status = 'submitted')`,
      ).all(JSON.stringify(entryRowIds), includeDrafts ? 1 : 0) as StudyLabelRow[];
    },
    /** The decisions on these entries (row ids). */
    decisionsOn(entryRowIds: number[]): DecisionRow[] {
      return sql(
        'SELECT entry_id, dimension, value, method, decided_by, rationale, decided_at FROM decision WHERE entry_id IN (SELECT value FROM json_each(?))',
      ).all(JSON.stringify(entryRowIds)) as DecisionRow[];
    },
    /** `labels.submittedPairs` on these entries (row ids): a slice, or one entry. */
    submittedPairsOn(entryRowIds: number[]): Set<string> {
      const rows = sql(
        "SELECT s.entry_id, a.name FROM submission s JOIN annotator a ON a.id = s.annotator_id WHERE s.entry_id IN (SELECT value FROM json_each(?)) AND s.status = 'submitted'",
      ).all(JSON.stringify(entryRowIds)) as { entry_id: number; name: string }[];
      return new Set(rows.map((r) => `${r.entry_id}\u0000${r.name}`));
    },
    /** `events.lastChangesOnDecidedEntries` on these entries (external ids), each read through the log's index on its entry. */
    lastChangesOn(extIds: string[]): { e: string; d: string; kind: string; tag: string | null; id: number }[] {
      return sql(
        `SELECT ${LAST_CHANGE} FROM event
         WHERE entry_ext_id IS NOT NULL AND entry_ext_id IN (SELECT value FROM json_each(?)) AND kind IN ('decision.set', 'label.set', 'label.undo') AND dimension IS NOT NULL
         GROUP BY e, d, kind, tag`,
      ).all(JSON.stringify(extIds)) as { e: string; d: string; kind: string; tag: string | null; id: number }[];
    },
    /** One named text of these entries (row ids) that have it: entry row id -> text. */
    fieldOn(name: string, entryRowIds: number[]): Map<number, string> {
      const rows = sql('SELECT entry_id, text FROM entry_field WHERE name = ? AND entry_id IN (SELECT value FROM json_each(?))').all(name, JSON.stringify(entryRowIds)) as {
        entry_id: number;
        text: string;
      }[];
      return new Map(rows.map((r) => [r.entry_id, r.text]));
    },
  };
}

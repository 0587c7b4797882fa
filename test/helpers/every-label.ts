import type { Db } from '../../db/database.ts';

/**
 * Every label with its entry, annotator, version, time and submission status, read in plain SQL:
 * the tests' independent reading of what the project holds, beside the app's own reads (the
 * label columns, the consensus index), which it checks.
 */
export function everyLabel(db: Db) {
  return db
    .prepare(
      `SELECT e.id AS entryRowId, e.ext_id AS entryId, e.passed AS passed, a.name AS annotator, a.role AS role, l.dimension AS dimension,
              l.value AS value, l.codebook_version AS version, l.updated_at AS updatedAt, s.status AS status
         FROM label l
         JOIN entry e ON e.id = l.entry_id
         JOIN annotator a ON a.id = l.annotator_id
         LEFT JOIN submission s ON s.entry_id = l.entry_id AND s.annotator_id = l.annotator_id
        ORDER BY e.id, a.name, l.dimension`,
    )
    .all() as {
    updatedAt: string;
    entryRowId: number;
    entryId: string;
    passed: number | null;
    annotator: string;
    role: string;
    dimension: string;
    value: string;
    version: string;
    status: string | null;
  }[];
}

/**
 * The same, lean: one row per label as an array [entry row id, annotator id, dimension, value
 * JSON, codebook version, whether the entry is assigned to the annotator, time], submitted ones
 * only unless drafts count, in no particular order, read one at a time.
 */
export function everyLabelRow(db: Db, includeDrafts: boolean): IterableIterator<[number, number, string, string, string, 0 | 1, string]> {
  return db
    .prepare(
      `SELECT l.entry_id, l.annotator_id, l.dimension, l.value, l.codebook_version, x.entry_id IS NOT NULL, l.updated_at
         FROM label l
         LEFT JOIN submission s ON s.entry_id = l.entry_id AND s.annotator_id = l.annotator_id
         LEFT JOIN assignment x ON x.entry_id = l.entry_id AND x.annotator_id = l.annotator_id
        WHERE ? OR s.status = 'submitted'`,
    )
    .raw(true)
    .iterate(includeDrafts ? 1 : 0) as IterableIterator<[number, number, string, string, string, 0 | 1, string]>;
}

import type { Db } from '../database.ts';
import { insertRows, statementsOf } from './statements.ts';

/** The `assignment` table: entry x annotator, who is to label what. */
export function assignmentTable(db: Db) {
  const sql = statementsOf(db);
  return {
    /** Every assignment by row ids. */
    pairs(): { entry_id: number; annotator_id: number }[] {
      return sql('SELECT entry_id, annotator_id FROM assignment').all() as { entry_id: number; annotator_id: number }[];
    },
    /** Every assignment as "entry row id NUL annotator name". */
    pairsByName(): Set<string> {
      return new Set(
        (sql('SELECT s.entry_id, a.name FROM assignment s JOIN annotator a ON a.id = s.annotator_id').all() as { entry_id: number; name: string }[]).map(
          (r) => `${r.entry_id}\u0000${r.name}`,
        ),
      );
    },
    any(): boolean {
      return sql('SELECT 1 FROM assignment LIMIT 1').get() !== undefined;
    },
    /** Whether an annotator has any assignment. */
    anyOf(annotatorId: number): boolean {
      return sql('SELECT 1 FROM assignment WHERE annotator_id = ? LIMIT 1').get(annotatorId) !== undefined;
    },
    insert(entryRowId: number, annotatorId: number): void {
      sql('INSERT INTO assignment (entry_id, annotator_id) VALUES (?, ?)').run(entryRowId, annotatorId);
    },
    /** Assigns unless already assigned; says whether it was new. */
    insertIfAbsent(entryRowId: number, annotatorId: number): boolean {
      return sql('INSERT OR IGNORE INTO assignment (entry_id, annotator_id) VALUES (?, ?)').run(entryRowId, annotatorId).changes > 0;
    },
    /** Assigns many [entry row id, annotator id] pairs, keeping existing ones; returns how many were new. */
    insertManyIfAbsent(pairs: [number, number][]): number {
      return insertRows(sql, 'INSERT OR IGNORE INTO assignment (entry_id, annotator_id)', 2, pairs);
    },
    clearEntry(entryRowId: number): void {
      sql('DELETE FROM assignment WHERE entry_id = ?').run(entryRowId);
    },
    /** The names assigned to one entry (unsorted). */
    namesOn(entryRowId: number): string[] {
      return (sql('SELECT a.name FROM assignment s JOIN annotator a ON a.id = s.annotator_id WHERE s.entry_id = ?').all(entryRowId) as { name: string }[]).map((r) => r.name);
    },
    /** Every entry with each of its assignees (null for none), in no particular order. */
    byEntry(): { ext_id: string; name: string | null }[] {
      return sql('SELECT e.ext_id, a.name FROM entry e LEFT JOIN assignment s ON s.entry_id = e.id LEFT JOIN annotator a ON a.id = s.annotator_id').all() as {
        ext_id: string;
        name: string | null;
      }[];
    },
    /** The external ids of the entries assigned to one annotator. */
    entriesOf(annotatorName: string): string[] {
      return (
        sql('SELECT e.ext_id FROM assignment s JOIN entry e ON e.id = s.entry_id JOIN annotator a ON a.id = s.annotator_id WHERE a.name = ?').all(annotatorName) as { ext_id: string }[]
      ).map((r) => r.ext_id);
    },
    /**
     * Per annotator (or the one named): assigned entries, and drafts and submissions on their own
     * queue (the assigned entries, or every entry when they have none).
     */
    progress(annotator: string | null): { name: string; role: string; assigned: number; draft: number; submitted: number }[] {
      return sql(
        `SELECT a.name, a.role,
           (SELECT COUNT(*) FROM assignment s WHERE s.annotator_id = a.id) AS assigned,
           (SELECT COUNT(*) FROM submission u WHERE u.annotator_id = a.id AND u.status = 'draft'
              AND (NOT EXISTS (SELECT 1 FROM assignment s WHERE s.annotator_id = a.id)
                   OR EXISTS (SELECT 1 FROM assignment s WHERE s.annotator_id = a.id AND s.entry_id = u.entry_id))) AS draft,
           (SELECT COUNT(*) FROM submission u WHERE u.annotator_id = a.id AND u.status = 'submitted'
              AND (NOT EXISTS (SELECT 1 FROM assignment s WHERE s.annotator_id = a.id)
                   OR EXISTS (SELECT 1 FROM assignment s WHERE s.annotator_id = a.id AND s.entry_id = u.entry_id))) AS submitted
         FROM annotator a WHERE (? IS NULL OR a.name = ?)`,
      ).all(annotator, annotator) as { name: string; role: string; assigned: number; draft: number; submitted: number }[];
    },
  };
}

import type { Db } from '../database.ts';
import { statementsOf } from './statements.ts';

/** A comment as stored, with its author's name. */
export interface CommentRow {
  id: number;
  entry_id: number;
  entry: string;
  annotator_id: number;
  author: string;
  text: string;
  created_at: string;
  deleted_at: string | null;
}

/** The reason recorded for a disagreement on an entry (dimension '' for the entry as a whole). */
export interface ReasonRow {
  entry_id: number;
  entry: string;
  dimension: string;
  reason: string;
  set_by: string;
  set_at: string;
}

/** `comment` and `disagreement_reason`: the thread on each entry, and why its annotators disagreed. */
export function commentTable(db: Db) {
  const sql = statementsOf(db);
  const SELECT = `SELECT c.id, c.entry_id, e.ext_id AS entry, c.annotator_id, a.name AS author, c.text, c.created_at, c.deleted_at
                    FROM comment c JOIN entry e ON e.id = c.entry_id JOIN annotator a ON a.id = c.annotator_id`;
  return {
    /** One author's comments on one entry, oldest first (deleted ones left out). */
    own(entryRowId: number, annotatorId: number): CommentRow[] {
      return sql(`${SELECT} WHERE c.entry_id = ? AND c.annotator_id = ? AND c.deleted_at IS NULL ORDER BY c.id`).all(entryRowId, annotatorId) as CommentRow[];
    },
    /** Everyone's comments on one entry, oldest first (deleted ones left out): for the lead only. */
    ofEntry(entryRowId: number): CommentRow[] {
      return sql(`${SELECT} WHERE c.entry_id = ? AND c.deleted_at IS NULL ORDER BY c.id`).all(entryRowId) as CommentRow[];
    },
    /** Every comment that stands, by entry then time. */
    all(): CommentRow[] {
      return sql(`${SELECT} WHERE c.deleted_at IS NULL ORDER BY c.entry_id, c.id`).all() as CommentRow[];
    },
    get(id: number): CommentRow | undefined {
      return sql(`${SELECT} WHERE c.id = ?`).get(id) as CommentRow | undefined;
    },
    insert(entryRowId: number, annotatorId: number, text: string, at: string): number {
      return Number(sql('INSERT INTO comment (entry_id, annotator_id, text, created_at) VALUES (?, ?, ?, ?)').run(entryRowId, annotatorId, text, at).lastInsertRowid);
    },
    /** A comment as a pack names it: its author, entry, time and text. */
    find(entryRowId: number, annotatorId: number, createdAt: string, text: string): { id: number; deleted_at: string | null } | undefined {
      return sql('SELECT id, deleted_at FROM comment WHERE entry_id = ? AND annotator_id = ? AND created_at = ? AND text = ?').get(entryRowId, annotatorId, createdAt, text) as
        | { id: number; deleted_at: string | null }
        | undefined;
    },
    /** Writes a comment as it is (a pack merge or a starter file copies one), deleted or not. */
    insertCopy(entryRowId: number, annotatorId: number, text: string, createdAt: string, deletedAt: string | null): number {
      return Number(
        sql('INSERT INTO comment (entry_id, annotator_id, text, created_at, deleted_at) VALUES (?, ?, ?, ?, ?)').run(entryRowId, annotatorId, text, createdAt, deletedAt).lastInsertRowid,
      );
    },
    /** Every comment of one author, deleted ones too, with its entry's id and content hash (a pack, a starter file). */
    packComments(annotatorId: number): { entry_id: number; ext_id: string; content_hash: string; text: string; created_at: string; deleted_at: string | null }[] {
      return sql(
        'SELECT c.entry_id, e.ext_id, e.content_hash, c.text, c.created_at, c.deleted_at FROM comment c JOIN entry e ON e.id = c.entry_id WHERE c.annotator_id = ? ORDER BY c.id',
      ).all(annotatorId) as { entry_id: number; ext_id: string; content_hash: string; text: string; created_at: string; deleted_at: string | null }[];
    },
    markDeleted(id: number, at: string): void {
      sql('UPDATE comment SET deleted_at = ? WHERE id = ?').run(at, id);
    },
    /** Entries on which this annotator wrote a comment that stands. */
    entriesWithOwn(annotatorId: number): Set<number> {
      return new Set((sql('SELECT DISTINCT entry_id FROM comment WHERE annotator_id = ? AND deleted_at IS NULL').all(annotatorId) as { entry_id: number }[]).map((r) => r.entry_id));
    },

    reasons(): ReasonRow[] {
      return sql('SELECT r.entry_id, e.ext_id AS entry, r.dimension, r.reason, r.set_by, r.set_at FROM disagreement_reason r JOIN entry e ON e.id = r.entry_id ORDER BY e.id, r.dimension').all() as ReasonRow[];
    },
    reasonsOf(entryRowId: number): ReasonRow[] {
      return sql(
        'SELECT r.entry_id, e.ext_id AS entry, r.dimension, r.reason, r.set_by, r.set_at FROM disagreement_reason r JOIN entry e ON e.id = r.entry_id WHERE r.entry_id = ? ORDER BY r.dimension',
      ).all(entryRowId) as ReasonRow[];
    },
    putReason(entryRowId: number, dimension: string, reason: string, by: string, at: string): void {
      sql(
        `INSERT INTO disagreement_reason (entry_id, dimension, reason, set_by, set_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (entry_id, dimension) DO UPDATE SET reason = excluded.reason, set_by = excluded.set_by, set_at = excluded.set_at`,
      ).run(entryRowId, dimension, reason, by, at);
    },
    deleteReason(entryRowId: number, dimension: string): void {
      sql('DELETE FROM disagreement_reason WHERE entry_id = ? AND dimension = ?').run(entryRowId, dimension);
    },
  };
}

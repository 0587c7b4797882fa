import type { Db } from '../database.ts';
import { statementsOf } from './statements.ts';

/** A codebook revision as stored: the codebook JSON, what changed and who changed it. */
export interface RevisionRow {
  revision: number;
  version: string;
  codebook_json: string;
  changes_json: string;
  note: string;
  round_id: number | null;
  created_by: string;
  created_at: string;
}

/** `codebook_revision`: every codebook the project has had, oldest first (migration 006 records the first). */
export function codebookHistoryTable(db: Db) {
  const sql = statementsOf(db);
  const COLUMNS = 'revision, version, codebook_json, changes_json, note, round_id, created_by, created_at';
  return {
    all(): RevisionRow[] {
      return sql(`SELECT ${COLUMNS} FROM codebook_revision ORDER BY revision`).all() as RevisionRow[];
    },
    get(revision: number): RevisionRow | undefined {
      return sql(`SELECT ${COLUMNS} FROM codebook_revision WHERE revision = ?`).get(revision) as RevisionRow | undefined;
    },
    /** The last revision of a version (what "version 2.0.0" means when the lead reworded it since). */
    lastOf(version: string): RevisionRow | undefined {
      return sql(`SELECT ${COLUMNS} FROM codebook_revision WHERE version = ? ORDER BY revision DESC LIMIT 1`).get(version) as RevisionRow | undefined;
    },
    /** The first revision of each version: the order versions came in. */
    versionOrder(): Map<string, number> {
      const rows = sql('SELECT version, MIN(revision) AS first FROM codebook_revision GROUP BY version').all() as { version: string; first: number }[];
      return new Map(rows.map((r) => [r.version, r.first]));
    },
    append(r: Omit<RevisionRow, 'revision'>): number {
      return Number(
        sql('INSERT INTO codebook_revision (version, codebook_json, changes_json, note, round_id, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
          r.version,
          r.codebook_json,
          r.changes_json,
          r.note,
          r.round_id,
          r.created_by,
          r.created_at,
        ).lastInsertRowid,
      );
    },
  };
}

import type Database from 'better-sqlite3';
import { statementsOf } from './statements.ts';

/**
 * What backups ask of SQLite itself: a consistent copy of a live database, and whether a file is
 * a whole Concord project. File names and folders are db/backup.ts's.
 */

/**
 * Copies an open database into `file` with `VACUUM INTO`, SQLite's consistent online copy. It is
 * synchronous: nothing this process does can slip in between the copy and the write that follows.
 */
export function vacuumInto(db: Database.Database, file: string): void {
  statementsOf(db)('VACUUM INTO ?').run(file);
}

/** Whether a connection holds an undamaged database with a Concord project table. */
export function isWholeProject(db: Database.Database): boolean {
  try {
    return db.pragma('quick_check', { simple: true }) === 'ok' && statementsOf(db)("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'project'").get() !== undefined;
  } catch {
    return false;
  }
}

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

/**
 * Whether the database file `file` is an undamaged Concord project, checked through `db`'s own
 * connection (ATTACH, so no second copy of SQLite is loaded: Electron keeps its own build).
 * Call it outside a transaction.
 */
export function isWholeProjectFile(db: Database.Database, file: string): boolean {
  const sql = statementsOf(db);
  try {
    sql("ATTACH DATABASE ? AS backup_check").run(file);
  } catch {
    return false;
  }
  try {
    return (
      db.pragma('backup_check.quick_check', { simple: true }) === 'ok' &&
      sql("SELECT 1 FROM backup_check.sqlite_master WHERE type = 'table' AND name = 'project'").get() !== undefined
    );
  } catch {
    return false;
  } finally {
    sql('DETACH DATABASE backup_check').run();
  }
}

/** Whether a connection holds an undamaged database with a Concord project table. */
export function isWholeProject(db: Database.Database): boolean {
  try {
    return db.pragma('quick_check', { simple: true }) === 'ok' && statementsOf(db)("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'project'").get() !== undefined;
  } catch {
    return false;
  }
}

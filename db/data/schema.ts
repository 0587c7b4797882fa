import type Database from 'better-sqlite3';
import { statementsOf } from './statements.ts';

/**
 * The `schema_migration` table: which numbered migrations a database has had, with their
 * checksums. database.ts reads it before it writes anything, and records each migration it applies.
 */
export interface AppliedMigration {
  version: number;
  name: string;
  checksum: string;
}

export function migrationLog(db: Database.Database) {
  const sql = statementsOf(db);
  return {
    /** Whether the database has the table at all (a new file, or not a Concord project yet). */
    exists(): boolean {
      return sql("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migration'").get() !== undefined;
    },
    create(): void {
      db.exec(`CREATE TABLE IF NOT EXISTS schema_migration (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)`);
    },
    applied(): AppliedMigration[] {
      return sql('SELECT version, name, checksum FROM schema_migration ORDER BY version').all() as AppliedMigration[];
    },
    record(m: AppliedMigration, at: string): void {
      sql('INSERT INTO schema_migration (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)').run(m.version, m.name, m.checksum, at);
    },
    version(): number {
      return (sql('SELECT MAX(version) AS v FROM schema_migration').get() as { v: number | null }).v ?? 0;
    },
  };
}

import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { ConcordError } from '../shared/errors.ts';
import { naturalKey } from './data/natural-key.ts';
import { migrationLog } from './data/schema.ts';
import { migrations as builtInMigrations } from './migrations/index.ts';

export type Db = Database.Database;

export interface OpenOptions {
  /** Path of a better_sqlite3.node built for this runtime (Electron keeps its own build apart). */
  nativeBinding?: string;
  /** Migrations to apply; tests pass their own list. */
  migrations?: { version: number; name: string; sql: string }[];
}

export function checksum(sql: string): string {
  return createHash('sha256').update(sql).digest('hex');
}

/**
 * Opens (or creates) a project database: WAL, foreign keys, a busy timeout, then migrations.
 * Refuses a database whose recorded migrations were edited or come from a newer Concord,
 * before writing anything to it.
 */
export function openDatabase(file: string, opts: OpenOptions = {}): Db {
  const db = new Database(file, opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {});
  try {
    // Before anything that writes, the journal mode included: a refused database keeps every byte.
    checkApplied(db, opts.migrations ?? builtInMigrations, file);
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    // FULL: a label acknowledged to the user survives power loss, not only a crash.
    db.pragma('synchronous = FULL');
    registerFunctions(db);
    migrate(db, opts.migrations ?? builtInMigrations, file);
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

/**
 * SQL functions the migrations use (005 fills each entry's natural sort key). Only migrations call
 * them, never a trigger or a column of the schema, so any SQLite can still read and write the file.
 */
export function registerFunctions(db: Db): void {
  db.function('concord_natural_key', { deterministic: true }, (id: unknown) => naturalKey(String(id)));
}

/** Refuses a database whose recorded migrations are unknown here or were edited; reads only. */
function checkApplied(db: Db, migrations: { version: number; name: string; sql: string }[], file: string): { version: number }[] {
  const log = migrationLog(db);
  if (!log.exists()) return [];
  const applied = log.applied();
  const known = new Map(migrations.map((m) => [m.version, m]));
  for (const row of applied) {
    const m = known.get(row.version);
    if (!m)
      throw new ConcordError(
        'bad-input',
        `${file} was written by a newer Concord (schema migration ${row.version} "${row.name}" is unknown here); update Concord to open it. Nothing was changed.`,
      );
    if (checksum(m.sql) !== row.checksum)
      throw new ConcordError('bad-input', `${file}: migration ${m.name} differs from the one applied to this database; refusing to open it.`);
  }
  return applied;
}

export function migrate(db: Db, migrations: { version: number; name: string; sql: string }[], file = 'database'): number {
  migrationLog(db).create();
  const applied = checkApplied(db, migrations, file);
  const done = new Set(applied.map((r) => r.version));
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (done.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      migrationLog(db).record({ version: m.version, name: m.name, checksum: checksum(m.sql) }, new Date().toISOString());
    })();
  }
  return schemaVersion(db);
}

export function schemaVersion(db: Db): number {
  return migrationLog(db).version();
}

/** Current time as stored everywhere: ISO 8601 UTC with milliseconds. */
export function now(): string {
  return new Date().toISOString();
}

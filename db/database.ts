import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { ConcordError } from '../shared/errors.ts';
import { latestGoodBackup } from './backup.ts';
import { naturalKey } from './data/natural-key.ts';
import { migrationLog } from './data/schema.ts';
import { migrations as builtInMigrations } from './migrations/index.ts';

export type Db = Database.Database;

export interface OpenOptions {
  /** Path of a better_sqlite3.node built for this runtime (Electron keeps its own build apart). */
  nativeBinding?: string;
  /** Migrations to apply; tests pass their own list. */
  migrations?: { version: number; name: string; sql: string }[];
  /**
   * A second connection to a file this process has open and checked already (a job's worker):
   * the integrity check reads every page, some 2 s at 100,000 entries, so it is not run again.
   */
  checkedAlready?: boolean;
}

export function checksum(sql: string): string {
  return createHash('sha256').update(sql).digest('hex');
}

/** How long a write waits for another program's write to finish before it gives up. */
const BUSY_TIMEOUT_MS = 5000;

/**
 * The page size of a new project file: 16 KiB, not SQLite's 4 KiB. An entry's texts are some
 * 1-3 KB each, about one to a 4 KiB page, so an import spent much of its time splitting pages:
 * at 100,000 entries its writing took about a third less time with 16 KiB pages, in a file some
 * 7% smaller (issue 11). A file made before keeps its own page size.
 */
export const PAGE_SIZE = 16_384;

/**
 * Opens (or creates) a project database: a busy timeout, an integrity check of an existing file,
 * then WAL, foreign keys and migrations. Refuses a damaged database (pointing to its latest good
 * backup) and one whose recorded migrations were edited or come from a newer Concord, before
 * writing anything to it. Whatever the disk or SQLite refuses comes out as one sentence that
 * names the file and says what to do (`explainDatabaseError`).
 */
export function openDatabase(file: string, opts: OpenOptions = {}): Db {
  const existed = file !== ':memory:' && existsSync(file);
  let db: Db;
  try {
    db = new Database(file, opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {});
  } catch (e) {
    throw explainDatabaseError(e, file, opts.nativeBinding);
  }
  try {
    // Before anything that writes, the journal mode included: a refused database keeps every byte.
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    if (existed && !opts.checkedAlready) checkIntegrity(db, file, opts.nativeBinding);
    checkApplied(db, opts.migrations ?? builtInMigrations, file);
    // A new file only (a page size is fixed once a file has pages, and WAL keeps it so).
    if (!existed) db.pragma(`page_size = ${PAGE_SIZE}`);
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    // FULL: a label acknowledged to the user survives power loss, not only a crash.
    db.pragma('synchronous = FULL');
    registerFunctions(db);
    migrate(db, opts.migrations ?? builtInMigrations, file);
    return db;
  } catch (e) {
    db.close();
    throw explainDatabaseError(e, file, opts.nativeBinding);
  }
}

/**
 * SQLite's quick check (every page, record and free list; not the indexes against their tables):
 * a damaged project is refused at once, instead of being read and exported in part.
 */
function checkIntegrity(db: Db, file: string, nativeBinding?: string): void {
  const result = db.pragma('quick_check(1)', { simple: true });
  if (result !== 'ok') throw damaged(file, String(result).replace(/\*\*\* in database \w+ \*\*\*\s*/, '').replace(/\s*\n\s*/g, '; '), nativeBinding);
}

/** What to do with a damaged project file: restore its latest good backup, if it has one. */
function damaged(file: string, why: string, nativeBinding?: string): ConcordError {
  const good = latestGoodBackup(file, nativeBinding ? { nativeBinding } : {});
  const todo = good
    ? `restore its latest good backup (${good.time}) with: concord backup restore ${good.name} --db ${file}`
    : 'no good backup of it was found (concord backup list); a copy made before the damage is what can bring it back';
  return new ConcordError('unavailable', `the project file is damaged (SQLite: ${why}); nothing was read from it. To go on, ${todo}`, { file });
}

const errorCode = (e: unknown): string => String((e as { code?: unknown } | null)?.code ?? '');

/**
 * An error from SQLite or the file system about a project file, as one sentence that names the
 * file and says what to do (a ConcordError of code `unavailable`: exit status 2, HTTP 503);
 * anything else unchanged. SQLite rolls back the statement or transaction that failed, so
 * nothing was changed.
 */
export function explainDatabaseError(e: unknown, file: string, nativeBinding?: string): unknown {
  if (e instanceof ConcordError) return e;
  const code = errorCode(e);
  const unavailable = (message: string) => new ConcordError('unavailable', message, { file });
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'SQLITE_IOERR_WRITE' && /disk|full|space/i.test(String((e as Error).message)))
    return unavailable('the disk is full, so the change could not be written. Nothing was changed; free some space and try again');
  if (code === 'SQLITE_READONLY_DIRECTORY')
    return unavailable('the folder of this project file cannot be written, and SQLite keeps its journal beside the file. Nothing was changed; make the folder writable, or copy the project into a folder you can write');
  if (code.startsWith('SQLITE_READONLY') || code === 'EROFS' || code === 'EACCES' || code === 'EPERM')
    return unavailable('the project file is read-only (the file, or the disk it is on). Nothing was changed; make it writable (chmod u+w), or copy the project somewhere you can write');
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
    // The cause stays on it: browser mode tries a busy write again (cli/server.ts, callPatiently).
    return Object.assign(
      unavailable('the project file is busy: another program (another concord?) is writing to it. Nothing was changed; try again when it has finished'),
      { cause: e },
    );
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') return damaged(file, (e as Error).message, nativeBinding);
  if (code.startsWith('SQLITE_CANTOPEN'))
    return unavailable('the project file cannot be opened: check that the path is right and that its folder exists and can be written');
  if (code.startsWith('SQLITE_IOERR') || code === 'EIO')
    return unavailable(`the disk reported an error while reading or writing (${code}). Nothing was changed; check the disk, then try again`);
  return e;
}

/**
 * Runs `fn` (sync or async) on an open project, its SQLite and file errors explained
 * (`explainDatabaseError`): what the service's door does for every call, whichever host asks.
 */
export function withDatabaseErrorsExplained<T>(file: string, fn: () => T): T {
  try {
    const result = fn();
    if (result instanceof Promise) return result.catch((e: unknown) => Promise.reject(explainDatabaseError(e, file))) as T;
    return result;
  } catch (e) {
    throw explainDatabaseError(e, file);
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

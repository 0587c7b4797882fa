import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, readdirSync, readSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { ConcordError, badInput } from '../shared/errors.ts';
import { isWholeProject, isWholeProjectFile, vacuumInto } from './data/backups.ts';
import type { BackupInfo, RestoreResult } from '../shared/types.ts';
export type { BackupInfo, RestoreResult };

type Db = Database.Database;

const NAME = /^(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})Z-([a-z0-9][a-z0-9-]*)\.db$/;
/** A backup being written: renamed to its name once it is whole and checked, so a kill leaves only this. */
const PARTIAL = '.partial';

export function backupDir(dbFile: string): string {
  return join(dirname(dbFile), `${basename(dbFile)}.backups`);
}

function slugReason(reason: string): string {
  return reason.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'backup';
}

/**
 * Whether a file looks like a whole SQLite database, from its header alone (cheap enough to list
 * every backup): the magic string, a page size, and a size that matches the page count the
 * header records. A backup cut short by a kill or a full disk fails this; a full check
 * (`isWholeProject`) is made before a restore.
 */
function headerProblem(file: string): string | null {
  const size = statSync(file).size;
  if (size === 0) return 'empty: it was interrupted while being taken';
  const header = Buffer.alloc(100);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, header, 0, 100, 0);
  } finally {
    closeSync(fd);
  }
  if (size < 100 || header.toString('latin1', 0, 16) !== 'SQLite format 3\u0000') return 'not a SQLite database';
  const pageSize = header.readUInt16BE(16) === 1 ? 65536 : header.readUInt16BE(16);
  const pages = header.readUInt32BE(28);
  // The page count in the header is valid when its "version valid for" matches the change counter.
  if (header.readUInt32BE(92) === header.readUInt32BE(24) && pages > 0 && pages * pageSize !== size)
    return `cut short: ${size} of ${pages * pageSize} bytes`;
  return null;
}

function infoOf(dir: string, name: string): BackupInfo | null {
  const partial = name.endsWith(PARTIAL);
  const m = NAME.exec(partial ? name.slice(0, -PARTIAL.length) : name);
  if (!m) return null;
  const file = join(dir, name);
  const problem = partial ? 'interrupted while being taken: it was never finished, and holds nothing to restore' : headerProblem(file);
  return {
    name,
    time: `${m[1]}T${m[2]}:${m[3]}:${m[4]}.${m[5]}Z`,
    size: statSync(file).size,
    reason: m[6],
    status: problem ? 'damaged' : 'ok',
    ...(problem ? { problem } : {}),
  };
}

/** A free backup path for `reason`: the current time, moved on by a millisecond while taken. */
function freshPath(dbFile: string, reason: string): { dir: string; name: string } {
  const dir = backupDir(dbFile);
  mkdirSync(dir, { recursive: true });
  for (let t = Date.now(); ; t++) {
    const name = `${new Date(t).toISOString().replace(/[:.]/g, '-')}-${slugReason(reason)}.db`;
    if (!existsSync(join(dir, name)) && !existsSync(join(dir, name + PARTIAL))) return { dir, name };
  }
}

/** Whether the file at `file` opens read-only as an undamaged Concord project. */
function verified(file: string, native: { nativeBinding?: string } = {}): boolean {
  let db: Db | undefined;
  try {
    db = new Database(file, { ...native, readonly: true, fileMustExist: true });
    return isWholeProject(db);
  } catch {
    return false;
  } finally {
    db?.close();
  }
}

/**
 * Snapshots an open database. `VACUUM INTO` is SQLite's consistent online copy, and it is
 * synchronous: nothing this process does can slip in between the backup and the write that
 * follows it (the async `db.backup()` would leave that gap). The copy is written under a
 * temporary name, checked (SQLite's quick check, and a project inside), and only then given its
 * name: a kill or a full disk while it is taken never leaves a backup that looks good. An
 * in-memory database has no file to protect and is refused.
 */
export function backupDatabase(db: Db, reason: string): BackupInfo {
  if (db.memory) throw new ConcordError('internal', 'an in-memory database cannot be backed up');
  const { dir, name } = freshPath(db.name, reason);
  const partial = join(dir, name + PARTIAL);
  try {
    vacuumInto(db, partial);
    if (!isWholeProjectFile(db, partial))
      throw new ConcordError('unavailable', `the backup of ${db.name} did not check out as a whole project after it was written (is the disk failing?); nothing was changed`, {
        file: partial,
      });
    renameSync(partial, join(dir, name));
  } catch (e) {
    rmSync(partial, { force: true });
    throw e;
  }
  return infoOf(dir, name)!;
}

/** Backups of a project file, newest first, each marked ok or damaged (from its header: see headerProblem). */
export function listBackups(dbFile: string): BackupInfo[] {
  const dir = backupDir(dbFile);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((n) => infoOf(dir, n))
    .filter((b): b is BackupInfo => b !== null)
    .sort((a, b) => (a.time < b.time ? 1 : a.time > b.time ? -1 : a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
}

/** The newest backup that opens as a whole, undamaged project (fully checked), if any. */
export function latestGoodBackup(dbFile: string, native: { nativeBinding?: string } = {}): BackupInfo | undefined {
  if (dbFile === ':memory:') return undefined;
  const dir = backupDir(dbFile);
  try {
    return listBackups(dbFile).find((b) => b.status === 'ok' && verified(join(dir, b.name), native));
  } catch {
    return undefined;
  }
}

/**
 * Puts a backup back in place of the live database. The current database is backed up first,
 * then the backup is copied in with SQLite's backup API, which writes through the live file's
 * own journal: a crash half-way leaves the old database, never a torn one.
 *
 * The caller must close its connection first and reopen afterwards (the service caches the
 * codebook): `service.close(); await restoreBackup(file, name); service = await openProject(file)`.
 */
export async function restoreBackup(dbFile: string, name: string, opts: { nativeBinding?: string } = {}): Promise<RestoreResult> {
  const dir = backupDir(dbFile);
  const restored = listBackups(dbFile).find((b) => b.name === name);
  if (!restored)
    throw badInput(`no backup named "${name}" for ${basename(dbFile)} (see \`concord backup list\`)`, { field: 'name' });
  const native = opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {};
  const damaged = () =>
    badInput(`backup "${name}" is damaged or not a Concord project${restored.problem ? ` (${restored.problem})` : ''}; nothing was changed. Choose another (concord backup list)`, {
      file: join(dir, name),
    });
  if (restored.status !== 'ok') throw damaged();
  let src: Db;
  try {
    src = new Database(join(dir, name), { ...native, readonly: true, fileMustExist: true });
  } catch {
    throw damaged();
  }
  try {
    if (!isWholeProject(src)) throw damaged();
    const safety = backupLive(dbFile, native);
    await src.backup(dbFile);
    return { restored, safety };
  } finally {
    src.close();
  }
}

/** Backs up the live file before a restore; a database too damaged to read is copied as it is. */
function backupLive(dbFile: string, native: { nativeBinding?: string }): BackupInfo | null {
  if (!existsSync(dbFile)) return null;
  let live: Db | null = null;
  try {
    live = new Database(dbFile, { ...native, fileMustExist: true });
    if (!isWholeProject(live)) throw new Error('damaged');
    return backupDatabase(live, 'before-restore');
  } catch (e) {
    if (e instanceof ConcordError) throw e;
    const { dir, name } = freshPath(dbFile, 'before-restore-raw');
    copyFileSync(dbFile, join(dir, name));
    if (existsSync(`${dbFile}-wal`)) copyFileSync(`${dbFile}-wal`, join(dir, `${name}-wal`));
    return infoOf(dir, name)!;
  } finally {
    live?.close();
  }
}

import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { ConcordError, badInput } from '../shared/errors.ts';
import type { Db } from './database.ts';
import { isWholeProject, vacuumInto } from './data/backups.ts';
import type { BackupInfo, RestoreResult } from '../shared/types.ts';
export type { BackupInfo, RestoreResult };


const NAME = /^(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})Z-([a-z0-9][a-z0-9-]*)\.db$/;

export function backupDir(dbFile: string): string {
  return join(dirname(dbFile), `${basename(dbFile)}.backups`);
}

function slugReason(reason: string): string {
  return reason.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'backup';
}

function infoOf(dir: string, name: string): BackupInfo | null {
  const m = NAME.exec(name);
  if (!m) return null;
  return { name, time: `${m[1]}T${m[2]}:${m[3]}:${m[4]}.${m[5]}Z`, size: statSync(join(dir, name)).size, reason: m[6] };
}

/** A free backup path for `reason`: the current time, moved on by a millisecond while taken. */
function freshPath(dbFile: string, reason: string): { dir: string; name: string } {
  const dir = backupDir(dbFile);
  mkdirSync(dir, { recursive: true });
  for (let t = Date.now(); ; t++) {
    const name = `${new Date(t).toISOString().replace(/[:.]/g, '-')}-${slugReason(reason)}.db`;
    if (!existsSync(join(dir, name))) return { dir, name };
  }
}

/**
 * Snapshots an open database. `VACUUM INTO` is SQLite's consistent online copy, and it is
 * synchronous: nothing this process does can slip in between the backup and the write that
 * follows it (the async `db.backup()` would leave that gap). An in-memory database has no file
 * to protect and is refused.
 */
export function backupDatabase(db: Db, reason: string): BackupInfo {
  if (db.memory) throw new ConcordError('internal', 'an in-memory database cannot be backed up');
  const { dir, name } = freshPath(db.name, reason);
  vacuumInto(db, join(dir, name));
  return infoOf(dir, name)!;
}

/** Backups of a project file, newest first. */
export function listBackups(dbFile: string): BackupInfo[] {
  const dir = backupDir(dbFile);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((n) => infoOf(dir, n))
    .filter((b): b is BackupInfo => b !== null)
    .sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
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
  const damaged = () => badInput(`backup "${name}" is damaged or not a Concord project; nothing was changed`, { file: join(dir, name) });
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

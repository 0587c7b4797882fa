import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { threadId } from 'node:worker_threads';
import type { Db } from '../database.ts';
import type { AgreementRows, ForAgreement, HandedColumns } from './agreement-rows.ts';
import { migrationLog } from './schema.ts';

/**
 * The label columns agreement reads (agreement-rows.ts), saved beside a large project's file
 * so that the next session, or the next command, takes them over instead of reading a million
 * labels again. Only ever a copy: read only when the schema and a SHA-256 of what they hold
 * agree, taken over as another connection's columns are (`adoptColumns`: the same codebook, the
 * log still holding the event they stood at, brought up to date from the log since), and kept
 * only if they then count as many labels, up to the same row, as the table holds; else they are
 * read again, as before. A file that cannot be written or read is left alone: nothing depends on it.
 */

/** Below this many labels a full read takes a fraction of a second: nothing is saved. */
export const SAVED_FROM_LABELS = { value: 200_000 };

/** Bumped whenever what is saved changes shape: an older file is read as none. */
const SHAPE = 1;

interface Saved extends HandedColumns {
  shape: typeof SHAPE;
  /** The file's schema (its last migration) when saved: a migration may rewrite labels without logging it. */
  schema: number;
  /** SHA-256 of the columns as saved (`digestOf`): a file damaged on disk is read as none. */
  digest: string;
}

/** Where a project file's columns are saved: beside it, as its backups are. */
export const savedColumnsBeside = (file: string) => `${file}.label-columns`;

function savedColumnsFile(db: Db): string | undefined {
  return db.memory || db.name === '' ? undefined : savedColumnsBeside(db.name);
}

/** Saves columns current as of their place in the log (a large project's only; a failed write leaves none). */
export function saveColumns(db: Db, handed: HandedColumns): void {
  const file = savedColumnsFile(db);
  if (!file || handed.data.rows.count < SAVED_FROM_LABELS.value) return;
  const data = { ...handed.data, rows: trimmed(handed.data.rows) };
  const saved: Saved = { shape: SHAPE, schema: migrationLog(db).version(), digest: digestOf(data), codebook: handed.codebook, logMark: handed.logMark, dead: handed.dead, data };
  removeStalePartials(file);
  // Written whole under another name, then renamed: a reader finds the old file or the new one, never half of one.
  const partial = `${file}.${process.pid}-${threadId}.partial`;
  try {
    writeFileSync(partial, serialize(saved));
    renameSync(partial, file);
  } catch {
    try {
      rmSync(partial, { force: true });
    } catch {
      // Nothing depends on it: a partial file is never read.
    }
  }
}

/** How old another save's partial file must be before it is taken for one cut short rather than one being written. */
const STALE_PARTIAL_MS = 60_000;

/**
 * A save is made after its answer (agreement-rows.ts), so a worker ended meanwhile may stop it
 * between writing and renaming: its partial file, never read, is removed by a later save.
 */
function removeStalePartials(file: string): void {
  const prefix = `${basename(file)}.`;
  try {
    for (const name of readdirSync(dirname(file))) {
      if (!name.startsWith(prefix) || !name.endsWith('.partial')) continue;
      const partial = join(dirname(file), name);
      if (Date.now() - statSync(partial).mtimeMs > STALE_PARTIAL_MS) rmSync(partial, { force: true });
    }
  } catch {
    // Nothing depends on it: a partial file is never read.
  }
}

/** The columns saved beside this project's file, if any can be read. */
export function savedColumns(db: Db): HandedColumns | undefined {
  const file = savedColumnsFile(db);
  if (!file) return undefined;
  try {
    const saved = deserialize(readFileSync(file)) as Partial<Saved> | null;
    if (saved?.shape !== SHAPE || saved.schema !== migrationLog(db).version() || typeof saved.codebook !== 'string' || !saved.data) return undefined;
    // (Damaged columns that still read as some other shape fail here, or throw.)
    if (digestOf(saved.data) !== saved.digest) return undefined;
    return { codebook: saved.codebook, logMark: saved.logMark, dead: saved.dead ?? 0, data: saved.data };
  } catch {
    return undefined;
  }
}

/** The rows as they count, without their times (read again when asked): the columns cut to their count. */
function trimmed(rows: AgreementRows): AgreementRows {
  const cut = (a: Int32Array) => a.slice(0, rows.count);
  return {
    count: rows.count,
    rowid: cut(rows.rowid),
    entry: cut(rows.entry),
    annotator: cut(rows.annotator),
    dimension: cut(rows.dimension),
    value: cut(rows.value),
    version: cut(rows.version),
    dimensions: rows.dimensions,
    values: rows.values,
    versions: rows.versions,
  };
}

const COLUMNS = ['rowid', 'entry', 'annotator', 'dimension', 'value', 'version'] as const;

/** SHA-256 of the columns, their texts and every mark, in a fixed order. */
function digestOf(data: ForAgreement): string {
  const hash = createHash('sha256');
  const { rows } = data;
  hash.update(JSON.stringify([rows.count, rows.dimensions, rows.values, rows.versions]));
  for (const c of COLUMNS) hash.update(rows[c].subarray(0, rows.count));
  for (const marks of [data.submitted, data.assigned]) {
    hash.update(JSON.stringify([...marks].map(([annotator, own]) => [annotator, own.length])));
    for (const own of marks.values()) hash.update(own);
  }
  return hash.digest('hex');
}

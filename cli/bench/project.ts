import { createWriteStream, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { backupDir } from '../../db/backup.ts';
import { openDatabase, PAGE_SIZE } from '../../db/database.ts';
import { openStore } from '../../db/data/index.ts';
import { savedColumnsBeside } from '../../db/data/saved-columns.ts';
import { projectCodebook, writePlan } from '../../db/import/index.ts';
import { emptyPlan } from '../../db/import/plan.ts';
import { entryRecords, KeptEntries, readRecords } from '../../db/import/rows.ts';
import { openProject } from '../../db/project.ts';
import { ensureProject } from '../../db/service.ts';
import { deepBenchCodebook } from '../../shared/codebook/deep-bench.ts';
import type { Service } from '../../db/service.ts';
import { FILE_OWNER } from '../../shared/door.ts';
import type { ImportProgress } from '../../shared/types.ts';
import { BENCH_ANNOTATORS, passedFlags, syntheticEntries, syntheticLabels } from './synthetic.ts';
import { timed } from './measure.ts';

/**
 * A study of `n` entries for the bench, made the way a team makes one: entry and label files
 * imported through the service's door (`imports.run`, as `concord import` does). Beside it, the
 * peer: a raw better-sqlite3 database holding the same rows (an entry table with its texts, a
 * label table), inserted with one prepared statement per row in one transaction, with the same
 * journal and sync settings as a project and SQLite's own page size (a project's pages are larger,
 * PAGE_SIZE: each round times the peer with those too, to show what of a ratio they make).
 */
export interface BenchProject {
  n: number;
  file: string;
  rawFile: string;
  service: Service;
  /** Each round of the imports beside their peers (`IMPORT_ROUNDS`); the project is the last round's. */
  imports: ImportRound[];
  bytes: number;
  rawBytes: number;
  labels: number;
  files: { entries: string; labels: string };
}

/**
 * One round of the study's imports and their peers on the same files, one right after the other,
 * so that each ratio compares the app and its peer under the same load. Times in ms.
 */
export interface ImportRound {
  /** Whole imports (reading and writing) and their writing phases. */
  entriesImportMs: number;
  entriesWriteMs: number;
  labelsImportMs: number;
  labelsWriteMs: number;
  /** The search index of the imported entries, built by the service after the import, between requests. */
  entriesIndexMs: number;
  /** The raw peer's inserts. */
  rawEntriesMs: number;
  rawLabelsMs: number;
  /** The same inserts into a raw file with a project's page size (PAGE_SIZE), not SQLite's own: what of the ratio the page size makes. */
  rawSamePagesEntriesMs: number;
  rawSamePagesLabelsMs: number;
  /** The floor under the entries import's writing phase (entriesFloor). */
  floorEntriesMs: number;
}

/**
 * How many rounds the imports are timed in. A single import on a shared machine moved from 0.48 to
 * 0.65 of its peer's speed between two runs of the bench: the figures are the rounds' medians, as
 * the bench's other repeatable figures are medians of turns taken beside their peers (sideBySide).
 */
export const IMPORT_ROUNDS = 3;

/** Writes the study's entry and label files (JSON lines). */
export async function writeStudyFiles(dir: string, n: number): Promise<{ entries: string; labels: string; labelCount: number }> {
  mkdirSync(dir, { recursive: true });
  const entries = join(dir, `entries-${n}.jsonl`);
  const labels = join(dir, `labels-${n}.jsonl`);
  const write = async (file: string, lines: Iterable<string>) => {
    const out = createWriteStream(file);
    for (const line of lines) if (!out.write(line)) await new Promise<void>((r) => out.once('drain', () => r()));
    await new Promise<void>((r) => out.end(() => r()));
  };
  await write(
    entries,
    (function* () {
      for (const e of syntheticEntries(n)) yield `${JSON.stringify({ id: e.id, prompt: e.prompt, ground_truth: e.ground_truth, output: e.output, test_log: e.test_log, passed: e.passed, repo: e.repo, function: e.function })}\n`;
    })(),
  );
  const passed = passedFlags(n);
  let labelCount = 0;
  await write(
    labels,
    (function* () {
      for (const l of syntheticLabels(n, (i) => passed[i])) {
        labelCount++;
        yield `${JSON.stringify({ entry_id: l.entryId, annotator: l.annotator, dimension: l.dimension, value: l.value })}\n`;
      }
    })(),
  );
  return { entries, labels, labelCount };
}

const RAW_SCHEMA = `
CREATE TABLE entry (id INTEGER PRIMARY KEY, ext_id TEXT NOT NULL UNIQUE, prompt TEXT, ground_truth TEXT, output TEXT, test_log TEXT, passed INTEGER, metadata TEXT);
CREATE TABLE label (entry_id INTEGER NOT NULL, annotator_id INTEGER NOT NULL, dimension TEXT NOT NULL, value TEXT NOT NULL, updated_at TEXT NOT NULL, PRIMARY KEY (entry_id, annotator_id, dimension));
`;

/** Removes a database file with its write-ahead log and shared memory. */
function removeDatabase(file: string): void {
  for (const s of ['', '-wal', '-shm']) rmSync(file + s, { force: true });
}

/** Removes a project file with what the app keeps beside it: its backups and saved label columns. */
function removeProject(file: string): void {
  removeDatabase(file);
  rmSync(backupDir(file), { recursive: true, force: true });
  rmSync(savedColumnsBeside(file), { force: true });
}

/** A raw better-sqlite3 database, with SQLite's own page size unless one is given. */
export function openRaw(file: string, pageSize?: number): Database.Database {
  removeDatabase(file);
  const db = new Database(file);
  if (pageSize) db.pragma(`page_size = ${pageSize}`);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(RAW_SCHEMA);
  return db;
}

/** A database file's size with its write-ahead log folded in. */
export function fileBytes(db: Database.Database, file: string): number {
  db.pragma('wal_checkpoint(TRUNCATE)');
  return statSync(file).size;
}

/** The raw peer's inserts of the same rows the files hold (parsed before the clock starts). */
export function rawInsert(rawFile: string, files: { entries: string; labels: string }, pageSize?: number): { entriesMs: number; labelsMs: number; bytes: number } {
  const raw = openRaw(rawFile, pageSize);
  const lines = (file: string) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  let entries: Record<string, unknown>[] = lines(files.entries);
  const insertEntry = raw.prepare('INSERT INTO entry (ext_id, prompt, ground_truth, output, test_log, passed, metadata) VALUES (?, ?, ?, ?, ?, ?, ?)');
  let t = performance.now();
  raw.transaction(() => {
    for (const e of entries) insertEntry.run(e.id, e.prompt, e.ground_truth, e.output, e.test_log, e.passed ? 1 : 0, JSON.stringify({ repo: e.repo, function: e.function }));
  })();
  const entriesMs = performance.now() - t;
  const rowOf = new Map(entries.map((e, i) => [e.id as string, i + 1]));
  entries = [];
  const labels = lines(files.labels);
  const annotatorId = new Map(BENCH_ANNOTATORS.map((a, i) => [a as string, i + 1]));
  const insertLabel = raw.prepare('INSERT INTO label (entry_id, annotator_id, dimension, value, updated_at) VALUES (?, ?, ?, ?, ?)');
  const at = new Date().toISOString();
  t = performance.now();
  raw.transaction(() => {
    for (const l of labels) insertLabel.run(rowOf.get(l.entry_id as string), annotatorId.get(l.annotator as string), l.dimension, JSON.stringify(l.value), at);
  })();
  const labelsMs = performance.now() - t;
  const bytes = fileBytes(raw, rawFile);
  raw.close();
  return { entriesMs, labelsMs, bytes };
}

/**
 * The floor under the entries import's writing phase, on the same entries: the import's own
 * writing code (writePlan) given them parsed ahead, as its first reading keeps a small file's,
 * so that the file is not read again (a large one is, to bound memory), into a new project.
 */
export async function entriesFloor(dir: string, entriesFile: string): Promise<number> {
  const kept = new KeptEntries(Infinity);
  await readRecords(entriesFile, entryRecords(entriesFile, undefined, deepBenchCodebook), (p) => kept.add(p));
  const file = join(dir, 'floor.db');
  removeDatabase(file);
  const db = openDatabase(file);
  try {
    ensureProject(db, 'floor', deepBenchCodebook);
    const plan = { ...emptyPlan('jsonl', entriesFile), files: 1, entries: kept };
    const codebook = projectCodebook(db);
    return (await timed(() => writePlan(db, plan, codebook, 'import'))).ms;
  } finally {
    db.close();
    removeDatabase(file);
  }
}

/** Until the service has indexed for search every entry an import listed (it does so after the import, between requests). */
async function untilIndexed(service: Service): Promise<void> {
  const entries = openStore(service.db).entries;
  while (entries.toIndex() > 0) await new Promise((resolve) => setTimeout(resolve, 1));
}

/** Imports a file through the door, as `concord import` does, timing the whole and its writing phase. */
async function importThroughDoor(service: Service, phases: { writing: number }, path: string, format: 'jsonl' | 'annotations'): Promise<{ ms: number; writeMs: number }> {
  phases.writing = NaN;
  const { ms } = await timed(() => service.call('imports.run', { path, format }, FILE_OWNER));
  return { ms, writeMs: performance.now() - phases.writing };
}

export async function buildProject(dir: string, n: number, say: (m: string) => void): Promise<BenchProject> {
  say(`${n} entries: writing the study's files`);
  const files = await writeStudyFiles(dir, n);
  const file = join(dir, `project-${n}.db`);
  const rawFile = join(dir, `raw-${n}.db`);
  const phases = { writing: NaN };
  const onImportProgress = (p: ImportProgress) => {
    if (p.phase === 'writing') phases.writing = performance.now();
  };
  const imports: ImportRound[] = [];
  let last: Service | undefined;
  let rawBytes = NaN;
  for (let round = 1; round <= IMPORT_ROUNDS; round++) {
    // Each round from nothing: a new project file, as a team's first import makes one.
    last?.close();
    removeProject(file);
    const service = await openProject(file, { onImportProgress, name: `bench ${n}` });
    last = service;
    say(`${n} entries, round ${round} of ${IMPORT_ROUNDS}: importing entries, then ${files.labelCount} labels, through the door (imports.run)`);
    const entries = await importThroughDoor(service, phases, files.entries, 'jsonl');
    const index = await timed(() => untilIndexed(service));
    const labels = await importThroughDoor(service, phases, files.labels, 'annotations');
    say(`${n} entries, round ${round}: the raw peer inserts the same rows`);
    const raw = rawInsert(rawFile, files);
    rawBytes = raw.bytes;
    say(`${n} entries, round ${round}: the raw peer again, with a project's page size`);
    const samePages = rawInsert(`${rawFile}.pages`, files, PAGE_SIZE);
    removeDatabase(`${rawFile}.pages`);
    say(`${n} entries, round ${round}: the import's writing code, given the entries parsed ahead`);
    const floor = await entriesFloor(dir, files.entries);
    imports.push({
      entriesImportMs: entries.ms,
      entriesWriteMs: entries.writeMs,
      labelsImportMs: labels.ms,
      labelsWriteMs: labels.writeMs,
      entriesIndexMs: index.ms,
      rawEntriesMs: raw.entriesMs,
      rawLabelsMs: raw.labelsMs,
      rawSamePagesEntriesMs: samePages.entriesMs,
      rawSamePagesLabelsMs: samePages.labelsMs,
      floorEntriesMs: floor,
    });
  }
  const service = last!;
  return { n, file, rawFile, service, imports, bytes: fileBytes(service.db, file), rawBytes, labels: files.labelCount, files };
}

import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Codebook } from '../../shared/codebook/schema.ts';
import { badInput, ConcordError } from '../../shared/errors.ts';
import { importFormats, type ImportFormat, type ImportProgress, type ImportSummary } from '../../shared/types.ts';
import type { Db } from '../database.ts';
import { openStore } from '../data/index.ts';
import { parseDlbenchEntry, PUBLISHED_ANNOTATOR, resolveMaps, type PublishedMap } from './dlbench.ts';
import { checkField, readTextFile } from './guards.ts';
import { applyPlan, emptyPlan, type EntryPatch, type ImportPlan } from './plan.ts';
import { isCsvFile, parseAnnotations, parseGenericEntries, parseModelResults, readRows } from './rows.ts';
import { parseResultFile, taxonomyIdOf } from './taxonomy-data.ts';

export { contentHash } from './plan.ts';
export { PUBLISHED_ANNOTATOR, parseMapSpec, type PublishedMap } from './dlbench.ts';
import { warningKinds } from './warnings.ts';

export interface ImportOptions {
  format?: ImportFormat;
  /** Recorded as the actor of every event the import writes. */
  actor?: string;
  onProgress?: (p: ImportProgress) => void;
  /** A team's readings of published values the codebook cannot place (Deep-Bench entry files only). */
  maps?: PublishedMap[];
}

type Progress = (p: ImportProgress) => void;

const taxonomyFolders = ['Original', 'Generated', 'Result'] as const;

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    throw badInput(`${path} does not exist or cannot be read`, { file: path });
  }
}

/** Subfolders of a Taxonomy-Data folder, found whatever their case ("result/" on some copies). */
async function taxonomyDirs(dir: string): Promise<Partial<Record<(typeof taxonomyFolders)[number], string>>> {
  const names = await readdir(dir, { withFileTypes: true });
  const out: Partial<Record<(typeof taxonomyFolders)[number], string>> = {};
  for (const want of taxonomyFolders) {
    const hit = names.find((d) => d.isDirectory() && d.name.toLowerCase() === want.toLowerCase());
    if (hit) out[want] = join(dir, hit.name);
  }
  return out;
}

async function listFiles(dir: string, ext: RegExp): Promise<string[]> {
  const names = await readdir(dir, { withFileTypes: true });
  // Plain code-point order, so the same folder always imports in the same order on every OS.
  return names
    .filter((d) => d.isFile() && !d.name.startsWith('.') && ext.test(d.name))
    .map((d) => d.name)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Tells the format of a file or folder: a folder with Original/Generated/Result is Taxonomy-Data,
 * a folder (or file) of `.txt` entries with `stage:`/`prompt:` keys is Deep-Bench; CSV and JSONL
 * files are told apart by their columns.
 */
export async function detectFormat(path: string): Promise<ImportFormat> {
  if (await isDirectory(path)) {
    const tax = await taxonomyDirs(path);
    if (Object.keys(tax).length) return 'taxonomy-data';
    const txt = await listFiles(path, /\.txt$/i);
    if (txt.length && looksLikeDlbench(await readTextFile(join(path, txt[0])))) return 'dlbench';
    throw badInput('cannot tell the format of this folder (expected Deep-Bench .txt entry files or Original/Generated/Result folders); pass --format', {
      file: path,
    });
  }
  const content = await readTextFile(path);
  if (/\.txt$/i.test(path) && looksLikeDlbench(content)) return 'dlbench';
  if (!/\.(csv|jsonl|ndjson)$/i.test(path))
    throw badInput('cannot tell the format of this file (expected .csv, .jsonl or a Deep-Bench .txt entry); pass --format', { file: path });
  // Only the header (or first object) decides; a bad row later is the importer's to report.
  const head = isCsvFile(path) ? content.split(/\r?\n/, 1)[0] : (content.split(/\r?\n/).find((l) => l.trim()) ?? '');
  const { columns } = readRows(head, path);
  const has = (...cols: string[]) => cols.every((c) => columns.includes(c));
  if (has('entry_id', 'annotator', 'dimension', 'value')) return 'annotations';
  if (has('entry_id', 'model', 'passed')) return 'results';
  if (has('id')) return isCsvFile(path) ? 'csv' : 'jsonl';
  throw badInput(
    `cannot tell what this file holds from its columns (${columns.join(', ') || 'none'}): entries need "id", annotations "entry_id, annotator, dimension, value", results "entry_id, model, passed"`,
    { file: path, line: 1 },
  );
}

function looksLikeDlbench(text: string): boolean {
  return /^\s*stage\s*:/im.test(text) && /^\s*prompt\s*:/im.test(text);
}

/** Lets the event loop breathe during long reads (the UI keeps painting its progress bar). */
const breathe = () => new Promise<void>((resolve) => setImmediate(resolve));

async function readDlbench(path: string, codebook: Codebook, progress: Progress, maps: PublishedMap[]): Promise<ImportPlan> {
  const plan = emptyPlan('dlbench', path);
  const dir = await isDirectory(path);
  const files = dir ? await listFiles(path, /\.txt$/i) : [basename(path)];
  const root = dir ? path : join(path, '..');
  if (!files.length) throw badInput('no .txt entry files in this folder', { file: path });
  plan.annotators.set(PUBLISHED_ANNOTATOR, 'reference');
  for (const [k, name] of files.entries()) {
    const file = join(root, name);
    const text = await readTextFile(file);
    checkField(text, { file, field: 'entry file' });
    const e = parseDlbenchEntry(text, file, name, codebook, maps);
    plan.entries.push({ extId: e.extId, fields: e.fields, source: { file, line: 1 } });
    plan.labels.push(...e.labels);
    plan.warnings.push(...e.warnings);
    progress({ phase: 'reading', done: k + 1, total: files.length });
    if (k % 50 === 49) await breathe();
  }
  plan.files = files.length;
  return plan;
}

async function readTaxonomy(path: string, progress: Progress): Promise<ImportPlan> {
  const plan = emptyPlan('taxonomy-data', path);
  const dirs = await taxonomyDirs(path);
  if (!Object.keys(dirs).length) throw badInput('no Original, Generated or Result folder here', { file: path });
  const jobs: { kind: (typeof taxonomyFolders)[number]; file: string; id: string }[] = [];
  for (const kind of taxonomyFolders) {
    const dir = dirs[kind];
    if (!dir) continue;
    for (const name of await listFiles(dir, kind === 'Result' ? /\.txt$/i : /\.py$/i)) jobs.push({ kind, file: join(dir, name), id: taxonomyIdOf(name) });
  }
  if (!jobs.length) throw badInput('the Original, Generated and Result folders hold no files', { file: path });
  const byId = new Map<string, EntryPatch>();
  for (const [k, job] of jobs.entries()) {
    let patch = byId.get(job.id);
    if (!patch) {
      patch = {
        extId: job.id,
        fields: {},
        source: { file: job.file },
        warnIfMissing: { kind: warningKinds.noEntry, message: `no entry "${job.id}" in the project yet; created from the Taxonomy-Data files alone (no prompt)` },
      };
      byId.set(job.id, patch);
    }
    const content = await readTextFile(job.file);
    checkField(content, { file: job.file, field: job.kind });
    if (job.kind === 'Original') patch.fields.groundTruth = content;
    else if (job.kind === 'Generated') patch.fields.output = content;
    else {
      const r = parseResultFile(content, job.file);
      patch.fields.passed = r.passed;
      patch.fields.failingTests = r.failingTests;
      patch.fields.testLog = r.testLog;
      if (r.function) patch.fields.metadata = { function: r.function };
    }
    progress({ phase: 'reading', done: k + 1, total: jobs.length });
    if (k % 50 === 49) await breathe();
  }
  for (const p of byId.values()) {
    if (p.fields.passed === undefined) plan.warnings.push({ file: p.source.file, kind: warningKinds.noResult, message: `no Result file for "${p.extId}": pass/fail unknown` });
  }
  plan.entries = [...byId.values()];
  plan.files = jobs.length;
  return plan;
}

async function readRowFile(path: string, format: ImportFormat, codebook: Codebook, progress: Progress): Promise<ImportPlan> {
  if (await isDirectory(path)) throw badInput(`--format ${format} reads one file, not a folder`, { file: path });
  const content = await readTextFile(path);
  const plan = emptyPlan(format, path);
  plan.files = 1;
  if (format === 'annotations') {
    const a = parseAnnotations(content, path, codebook);
    for (const name of a.annotators) plan.annotators.set(name, 'annotator');
    plan.labels = a.labels;
    plan.notes = a.notes;
  } else if (format === 'results') {
    plan.modelResults = parseModelResults(content, path);
  } else {
    plan.entries = parseGenericEntries(content, path);
  }
  progress({ phase: 'reading', done: 1, total: 1 });
  return plan;
}

/** Phase 1: reads and checks every file; writes nothing. */
export async function readPlan(path: string, format: ImportFormat, codebook: Codebook, progress: Progress = () => {}, maps: PublishedMap[] = []): Promise<ImportPlan> {
  if (!importFormats.includes(format)) throw new ConcordError('usage', `unknown format "${format}" (known: ${importFormats.join(', ')})`);
  if (maps.length && format !== 'dlbench') throw new ConcordError('usage', `--map reads published values of Deep-Bench entry files (--format dlbench), not ${format}`);
  if (format === 'dlbench') return readDlbench(path, codebook, progress, resolveMaps(maps, codebook));
  if (format === 'taxonomy-data') return readTaxonomy(path, progress);
  return readRowFile(path, format, codebook, progress);
}

/** The project's codebook, as stored with it. */
export function projectCodebook(db: Db): Codebook {
  const codebook = openStore(db).project.codebookIfAny();
  if (!codebook) throw new ConcordError('not-found', 'this database has no project yet; create one before importing');
  return codebook;
}

/**
 * Imports a file or folder into the project, all or nothing. Phase 1 reads and checks every file
 * (async, with progress); phase 2 writes the plan in one transaction, with an event per change.
 * A bad file throws a ConcordError naming file, line and field, and the database is unchanged.
 */
export async function runImport(db: Db, path: string, opts: ImportOptions = {}): Promise<ImportSummary> {
  const progress: Progress = opts.onProgress ?? (() => {});
  try {
    const codebook = projectCodebook(db);
    const format = opts.format ?? (await detectFormat(path));
    const plan = await readPlan(path, format, codebook, progress, opts.maps);
    const total = plan.entries.length + plan.labels.length + plan.modelResults.length;
    progress({ phase: 'writing', done: 0, total });
    const summary = db.transaction(() => applyPlan(db, plan, codebook, opts.actor ?? 'import')).immediate();
    progress({ phase: 'done', done: total, total });
    return summary;
  } catch (e) {
    progress({ phase: 'failed', done: 0, total: 0 });
    throw e;
  }
}

/** Where the demo project ships, beside this module in the source tree. */
export function demoDir(): string {
  return fileURLToPath(new URL('../../fixtures/demo', import.meta.url));
}

/**
 * Imports the demo project (Deep-Bench entries, their Taxonomy-Data results, three annotators'
 * labels) in one transaction. The Electron bundle passes `dir`, since its modules move.
 */
export async function seedDemo(db: Db, dir: string = demoDir()): Promise<void> {
  const codebook = projectCodebook(db);
  const plans = [
    await readPlan(join(dir, 'dlbench'), 'dlbench', codebook),
    await readPlan(join(dir, 'taxonomy-data'), 'taxonomy-data', codebook),
    await readPlan(join(dir, 'annotations.csv'), 'annotations', codebook),
  ];
  db.transaction(() => {
    for (const plan of plans) applyPlan(db, plan, codebook, 'demo');
  }).immediate();
}

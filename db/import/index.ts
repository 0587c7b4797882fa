import { lstat, readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Codebook } from '../../shared/codebook/schema.ts';
import { badInput, ConcordError } from '../../shared/errors.ts';
import type { FieldMapping } from '../../shared/field-mapping.ts';
import { importFormats, type ImportFormat, type ImportProgress, type ImportSummary, type ImportWarning } from '../../shared/types.ts';
import type { Db } from '../database.ts';
import { openStore } from '../data/index.ts';
import { withoutForeignKeyChecks } from '../data/statements.ts';
import { parseDlbenchEntry, PUBLISHED_ANNOTATOR, resolveMaps, type PublishedMap } from './dlbench.ts';
import { checkField, fileProblem, MAX_WHOLE_FILE_BYTES, readFirstLine, readTextFile } from './guards.ts';
import { backupDatabase } from '../backup.ts';
import { checkPlan, PlanCheck } from './check.ts';
import { applyPlan, emptyPlan, type EntryPatch, type ImportPlan, type PlannedLabel } from './plan.ts';
import { columnsOfRowFile, entryRecords, isCsvFile, KeptEntries, KeptLabels, labelRecords, modelResultRecords, NoteGatherer, readRecords, readRows, rereadRecords } from './rows.ts';
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
  /** The file's annotators are these machine coders (annotations only): every name in it must be one of them. */
  machines?: string[];
  /** Keep an entry whose content changed as a new version, its labels flagged for review (else the import is refused). */
  newVersion?: boolean;
  /** Back up first when the import changes an entry already here (the default, for a database in a file). */
  backup?: boolean;
  /** Which columns of a JSONL or CSV file hold the entries' ids and named texts. */
  mapping?: FieldMapping;
}

type Progress = (p: ImportProgress) => void;

const taxonomyFolders = ['Original', 'Generated', 'Result'] as const;

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch (e) {
    throw badInput(`${path} ${fileProblem(e) ?? 'does not exist or cannot be read'}`, { file: path });
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

/**
 * The files of a folder an import reads: regular files with the extension, in plain code-point
 * order (the same order on every OS). A symbolic link, or anything else that is not a regular
 * file (a FIFO, a device), is not read, and `skipped` is told, so the summary says so.
 */
async function listFiles(dir: string, ext: RegExp, skipped?: (w: ImportWarning) => void): Promise<string[]> {
  const names = await readdir(dir, { withFileTypes: true });
  const out: string[] = [];
  for (const d of names) {
    if (d.name.startsWith('.') || !ext.test(d.name)) continue;
    if (d.isFile()) out.push(d.name);
    else if (!d.isDirectory()) {
      const file = join(dir, d.name);
      const what = d.isSymbolicLink()
        ? `a symbolic link${await linkTarget(file)}; copy the file itself into the folder to import it`
        : 'not a regular file (a pipe, socket or device)';
      skipped?.({ file, kind: warningKinds.notRead, message: `not read: ${d.name} is ${what}` });
    }
  }
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

async function linkTarget(file: string): Promise<string> {
  try {
    const st = await stat(file);
    return st.isFile() ? ' to a file' : ' to something that is not a file';
  } catch {
    return ' to nothing (broken)';
  }
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
    if (txt.length && looksLikeDlbench(await readTextFile(join(path, txt[0]), { maxBytes: MAX_WHOLE_FILE_BYTES, what: 'an entry file' }))) return 'dlbench';
    throw badInput('cannot tell the format of this folder (expected Deep-Bench .txt entry files or Original/Generated/Result folders); pass --format', {
      file: path,
    });
  }
  if (/\.txt$/i.test(path) && looksLikeDlbench(await readTextFile(path, { maxBytes: MAX_WHOLE_FILE_BYTES, what: 'an entry file' }))) return 'dlbench';
  if (!/\.(csv|jsonl|ndjson)$/i.test(path)) {
    // Read it all the same: a device, a FIFO or a file in another encoding is refused for what it is.
    await readFirstLine(path);
    throw badInput('cannot tell the format of this file (expected .csv, .jsonl or a Deep-Bench .txt entry); pass --format', { file: path });
  }
  // Only the header (or first object) decides; a bad row later is the importer's to report.
  const head = await readFirstLine(path, { skipBlank: !isCsvFile(path) });
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

/** A mapped file holds entries, whatever its columns are called: JSONL or CSV by its extension. */
function entryFormatOf(path: string): ImportFormat {
  if (isCsvFile(path)) return 'csv';
  if (/\.(jsonl|ndjson)$/i.test(path)) return 'jsonl';
  throw badInput('a field mapping reads a .jsonl or .csv file; pass --format jsonl or --format csv', { file: path });
}

function looksLikeDlbench(text: string): boolean {
  return /^\s*stage\s*:/im.test(text) && /^\s*prompt\s*:/im.test(text);
}

/** Lets the event loop breathe during long reads (the UI keeps painting its progress bar). */
const breathe = () => new Promise<void>((resolve) => setImmediate(resolve));

async function readDlbench(path: string, codebook: Codebook, progress: Progress, maps: PublishedMap[]): Promise<ImportPlan> {
  const plan = emptyPlan('dlbench', path);
  const dir = await isDirectory(path);
  const files = dir ? await listFiles(path, /\.txt$/i, (w) => plan.warnings.push(w)) : [basename(path)];
  const root = dir ? path : join(path, '..');
  if (!files.length) throw badInput('no .txt entry files in this folder', { file: path });
  plan.annotators.set(PUBLISHED_ANNOTATOR, 'reference');
  const entries: EntryPatch[] = [];
  const labels: PlannedLabel[] = [];
  for (const [k, name] of files.entries()) {
    const file = join(root, name);
    const text = await readTextFile(file, { maxBytes: MAX_WHOLE_FILE_BYTES, what: 'an entry file' });
    checkField(text, { file, field: 'entry file' });
    const e = parseDlbenchEntry(text, file, name, codebook, maps);
    entries.push({ extId: e.extId, fields: e.fields, source: { file, line: 1 } });
    labels.push(...e.labels);
    plan.warnings.push(...e.warnings);
    progress({ phase: 'reading', done: k + 1, total: files.length });
    if (k % 50 === 49) await breathe();
  }
  plan.entries = entries;
  plan.labels = labels;
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
    for (const name of await listFiles(dir, kind === 'Result' ? /\.txt$/i : /\.py$/i, (w) => plan.warnings.push(w)))
      jobs.push({ kind, file: join(dir, name), id: taxonomyIdOf(name) });
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
    const content = await readTextFile(job.file, { maxBytes: MAX_WHOLE_FILE_BYTES, what: `a ${job.kind} file` });
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

/**
 * Marks the annotators of an annotations file as the machine coders named with --machine: each
 * name in the file must be one of them, and each of them must be in the file (a typo refuses the
 * import rather than importing a model's labels as a person's).
 */
function markMachines(plan: ImportPlan, machines: string[]): void {
  if (!machines.length) return;
  const named = new Map(machines.map((m) => [m.trim().toLowerCase(), m.trim()]));
  for (const name of plan.annotators.keys()) {
    if (!named.has(name.toLowerCase()))
      throw badInput(`annotator "${name}" is not one of the machine coders named (--machine ${machines.join(', --machine ')}); with --machine every annotator of the file must be a machine`, {
        file: plan.path,
        field: 'annotator',
      });
    plan.machines.add(name);
  }
  const inFile = new Set([...plan.annotators.keys()].map((n) => n.toLowerCase()));
  const absent = [...named.values()].filter((m) => !inFile.has(m.toLowerCase()));
  if (absent.length) throw badInput(`no labels of ${absent.map((m) => `"${m}"`).join(', ')} in this file (its annotators: ${[...plan.annotators.keys()].join(', ') || 'none'})`, { file: plan.path, field: 'annotator' });
}

/**
 * A CSV or JSONL file, which may be large, is never held whole: this first reading streams it,
 * checks every row and gives each record to `check` (when the plan is to be written), keeping
 * only what the checks need; the plan's results read the file again, a row at a time, when the
 * plan is written (rereadRecords). Labels are kept from the first reading in typed arrays
 * (KeptLabels), unless their distinct texts are many; entries are kept as read (KeptEntries)
 * while their texts fit a bounded budget, and otherwise read again like results.
 */
async function readRowFile(path: string, format: ImportFormat, codebook: Codebook, progress: Progress, mapping?: FieldMapping, check?: PlanCheck): Promise<ImportPlan> {
  if (await isDirectory(path)) throw badInput(`--format ${format} reads one file, not a folder`, { file: path });
  const plan = emptyPlan(format, path);
  plan.files = 1;
  if (format === 'annotations') {
    const records = labelRecords(path, codebook);
    const notes = new NoteGatherer();
    const kept = new KeptLabels(path);
    const first = await readRecords(path, records, (r) => {
      check?.label(r.label);
      notes.add(r);
      kept.add(r.label);
    });
    for (const name of records.annotators) plan.annotators.set(name, 'annotator');
    // Labels are small: kept from this reading, unless their texts are many (rows.ts, KeptLabels).
    plan.labels = kept.kept ? kept : rereadRecords(path, first, () => labelRecords(path, codebook, { repeats: false }), (r) => r.label);
    plan.notes = notes.all();
    for (const n of plan.notes) check?.note(n);
  } else if (format === 'results') {
    const first = await readRecords(path, modelResultRecords(path), (r) => check?.modelResult(r));
    plan.modelResults = rereadRecords(path, first, () => modelResultRecords(path, { repeats: false }), (r) => r);
  } else {
    const kept = new KeptEntries();
    const first = await readRecords(path, entryRecords(path, mapping, codebook), (p) => {
      check?.entry(p);
      kept.add(p);
    });
    // Kept from this reading when their texts fit (rows.ts, KeptEntries); else read again as they are written.
    plan.entries = kept.kept ? kept : rereadRecords(path, first, () => entryRecords(path, mapping, codebook, { repeats: false }), (p) => p);
  }
  progress({ phase: 'reading', done: 1, total: 1 });
  return plan;
}

/** The columns of a JSONL or CSV file (its header; every key of every line), for a field mapping to choose from. */
export async function columnsOfFile(path: string): Promise<string[]> {
  if (await isDirectory(path)) throw badInput('a field mapping reads one JSONL or CSV file, not a folder', { file: path });
  entryFormatOf(path);
  return columnsOfRowFile(path);
}

/**
 * Phase 1: reads and checks every file; writes nothing. With `check`, each record is also
 * checked against the project as it is read (then `check.finish(plan)`).
 */
export async function readPlan(
  path: string,
  format: ImportFormat,
  codebook: Codebook,
  progress: Progress = () => {},
  maps: PublishedMap[] = [],
  machines: string[] = [],
  mapping?: FieldMapping,
  check?: PlanCheck,
): Promise<ImportPlan> {
  if (!importFormats.includes(format)) throw new ConcordError('usage', `unknown format "${format}" (known: ${importFormats.join(', ')})`);
  if (maps.length && format !== 'dlbench') throw new ConcordError('usage', `--map reads published values of Deep-Bench entry files (--format dlbench), not ${format}`);
  if (machines.length && format !== 'annotations') throw new ConcordError('usage', `--machine names the machine coders of an annotations file (--format annotations), not ${format}`);
  if (mapping && format !== 'jsonl' && format !== 'csv') throw new ConcordError('usage', `a field mapping (--field, --id, --mapping) reads entries from JSONL or CSV (--format jsonl or csv), not ${format}`);
  if (format === 'dlbench' || format === 'taxonomy-data') {
    const plan = format === 'dlbench' ? await readDlbench(path, codebook, progress, resolveMaps(maps, codebook)) : await readTaxonomy(path, progress);
    check?.all(plan);
    return plan;
  }
  const plan = await readRowFile(path, format, codebook, progress, mapping, check);
  markMachines(plan, machines);
  return plan;
}

/** The project's codebook, as stored with it. */
export function projectCodebook(db: Db): Codebook {
  const codebook = openStore(db).project.codebookIfAny();
  if (!codebook) throw new ConcordError('not-found', 'this database has no project yet; create one before importing');
  return codebook;
}

/**
 * Imports a file or folder into the project, all or nothing. Phase 1 reads and checks every file
 * (async, with progress, each file streamed with its limits) and checks each record against the
 * project (check.ts); an import that changes an entry already here is backed up; phase 2 writes
 * the plan in one transaction, with an event per change (what of a CSV or JSONL file was not
 * kept from its first reading within a bounded budget is read again for it, so that neither
 * phase holds a large file whole). A bad file throws a ConcordError naming
 * file, line and field, and the database is unchanged.
 */
export async function runImport(db: Db, path: string, opts: ImportOptions = {}): Promise<ImportSummary> {
  const progress: Progress = opts.onProgress ?? (() => {});
  try {
    const codebook = projectCodebook(db);
    const format = opts.format ?? (opts.mapping ? entryFormatOf(path) : await detectFormat(path));
    for (let attempt = 1; ; attempt++) {
      // A file of rows is checked as it is read; what was not kept of it is read again as it is written (readRowFile).
      const check = new PlanCheck(db, { newVersion: opts.newVersion }, format === 'dlbench' || format === 'taxonomy-data');
      const plan = await readPlan(path, format, codebook, progress, opts.maps, opts.machines, opts.mapping, check);
      const { touchesExisting } = check.finish(plan);
      // The check ran while the app went on answering: if entries or annotators changed meanwhile
      // (another import, a pack), it is run again on the project as it is now, never trusted stale.
      const moved = check.changedSince(plan);
      if (moved.recheck) {
        if (attempt < CHECKS) continue;
        throw new ConcordError('conflict', `the project's entries or annotators changed ${CHECKS} times while this file was being checked (another import or a merge ran meanwhile); nothing was imported. Import it again once the other one is done`, { file: path });
      }
      const backup = (touchesExisting || moved.overwrites) && opts.backup !== false && !db.memory ? backupDatabase(db, 'import') : null;
      const total = plan.entries.length + plan.labels.length + plan.modelResults.length;
      progress({ phase: 'writing', done: 0, total });
      // Another connection may have written between the look above and this transaction's start.
      const summary = writePlan(db, plan, codebook, opts.actor ?? 'import', () => !check.changedSince(plan).recheck);
      if (!summary) continue;
      summary.backup = backup;
      progress({ phase: 'done', done: total, total });
      return summary;
    }
  } catch (e) {
    progress({ phase: 'failed', done: 0, total: 0 });
    throw e;
  }
}

/**
 * Phase 2: writes a plan read and checked, in one transaction taken at once (the indexes its
 * tables' rows go to built after them); null, writing nothing, when `stillSo` finds, inside the
 * transaction, that the project moved under the check.
 */
export function writePlan(db: Db, plan: ImportPlan, codebook: Codebook, actor: string, stillSo: () => boolean = () => true): ImportSummary | null {
  return withoutForeignKeyChecks(db, () => db.transaction(() => (stillSo() ? openStore(db).importing(() => applyPlan(db, plan, codebook, actor)) : null)).immediate());
}

/** How many times an import checks its file against a project that keeps changing under it before it gives up. */
const CHECKS = 3;

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
  for (const plan of plans) checkPlan(db, plan);
  db.transaction(() => {
    for (const plan of plans) applyPlan(db, plan, codebook, 'demo');
  }).immediate();
}

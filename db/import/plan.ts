import { createHash } from 'node:crypto';
import { checkPinnedLines } from '../lines.ts';
import type { Codebook } from '../../shared/codebook/schema.ts';
import { dimensionApplies, findDimension, isEmptyValue, type LabelValue } from '../../shared/codebook/values.ts';
import { conflictReason } from '../../shared/consensus/consensus.ts';
import { groupWarnings, unplacedValues, warningKinds } from './warnings.ts';
import { badInput, ConcordError } from '../../shared/errors.ts';
import type { AnnotatorRole, EntryMetadata, ImportFormat, ImportSummary, ImportWarning } from '../../shared/types.ts';
import { now, type Db } from '../database.ts';
import { openStore, TEXT_FIELDS, type EntryColumns, type EntryRef, type EntryRow, type TextField } from '../data/index.ts';
import { importLabel, importNewLabels, importNewOwnRecords, importOwnRecord } from '../labels.ts';
import { recordContentChange } from './versions.ts';

/** Where a planned change came from, so a refusal in the writing phase can still name it. */
export interface Source {
  file: string;
  line?: number;
  field?: string;
}

/** Fields an import sets on an entry; a field left undefined keeps its current value. */
export interface EntryFields {
  prompt?: string;
  groundTruth?: string;
  output?: string;
  testLog?: string;
  /** Other named texts (an entry of another shape: code, trace, input ...), by stored name; a text left out keeps its value. */
  texts?: Record<string, string>;
  passed?: boolean | null;
  failingTests?: string[];
  metadata?: EntryMetadata;
}

export interface EntryPatch {
  extId: string;
  fields: EntryFields;
  source: Source;
  /** Warn when the entry does not exist yet (a result with no entry file, say). */
  warnIfMissing?: { kind: string; message: string };
}

export interface PlannedLabel {
  extId: string;
  annotator: string;
  dimension: string;
  value: LabelValue;
  /** The value as JSON, when the reading kept it so (KeptLabels): a new label is written from it, not parsed and written out again. */
  valueJson?: string;
  updatedAt?: string;
  source: Source;
}

export interface PlannedNote {
  extId: string;
  annotator: string;
  text: string;
  source: Source;
}

export interface PlannedModelResult {
  extId: string;
  model: string;
  passed: boolean;
  testsPassed: number | null;
  testsTotal: number | null;
  source: Source;
}

/**
 * Records of one kind a plan writes: held in memory (a folder of small files), kept compactly
 * (a file's labels, rows.ts), or read again from their file each time they are gone through (a
 * CSV or JSONL file, which may be large: see index.ts), with how many there are.
 */
export type Records<T> = Iterable<T> & { readonly length: number };

/** Everything one import will write, built without touching the database. */
export interface ImportPlan {
  /** Entries whose content changes and is to be kept as a new version (set by the check, with `newVersion`). */
  newVersions?: Set<string>;
  format: ImportFormat;
  path: string;
  files: number;
  entries: Records<EntryPatch>;
  /** Annotators the import needs, with the role a new one gets. */
  annotators: Map<string, AnnotatorRole>;
  labels: Records<PlannedLabel>;
  notes: PlannedNote[];
  modelResults: Records<PlannedModelResult>;
  warnings: ImportWarning[];
  /** Annotators of the file that are machine coders (`--machine`): kind `machine`, no assignments. */
  machines: Set<string>;
}

export function emptyPlan(format: ImportFormat, path: string): ImportPlan {
  return { format, path, files: 0, entries: [], annotators: new Map(), labels: [], notes: [], modelResults: [], warnings: [], machines: new Set() };
}

/**
 * Identifies an entry's content for packs and change detection; NUL keeps the fields apart. An
 * entry's other named texts follow by name (none: the hash of a Deep-Bench entry, as it always was).
 */
export function contentHash(prompt: string, groundTruth: string, output: string, texts: Record<string, string> = {}): string {
  // Piece by piece: the same bytes as the texts joined, without making each entry's texts one string first.
  const hash = createHash('sha256').update(prompt).update('\0').update(groundTruth).update('\0').update(output);
  for (const name of Object.keys(texts).sort()) if (texts[name]) hash.update('\0').update(name).update('\0').update(texts[name]);
  return hash.digest('hex');
}

export interface EntryState {
  prompt: string;
  groundTruth: string;
  output: string;
  testLog: string;
  /** Named texts other than the four above, by stored name (only non-empty ones). */
  texts: Record<string, string>;
  passed: boolean | null;
  failingTests: string[];
  metadata: EntryMetadata;
}

const deepBenchNames = new Set<string>(Object.values(TEXT_FIELDS));

/** The named texts of a row that are not Deep-Bench's four. */
export function otherTexts(fields: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(fields).sort()) if (!deepBenchNames.has(name) && fields[name]) out[name] = fields[name];
  return out;
}

export function stateOf(row: EntryRow): EntryState {
  const text = (f: TextField) => row.fields[TEXT_FIELDS[f]] ?? '';
  return {
    prompt: text('prompt'),
    groundTruth: text('groundTruth'),
    output: text('output'),
    testLog: text('testLog'),
    texts: otherTexts(row.fields),
    passed: row.passed === null ? null : row.passed === 1,
    failingTests: JSON.parse(row.failing_tests) as string[],
    metadata: JSON.parse(row.metadata) as EntryMetadata,
  };
}

/**
 * What the log records of a created entry: everything but its texts, which the entry holds (the
 * log would store every text a second time); their lengths and the content hash say what they were.
 */
function creation(s: EntryState, hash: string) {
  const lengths: Record<string, number> = {};
  for (const [k, name] of Object.entries(TEXT_FIELDS)) if (s[k as TextField]) lengths[name] = s[k as TextField].length;
  for (const [name, text] of Object.entries(s.texts)) lengths[name] = text.length;
  return { passed: s.passed, failingTests: s.failingTests, metadata: s.metadata, contentHash: hash, textLengths: lengths };
}

/** Metadata keys in a fixed order so equal metadata is equal JSON. */
function sortedMetadata(m: EntryMetadata): EntryMetadata {
  const out: EntryMetadata = {};
  for (const k of Object.keys(m).sort()) if (m[k] !== undefined && m[k] !== '') out[k] = m[k];
  return out;
}

export function merge(state: EntryState, f: EntryFields): EntryState {
  return {
    prompt: f.prompt ?? state.prompt,
    groundTruth: f.groundTruth ?? state.groundTruth,
    output: f.output ?? state.output,
    testLog: f.testLog ?? state.testLog,
    texts: otherTexts({ ...state.texts, ...(f.texts ?? {}) }),
    passed: f.passed !== undefined ? f.passed : state.passed,
    failingTests: f.failingTests ?? state.failingTests,
    metadata: sortedMetadata({ ...state.metadata, ...(f.metadata ?? {}) }),
  };
}

const blank: EntryState = { prompt: '', groundTruth: '', output: '', testLog: '', texts: {}, passed: null, failingTests: [], metadata: {} };

/** The fields that differ, as {before, after} halves for the event log. */
function diff(a: EntryState, b: EntryState): { before: Partial<EntryState>; after: Partial<EntryState> } | null {
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  for (const k of Object.keys(b) as (keyof EntryState)[]) {
    if (JSON.stringify(a[k]) !== JSON.stringify(b[k])) {
      before[k] = a[k];
      after[k] = b[k];
    }
  }
  return Object.keys(after).length ? { before: before as Partial<EntryState>, after: after as Partial<EntryState> } : null;
}

/**
 * Writes a plan. Call it inside a transaction: it throws a located bad-input error when the plan
 * does not fit the database (an unknown entry), and the caller's transaction then rolls
 * everything back. A label on a dimension that does not apply to its entry (a bug on an output
 * that passed) is not refused: real labels and real results disagree, and the lead must see that.
 * It is written, warned about and listed in `conflicts`; adjudication lists it as a conflict.
 */
export function applyPlan(db: Db, plan: ImportPlan, codebook: Codebook, actor: string): ImportSummary {
  const summary: ImportSummary = {
    format: plan.format,
    path: plan.path,
    files: plan.files,
    entriesCreated: 0,
    entriesUpdated: 0,
    labels: 0,
    annotatorsCreated: 0,
    modelResults: 0,
    warnings: [...plan.warnings],
    groups: [],
    unplaced: [],
    conflicts: [],
    kept: [],
    newVersions: [],
    backup: null,
  };
  const store = openStore(db);
  const at = now();
  const columns = (s: EntryState): EntryColumns => ({
    fields: { ...s.texts, prompt: s.prompt, ground_truth: s.groundTruth, output: s.output, test_log: s.testLog },
    passed: s.passed === null ? null : s.passed ? 1 : 0,
    failingTests: JSON.stringify(s.failingTests),
    metadata: JSON.stringify(s.metadata),
    hash: contentHash(s.prompt, s.groundTruth, s.output, s.texts),
  });

  const created = new Set<string>();
  // Into a project with no entries yet (a first import), an entry is here only if this import
  // wrote it: the others need no look-up.
  const noneBefore = !store.entries.any();
  // New entries are written a few hundred at a time, many rows to a statement; anything else an
  // entry needs (an update, the same id again) waits until those before it are written, so rows
  // and events come in the file's order.
  let creating: { extId: string; state: EntryState; columns: EntryColumns }[] = [];
  const writeCreated = () => {
    if (!creating.length) return;
    store.entries.insertMany(creating, at);
    store.events.appendMany(creating.map((e) => ({ actor, kind: 'entry.create', entryId: e.extId, before: null, after: creation(e.state, e.columns.hash), at })));
    creating = [];
  };
  for (const p of plan.entries) {
    if (created.has(p.extId) || creating.length >= 256) writeCreated();
    const row = noneBefore && !created.has(p.extId) ? undefined : store.entries.row(p.extId);
    if (!row) {
      const state = merge(blank, p.fields);
      creating.push({ extId: p.extId, state, columns: columns(state) });
      created.add(p.extId);
      summary.entriesCreated++;
      if (p.warnIfMissing) summary.warnings.push({ ...p.source, ...p.warnIfMissing });
      continue;
    }
    writeCreated();
    const before = stateOf(row);
    const after = merge(before, p.fields);
    const d = diff(before, after);
    if (!d) continue;
    store.entries.update(row.id, columns(after), at);
    store.events.append({ actor, kind: 'entry.update', entryId: p.extId, before: d.before, after: d.after, at });
    const replaced = plan.newVersions?.has(p.extId) === true;
    const afterHash = columns(after).hash;
    if (replaced || afterHash !== row.content_hash) {
      const version = recordContentChange(store, { row, before, after, afterHash, replaced, actor, at });
      if (version) summary.newVersions.push(version);
    }
    // An entry created earlier in this same import is still "created", not also "updated".
    if (!created.has(p.extId)) summary.entriesUpdated++;
  }
  writeCreated();

  const annotatorIds = new Map<string, number>();
  const roles = new Map<string, AnnotatorRole>();
  for (const [name, role] of plan.annotators) {
    const machine = plan.machines.has(name);
    const row = store.annotators.withKind(name);
    if (row) {
      // A person's labels never become a machine's, nor the other way round.
      const kind = row.kind;
      if (machine && kind !== 'machine')
        throw badInput(`"${name}" is a person in this project (${row.role}); a machine coder needs a name of its own`, { file: plan.path, field: 'annotator' });
      if (!machine && kind === 'machine')
        throw badInput(`"${name}" is a machine coder in this project: import its labels with --machine ${name}`, { file: plan.path, field: 'annotator' });
      annotatorIds.set(name, row.id);
      roles.set(name, row.role);
      continue;
    }
    annotatorIds.set(name, store.annotators.insert(name, role, at));
    roles.set(name, role);
    const id = annotatorIds.get(name)!;
    if (machine) store.annotators.setKind(id, 'machine');
    store.events.append({ actor, kind: 'annotator.create', before: null, after: machine ? { name, role, kind: 'machine' } : { name, role }, at });
    summary.annotatorsCreated++;
  }

  const entryCache = new Map<string, EntryRef>();
  // A file with a label for most entries: every entry's reference read in one pass, not one look-up each.
  if (plan.labels.length && plan.labels.length >= store.entries.count()) for (const r of store.entries.refs()) entryCache.set(r.id, r);
  const needEntry = (extId: string, source: Source) => {
    let e = entryCache.get(extId);
    if (!e) {
      e = store.entries.ref(extId);
      if (!e) throw badInput(`no entry with id "${extId}" in this project (import the entries first)`, { ...source, field: source.field ?? 'entry_id' });
      entryCache.set(extId, e);
    }
    return e;
  };

  // Labels new to the project, on entries nobody has decided yet, are written without an event
  // each, many to a statement: the import's one `label.import` event counts them (at a million
  // labels, an event each would double the project file). A label that replaces a value, or that
  // lands on a decided entry (which it may make stale), keeps its own event.
  const decided = store.decisions.decidedEntries();
  const fresh = new Map<number, { labels: boolean; submissions: boolean }>();
  for (const id of annotatorIds.values()) fresh.set(id, { labels: !store.labels.anyOf(id), submissions: !store.labels.anyOwnOf('submission', id) });
  const dimensions = new Map(codebook.dimensions.map((d) => [d.id, d]));
  const quiet = { labels: 0, submissions: 0, assignments: 0 };
  type LabelWrite = Parameters<typeof importNewLabels>[1][number];
  let batch: LabelWrite[] = [];
  const flush = () => {
    quiet.labels += batch.length;
    importNewLabels(store, batch);
    batch = [];
  };

  // Per entry and annotator (row ids packed into one number).
  const touched = new Map<number, { entry: EntryRef; annotatorId: number; annotator: string }>();
  const writeLabels = () => {
    for (const l of plan.labels) {
      const entry = needEntry(l.extId, l.source);
      const dim = dimensions.get(l.dimension) ?? findDimension(codebook, l.dimension);
      if (!dim) throw new ConcordError('internal', `planned label for unknown dimension ${l.dimension}`);
      try {
        checkPinnedLines(store, dim, entry.rowId, l.value);
      } catch (e) {
        if (e instanceof ConcordError) throw badInput(e.message, { ...l.source, field: 'value' });
        throw e;
      }
      if (!dimensionApplies(dim, entry) && !isEmptyValue(l.value)) {
        const reason = conflictReason(dim, entry.passed);
        summary.conflicts.push({ entryId: l.extId, annotator: l.annotator, dimension: dim.id, value: l.value, reason, file: l.source.file, line: l.source.line });
        summary.warnings.push({
          ...l.source,
          field: l.source.field ?? 'dimension',
          kind: warningKinds.conflict,
          message: `${l.annotator}'s ${dim.label} label on "${l.extId}" conflicts with the entry's result (${reason}); imported, and listed as a conflict`,
        });
      }
      const annotatorId = annotatorIds.get(l.annotator);
      if (annotatorId === undefined) throw new ConcordError('internal', `planned label for undeclared annotator ${l.annotator}`);
      const pair = entry.rowId * 2 ** 20 + annotatorId;
      if (!touched.has(pair)) touched.set(pair, { entry, annotatorId, annotator: l.annotator });
      const annotator = { id: annotatorId, name: l.annotator };
      if (fresh.get(annotatorId)!.labels && !decided.has(entry.id)) {
        summary.labels++;
        // Built field by field, not spread from the write below: at 1.1 million labels a spread
        // made the writing phase 40 to 80% slower.
        batch.push({ entry, annotator, actor, at, dimension: dim.id, valueJson: l.valueJson ?? JSON.stringify(l.value), codebookVersion: codebook.version, updatedAt: l.updatedAt });
        if (batch.length >= 4096) flush();
        continue;
      }
      const r = importLabel(store, { entry, annotator, actor, at, dimension: dim.id, value: l.value, codebookVersion: codebook.version, updatedAt: l.updatedAt });
      if (r.outcome === 'set') summary.labels++;
      else if (r.outcome === 'kept') {
        summary.kept.push({ entryId: l.extId, annotator: l.annotator, dimension: dim.id, kept: r.kept, file: l.value, source: l.source.file, line: l.source.line });
        summary.warnings.push({
          ...l.source,
          field: l.source.field ?? 'value',
          kind: warningKinds.kept,
          message: `${l.annotator}'s ${dim.label} on "${l.extId}" stays ${r.kept === null ? 'cleared' : JSON.stringify(r.kept)}, not ${JSON.stringify(l.value)}`,
        });
      }
    }
    flush();
  };
  // When every label is new (fresh annotators, no decided entry), none replaces or clears one,
  // so none can have a tombstone to clear: they are written without the trigger that looks for one.
  const allNew = decided.size === 0 && [...fresh.values()].every((f) => f.labels);
  if (allNew && plan.labels.length) store.labels.insertingWithoutTombstones(writeLabels);
  else writeLabels();

  // Labels still made on an entry's earlier content, once the file's own labels are written.
  for (const v of summary.newVersions) v.flagged = store.entryVersions.flaggedOn(store.entries.ref(v.entryId)!.rowId);

  for (const n of plan.notes) {
    const entry = needEntry(n.extId, n.source);
    importOwnRecord(store, 'note', { entry, annotator: { id: annotatorIds.get(n.annotator)!, name: n.annotator }, actor, at, value: n.text });
  }

  // Imported labels are finished work: submitted, and the annotator is assigned to the entry.
  // Those new to the project are written many to a statement, a few thousand at a time.
  let newAssignments: [number, number][] = [];
  let newSubmissions: Parameters<typeof importNewOwnRecords>[2] = [];
  const flushOwn = () => {
    quiet.assignments += store.assignments.insertManyIfAbsent(newAssignments);
    quiet.submissions += importNewOwnRecords(store, 'submission', newSubmissions);
    newAssignments = [];
    newSubmissions = [];
  };
  for (const t of touched.values()) {
    const own = { entry: t.entry, annotator: { id: t.annotatorId, name: t.annotator }, actor, at, value: 'submitted' };
    const isQuiet = !decided.has(t.entry.id);
    // Only people who label get an assignment; reference, adjudicator and machine labels are not a queue.
    if (roles.get(t.annotator) === 'annotator' && !plan.machines.has(t.annotator)) {
      if (isQuiet) newAssignments.push([t.entry.rowId, t.annotatorId]);
      else if (store.assignments.insertIfAbsent(t.entry.rowId, t.annotatorId))
        store.events.append({ actor, kind: 'assignment.create', entryId: t.entry.id, before: null, after: { annotator: t.annotator }, at });
    }
    if (isQuiet && fresh.get(t.annotatorId)!.submissions) newSubmissions.push(own);
    else importOwnRecord(store, 'submission', own);
    if (newSubmissions.length >= 4096 || newAssignments.length >= 4096) flushOwn();
  }
  flushOwn();
  if (quiet.labels || quiet.assignments || quiet.submissions)
    store.events.append({
      actor,
      kind: 'label.import',
      after: { path: plan.path, format: plan.format, labels: quiet.labels, submitted: quiet.submissions, assigned: quiet.assignments, annotators: [...plan.annotators.keys()] },
      at,
    });

  for (const r of plan.modelResults) {
    const entry = needEntry(r.extId, r.source);
    const old = store.modelResults.get(entry.rowId, r.model);
    const after = { model: r.model, passed: r.passed, testsPassed: r.testsPassed, testsTotal: r.testsTotal };
    if (old && old.passed === (r.passed ? 1 : 0) && old.tests_passed === r.testsPassed && old.tests_total === r.testsTotal) continue;
    store.modelResults.upsert(entry.rowId, r.model, r.passed, r.testsPassed, r.testsTotal);
    const before = old ? { model: r.model, passed: old.passed === 1, testsPassed: old.tests_passed, testsTotal: old.tests_total } : null;
    store.events.append({ actor, kind: 'model-result.set', entryId: r.extId, before, after, at });
    summary.modelResults++;
  }
  if (plan.machines.size) summary.machines = [...plan.machines];
  summary.groups = groupWarnings(summary.warnings);
  summary.unplaced = unplacedValues(summary.warnings);
  return summary;
}

import type { EntryRow } from '../entry-row.ts';
import { createHash } from 'node:crypto';
import type { Codebook } from '../../shared/codebook/schema.ts';
import { dimensionApplies, findDimension, isEmptyValue, type LabelValue } from '../../shared/codebook/values.ts';
import { conflictReason } from '../../shared/consensus/consensus.ts';
import { groupWarnings, unplacedValues, warningKinds } from './warnings.ts';
import { badInput, ConcordError } from '../../shared/errors.ts';
import type { AnnotatorRole, EntryMetadata, ImportFormat, ImportSummary, ImportWarning } from '../../shared/types.ts';
import type { Db } from '../database.ts';
import { now } from '../database.ts';
import { appendEvent } from '../events.ts';
import { annotatorKinds } from '../data/annotator-kinds.ts';

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

/** Everything one import will write, built without touching the database. */
export interface ImportPlan {
  format: ImportFormat;
  path: string;
  files: number;
  entries: EntryPatch[];
  /** Annotators the import needs, with the role a new one gets. */
  annotators: Map<string, AnnotatorRole>;
  labels: PlannedLabel[];
  notes: PlannedNote[];
  modelResults: PlannedModelResult[];
  warnings: ImportWarning[];
  /** Annotators of the file that are machine coders (`--machine`): kind `machine`, no assignments. */
  machines: Set<string>;
}

export function emptyPlan(format: ImportFormat, path: string): ImportPlan {
  return { format, path, files: 0, entries: [], annotators: new Map(), labels: [], notes: [], modelResults: [], warnings: [], machines: new Set() };
}

/** Identifies an entry's content for packs and change detection; NUL keeps the fields apart. */
export function contentHash(prompt: string, groundTruth: string, output: string): string {
  return createHash('sha256').update(`${prompt}\0${groundTruth}\0${output}`).digest('hex');
}

interface EntryState {
  prompt: string;
  groundTruth: string;
  output: string;
  testLog: string;
  passed: boolean | null;
  failingTests: string[];
  metadata: EntryMetadata;
}

function stateOf(row: EntryRow): EntryState {
  return {
    prompt: row.prompt,
    groundTruth: row.ground_truth,
    output: row.output,
    testLog: row.test_log,
    passed: row.passed === null ? null : row.passed === 1,
    failingTests: JSON.parse(row.failing_tests) as string[],
    metadata: JSON.parse(row.metadata) as EntryMetadata,
  };
}

/** Metadata keys in a fixed order so equal metadata is equal JSON. */
function sortedMetadata(m: EntryMetadata): EntryMetadata {
  const out: EntryMetadata = {};
  for (const k of Object.keys(m).sort()) if (m[k] !== undefined && m[k] !== '') out[k] = m[k];
  return out;
}

function merge(state: EntryState, f: EntryFields): EntryState {
  return {
    prompt: f.prompt ?? state.prompt,
    groundTruth: f.groundTruth ?? state.groundTruth,
    output: f.output ?? state.output,
    testLog: f.testLog ?? state.testLog,
    passed: f.passed !== undefined ? f.passed : state.passed,
    failingTests: f.failingTests ?? state.failingTests,
    metadata: sortedMetadata({ ...state.metadata, ...(f.metadata ?? {}) }),
  };
}

const blank: EntryState = { prompt: '', groundTruth: '', output: '', testLog: '', passed: null, failingTests: [], metadata: {} };

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
  };
  const at = now();
  const getEntry = db.prepare('SELECT * FROM entry WHERE ext_id = ?');
  const insertEntry = db.prepare(
    `INSERT INTO entry (ext_id, prompt, ground_truth, output, test_log, passed, failing_tests, metadata, content_hash, created_at, updated_at)
     VALUES (@extId, @prompt, @groundTruth, @output, @testLog, @passed, @failingTests, @metadata, @hash, @at, @at)`,
  );
  const updateEntry = db.prepare(
    `UPDATE entry SET prompt = @prompt, ground_truth = @groundTruth, output = @output, test_log = @testLog, passed = @passed,
     failing_tests = @failingTests, metadata = @metadata, content_hash = @hash, updated_at = @at WHERE id = @id`,
  );
  const rowParams = (s: EntryState) => ({
    prompt: s.prompt,
    groundTruth: s.groundTruth,
    output: s.output,
    testLog: s.testLog,
    passed: s.passed === null ? null : s.passed ? 1 : 0,
    failingTests: JSON.stringify(s.failingTests),
    metadata: JSON.stringify(s.metadata),
    hash: contentHash(s.prompt, s.groundTruth, s.output),
    at,
  });

  const created = new Set<string>();
  for (const p of plan.entries) {
    const row = getEntry.get(p.extId) as EntryRow | undefined;
    if (!row) {
      const state = merge(blank, p.fields);
      insertEntry.run({ extId: p.extId, ...rowParams(state) });
      appendEvent(db, { actor, kind: 'entry.create', entryId: p.extId, before: null, after: state, at });
      created.add(p.extId);
      summary.entriesCreated++;
      if (p.warnIfMissing) summary.warnings.push({ ...p.source, ...p.warnIfMissing });
      continue;
    }
    const before = stateOf(row);
    const after = merge(before, p.fields);
    const d = diff(before, after);
    if (!d) continue;
    updateEntry.run({ id: row.id, ...rowParams(after) });
    appendEvent(db, { actor, kind: 'entry.update', entryId: p.extId, before: d.before, after: d.after, at });
    // An entry created earlier in this same import is still "created", not also "updated".
    if (!created.has(p.extId)) summary.entriesUpdated++;
  }

  const annotatorIds = new Map<string, number>();
  const roles = new Map<string, AnnotatorRole>();
  const getAnnotator = db.prepare('SELECT id, name, role FROM annotator WHERE name = ? COLLATE NOCASE');
  const insertAnnotator = db.prepare('INSERT INTO annotator (name, role, created_at) VALUES (?, ?, ?)');
  const kinds = annotatorKinds(db);
  for (const [name, role] of plan.annotators) {
    const machine = plan.machines.has(name);
    const row = getAnnotator.get(name) as { id: number; role: AnnotatorRole } | undefined;
    if (row) {
      // A person's labels never become a machine's, nor the other way round.
      const kind = kinds.byName(name)!.kind;
      if (machine && kind !== 'machine')
        throw badInput(`"${name}" is a person in this project (${row.role}); a machine coder needs a name of its own`, { file: plan.path, field: 'annotator' });
      if (!machine && kind === 'machine')
        throw badInput(`"${name}" is a machine coder in this project: import its labels with --machine ${name}`, { file: plan.path, field: 'annotator' });
      annotatorIds.set(name, row.id);
      roles.set(name, row.role);
      continue;
    }
    const r = insertAnnotator.run(name, role, at);
    annotatorIds.set(name, Number(r.lastInsertRowid));
    roles.set(name, role);
    if (machine) kinds.setKind(Number(r.lastInsertRowid), 'machine');
    appendEvent(db, { actor, kind: 'annotator.create', before: null, after: machine ? { name, role, kind: 'machine' } : { name, role }, at });
    summary.annotatorsCreated++;
  }

  const entryCache = new Map<string, { id: number; passed: boolean | null }>();
  const needEntry = (extId: string, source: Source) => {
    let e = entryCache.get(extId);
    if (!e) {
      const row = db.prepare('SELECT id, passed FROM entry WHERE ext_id = ?').get(extId) as { id: number; passed: number | null } | undefined;
      if (!row) throw badInput(`no entry with id "${extId}" in this project (import the entries first)`, { ...source, field: source.field ?? 'entry_id' });
      e = { id: row.id, passed: row.passed === null ? null : row.passed === 1 };
      entryCache.set(extId, e);
    }
    return e;
  };

  const getLabel = db.prepare('SELECT value FROM label WHERE entry_id = ? AND annotator_id = ? AND dimension = ?');
  const upsertLabel = db.prepare(
    `INSERT INTO label (entry_id, annotator_id, dimension, value, codebook_version, updated_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (entry_id, annotator_id, dimension) DO UPDATE SET value = excluded.value,
       codebook_version = excluded.codebook_version, updated_at = excluded.updated_at`,
  );
  const touched = new Map<string, { entryId: number; annotatorId: number; extId: string; annotator: string }>();
  for (const l of plan.labels) {
    const entry = needEntry(l.extId, l.source);
    const dim = findDimension(codebook, l.dimension);
    if (!dim) throw new ConcordError('internal', `planned label for unknown dimension ${l.dimension}`);
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
    touched.set(`${entry.id}/${annotatorId}`, { entryId: entry.id, annotatorId, extId: l.extId, annotator: l.annotator });
    const json = JSON.stringify(l.value);
    const old = getLabel.get(entry.id, annotatorId, dim.id) as { value: string } | undefined;
    if (old?.value === json) continue;
    upsertLabel.run(entry.id, annotatorId, dim.id, json, codebook.version, l.updatedAt ?? at);
    appendEvent(db, {
      actor,
      kind: 'label.set',
      entryId: l.extId,
      dimension: dim.id,
      before: old ? { annotator: l.annotator, value: JSON.parse(old.value) } : null,
      after: { annotator: l.annotator, value: l.value },
      at,
    });
    summary.labels++;
  }

  const getNote = db.prepare('SELECT text FROM note WHERE entry_id = ? AND annotator_id = ?');
  const upsertNote = db.prepare(
    `INSERT INTO note (entry_id, annotator_id, text, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (entry_id, annotator_id) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at`,
  );
  for (const n of plan.notes) {
    const entry = needEntry(n.extId, n.source);
    const annotatorId = annotatorIds.get(n.annotator)!;
    const old = getNote.get(entry.id, annotatorId) as { text: string } | undefined;
    if (old?.text === n.text) continue;
    upsertNote.run(entry.id, annotatorId, n.text, at);
    appendEvent(db, { actor, kind: 'note.set', entryId: n.extId, before: old ? { annotator: n.annotator, text: old.text } : null, after: { annotator: n.annotator, text: n.text }, at });
  }

  // Imported labels are finished work: submitted, and the annotator is assigned to the entry.
  const getSubmission = db.prepare('SELECT status FROM submission WHERE entry_id = ? AND annotator_id = ?');
  const upsertSubmission = db.prepare(
    `INSERT INTO submission (entry_id, annotator_id, status, updated_at) VALUES (?, ?, 'submitted', ?)
     ON CONFLICT (entry_id, annotator_id) DO UPDATE SET status = 'submitted', updated_at = excluded.updated_at`,
  );
  const assign = db.prepare('INSERT OR IGNORE INTO assignment (entry_id, annotator_id) VALUES (?, ?)');
  for (const t of touched.values()) {
    // Only people who label get an assignment; reference, adjudicator and machine labels are not a queue.
    if (roles.get(t.annotator) === 'annotator' && !plan.machines.has(t.annotator) && assign.run(t.entryId, t.annotatorId).changes)
      appendEvent(db, { actor, kind: 'assignment.create', entryId: t.extId, before: null, after: { annotator: t.annotator }, at });
    const old = getSubmission.get(t.entryId, t.annotatorId) as { status: string } | undefined;
    if (old?.status === 'submitted') continue;
    upsertSubmission.run(t.entryId, t.annotatorId, at);
    appendEvent(db, { actor, kind: 'submission.set', entryId: t.extId, before: old ? { annotator: t.annotator, status: old.status } : null, after: { annotator: t.annotator, status: 'submitted' }, at });
  }

  const getResult = db.prepare('SELECT passed, tests_passed, tests_total FROM model_result WHERE entry_id = ? AND model = ?');
  const upsertResult = db.prepare(
    `INSERT INTO model_result (entry_id, model, passed, tests_passed, tests_total) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (entry_id, model) DO UPDATE SET passed = excluded.passed, tests_passed = excluded.tests_passed, tests_total = excluded.tests_total`,
  );
  for (const r of plan.modelResults) {
    const entry = needEntry(r.extId, r.source);
    const old = getResult.get(entry.id, r.model) as { passed: number; tests_passed: number | null; tests_total: number | null } | undefined;
    const after = { model: r.model, passed: r.passed, testsPassed: r.testsPassed, testsTotal: r.testsTotal };
    if (old && old.passed === (r.passed ? 1 : 0) && old.tests_passed === r.testsPassed && old.tests_total === r.testsTotal) continue;
    upsertResult.run(entry.id, r.model, r.passed ? 1 : 0, r.testsPassed, r.testsTotal);
    const before = old ? { model: r.model, passed: old.passed === 1, testsPassed: old.tests_passed, testsTotal: old.tests_total } : null;
    appendEvent(db, { actor, kind: 'model-result.set', entryId: r.extId, before, after, at });
    summary.modelResults++;
  }
  if (plan.machines.size) summary.machines = [...plan.machines];
  summary.groups = groupWarnings(summary.warnings);
  summary.unplaced = unplacedValues(summary.warnings);
  return summary;
}

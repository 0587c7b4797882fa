import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deepBenchCodebook } from '../../shared/codebook/index.ts';
import type { LabelValue } from '../../shared/codebook/values.ts';
import type { AnnotatorRole } from '../../shared/types.ts';
import { acceptMajorities, decide } from '../../db/adjudication.ts';
import { addComment, setReason } from '../../db/comments.ts';
import { decideRevision } from '../../db/revisions.ts';
import { closeRound, createRound, setGold } from '../../db/rounds.ts';
import { openDatabase, type Db } from '../../db/database.ts';
import { openStore } from '../../db/data/index.ts';

/** Test support for consensus and exports: a fresh Deep-Bench project and direct writes into it. */
export function freshProject(): { db: Db; dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'concord-consensus-'));
  const db = openDatabase(join(dir, 'project.db'));
  db.prepare('INSERT INTO project (id, name, codebook_json, created_at) VALUES (1, ?, ?, ?)').run('test', JSON.stringify(deepBenchCodebook), '2025-01-01T00:00:00.000Z');
  return {
    db,
    dir,
    cleanup: () => {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const T = '2025-01-01T00:00:00.000Z';

export function addEntry(db: Db, id: string, passed: boolean | null, metadata: Record<string, string> = {}, prompt = ''): number {
  return openStore(db).entries.insert(
    id,
    { fields: { prompt }, passed: passed === null ? null : passed ? 1 : 0, failingTests: '[]', metadata: JSON.stringify(metadata), hash: '' },
    T,
  );
}

export function addAnnotator(db: Db, name: string, role: AnnotatorRole = 'annotator'): number {
  const row = db.prepare('SELECT id FROM annotator WHERE name = ?').get(name) as { id: number } | undefined;
  if (row) return row.id;
  return Number(db.prepare('INSERT INTO annotator (name, role, created_at) VALUES (?, ?, ?)').run(name, role, T).lastInsertRowid);
}

/** Writes a label as submitted work (or as a draft), the way an import or the app leaves it. */
export function addLabel(db: Db, entryId: string, annotator: string, dimension: string, value: LabelValue, status: 'draft' | 'submitted' = 'submitted'): void {
  const e = db.prepare('SELECT id FROM entry WHERE ext_id = ?').get(entryId) as { id: number };
  const a = addAnnotator(db, annotator);
  db.prepare('INSERT OR REPLACE INTO label (entry_id, annotator_id, dimension, value, codebook_version, updated_at) VALUES (?, ?, ?, ?, ?, ?)').run(
    e.id,
    a,
    dimension,
    JSON.stringify(value),
    '1.0.0',
    T,
  );
  db.prepare('INSERT OR REPLACE INTO submission (entry_id, annotator_id, status, updated_at) VALUES (?, ?, ?, ?)').run(e.id, a, status, T);
}

export function addModelResult(db: Db, entryId: string, model: string, passed: boolean): void {
  const e = db.prepare('SELECT id FROM entry WHERE ext_id = ?').get(entryId) as { id: number };
  db.prepare('INSERT OR REPLACE INTO model_result (entry_id, model, passed) VALUES (?, ?, ?)').run(e.id, model, passed ? 1 : 0);
}

const meta = (fn: string) => ({ repo: 'kornia', function: fn, groundTruthPath: `kornia/${fn}.py`, testCases: `tests/test_${fn}.py::test_${fn}` });

/**
 * The small project of the golden exports: each consensus status and the awkward inputs a real
 * study brings (ids with commas and slashes, a cell that looks like a formula, LaTeX specials in a
 * rationale, a reference annotator and a draft that must not count), with two models' results.
 */
export function buildSmallProject(db: Db): void {
  addEntry(db, 'rotate, 7', false, { ...meta('rotate'), class: 'Rotator' }, 'Rotate points.\nKeep the batch axis.');
  addEntry(db, 'hit_rate', false, meta('hit_rate'), 'Compute hit rate at k.');
  addEntry(db, '=cmd|calc', false, meta('cmd'), 'A prompt.');
  addEntry(db, 'normalise', true, meta('normalise'), 'Normalise a batch.');
  addEntry(db, 'split/3', true, meta('split'), 'Split a tensor.');
  addAnnotator(db, 'deepbench-published', 'reference');
  const L = (e: string, d: string, a: unknown, b: unknown, c: unknown) => {
    for (const [who, v] of [['ana', a], ['ben', b], ['cai', c]] as const) if (v !== null) addLabel(db, e, who, d, v as never);
  };
  L('rotate, 7', 'stage', 'pre-post-processing', 'pre-post-processing', 'pre-post-processing');
  L('rotate, 7', 'task', 'general', 'general', 'object-detection');
  L('rotate, 7', 'input', 'image', 'image', 'image');
  L('rotate, 7', 'bug', ['wrong-input-type::tensor-shape-mismatch'], ['wrong-input-type::tensor-shape-mismatch', 'missing-corner-case::not-dl-related'], ['wrong-input-type::tensor-shape-mismatch']);
  L('hit_rate', 'stage', 'evaluation-metrics', 'evaluation-metrics', 'evaluation-metrics');
  L('hit_rate', 'task', 'recommendation', 'recommendation', 'recommendation');
  L('hit_rate', 'input', 'structured-array', 'others', 'text');
  L('hit_rate', 'bug', ['operation-calculation-error::incorrect-algebraic-calculations'], ['syntax-error'], ['misinterpretation::not-dl-related']);
  L('=cmd|calc', 'stage', 'training', 'inference', 'model-construction');
  L('=cmd|calc', 'task', 'classification', 'classification', null);
  L('=cmd|calc', 'input', 'text', 'text', 'text');
  L('=cmd|calc', 'bug', ['incomplete-generation'], ['incomplete-generation'], ['incomplete-generation']);
  L('normalise', 'stage', 'pre-post-processing', 'pre-post-processing', 'training');
  L('normalise', 'task', 'general', 'general', 'general');
  L('normalise', 'input', 'image', 'image', 'image');
  L('split/3', 'stage', 'inference', 'inference', 'inference');
  L('split/3', 'task', 'general', 'general', 'general');
  L('split/3', 'input', 'structured-array', 'structured-array', 'structured-array');
  // Must not count: the published labels and a draft.
  addLabel(db, 'hit_rate', 'deepbench-published', 'input', 'image');
  addLabel(db, 'split/3', 'dee', 'stage', 'training', 'draft');

  acceptMajorities(db, { decidedBy: 'lead', dimension: 'stage' });
  decide(db, { entryId: 'rotate, 7', dimension: 'task', value: 'object-detection', decidedBy: 'lead', rationale: 'boxes & 50% of "it" =per the tests_' });
  decide(db, { entryId: 'rotate, 7', dimension: 'bug', value: ['wrong-input-type::tensor-shape-mismatch'], decidedBy: 'lead' });
  decide(db, { entryId: 'hit_rate', dimension: 'input', value: 'structured-array', decidedBy: 'ana' });
  decide(db, { entryId: '=cmd|calc', dimension: 'stage', value: 'training', decidedBy: 'lead' });
  // hit_rate's bug stays an open 1-1-1 split: no final value, not counted.

  // A study that calibrates: prompt rewrites and the final one, comments (one looks like a
  // formula, one holds HTML), reasons for disagreements, a closed pilot round and gold answers.
  addLabel(db, 'hit_rate', 'ana', 'prompt-revision', 'Compute hit rate at k.\nReturn a float in [0, 1].');
  addLabel(db, 'hit_rate', 'ben', 'prompt-revision', 'Compute the hit rate at k of ranked items.');
  decideRevision(db, { entryId: 'hit_rate', dimension: 'prompt-revision', text: 'Compute the hit rate at k of ranked items.\nReturn a float in [0, 1].', decidedBy: 'lead' });
  addComment(db, { annotator: 'ana', entryId: 'hit_rate', text: 'Is k inclusive? <b>unclear</b>' });
  addComment(db, { annotator: 'ben', entryId: 'hit_rate', text: '=SUM(A1) "quoted", and a comma' });
  setReason(db, { as: 'lead', entryId: 'hit_rate', dimension: 'input', reason: 'definition-unclear' });
  setReason(db, { as: 'lead', entryId: 'hit_rate', dimension: '', reason: 'codebook-gap' });
  setReason(db, { as: 'lead', entryId: '=cmd|calc', dimension: 'stage', reason: 'missed-evidence' });
  createRound(db, { as: 'lead', name: 'pilot', entryIds: ['rotate, 7', 'hit_rate', '=cmd|calc'] });
  closeRound(db, { as: 'lead', name: 'pilot' });
  createRound(db, { as: 'lead', name: 'round 2', entryIds: ['normalise', 'split/3'] });
  setGold(db, { as: 'lead', entryId: 'normalise', values: { stage: 'pre-post-processing', task: 'general' } });
  setGold(db, { as: 'lead', entryId: 'split/3', values: { stage: 'inference' } });

  for (const [e, gpt, mistral] of [
    ['rotate, 7', false, false],
    ['hit_rate', true, false],
    ['=cmd|calc', false, false],
    ['normalise', true, true],
    ['split/3', true, false],
  ] as const) {
    addModelResult(db, e, 'GPT-4o', gpt);
    addModelResult(db, e, 'Mistral 7B', mistral);
  }
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deepBenchCodebook } from '../../shared/codebook/index.ts';
import type { LabelValue } from '../../shared/codebook/values.ts';
import type { AnnotatorRole } from '../../shared/types.ts';
import { openDatabase, type Db } from '../database.ts';

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
  const r = db
    .prepare("INSERT INTO entry (ext_id, prompt, passed, metadata, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)")
    .run(id, prompt, passed === null ? null : passed ? 1 : 0, JSON.stringify(metadata), T, T);
  return Number(r.lastInsertRowid);
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

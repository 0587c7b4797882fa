import { openDatabase } from '../database.ts';
import { openStore } from '../data/index.ts';
import { deepBenchCodebook } from '../../shared/codebook/index.ts';
import type { Db } from '../database.ts';
import { FILE_OWNER } from '../../shared/door.ts';
import { contentHash, createService, ensureProject, type Service } from '../service.ts';

/** Test helpers: a project with the pack schema, a fixed uid and a few entries. */
export const TEST_UID = 'test-project-uid';

export function addEntry(db: Db, id: string, passed: boolean | null = false, output = `out ${id}`): void {
  const t = '2024-01-01T00:00:00.000Z';
  openStore(db).entries.insert(
    id,
    {
      fields: { prompt: `prompt ${id}`, ground_truth: `gt ${id}`, output, test_log: 'log' },
      passed: passed === null ? null : passed ? 1 : 0,
      failingTests: '[]',
      metadata: '{}',
      hash: contentHash(`prompt ${id}`, `gt ${id}`, output),
    },
    t,
  );
}

export function makeProject(file: string, opts: { entries?: string[]; annotators?: string[]; uid?: string } = {}): Service {
  const db = openDatabase(file);
  ensureProject(db, 'Deep-Bench study', deepBenchCodebook);
  db.prepare('UPDATE project SET uid = ?').run(opts.uid ?? TEST_UID);
  for (const e of opts.entries ?? []) addEntry(db, e);
  const s = createService(db);
  for (const a of opts.annotators ?? []) s.call('project.addAnnotator', { name: a }, FILE_OWNER);
  return s;
}

/** The merged state by names (internal row ids depend on insertion order), as one string. */
export function dumpWork(db: Db): string {
  const q = (sql: string) => JSON.stringify(db.prepare(sql).all());
  return [
    q(`SELECT e.ext_id, a.name, l.dimension, l.value, l.codebook_version, l.updated_at FROM label l JOIN entry e ON e.id = l.entry_id JOIN annotator a ON a.id = l.annotator_id ORDER BY 1, 2, 3`),
    q(`SELECT e.ext_id, a.name, c.dimension, c.codebook_version, c.cleared_at FROM label_clear c JOIN entry e ON e.id = c.entry_id JOIN annotator a ON a.id = c.annotator_id ORDER BY 1, 2, 3`),
    q(`SELECT e.ext_id, a.name, n.text, n.updated_at FROM note n JOIN entry e ON e.id = n.entry_id JOIN annotator a ON a.id = n.annotator_id ORDER BY 1, 2`),
    q(`SELECT e.ext_id, a.name, s.status, s.updated_at FROM submission s JOIN entry e ON e.id = s.entry_id JOIN annotator a ON a.id = s.annotator_id ORDER BY 1, 2`),
    q(`SELECT name, role FROM annotator ORDER BY name`),
  ].join('\n');
}

/** Every table including the event log: what "nothing changed" is checked against. */
export function dumpAll(db: Db): string {
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
  return tables.map((t) => `${t}:${JSON.stringify(db.prepare(`SELECT * FROM "${t}" ORDER BY 1`).all())}`).join('\n');
}

import { createHash } from 'node:crypto';
import { openDatabase } from '../../db/database.ts';
import { openStore } from '../../db/data/index.ts';
import type { Pack } from '../../db/packs/format.ts';
import { sign } from '../../db/packs/sign.ts';
import { deepBenchCodebook } from '../../shared/codebook/index.ts';
import type { Db } from '../../db/database.ts';
import { FILE_OWNER } from '../../shared/door.ts';
import { contentHash, createService, ensureProject, type Service } from '../../db/service.ts';

/** Test helpers: a project with the pack schema, a fixed uid and a few entries. */
export const TEST_UID = 'test-project-uid';

/** A fixed pack secret per annotator name, so packs made by hand verify in every test project. */
export const testSecret = (name: string): string => createHash('sha256').update(`concord test key:${name.toLowerCase()}`).digest('hex');

/** A pack made by hand, signed as its annotator's starter file would sign it (with `testSecret`). */
export function signedText(pack: Pack): string {
  return JSON.stringify(sign({ ...pack, signature: undefined }, testSecret(pack.annotator)));
}

/** A pack edited by hand, signed again with the key `db` holds for its annotator (as their own file would sign it). */
export function signedIn(db: Db, pack: Pack): string {
  const store = openStore(db);
  const a = store.annotators.byName(pack.annotator);
  const secret = a && store.keys.secretOf(a.id);
  if (!secret) throw new Error(`no key for ${pack.annotator}`);
  return JSON.stringify(sign({ ...pack, signature: undefined }, secret));
}

/** Gives an annotator of `db` the test secret (as a starter file made for them would). */
export function giveTestKey(db: Db, name: string): void {
  const store = openStore(db);
  const a = store.annotators.byName(name);
  if (!a) throw new Error(`no annotator ${name}`);
  store.keys.put(a.id, testSecret(name), '2024-01-01T00:00:00.000Z');
}

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

/** A project; its annotators get the test secrets (`testSecret`), so packs signed with `signedText` merge into it. */
export function makeProject(file: string, opts: { entries?: string[]; annotators?: string[]; uid?: string } = {}): Service {
  const db = openDatabase(file);
  ensureProject(db, 'Deep-Bench study', deepBenchCodebook);
  db.prepare('UPDATE project SET uid = ?').run(opts.uid ?? TEST_UID);
  for (const e of opts.entries ?? []) addEntry(db, e);
  const s = createService(db);
  for (const a of opts.annotators ?? []) {
    s.call('project.addAnnotator', { name: a }, FILE_OWNER);
    giveTestKey(db, a);
  }
  return s;
}

/** The merged state by names (internal row ids depend on insertion order), as one string. */
export function dumpWork(db: Db): string {
  const q = (sql: string) => JSON.stringify(db.prepare(sql).all());
  return [
    q(
      `SELECT e.ext_id, a.name, l.dimension, l.value, l.codebook_version, l.updated_at, l.clock, l.content_hash FROM label l JOIN entry e ON e.id = l.entry_id JOIN annotator a ON a.id = l.annotator_id ORDER BY 1, 2, 3`,
    ),
    q(`SELECT e.ext_id, a.name, c.dimension, c.codebook_version, c.cleared_at, c.clock FROM label_clear c JOIN entry e ON e.id = c.entry_id JOIN annotator a ON a.id = c.annotator_id ORDER BY 1, 2, 3`),
    q(`SELECT e.ext_id, a.name, n.text, n.updated_at, n.clock FROM note n JOIN entry e ON e.id = n.entry_id JOIN annotator a ON a.id = n.annotator_id ORDER BY 1, 2`),
    q(`SELECT e.ext_id, a.name, s.status, s.updated_at, s.clock FROM submission s JOIN entry e ON e.id = s.entry_id JOIN annotator a ON a.id = s.annotator_id ORDER BY 1, 2`),
    q(`SELECT a.name, a.role, c.clock FROM annotator a LEFT JOIN annotator_clock c ON c.annotator_id = a.id ORDER BY a.name`),
  ].join('\n');
}

/** Every table including the event log: what "nothing changed" is checked against. */
export function dumpAll(db: Db): string {
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
  return tables.map((t) => `${t}:${JSON.stringify(db.prepare(`SELECT * FROM "${t}" ORDER BY 1`).all())}`).join('\n');
}

import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIO } from '../../cli/command.ts';
import { main } from '../../cli/main.ts';
import { openDatabase, schemaVersion } from '../../db/database.ts';
import { migrations } from '../../db/migrations/index.ts';
import { createService } from '../../db/service.ts';
import { FILE_OWNER } from '../../shared/door.ts';
import { repoRoot } from '../helpers/concord-server.ts';

// A project made by the first released schema (fixtures/schema/v1.db, migration 001 only) opens
// with today's migrations, nothing lost; a project from a newer Concord is refused, untouched.

const v1 = join(repoRoot, 'fixtures', 'schema', 'v1.db');
let work: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'concord-schema-'));
});
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

function copyOfV1(name: string): string {
  const file = join(work, name);
  copyFileSync(v1, file);
  return file;
}

/** Every row of the tables the first schema had, in its own columns, sorted. */
function v1Content(file: string): Record<string, string[]> {
  const db = new Database(file, { readonly: true });
  try {
    const out: Record<string, string[]> = {};
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'schema_migration' ORDER BY name").all() as { name: string }[];
    for (const { name } of tables) out[name] = (db.prepare(`SELECT * FROM "${name}"`).all() as unknown[]).map((r) => JSON.stringify(r)).sort();
    return out;
  } finally {
    db.close();
  }
}

function sameRowsIn(file: string, before: Record<string, string[]>): void {
  const db = new Database(file, { readonly: true });
  try {
    for (const [table, rows] of Object.entries(before)) {
      const cols = Object.keys(JSON.parse(rows[0] ?? '{}'));
      const select = cols.length ? cols.map((c) => `"${c}"`).join(', ') : '*';
      const now = (db.prepare(`SELECT ${select} FROM ${source(db, table)}`).all() as unknown[]).map((r) => JSON.stringify(r)).sort();
      expect(now, `table ${table}`).toEqual(rows);
    }
  } finally {
    db.close();
  }
}

/** A table as the first schema had it: since migration 005, an entry's texts are named fields beside its row. */
function source(db: Database.Database, table: string): string {
  const moved = table === 'entry' && db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'entry_field'").get();
  if (!moved) return `"${table}"`;
  const text = (name: string) => `COALESCE((SELECT f.text FROM entry_field f WHERE f.entry_id = e.id AND f.name = '${name}'), '') AS ${name}`;
  return `(SELECT e.*, ${['prompt', 'ground_truth', 'output', 'test_log'].map(text).join(', ')} FROM entry e)`;
}

function capture(): { io: CliIO; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return { io: { stdout: (t) => void (out += t), stderr: (t) => void (err += t) }, out: () => out, err: () => err };
}

describe('a database from the first released schema', () => {
  it('is the fixture it claims to be: schema 1, the demo project in it', () => {
    // A copy: even a read-only open of a WAL database leaves -wal and -shm files beside it.
    const db = new Database(copyOfV1('look.db'), { readonly: true });
    try {
      expect(db.prepare('SELECT version, name FROM schema_migration').all()).toEqual([{ version: 1, name: '001-initial' }]);
      const n = (t: string) => (db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n;
      expect(n('entry')).toBeGreaterThan(30);
      expect(n('label')).toBeGreaterThan(300);
      expect(n('annotator')).toBe(4);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
  });

  it('opens with the built-in migrations and migrates to the latest schema, every row kept', () => {
    const file = copyOfV1('current.db');
    const before = v1Content(file);
    const db = openDatabase(file);
    try {
      expect(schemaVersion(db)).toBe(Math.max(...migrations.map((m) => m.version)));
      const info = createService(db).call('project.info', {}, FILE_OWNER);
      expect(info.counts.entries).toBe(before.entry.length);
      expect(info.counts.labels).toBe(before.label.length);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
    sameRowsIn(file, before);
  });

  it('takes migration 002 (packs): every project gets its own id, no label becomes a tombstone', () => {
    const file = copyOfV1('packs.db');
    const before = v1Content(file);
    const db = openDatabase(file);
    try {
      expect(schemaVersion(db)).toBe(Math.max(...migrations.map((m) => m.version)));
      expect(schemaVersion(db)).toBeGreaterThanOrEqual(2);
      const uid = (db.prepare('SELECT uid FROM project WHERE id = 1').get() as { uid: string | null }).uid;
      expect(uid).toMatch(/^[0-9a-f]{32}$/);
      expect((db.prepare('SELECT COUNT(*) AS n FROM label_clear').get() as { n: number }).n).toBe(0);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
    sameRowsIn(file, before);
    // A second copy migrates to another id: ids tell projects apart, even ones made alike.
    const other = openDatabase(copyOfV1('packs-2.db'));
    const db2 = openDatabase(file);
    try {
      const uidOf = (d: typeof db) => (d.prepare('SELECT uid FROM project WHERE id = 1').get() as { uid: string }).uid;
      expect(uidOf(other)).not.toBe(uidOf(db2));
    } finally {
      other.close();
      db2.close();
    }
  });

  it('takes migration 004 (trust): clocks in the order the old times gave, labels made on their entry, reference labels as imported, counters above every clock', () => {
    const file = copyOfV1('trust.db');
    const before = v1Content(file);
    const raw = new Database(file, { readonly: true });
    const labelsBefore = raw.prepare('SELECT entry_id, annotator_id, dimension, updated_at FROM label').all() as { entry_id: number; annotator_id: number; dimension: string; updated_at: string }[];
    raw.close();
    const startedAt = Date.now();
    const db = openDatabase(file);
    try {
      const rows = db
        .prepare(`SELECT l.entry_id, l.annotator_id, l.dimension, l.updated_at, l.clock, l.imported, COALESCE(NULLIF(l.content_hash, ''), e.content_hash) AS content_hash, e.content_hash AS entry_hash, a.role FROM label l JOIN entry e ON e.id = l.entry_id JOIN annotator a ON a.id = l.annotator_id`)
        .all() as { updated_at: string; clock: number; imported: number; content_hash: string; entry_hash: string; role: string; annotator_id: number }[];
      expect(rows).toHaveLength(labelsBefore.length);
      for (const r of rows) {
        // The time in milliseconds: every copy of a project upgraded alike, so old packs and new meet in the old order.
        expect(r.clock).toBe(Date.parse(r.updated_at));
        expect(r.content_hash).toBe(r.entry_hash);
        expect(r.imported).toBe(r.role === 'reference' ? 1 : 0);
      }
      const counters = db.prepare('SELECT annotator_id, clock FROM annotator_clock').all() as { annotator_id: number; clock: number }[];
      expect(counters).toHaveLength(before.annotator.length);
      for (const c of counters) {
        expect(c.clock).toBeGreaterThanOrEqual(Math.max(0, ...rows.filter((r) => r.annotator_id === c.annotator_id).map((r) => r.clock)));
        // Above the upgrade's own time: a pack written before it can never beat a write made after it.
        expect(c.clock).toBeGreaterThanOrEqual(startedAt - 1000);
      }
      expect(db.prepare('SELECT COUNT(*) AS n FROM annotator_key').get()).toEqual({ n: 0 });
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
  });

  it('is read by `concord info` after the upgrade, with the same counts', async () => {
    const file = copyOfV1('info.db');
    const before = v1Content(file);
    const c = capture();
    expect(await main(['info', '--db', file, '--json'], c.io), c.err()).toBe(0);
    const info = JSON.parse(c.out());
    expect(info.counts.entries).toBe(before.entry.length);
    expect(info.counts.labels).toBe(before.label.length);
    expect(info.counts.annotators).toBe(before.annotator.length);
    expect(info.schemaVersion).toBe(Math.max(...migrations.map((m) => m.version)));
  });
});

/** v1.db as a newer Concord would leave it: one more migration this build does not know. */
function newerDatabase(name: string): { file: string; bytes: Buffer } {
  const file = copyOfV1(name);
  const future = [...migrations, { version: 999, name: '999-from-the-future', sql: 'CREATE TABLE future_thing (x INTEGER);' }];
  openDatabase(file, { migrations: future }).close();
  return { file, bytes: readFileSync(file) };
}

function expectUntouched(file: string, bytes: Buffer): void {
  expect(readFileSync(file).equals(bytes), 'database bytes changed').toBe(true);
  if (existsSync(`${file}-wal`)) expect(statSync(`${file}-wal`).size).toBe(0);
}

describe('a database from a newer Concord', () => {
  it('is refused by `concord info` (its own process): exit 2, says so, bytes unchanged', async () => {
    const { file, bytes } = newerDatabase('newer-info.db');
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [join(repoRoot, 'cli', 'concord.js'), 'info', '--db', file], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stderr }));
    });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(file);
    expect(r.stderr).toMatch(/newer Concord.*999-from-the-future.*Nothing was changed/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expectUntouched(file, bytes);
  });

  it('is refused by `concord import` and the pack schema alike, bytes unchanged', async () => {
    const { file, bytes } = newerDatabase('newer-import.db');
    const c = capture();
    expect(await main(['import', join(repoRoot, 'fixtures', 'demo', 'dlbench'), '--db', file], c.io)).toBe(2);
    expect(c.err()).toMatch(/newer Concord/);
    expectUntouched(file, bytes);
    expect(() => openDatabase(file)).toThrow(/newer Concord/);
    expectUntouched(file, bytes);
  });
});

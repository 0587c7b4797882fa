import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deepBenchCodebook } from '../../shared/codebook/index.ts';
import { openDatabase, type Db } from '../database.ts';

/** Test support: a fresh project database in a temporary folder, with the Deep-Bench codebook. */
export function makeProjectDb(): { db: Db; dir: string; file: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'concord-import-'));
  const file = join(dir, 'project.db');
  const db = openDatabase(file);
  db.prepare('INSERT INTO project (id, name, codebook_json, created_at) VALUES (1, ?, ?, ?)').run('test', JSON.stringify(deepBenchCodebook), '2025-01-01T00:00:00.000Z');
  return {
    db,
    dir,
    file,
    cleanup: () => {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Every row of every table, to show that a refused import changed nothing. */
export function dumpTables(db: Db): Record<string, unknown[]> {
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[];
  const out: Record<string, unknown[]> = {};
  for (const { name } of tables) out[name] = db.prepare(`SELECT * FROM "${name}" ORDER BY rowid`).all();
  return out;
}

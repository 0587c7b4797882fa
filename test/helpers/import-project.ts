import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deepBenchCodebook, type Codebook } from '../../shared/codebook/index.ts';
import { openDatabase, type Db } from '../../db/database.ts';
import { openStore, type EntryRow } from '../../db/data/index.ts';

/** Test support: a fresh project database in a temporary folder, with the Deep-Bench codebook (or the one given). */
export function makeProjectDb(codebook: Codebook = deepBenchCodebook): { db: Db; dir: string; file: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'concord-import-'));
  const file = join(dir, 'project.db');
  const db = openDatabase(file);
  db.prepare('INSERT INTO project (id, name, codebook_json, created_at) VALUES (1, ?, ?, ?)').run('test', JSON.stringify(codebook), '2025-01-01T00:00:00.000Z');
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
  const tables = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string; sql: string }[];
  const out: Record<string, unknown[]> = {};
  // The full-text index keeps some of its tables without rowids.
  for (const { name, sql } of tables) out[name] = db.prepare(`SELECT * FROM "${name}" ORDER BY ${/WITHOUT ROWID/i.test(sql) ? '1' : 'rowid'}`).all();
  return out;
}

/** An entry's stored row with its texts as columns (prompt, ground_truth, output, test_log; '' when it has none), as tests read it. */
export function storedEntry(db: Db, extId: string): (Omit<EntryRow, 'fields'> & Record<'prompt' | 'ground_truth' | 'output' | 'test_log', string>) | undefined {
  const row = openStore(db).entries.row(extId);
  if (!row) return undefined;
  const { fields, ...rest } = row;
  return { ...rest, prompt: fields.prompt ?? '', ground_truth: fields.ground_truth ?? '', output: fields.output ?? '', test_log: fields.test_log ?? '' };
}

import { appCall } from '../../test/helpers/service.ts';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agreementReport } from '../agreement.ts';
import { openDatabase, schemaVersion } from '../database.ts';
import { runImport } from '../import/index.ts';
import { createService } from '../service.ts';

// Migration 003 on a project made by the first released schema (fixtures/schema/v1.db, the demo):
// every annotator becomes a person, nothing else moves, and a machine coder can be imported after.

const v1 = fileURLToPath(new URL('../../fixtures/schema/v1.db', import.meta.url));
const machineLabels = fileURLToPath(new URL('../../fixtures/machine/labels.jsonl', import.meta.url));
let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'concord-003-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Every table's rows as sorted JSON; with `columnsOf`, only the columns that file had too (later migrations add and move columns). */
function rowsOf(file: string, columnsOf?: string): Record<string, string[]> {
  const db = new Database(file, { readonly: true });
  const shape = columnsOf ? new Database(columnsOf, { readonly: true }) : db;
  try {
    const out: Record<string, string[]> = {};
    for (const { name } of shape.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'schema_migration' ORDER BY name").all() as { name: string }[]) {
      // The columns both files have (migration 005 moved the entries' texts into entry_field, tested there).
      const has = new Set((db.prepare(`SELECT name FROM pragma_table_info(?)`).all(name) as { name: string }[]).map((c) => c.name));
      const columns = (shape.prepare(`SELECT name FROM pragma_table_info(?)`).all(name) as { name: string }[])
        .filter((c) => has.has(c.name))
        .map((c) => `"${c.name}"`)
        .join(', ');
      if (!columns) continue; // a table the other file does not have
      out[name] = (db.prepare(`SELECT ${columns} FROM "${name}"`).all() as unknown[]).map((r) => JSON.stringify(r)).sort();
    }
    return out;
  } finally {
    db.close();
    if (shape !== db) shape.close();
  }
}

describe('migration 003 (machine coders)', () => {
  it('makes every annotator of an old project a person, keeps every row, and changes no figure', () => {
    const file = join(work, 'v1.db');
    copyFileSync(v1, file);
    const db = openDatabase(file);
    try {
      expect(schemaVersion(db)).toBeGreaterThanOrEqual(3);
      expect(db.prepare("SELECT name FROM schema_migration WHERE version = 3").get()).toEqual({ name: '003-machine-coders' });
      const kinds = db.prepare('SELECT name, kind FROM annotator ORDER BY name').all() as { name: string; kind: string }[];
      expect(kinds.length).toBe(rowsOf(v1).annotator.length);
      expect(kinds.every((k) => k.kind === 'human')).toBe(true);
      // The column refuses anything but the two kinds.
      expect(() => db.prepare("UPDATE annotator SET kind = 'robot' WHERE name = ?").run(kinds[0].name)).toThrow(/CHECK/);
      // The alpha the old project had is the alpha it has: everyone still counts as before.
      const report = agreementReport(db, { bootstrap: 0, cellUnits: false });
      expect(report.raters).toEqual(['ana', 'ben', 'cai']);
      expect(report.pooled!.figure.alpha).not.toBeNull();
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
    const before = rowsOf(v1, file);
    const after = rowsOf(file, v1);
    for (const [table, rows] of Object.entries(before)) {
      if (table !== 'label_clear' && table !== 'project') expect(after[table], table).toEqual(rows);
    }
  });

  it('lets the upgraded project take a machine coder, who stays out of the human figures', async () => {
    const file = join(work, 'v1-machine.db');
    copyFileSync(v1, file);
    const db = openDatabase(file);
    try {
      const before = agreementReport(db, { bootstrap: 0, cellUnits: false });
      const s = await runImport(db, machineLabels, { format: 'annotations', machines: ['gpt-4o', 'llama-3-70b'] });
      expect(s.machines).toEqual(['gpt-4o', 'llama-3-70b']);
      expect(appCall(createService(db), 'project.annotators', {}).map((a) => a.name)).toContain('gpt-4o');
      const after = agreementReport(db, { bootstrap: 0, cellUnits: false });
      expect(after.raters).toEqual(before.raters);
      expect(after.pooled!.figure.alpha).toBe(before.pooled!.figure.alpha);
    } finally {
      db.close();
    }
  });
});

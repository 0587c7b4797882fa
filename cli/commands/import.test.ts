import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/database.ts';
import { writeDeepBenchLike } from '../../db/import/synthetic.ts';
import { dumpTables } from '../../db/import/testing.ts';
import { runCommand } from '../testing.ts';
import { commands } from './index.ts';
import importCommand from './import.ts';

const run = (...argv: string[]) => runCommand(importCommand, argv);

const samples = fileURLToPath(new URL('../../fixtures/samples', import.meta.url));
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'concord-cli-import-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const snapshot = (file: string) => {
  const db = openDatabase(file);
  try {
    return dumpTables(db);
  } finally {
    db.close();
  }
};

describe('concord import', () => {
  it('imports a Deep-Bench folder and then its Taxonomy-Data into one project, --json printing one summary', async () => {
    const set = writeDeepBenchLike(join(dir, 'set'), { seed: 11 });
    const db = join(dir, 'p.db');
    const a = await run(set.dlbenchDir, '--db', db, '--json');
    expect(a.code).toBe(0);
    const s1 = JSON.parse(a.stdout);
    expect(s1).toMatchObject({ format: 'dlbench', entriesCreated: 520, entriesUpdated: 0, labels: 1560, annotatorsCreated: 1 });
    expect(s1.warnings.length).toBeGreaterThanOrEqual(66);
    expect(a.stderr).toMatch(/read 520\/520 files \(100%\)/);
    const b = await run(set.taxonomyDir, '--db', db, '--json', '--format', 'taxonomy-data');
    expect(b.code).toBe(0);
    expect(JSON.parse(b.stdout)).toMatchObject({ format: 'taxonomy-data', entriesCreated: 0, entriesUpdated: 490 });
    const tables = snapshot(db) as { entry: { output: string; passed: number | null }[] };
    expect(tables.entry).toHaveLength(520);
    expect(tables.entry.filter((e) => e.output !== '')).toHaveLength(490);
    expect(tables.entry.filter((e) => e.passed === 0)).toHaveLength(325);
  });

  it('prints a readable summary and the warnings without --json', async () => {
    const r = await run(join(samples, 'dlbench'), '--db', join(dir, 'p.db'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/entries created {2}3/);
    expect(r.stderr).toMatch(/warning: .*classes-tinynet_init, 7\.txt, line 1, field "stage": stage and data are swapped/);
  });

  it('exits 2 on bad input, names file, line and field, and writes nothing', async () => {
    const db = join(dir, 'p.db');
    expect((await run(join(samples, 'dlbench'), '--db', db)).code).toBe(0);
    const before = snapshot(db);
    const tax = join(dir, 'tax');
    cpSync(join(samples, 'taxonomy-data'), tax, { recursive: true });
    writeFileSync(join(tax, 'Result', 'processed_recsys_hit_rate17.txt'), 'Pass or Failed: 0\nRelated Failed Test Cases:\n{\'t.py::a\n');
    const r = await run(tax, '--db', db, '--json');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/processed_recsys_hit_rate17\.txt, line 2, field "Related Failed Test Cases"/);
    expect(snapshot(db)).toEqual(before);
  });

  it('leaves no database behind when the first import into a new file is refused', async () => {
    const db = join(dir, 'new.db');
    const r = await run(join(samples, 'annotations.csv'), '--db', db);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no entry with id "torchgeom_rotate_points42"/);
    expect(existsSync(db)).toBe(false);
  });

  it('exits 1 on usage errors', async () => {
    expect((await run(join(samples, 'dlbench'))).code).toBe(1);
    expect((await run('--db', join(dir, 'p.db'))).code).toBe(1);
    const r = await run(join(samples, 'dlbench'), '--db', join(dir, 'p.db'), '--format', 'xml');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/unknown --format "xml"/);
  });

  // Runs the real binary once the command is registered in cli/commands/index.ts.
  it.runIf(commands.some((c) => c.name === 'import'))('runs as `node cli/concord.js import`', async () => {
    const exec = promisify(execFile);
    const db = join(dir, 'p.db');
    const { stdout } = await exec(process.execPath, ['cli/concord.js', 'import', join(samples, 'dlbench'), '--db', db, '--json']);
    expect(JSON.parse(stdout)).toMatchObject({ entriesCreated: 3 });
    const bad = await exec(process.execPath, ['cli/concord.js', 'import', join(dir, 'missing'), '--db', db, '--json']).catch((e) => e);
    expect(bad.code).toBe(2);
  });
});

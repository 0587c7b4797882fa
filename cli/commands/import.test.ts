import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/database.ts';
import { writeDeepBenchLike } from '../../db/import/synthetic.ts';
import { dumpTables } from '../../test/helpers/import-project.ts';
import { deepBenchCodebook } from '../../shared/codebook/index.ts';
import { runCommand } from '../../test/helpers/cli.ts';
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
    // Every stage; every task but the 3 "Prediction"; every input type but the 58 stage-in-data entries'.
    expect(s1).toMatchObject({ format: 'dlbench', entriesCreated: 520, entriesUpdated: 0, labels: 520 + 517 + 462, annotatorsCreated: 1 });
    expect(s1.warnings).toHaveLength(66 + 58 + 289 + 3);
    expect(s1.unplaced).toMatchObject([{ field: 'task', value: 'Prediction', count: 3 }]);
    expect(a.stderr).toMatch(/read 520\/520 files \(100%\)/);
    const b = await run(set.taxonomyDir, '--db', db, '--json', '--format', 'taxonomy-data');
    expect(b.code).toBe(0);
    expect(JSON.parse(b.stdout)).toMatchObject({ format: 'taxonomy-data', entriesCreated: 0, entriesUpdated: 490 });
    const tables = snapshot(db) as { entry: { passed: number | null }[]; entry_field: { name: string }[] };
    expect(tables.entry).toHaveLength(520);
    expect(tables.entry_field.filter((f) => f.name === 'output')).toHaveLength(490);
    expect(tables.entry.filter((e) => e.passed === 0)).toHaveLength(325);
  });

  it('prints a readable summary and the warnings, one line per kind, without --json', async () => {
    const r = await run(join(samples, 'dlbench'), '--db', join(dir, 'p.db'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/entries created {2}3/);
    expect(r.stderr).toMatch(/^warning: 1 entry has stage and data swapped: imported as input type and stage$/m);
    expect(r.stderr).toMatch(/^warning: 2 entries have no published task: imported as General$/m);
  });

  it('groups the warnings of the full release: a line per kind with its count, the file-by-file list with --json', async () => {
    const set = writeDeepBenchLike(join(dir, 'set'), { seed: 3 });
    const r = await run(set.dlbenchDir, '--db', join(dir, 'p.db'));
    expect(r.code).toBe(0);
    const warnings = r.stderr.split('\n').filter((l) => l.startsWith('warning: '));
    // In the order each kind first appears in the (sorted) files.
    expect(warnings).toEqual([
      'warning: 289 entries have no published task: imported as General',
      'warning: 58 entries have the stage in the data field: imported as stage',
      'warning: 66 entries have stage and data swapped: imported as input type and stage',
      expect.stringMatching(/^warning: 3 values not placed: task "Prediction" \(3 files: [^,]+\.txt, [^,]+\.txt, [^,]+\.txt\); kept in the entries' metadata \(publishedTask\)$/),
    ]);
    expect(r.stderr).toMatch(/every warning, file by file, is in the --json summary/);
    expect(r.stderr).toMatch(/--map task:Prediction=<value id>/);
    expect(r.stdout).toMatch(/warnings {9}416/);
  });

  it('places a value the codebook cannot with --map, and refuses a bad map as a usage error', async () => {
    const set = writeDeepBenchLike(join(dir, 'set'), { entries: 120, results: 0, swapped: 5, seed: 5 });
    const db = join(dir, 'p.db');
    const bad = await run(set.dlbenchDir, '--db', db, '--map', 'task:Prediction=forecasting-ish');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/task has no value "forecasting-ish"/);
    expect(existsSync(db)).toBe(false);
    const dim = await run(set.dlbenchDir, '--db', db, '--map', 'mood:Prediction=happy');
    expect(dim.code).toBe(1);
    expect(dim.stderr).toMatch(/"mood" is not a published dimension \(one of: stage, task, input\)/);
    const shape = await run(set.dlbenchDir, '--db', db, '--map', 'Prediction');
    expect(shape.code).toBe(1);
    expect(shape.stderr).toMatch(/<dimension>:<published value>=<value id>/);
    const other = await run(join(samples, 'annotations.csv'), '--db', db, '--map', 'task:Prediction=regression');
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/--map reads published values of Deep-Bench entry files/);

    const ok = await run(set.dlbenchDir, '--db', db, '--json', '--map', 'task:Prediction=time-series-prediction', '--map', 'stage:Deployment=inference');
    expect(ok.code).toBe(0);
    const s = JSON.parse(ok.stdout);
    expect(s.unplaced).toEqual([]);
    expect(s.groups.map((g: { kind: string }) => g.kind)).not.toContain('unplaced-value');
    const tables = snapshot(db) as { label: { dimension: string; value: string }[] };
    const meant = [...set.expected.values()].filter((e) => e.task === 'time-series-prediction').length;
    expect(set.predictionIds.length).toBe(3);
    expect(tables.label.filter((l) => l.dimension === 'task' && l.value === '"time-series-prediction"')).toHaveLength(meant + 3);
  });

  it('places a value through an alias in the codebook file of a new project', async () => {
    const set = writeDeepBenchLike(join(dir, 'set'), { entries: 120, results: 0, swapped: 5, seed: 5 });
    const codebook = structuredClone(deepBenchCodebook);
    const task = codebook.dimensions.find((d) => d.id === 'task')!;
    task.values.find((v) => v.id === 'time-series-prediction')!.aliases!.push('Prediction');
    const file = join(dir, 'our-codebook.json');
    writeFileSync(file, JSON.stringify(codebook));
    const r = await run(set.dlbenchDir, '--db', join(dir, 'p.db'), '--codebook', file, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).unplaced).toEqual([]);
    const tables = snapshot(join(dir, 'p.db')) as { label: { dimension: string; value: string }[] };
    const meant = [...set.expected.values()].filter((e) => e.task === 'time-series-prediction').length;
    expect(tables.label.filter((l) => l.dimension === 'task' && l.value === '"time-series-prediction"')).toHaveLength(meant + 3);
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

  it('runs as `node cli/concord.js import`', async () => {
    expect(commands.map((c) => c.name), 'import is not registered in cli/commands/index.ts').toContain('import');
    const exec = promisify(execFile);
    const db = join(dir, 'p.db');
    const { stdout } = await exec(process.execPath, ['cli/concord.js', 'import', join(samples, 'dlbench'), '--db', db, '--json']);
    expect(JSON.parse(stdout)).toMatchObject({ entriesCreated: 3 });
    const bad = await exec(process.execPath, ['cli/concord.js', 'import', join(dir, 'missing'), '--db', db, '--json']).catch((e) => e);
    expect(bad.code).toBe(2);
  });
});

describe('concord import with a field mapping', () => {
  const traces = fileURLToPath(new URL('../../fixtures/any-shape/traces.jsonl', import.meta.url));
  const mappingFile = fileURLToPath(new URL('../../fixtures/any-shape/mapping.json', import.meta.url));
  const flags = ['--field', 'code=snippet', '--field', 'trace=reasoning', '--field', 'input=args', '--field', 'expected_output=truth', '--field', 'predicted_output=predicted', '--id', 'qid'];

  it('imports reasoning traces with --field and --id into a new reasoning-trace project', async () => {
    const db = join(dir, 'traces.db');
    const r = await run(traces, '--db', db, '--codebook', 'reasoning-trace', '--format', 'jsonl', ...flags, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ format: 'jsonl', entriesCreated: 4, warnings: [] });
    const names = (snapshot(db) as { entry_field: { name: string }[] }).entry_field.map((f) => f.name);
    expect(new Set(names)).toEqual(new Set(['code', 'trace', 'input', 'expected_output', 'predicted_output']));
  });

  it('reads the same mapping from a file, the format told by the extension', async () => {
    const db = join(dir, 'traces.db');
    const r = await run(traces, '--db', db, '--codebook', 'reasoning-trace', '--mapping', mappingFile, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ format: 'jsonl', entriesCreated: 4 });
  });

  it('a typo in the mapping exits 2 naming the file, line and field, and leaves no project behind', async () => {
    const db = join(dir, 'traces.db');
    const r = await run(traces, '--db', db, '--codebook', 'reasoning-trace', ...flags.map((f) => (f === 'trace=reasoning' ? 'trace=reasoing' : f)));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(traces);
    expect(r.stderr).toMatch(/line 1/);
    expect(r.stderr).toMatch(/trace/);
    expect(r.stderr).toMatch(/did you mean "reasoning"/);
    expect(existsSync(db)).toBe(false);
  });

  it('a mapping file that is not a mapping exits 2 naming it', async () => {
    const bad = join(dir, 'map.json');
    writeFileSync(bad, JSON.stringify({ id: 'qid', fields: { Trace: 'reasoning' } }));
    const r = await run(traces, '--db', join(dir, 'p.db'), '--codebook', 'reasoning-trace', '--mapping', bad);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(bad);
    expect(r.stderr).toMatch(/snake_case/);
  });
});

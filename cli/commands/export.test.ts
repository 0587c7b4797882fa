import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFig8Release } from '../../db/exports/fig8-release.ts';
import { freshProject } from '../../test/helpers/export-project.ts';
import { goldenDir } from '../../test/helpers/golden.ts';
import { runImport } from '../../db/import/index.ts';
import { table6Dir } from '../../fixtures/table6/generate.ts';
import { runCommand as run } from '../../test/helpers/cli.ts';
import decide from './decide.ts';
import exportCommand from './export.ts';
import { exportKinds, formatsOf } from '../../shared/tables/export-kinds.ts';

let dir: string;
let dbFile: string;
let cleanup: () => void;
const cleanups: (() => void)[] = [];

beforeAll(async () => {
  const p = freshProject();
  ({ dir, cleanup } = p);
  dbFile = join(dir, 'project.db');
  await runImport(p.db, join(table6Dir, 'entries.jsonl'), { format: 'jsonl' });
  await runImport(p.db, join(table6Dir, 'annotations.csv'), { format: 'annotations' });
  p.db.close();
});
afterAll(() => {
  cleanup();
  cleanups.forEach((c) => c());
});

describe('concord export', () => {
  it('prints a text format on stdout, the same bytes as the golden file', async () => {
    const r = await run(exportCommand, ['bug-distribution', '--db', dbFile, '--format', 'md']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(goldenDir, 'table6/bug-distribution.md'), 'utf8'));
  });

  it('writes --out files, and the same data gives the same bytes twice', async () => {
    const a = join(dir, 'a.tex');
    const b = join(dir, 'b.tex');
    expect((await run(exportCommand, ['bug-distribution', '--db', dbFile, '--format', 'tex', '--out', a])).code).toBe(0);
    expect((await run(exportCommand, ['bug-distribution', '--format', 'tex', '--db', dbFile, '--out', b])).code).toBe(0);
    expect(readFileSync(a)).toEqual(readFileSync(b));
    expect(readFileSync(a, 'utf8')).toBe(readFileSync(join(goldenDir, 'table6/bug-distribution.tex'), 'utf8'));
  });

  it('says in its usage which formats each kind has, dlbench\'s txt included', async () => {
    for (const k of exportKinds) expect(exportCommand.usage).toMatch(new RegExp(`${k}\\s+${formatsOf[k].join(', ')}\n`));
    const folder = join(dir, 'release-txt');
    const r = await run(exportCommand, ['dlbench', '--db', dbFile, '--format', 'txt', '--out', folder]);
    expect(r.code).toBe(0);
    expect(readdirSync(folder)).toHaveLength(337);
  });

  it('writes an XLSX workbook and a dlbench folder, both only with --out', async () => {
    const x = join(dir, 'labels.xlsx');
    expect((await run(exportCommand, ['labels', '--db', dbFile, '--format', 'xlsx', '--out', x, '--per-annotator'])).code).toBe(0);
    expect(readFileSync(x).subarray(0, 4)).toEqual(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
    const folder = join(dir, 'release');
    expect((await run(exportCommand, ['dlbench', '--db', dbFile, '--out', folder])).code).toBe(0);
    expect(readdirSync(folder)).toHaveLength(337);
    expect(readFileSync(join(folder, 't6-001.txt'), 'utf8')).toMatch(/^stage: Pre\/Post Processing\ntask: Classification\ndata: Image\n/);
    expect((await run(exportCommand, ['labels', '--db', dbFile, '--format', 'xlsx'])).code).toBe(1);
    expect((await run(exportCommand, ['dlbench', '--db', dbFile])).code).toBe(1);
  });

  it('calls a format the kind does not offer a usage error naming the formats it offers', async () => {
    const r = await run(exportCommand, ['dlbench', '--db', dbFile, '--format', 'svg', '--out', join(dir, 'never')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('dlbench is exported as txt, not "svg" (it is a folder of Deep-Bench entry files, one .txt per entry)');
    expect(existsSync(join(dir, 'never'))).toBe(false);
    expect((await run(exportCommand, ['reliability-matrix', '--db', dbFile, '--format', 'md'])).stderr).toContain('reliability-matrix is exported as csv, json, xlsx, not "md"');
    expect((await run(exportCommand, ['labels', '--db', dbFile])).stderr).toContain('choose a format for labels: csv, md, json, xlsx');
    // --annotator belongs to the category distribution.
    expect((await run(exportCommand, ['labels', '--db', dbFile, '--format', 'csv', '--annotator', 'ana'])).code).toBe(1);
    expect((await run(exportCommand, ['tables', '--db', dbFile, '--format', 'csv'])).code).toBe(1);
    expect((await run(exportCommand, ['labels', '--db', dbFile, '--format', 'csv', '--bogus'])).code).toBe(1);
    expect((await run(exportCommand, ['labels', '--format', 'csv'])).code).toBe(1);
  });

  it('refuses a missing project with exit 2 and writes nothing', async () => {
    const out = join(dir, 'never.csv');
    const r = await run(exportCommand, ['labels', '--db', join(dir, 'missing.db'), '--format', 'csv', '--out', out]);
    expect(r.code).toBe(2);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(join(dir, 'missing.db'))).toBe(false);
  });
});

describe('concord export, on a Deep-Bench release', () => {
  let releaseDb: string;
  let release: string;
  beforeAll(async () => {
    const p = freshProject();
    cleanups.push(p.cleanup);
    releaseDb = join(p.dir, 'project.db');
    release = join(p.dir, 'release');
    writeFig8Release(release);
    await runImport(p.db, release, { format: 'dlbench' });
    p.db.close();
  });

  it('category-distribution --annotator deepbench-published prints the published distribution', async () => {
    const r = await run(exportCommand, ['category-distribution', '--db', releaseDb, '--format', 'csv', '--annotator', 'deepbench-published']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Entries per stage (deepbench-published)\nStage,Entries,Share (%)\nPre/Post Processing,210,40.4\nModel Construction,119,22.9\n');
    expect(r.stdout).toContain('General,328,63.1\n');
    expect(r.stdout).toContain('Image,238,45.8\n');
  });

  it('refuses an unknown annotator with exit 2, naming it, and writes nothing', async () => {
    const out = join(dir, 'never-published.csv');
    const r = await run(exportCommand, ['category-distribution', '--db', releaseDb, '--format', 'csv', '--annotator', 'deepbench-publshed', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no annotator "deepbench-publshed" in this project (annotators: deepbench-published)');
    expect(existsSync(out)).toBe(false);
  });

  it('dlbench says where the values came from', async () => {
    const out = join(dir, 'fig8-release');
    const r = await run(exportCommand, ['dlbench', '--db', releaseDb, '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      `wrote 520 entry files to ${out}\n  520 entry files: stage 0 final, 520 published, 0 empty; task 0 final, 520 published, 0 empty; data 0 final, 520 published, 0 empty.\n`,
    );
    expect(readdirSync(out).sort()).toEqual(readdirSync(release).sort());
  });
});

describe('concord decide', () => {
  it('accepts majorities (none here: everyone agrees), shows the status, and has nothing to undo', async () => {
    const a = await run(decide, ['--db', dbFile, '--accept-majorities', '--by', 'lead', '--json']);
    expect(a.code).toBe(0);
    expect(JSON.parse(a.stdout)).toEqual({ accepted: 0, decisions: [] });
    const s = await run(decide, ['--db', dbFile, '--status', '--json']);
    const bug = JSON.parse(s.stdout).dimensions.find((d: { dimension: string }) => d.dimension === 'bug');
    expect(bug.counts).toMatchObject({ agreed: 325, majority: 0, 'needs-decision': 0 });
    expect((await run(decide, ['--db', dbFile, '--undo'])).stdout).toBe('nothing to undo\n');
    expect((await run(decide, ['--db', dbFile])).code).toBe(1);
  });
});

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { openProject } from '../../db/project.ts';
import { fieldsOf, openStore } from '../../db/data/index.ts';
import { contentHash } from '../../db/service.ts';
import { appCall } from '../../test/helpers/service.ts';
import type { Codebook } from '../../shared/codebook/index.ts';
import { runCommand } from '../../test/helpers/cli.ts';
import codebook from './codebook.ts';

const run = (...argv: string[]) => runCommand(codebook, argv);

let dir: string;
let db: string;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'concord-cbcli-'));
  db = join(dir, 'study.db');
  const s = await openProject(db);
  const t = new Date().toISOString();
  for (const id of ['e1', 'e2'])
    openStore(s.db).entries.insert(id, { fields: fieldsOf({ prompt: `prompt ${id}`, groundTruth: '', output: '', testLog: '' }), passed: 0, failingTests: '[]', metadata: '{}', hash: contentHash(id, '', '') }, t);
  appCall(s, 'project.addAnnotator', { name: 'ana' });
  appCall(s, 'project.addAnnotator', { name: 'lead', role: 'adjudicator' });
  appCall(s, 'labels.set', { annotator: 'ana', entryId: 'e1', dimension: 'stage', value: 'inference' });
  appCall(s, 'labels.set', { annotator: 'ana', entryId: 'e2', dimension: 'stage', value: 'training' });
  s.close();
});

/** The project's codebook as JSON, edited by `edit`, written to a file to import. */
async function edited(edit: (cb: Codebook) => void): Promise<string> {
  const r = await run('export', '--db', db, '--format', 'json');
  expect(r.code).toBe(0);
  const cb = JSON.parse(r.stdout) as Codebook;
  edit(cb);
  const file = join(dir, `cb-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(cb, null, 2));
  return file;
}

const stage = (cb: Codebook) => cb.dimensions.find((d) => d.id === 'stage')!;

describe('concord codebook', () => {
  it('lists the built-in codebooks, and a project\'s history', async () => {
    const r = await run('list', '--json');
    expect(JSON.parse(r.stdout).builtIn.map((c: { id: string }) => c.id)).toEqual(['deep-bench', 'tambon-general', 'reasoning-trace']);
    const h = await run('list', '--db', db);
    expect(h.code).toBe(0);
    expect(h.stdout).toMatch(/^r1\s+1\.0\.0 \(new\)/m);
  });

  it('shows and exports a codebook as an appendix', async () => {
    const show = await run('show', 'reasoning-trace');
    expect(show.stdout).toContain('Inference error  (inference-error: tree, key e, applies only when Prediction correct is No)');
    const tex = await run('export', 'reasoning-trace', '--format', 'tex');
    expect(tex.stdout).toContain('\\section*{Codebook: Reasoning traces}');
    const md = await run('export', '--db', db, '--format', 'md', '--out', join(dir, 'cb.md'));
    expect(md.code).toBe(0);
    expect(readFileSync(join(dir, 'cb.md'), 'utf8')).toContain('## 1. Stage');
    expect((await run('export', '--format', 'pdf')).code).toBe(1);
  });

  it('imports an edited codebook: a value that leaves with labels needs --map (exit 2, nothing written), then a new version', async () => {
    const file = await edited((cb) => {
      stage(cb).values = stage(cb).values.filter((v) => v.id !== 'inference');
      stage(cb).values[0].label = 'Pre- and post-processing';
    });
    const refused = await run('import', file, '--db', db);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('Stage › Inference leaves the codebook and 1 labels');
    expect(refused.stdout).toContain('stage:inference  1 labels, 0 decisions, 0 gold  -> NOT SAID (use --map)');
    expect(JSON.parse((await run('list', '--db', db, '--json')).stdout).history).toHaveLength(1);

    const dry = await run('import', file, '--db', db, '--map', 'stage:inference=training', '--dry-run', '--json');
    expect(JSON.parse(dry.stdout)).toMatchObject({ version: '2.0.0', newVersion: true, reviews: 1, problems: [] });
    expect(JSON.parse((await run('list', '--db', db, '--json')).stdout).history).toHaveLength(1);

    // Only the lead publishes.
    const ana = await run('import', file, '--db', db, '--map', 'stage:inference=training', '--as', 'ana');
    expect(ana.code).toBe(2);
    expect(ana.stderr).toContain('for the lead');

    const ok = await run('import', file, '--db', db, '--map', 'stage:inference=training', '--note', 'after the pilot');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('published version 2.0.0 (a new version: the meaning changed)');
    expect(ok.stdout).toContain('* Stage › Inference merged into Training');
    const history = JSON.parse((await run('list', '--db', db, '--json')).stdout).history;
    expect(history.map((h: { version: string }) => h.version)).toEqual(['1.0.0', '2.0.0']);

    const diff = JSON.parse((await run('diff', '--db', db, '1.0.0', 'r2', '--json')).stdout);
    expect(diff.newVersion).toBe(true);
    expect(diff.changes.map((c: { kind: string }) => c.kind)).toEqual(['value-merged', 'value-renamed']);
  });

  it('diffs two codebook files, and refuses a bad --map or a file that is no codebook', async () => {
    const a = join(dir, 'a.json');
    writeFileSync(a, (await run('export', 'deep-bench', '--format', 'json')).stdout);
    const b = await edited((cb) => (stage(cb).values[1].definition = 'Builds models.'));
    const d = await run('diff', a, b);
    expect(d.stdout).toContain('* definition of Stage › Model Construction changed');
    expect((await run('import', b, '--db', db, '--map', 'nonsense')).code).toBe(1);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"id": "x"}');
    const r = await run('import', bad, '--db', db);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(bad);
  });
});

import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptMajorities } from '../adjudication.ts';
import type { Db } from '../database.ts';
import { demoDir, runImport } from '../import/index.ts';
import { renderExport } from './render.ts';
import { freshProject } from '../../test/helpers/export-project.ts';
import { storedEntry } from '../../test/helpers/import-project.ts';

/**
 * The Deep-Bench release round trip, through the public importer: import a release folder and
 * its Taxonomy-Data -> export dlbench -> import that into a fresh project -> the same entries,
 * prompts, metadata and published labels. Where the team has a final value, the export carries
 * it in place of the published one; where it has none, the published value stays.
 *
 * The release is our demo (fixtures/demo: the release's quirks, swapped stage/data, empty tasks,
 * f_name, alias spellings, an unmapped `data: Audio`), with one file given a prompt line that
 * looks like a field and a further metadata field, and a Taxonomy-Data result whose entry has
 * no file (so no prompt).
 */

const cleanups: (() => void)[] = [];
let root: string;
let original: Db;

function project(): { db: Db; dir: string } {
  const p = freshProject();
  cleanups.push(p.cleanup);
  return p;
}

/** Writes a dlbench export into a folder and returns the folder and the export's summary and notes. */
function exportRelease(db: Db, folder: string) {
  const r = renderExport(db, { kind: 'dlbench' });
  if (r.shape !== 'folder') throw new Error('expected a folder');
  mkdirSync(folder, { recursive: true });
  for (const f of r.files) writeFileSync(join(folder, f.fileName), f.content);
  return r;
}

/** What a release carries, as a project holds it: entries with prompt and metadata, and the published labels. */
function releaseOf(db: Db) {
  const ids = (db.prepare('SELECT ext_id FROM entry ORDER BY ext_id').all() as { ext_id: string }[]).map((r) => r.ext_id);
  const entries = ids.map((id) => storedEntry(db, id)!).map((e) => ({
    id: e.ext_id,
    prompt: e.prompt,
    metadata: JSON.parse(e.metadata) as Record<string, string>,
  }));
  const published = db
    .prepare(
      `SELECT e.ext_id AS id, l.dimension, l.value FROM label l JOIN entry e ON e.id = l.entry_id JOIN annotator a ON a.id = l.annotator_id
       WHERE a.name = 'deepbench-published' ORDER BY e.ext_id, l.dimension`,
    )
    .all() as { id: string; dimension: string; value: string }[];
  return { entries, published: published.map((p) => `${p.id} ${p.dimension}=${JSON.parse(p.value)}`) };
}

beforeAll(async () => {
  const p = project();
  original = p.db;
  root = p.dir;
  const release = join(root, 'release');
  cpSync(join(demoDir(), 'dlbench'), release, { recursive: true });
  const quirky = join(release, 'detkit_nms23.txt');
  writeFileSync(
    quirky,
    readFileSync(quirky, 'utf8')
      .replace('prompt:\n', 'prompt:\nArgs:\n    boxes: a (N, 4) tensor\n    task: the detection task this serves\n')
      .replace(/$/, ' source_note:crawled in the second batch\n'),
  );
  const taxonomy = join(root, 'Taxonomy-Data');
  cpSync(join(demoDir(), 'taxonomy-data'), taxonomy, { recursive: true });
  for (const [folder, ext, text] of [
    ['Original', 'py', 'def orphan(x):\n    return x\n'],
    ['Generated', 'py', 'def orphan(x):\n    return x + 1\n'],
    ['Result', 'txt', 'output file:\nprocessed_orphan_fn99.json\nfunction:\norphan\nError Cases:\n\nPass or Failed: 1\n\nRelated Failed Test Cases:\nset()\n\nAll Test Cases On Generated code:\n1 passed\n'],
  ])
    writeFileSync(join(taxonomy, folder, `processed_orphan_fn99.${ext}`), text);
  await runImport(original, release, { format: 'dlbench' });
  await runImport(original, taxonomy, { format: 'taxonomy-data' });
});
afterAll(() => cleanups.forEach((c) => c()));

describe('export dlbench, then import it into a fresh project', () => {
  it('gives back the same entries, prompts, metadata and published labels', async () => {
    const folder = join(root, 'exported');
    const r = exportRelease(original, folder);
    const copy = project().db;
    await runImport(copy, folder, { format: 'dlbench' });
    const before = releaseOf(original);
    const after = releaseOf(copy);
    // The entry that came from Taxonomy-Data alone has no prompt, so it is left out, and said so.
    expect(before.entries.map((e) => e.id)).toContain('orphan_fn99');
    expect(after.entries).toEqual(before.entries.filter((e) => e.id !== 'orphan_fn99'));
    expect(after.published).toEqual(before.published);
    expect(after.published.length).toBeGreaterThan(90);
    // The quirks came through: the prompt's field-like lines, the further field, the metadata.
    const nms = after.entries.find((e) => e.id === 'detkit_nms23')!;
    expect(nms.prompt).toContain('Args:\n    boxes: a (N, 4) tensor\n    task: the detection task this serves');
    expect(nms.metadata.source_note).toBe('crawled in the second batch');
    expect(readdirSync(folder)).toHaveLength(33);
    expect(r.summary.skipped).toEqual([{ id: 'orphan_fn99', reason: expect.stringMatching(/^no prompt/) }]);
    expect(r.notes).toContain('1 entries left out, having no prompt (a Deep-Bench entry file needs one): orphan_fn99.');
  });

  it('says where each value came from: all published, as the team has decided nothing yet', () => {
    const r = renderExport(original, { kind: 'dlbench' });
    if (r.shape !== 'folder') throw new Error('expected a folder');
    const published = (dim: string) => (original.prepare(`SELECT COUNT(*) AS n FROM label WHERE dimension = ?`).get(dim) as { n: number }).n;
    expect(r.summary.sources).toEqual([
      { dimension: 'stage', field: 'stage', final: 0, published: published('stage'), empty: 33 - published('stage') },
      { dimension: 'task', field: 'task', final: 0, published: 33, empty: 0 },
      { dimension: 'input', field: 'data', final: 0, published: published('input') + 1, empty: 33 - published('input') - 1 },
    ]);
    // The one unplaced published value (data: Audio) goes back as the release wrote it: never
    // emptied (which would lose it) and never turned into a value of the codebook.
    expect(r.summary.sources[2].empty).toBe(0);
    const audio = r.files.find((f) => f.fileName === 'audiokit_resample8.txt')!;
    expect(audio.content).toMatch(/^data: Audio$/m);
    expect(audio.content).not.toMatch(/publishedData/);
    expect(r.notes[0]).toBe(`33 entry files: stage 0 final, ${published('stage')} published, ${33 - published('stage')} empty; task 0 final, 33 published, 0 empty; data 0 final, ${published('input') + 1} published, 0 empty.`);
  });

  it('carries the team\'s final value where there is one and keeps the published value elsewhere', async () => {
    await runImport(original, join(demoDir(), 'annotations.csv'), { format: 'annotations' });
    acceptMajorities(original, { decidedBy: 'lead' });
    const folder = join(root, 'exported-after-decisions');
    const r = exportRelease(original, folder);
    const copy = project().db;
    await runImport(copy, folder, { format: 'dlbench' });

    // Expected, worked out from the original project: final (decision or unanimous), else published.
    const finals = new Map<string, string>();
    for (const d of original.prepare('SELECT e.ext_id AS id, d.dimension, d.value FROM decision d JOIN entry e ON e.id = d.entry_id').all() as {
      id: string;
      dimension: string;
      value: string;
    }[])
      finals.set(`${d.id} ${d.dimension}`, JSON.parse(d.value));
    const votes = original
      .prepare(
        `SELECT e.ext_id AS id, l.dimension, GROUP_CONCAT(l.value, '|') AS vs, COUNT(*) AS n FROM label l JOIN entry e ON e.id = l.entry_id
         JOIN annotator a ON a.id = l.annotator_id WHERE a.role = 'annotator' AND l.dimension IN ('stage', 'task', 'input') GROUP BY e.ext_id, l.dimension`,
      )
      .all() as { id: string; dimension: string; vs: string; n: number }[];
    for (const v of votes) {
      const values = new Set(v.vs.split('|'));
      if (v.n >= 2 && values.size === 1 && !finals.has(`${v.id} ${v.dimension}`)) finals.set(`${v.id} ${v.dimension}`, JSON.parse([...values][0]));
    }
    const before = releaseOf(original);
    const publishedBefore = new Map(before.published.map((p) => [p.split('=')[0], p.split('=')[1]]));
    const want: string[] = [];
    for (const e of before.entries.filter((x) => x.id !== 'orphan_fn99'))
      for (const dim of ['input', 'stage', 'task']) {
        const v = finals.get(`${e.id} ${dim}`) ?? publishedBefore.get(`${e.id} ${dim}`);
        if (v !== undefined) want.push(`${e.id} ${dim}=${v}`);
      }
    const after = releaseOf(copy);
    expect(after.published).toEqual(want);
    expect(after.entries).toEqual(before.entries.filter((e) => e.id !== 'orphan_fn99'));

    // Somewhere the team's value differs from the release's, and the export took the team's.
    const changed = want.filter((w) => !before.published.includes(w));
    expect(changed.length).toBeGreaterThan(0);
    const fromFinal = r.summary.sources.reduce((a, s) => a + s.final, 0);
    const fromPublished = r.summary.sources.reduce((a, s) => a + s.published, 0);
    expect(fromFinal).toBe([...finals.keys()].filter((k) => !k.startsWith('orphan_fn99') && /(stage|task|input)$/.test(k)).length);
    expect(fromFinal + fromPublished).toBe(want.length);
  });
});

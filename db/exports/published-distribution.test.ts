import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CategoryDistribution } from '../../shared/tables/category-distribution.ts';
import type { Db } from '../database.ts';
import { runImport } from '../import/index.ts';
import { fig8, writeFig8Release } from './fig8-release.ts';
import { renderExport, type ExportArgs } from './render.ts';
import { addLabel, freshProject } from '../../test/helpers/export-project.ts';

/**
 * The published distribution of a release, out of the imported release: one annotator's labels
 * counted (here the reference annotator that holds the published labels), not the final ones.
 */

let db: Db;
let dir: string;
let cleanup: () => void;

beforeAll(async () => {
  ({ db, dir, cleanup } = freshProject());
  writeFig8Release(join(dir, 'release'));
  await runImport(db, join(dir, 'release'), { format: 'dlbench' });
  // One team member has submitted one entry and left another as a draft; neither mixes into the published counts.
  const [a, b] = (db.prepare('SELECT ext_id FROM entry ORDER BY ext_id LIMIT 2').all() as { ext_id: string }[]).map((r) => r.ext_id);
  addLabel(db, a, 'ana', 'stage', 'training');
  addLabel(db, b, 'ana', 'stage', 'training');
  addLabel(db, b, 'ana', 'task', 'regression', 'draft');
});
afterAll(() => cleanup());

function distribution(args: Omit<ExportArgs, 'kind' | 'format'>): CategoryDistribution {
  const r = renderExport(db, { kind: 'category-distribution', format: 'json', ...args });
  if (r.shape !== 'file') throw new Error('expected one file');
  return JSON.parse(r.file.content) as CategoryDistribution;
}

const countsOf = (d: CategoryDistribution, dim: string) =>
  Object.fromEntries(d.dimensions.find((x) => x.id === dim)!.values.filter((v) => v.count).map((v) => [v.id, v.count]));

describe('category-distribution --annotator', () => {
  it('gives the published Figure 8 counts of the release, for stage, task and input type', () => {
    const d = distribution({ annotator: 'deepbench-published' });
    expect(d.annotator).toEqual({ name: 'deepbench-published', role: 'reference' });
    expect(countsOf(d, 'stage')).toEqual(fig8.stage);
    expect(countsOf(d, 'task')).toEqual(fig8.task);
    expect(countsOf(d, 'input')).toEqual(fig8.input);
    for (const dim of d.dimensions) expect([dim.entries, dim.entriesWithoutFinal]).toEqual([520, 0]);
    // The paper's figures: 210 of 520 is 40.4%.
    expect(d.dimensions[0].values[0]).toEqual({ id: 'pre-post-processing', label: 'Pre/Post Processing', count: 210, share: '40.4' });
  });

  it('prints the same counts in the table formats, saying whose labels they are', () => {
    const r = renderExport(db, { kind: 'category-distribution', format: 'md', annotator: 'deepbench-published' });
    if (r.shape !== 'file') throw new Error('expected one file');
    expect(r.file.fileName).toBe('category-distribution-deepbench-published.md');
    expect(r.file.content).toContain('### Entries per stage (deepbench-published)');
    expect(r.file.content).toContain('| Pre/Post Processing | 210 | 40.4 |');
    expect(r.file.content).toContain('| Model Construction | 119 | 22.9 |');
    expect(r.file.content).toContain('| General | 328 | 63.1 |');
    expect(r.file.content).toContain('| Image | 238 | 45.8 |');
    expect(r.file.content).toContain('Counts the labels of deepbench-published (the reference annotator, whose labels are the published ones).');
  });

  it('counts any annotator by name, whatever its case, submitted work only unless drafts count', () => {
    const d = distribution({ annotator: 'ANA' });
    expect(d.annotator).toEqual({ name: 'ana', role: 'annotator' });
    expect(countsOf(d, 'stage')).toEqual({ training: 1 });
    expect(d.dimensions[0]).toMatchObject({ entries: 1, entriesWithoutFinal: 519 });
    expect(countsOf(d, 'task')).toEqual({});
    const drafts = distribution({ annotator: 'ana', includeDrafts: true });
    expect([countsOf(drafts, 'stage'), countsOf(drafts, 'task')]).toEqual([{ training: 2 }, { regression: 1 }]);
  });

  it('without --annotator still counts final labels only (none here: nobody agreed on anything)', () => {
    const d = distribution({});
    expect(d.annotator).toBeUndefined();
    expect(d.dimensions.map((x) => x.entries)).toEqual([0, 0, 0]);
  });

  it('refuses an annotator the project does not have, naming it and those it has', () => {
    expect(() => distribution({ annotator: 'nobody' })).toThrow('no annotator "nobody" in this project (annotators: ana, deepbench-published)');
  });
});

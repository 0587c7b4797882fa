import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PassAt1 } from '../../shared/tables/pass-at-1.ts';
import type { Db } from '../database.ts';
import { runImport } from '../import/index.ts';
import { renderExport } from './render.ts';
import { freshProject } from '../../test/helpers/export-project.ts';

/**
 * pass@1 from what Taxonomy-Data brings in (each entry's output passed its tests or not), and
 * from model results, against counts worked out by hand. An entry's category is the team's final
 * value, else the published one: entry e5 is published as Model Construction but the team agreed
 * on Training; e7 has no published stage and counts only under All; e8 has no result at all.
 *
 *   id  published stage     task            input             team stage   passed
 *   e1  Pre/Post Processing (empty: General) Image                          1
 *   e2  Pre/Post Processing Classification  Image                           0
 *   e3  Pre/Post Processing General         Text                            0
 *   e4  Model Construction  Classification  Image                           1
 *   e5  Model Construction  General         Others            Training      0
 *   e6  Training            Regression      Structured Array                1
 *   e7  (empty)             General         Text                            1
 *   e8  Inference           General         Image                           (no result)
 */
const entries: [string, string, string, string, 0 | 1 | null][] = [
  ['e1', 'Pre/Post Processing', '', 'Image', 1],
  ['e2', 'Pre/Post Processing', 'Classification', 'Image', 0],
  ['e3', 'Pre/Post Processing', 'General', 'Text', 0],
  ['e4', 'Model Construction', 'Classification', 'Image', 1],
  ['e5', 'Model Construction', 'General', 'Others', 0],
  ['e6', 'Training', 'Regression', 'Structured Array', 1],
  ['e7', '', 'General', 'Text', 1],
  ['e8', 'Inference', 'General', 'Image', null],
];

let db: Db;
let dir: string;
let cleanup: () => void;

beforeAll(async () => {
  ({ db, dir, cleanup } = freshProject());
  const release = join(dir, 'release');
  const taxonomy = join(dir, 'Taxonomy-Data');
  for (const d of [release, join(taxonomy, 'Original'), join(taxonomy, 'Generated'), join(taxonomy, 'Result')]) mkdirSync(d, { recursive: true });
  for (const [id, stage, task, input, passed] of entries) {
    writeFileSync(
      join(release, `${id}.txt`),
      `stage: ${stage}\ntask: ${task}\ndata: ${input}\n\nprompt:\nWrite ${id}.\n\n ground Truth:pkg/${id}.py\n\n repo:pkg\n\n function:${id}\n \n test_cases:tests/test_${id}.py::test_${id}\n`,
    );
    if (passed === null) continue;
    writeFileSync(join(taxonomy, 'Original', `processed_${id}.py`), `def ${id}():\n    return 1\n`);
    writeFileSync(join(taxonomy, 'Generated', `processed_${id}.py`), `def ${id}():\n    return ${passed}\n`);
    writeFileSync(
      join(taxonomy, 'Result', `processed_${id}.txt`),
      `output file:\nprocessed_${id}.json\nfunction:\n${id}\nError Cases:\n\nPass or Failed: ${passed}\n\nRelated Failed Test Cases:\nset()\n\nAll Test Cases On Generated code:\n${passed ? '1 passed' : '1 failed'}\n`,
    );
  }
  await runImport(db, release, { format: 'dlbench' });
  await runImport(db, taxonomy, { format: 'taxonomy-data' });
  writeFileSync(join(dir, 'team.csv'), 'entry_id,annotator,dimension,value\ne5,ana,stage,Training\ne5,ben,stage,Training\n');
  await runImport(db, join(dir, 'team.csv'), { format: 'annotations' });
});
afterAll(() => cleanup());

function passAt1(): PassAt1 {
  const r = renderExport(db, { kind: 'pass-at-1', format: 'json' });
  if (r.shape !== 'file') throw new Error('expected one file');
  return JSON.parse(r.file.content) as PassAt1;
}

const rates = (p: PassAt1, model: string, dim: string) => {
  const d = p.dimensions.find((x) => x.id === dim)!;
  return Object.fromEntries(d.columns.map((c, j) => [c.id, d.rates[model][j]]).filter(([, r]) => (r as { total: number }).total > 0).map(([id, r]) => [id, (r as { rate: string }).rate]));
};

describe('pass@1 from Taxonomy-Data', () => {
  it('is computed from the imported results alone, with no model results imported', () => {
    const p = passAt1();
    expect(p.models).toEqual(['Entry outputs']);
    expect(p.overall['Entry outputs']).toEqual({ passed: 4, total: 7, rate: '57.1' });
  });

  it('per stage, task and input type, an entry under its final value, else its published one', () => {
    const p = passAt1();
    expect(rates(p, 'Entry outputs', 'stage')).toEqual({ 'pre-post-processing': '33.3', 'model-construction': '100.0', training: '50.0' });
    expect(rates(p, 'Entry outputs', 'task')).toEqual({ general: '50.0', classification: '50.0', regression: '100.0' });
    expect(rates(p, 'Entry outputs', 'input')).toEqual({ image: '66.7', text: '50.0', others: '0.0', 'structured-array': '100.0' });
    expect(p.dimensions.map((d) => [d.id, d.categories])).toEqual([
      ['stage', { final: 1, published: 5, none: 1 }],
      ['task', { final: 0, published: 7, none: 0 }],
      ['input', { final: 0, published: 7, none: 0 }],
    ]);
  });

  it('says the rule and its counts under each table', () => {
    const r = renderExport(db, { kind: 'pass-at-1', format: 'md' });
    if (r.shape !== 'file') throw new Error('expected one file');
    expect(r.file.content).toContain(
      "- An entry's category is the team's final value (a decision or a unanimous label) where there is one, else the published label (deepbench-published): 1 entry by a final value, 5 by a published label; 1 with neither count only under All. An empty cell has no entries.",
    );
    expect(r.file.content).toContain('| Entry outputs | 4 | 7 | 57.1 |');
    expect(r.file.content).toContain('| Entry outputs | 33.3 | 100.0 | 50.0 |  |  | 57.1 |');
  });

  it('adds a row per model once model results come in (--format results)', async () => {
    writeFileSync(join(dir, 'results.csv'), 'entry_id,model,passed\ne1,GPT-4o,1\ne2,GPT-4o,1\ne3,GPT-4o,0\ne4,GPT-4o,0\n');
    await runImport(db, join(dir, 'results.csv'), { format: 'results' });
    const p = passAt1();
    expect(p.models).toEqual(['Entry outputs', 'GPT-4o']);
    expect(p.overall['GPT-4o']).toEqual({ passed: 2, total: 4, rate: '50.0' });
    expect(rates(p, 'GPT-4o', 'stage')).toEqual({ 'pre-post-processing': '66.7', 'model-construction': '0.0' });
    expect(p.sources['GPT-4o']).toBe('model results imported with --format results');
    expect(p.overall['Entry outputs']).toEqual({ passed: 4, total: 7, rate: '57.1' });
  });
});

describe('pass@1 without any result', () => {
  it('is refused with a message that says what to import', () => {
    const p = freshProject();
    try {
      expect(() => renderExport(p.db, { kind: 'pass-at-1', format: 'csv' })).toThrow(/no results to compute pass@1 from: import Taxonomy-Data/);
    } finally {
      p.cleanup();
    }
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTable6, table6Dir } from '../../fixtures/table6/generate.ts';
import type { BugDistribution } from '../../shared/tables/bug-distribution.ts';
import type { Db } from '../database.ts';
import { runImport } from '../import/index.ts';
import { checkGolden } from '../../test/helpers/golden.ts';
import { renderExport } from './render.ts';
import { freshProject } from '../../test/helpers/export-project.ts';

/**
 * The acceptance test of the export issue: final labels that reproduce the Deep-Bench paper's
 * Table 6 export a bug distribution with exactly the paper's numbers, byte for byte in every format.
 */

// The paper's Table 6, typed in from the paper (not derived from the fixture generator).
const paper: [string, number, [string, number][]][] = [
  ['Misinterpretation', 120, [['Incorrect DL Library or Framework Usage', 10], ['Shape and Dimension Mismatch', 45], ['Incorrect DL/ML Functionality', 13], ['Not DL-related', 52]]],
  ['Syntax Error', 0, [['', 0]]],
  ['Silly Mistake', 8, [['Not DL-related', 8]]],
  ['Prompt-biased Code', 4, [['Not DL-related', 4]]],
  ['Missing Corner Case', 33, [['Tensor Type and Value Edge Cases', 8], ['Shape and Dimension Edge Cases', 15], ['Not DL-related', 10]]],
  ['Wrong Input Type', 64, [['Tensor Shape Mismatch', 3], ['Incorrect ML/DL Function Library Arguments', 16], ['Type Mismatch Problem', 23], ['Not DL-related', 22]]],
  ['Hallucinated Object', 32, [['Missing or Undefined DL Modules', 9], ['Incorrect Usage of DL Modules', 12], ['Not DL-related', 11]]],
  ['Wrong Attribute', 46, [['Wrong DL Module Import', 8], ['Incorrect API Usage', 17], ['Not DL-related', 21]]],
  ['Non-Prompted Consideration', 12, [['Not DL-related', 12]]],
  ['Operation/Calculation Error', 72, [['Data Type Casting Issues', 5], ['Shape and Dimension Errors in Operations', 28], ['Incorrect Algebraic Calculations', 18], ['Not DL-related', 21]]],
  ['Performance Issue', 3, [['DL Performance Issue', 2], ['Not DL-related', 1]]],
  ['Prompt Missing Information', 10, [['Not Defining the Correct DL Library', 4], ['Not DL-related', 6]]],
  ['Incorrect or Undefined Variable/Method References', 11, [['Not DL-related', 11]]],
  ['Constant Value Error', 6, [['Incorrect Tensor Constant Value', 6]]],
  // From the base taxonomy of Tambon et al.; the paper's table has no row for it.
  ['Incomplete Generation', 0, [['', 0]]],
];

let db: Db;
let cleanup: () => void;

beforeAll(async () => {
  ({ db, cleanup } = freshProject());
  await runImport(db, join(table6Dir, 'entries.jsonl'), { format: 'jsonl' });
  await runImport(db, join(table6Dir, 'annotations.csv'), { format: 'annotations' });
});
afterAll(() => cleanup());

const render = (format: string) => {
  const r = renderExport(db, { kind: 'bug-distribution', format });
  if (r.shape !== 'file') throw new Error('expected one file');
  return r.file.content;
};

describe('the Table 6 fixture', () => {
  it('is what the generator writes (the committed files cannot drift from it)', () => {
    const g = generateTable6();
    expect(readFileSync(join(table6Dir, 'entries.jsonl'), 'utf8')).toBe(g.entries);
    expect(readFileSync(join(table6Dir, 'annotations.csv'), 'utf8')).toBe(g.annotations);
  });

  it('exports the paper\'s Table 6: every subtype count, every type total, 421 in all', () => {
    const d = JSON.parse(render('json')) as BugDistribution;
    expect(d.total).toBe(421);
    expect(d.entriesWithoutFinal).toBe(0);
    expect(d.types.map((t) => [t.label, t.total, t.subtypes.map((s) => [s.label, s.count])])).toEqual(paper);
  });

  it('prints the same numbers in the Markdown table', () => {
    const md = render('md');
    expect(md).toContain('| Misinterpretation | Incorrect DL Library or Framework Usage | 10 | 120 |');
    expect(md).toContain('|  | Not DL-related | 52 |  |');
    expect(md).toContain('| Syntax Error |  | 0 | 0 |');
    expect(md).toContain('| **Total** |  | **421** | **421** |');
  });

  it('cross-tables add up to the type totals', () => {
    const d = JSON.parse(render('json')) as BugDistribution;
    expect(d.cross.map((c) => c.dimension)).toEqual(['stage', 'task', 'input']);
    for (const c of d.cross) {
      expect(c.total).toBe(421);
      expect(c.rows.map((r) => r.total)).toEqual(paper.map((p) => p[1]));
    }
  });

  for (const format of ['csv', 'md', 'tex', 'json']) {
    it(`matches the golden ${format} file byte for byte, and again on a second run`, () => {
      const first = render(format);
      checkGolden(`table6/bug-distribution.${format}`, first);
      expect(render(format)).toBe(first);
    });
  }
});

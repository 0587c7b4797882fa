import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runImport } from '../import/index.ts';
import type { Db } from '../database.ts';
import { checkGolden } from '../../test/helpers/golden.ts';
import { exportFormats, exportKinds, formatsOf, mimeTypes } from '../../shared/tables/export-kinds.ts';
import { renderExport, type ExportArgs } from './render.ts';
import { buildSmallProject, freshProject } from '../../test/helpers/export-project.ts';
import { readStudy } from '../adjudication.ts';
import { storedEntry } from '../../test/helpers/import-project.ts';

/**
 * Every export kind and format on a small project that has each consensus status and the
 * awkward inputs a real study brings: ids with commas and slashes, a cell that looks like a
 * formula, LaTeX specials in a rationale, a reference annotator and a draft that must not count.
 */

let db: Db;
let dir: string;
let cleanup: () => void;

beforeAll(() => {
  ({ db, dir, cleanup } = freshProject());
  buildSmallProject(db);
});
afterAll(() => cleanup());

function text(args: ExportArgs): string {
  const r = renderExport(db, args);
  if (r.shape !== 'file') throw new Error('expected a file');
  return r.file.encoding === 'base64' ? r.file.content : r.file.content;
}

const cases: [string, ExportArgs][] = [
  ['labels.csv', { kind: 'labels', format: 'csv' }],
  ['labels-per-annotator.csv', { kind: 'labels', format: 'csv', perAnnotator: true }],
  ['labels.json', { kind: 'labels', format: 'json', perAnnotator: true }],
  ['labels.md', { kind: 'labels', format: 'md' }],
  ['bug-distribution.csv', { kind: 'bug-distribution', format: 'csv' }],
  ['bug-distribution.md', { kind: 'bug-distribution', format: 'md' }],
  ['bug-distribution.tex', { kind: 'bug-distribution', format: 'tex' }],
  ['bug-distribution.json', { kind: 'bug-distribution', format: 'json' }],
  ['bug-distribution.svg', { kind: 'bug-distribution', format: 'svg' }],
  ['category-distribution.csv', { kind: 'category-distribution', format: 'csv' }],
  ['category-distribution.md', { kind: 'category-distribution', format: 'md' }],
  ['category-distribution.tex', { kind: 'category-distribution', format: 'tex' }],
  ['category-distribution.json', { kind: 'category-distribution', format: 'json' }],
  ['category-distribution.svg', { kind: 'category-distribution', format: 'svg' }],
  ['category-distribution-published.csv', { kind: 'category-distribution', format: 'csv', annotator: 'deepbench-published' }],
  ['pass-at-1.csv', { kind: 'pass-at-1', format: 'csv' }],
  ['pass-at-1.md', { kind: 'pass-at-1', format: 'md' }],
  ['pass-at-1.tex', { kind: 'pass-at-1', format: 'tex' }],
  ['pass-at-1.json', { kind: 'pass-at-1', format: 'json' }],
  ['reliability-matrix-stage.csv', { kind: 'reliability-matrix', format: 'csv', dimension: 'stage' }],
  ['reliability-matrix-bug.csv', { kind: 'reliability-matrix', format: 'csv', dimension: 'bug' }],
  ['reliability-matrix.json', { kind: 'reliability-matrix', format: 'json' }],
  ['agreement.csv', { kind: 'agreement', format: 'csv', bootstrap: 200, seed: 7 }],
  ['agreement.md', { kind: 'agreement', format: 'md', bootstrap: 200, seed: 7 }],
  ['agreement.tex', { kind: 'agreement', format: 'tex', bootstrap: 200, seed: 7 }],
  ['agreement.json', { kind: 'agreement', format: 'json', bootstrap: 200, seed: 7 }],
  ['codebook.md', { kind: 'codebook', format: 'md' }],
  ['codebook.tex', { kind: 'codebook', format: 'tex' }],
  ['rounds.csv', { kind: 'rounds', format: 'csv', bootstrap: 200, seed: 7 }],
  ['rounds.md', { kind: 'rounds', format: 'md', bootstrap: 200, seed: 7 }],
  ['rounds.tex', { kind: 'rounds', format: 'tex', bootstrap: 200, seed: 7 }],
  ['rounds.svg', { kind: 'rounds', format: 'svg', bootstrap: 200, seed: 7 }],
  ['rounds-by-version.csv', { kind: 'rounds', format: 'csv', by: 'version', bootstrap: 200, seed: 7 }],
  ['gold.csv', { kind: 'gold', format: 'csv' }],
  ['gold.tex', { kind: 'gold', format: 'tex' }],
  ['disagreements.csv', { kind: 'disagreements', format: 'csv' }],
  ['disagreements.md', { kind: 'disagreements', format: 'md' }],
  ['disagreements.tex', { kind: 'disagreements', format: 'tex' }],
];

describe('golden exports of the small project', () => {
  for (const [name, args] of cases)
    it(`${name} matches its golden file, and a second run gives the same bytes`, () => {
      const first = text(args);
      checkGolden(`small/${name}`, first);
      expect(text(args)).toBe(first);
    });

  it('labels.xlsx matches its golden bytes', () => {
    const r = renderExport(db, { kind: 'labels', format: 'xlsx', perAnnotator: true });
    if (r.shape !== 'file') throw new Error('expected a file');
    expect(r.file).toMatchObject({ fileName: 'labels.xlsx', encoding: 'base64' });
    checkGolden('small/labels.xlsx', Buffer.from(r.file.content, 'base64'));
  });

  it('dlbench writes one entry file per entry with the final stage, task and data', () => {
    const r = renderExport(db, { kind: 'dlbench' });
    if (r.shape !== 'folder') throw new Error('expected a folder');
    expect(r.files.map((f) => f.fileName)).toEqual(['=cmd%7Ccalc.txt', 'hit_rate.txt', 'normalise.txt', 'rotate, 7.txt', 'split%2F3.txt']);
    for (const f of r.files) checkGolden(`small/dlbench/${f.fileName}`, f.content);
  });
});

describe('what the exports say', () => {
  it('gives final values with method, rationale and decider, and leaves open ones empty', () => {
    const csv = text({ kind: 'labels', format: 'csv' });
    const header = csv.split('\n')[0].split(',');
    const row = (id: string) => {
      const line = csv.split('\n').find((l) => l.startsWith(id));
      return line;
    };
    expect(header.slice(0, 7)).toEqual(['entry_id', 'passed', 'stage', 'stage_status', 'stage_method', 'stage_decided_by', 'stage_rationale']);
    expect(row('"rotate, 7"')).toContain('Object Detection,decided,adjudicated,lead,"boxes & 50% of ""it"" =per the tests_"');
    expect(row('hit_rate')).toContain('Structured Array,decided,adjudicated,ana,');
    expect(row('hit_rate')).toMatch(/,,needs-decision,,,,/);
    expect(row('normalise')).toContain('Pre/Post Processing,decided,majority,lead,');
    // The formula-looking id is neutralised, and the reference label never shows.
    expect(row("'=cmd|calc")).toBeDefined();
    expect(csv).not.toContain('deepbench-published');
  });

  it('refuses a format a kind does not offer, naming the ones it does', () => {
    expect(() => renderExport(db, { kind: 'dlbench', format: 'svg' })).toThrow('dlbench is exported as txt, not "svg" (it is a folder of Deep-Bench entry files, one .txt per entry)');
    expect(() => renderExport(db, { kind: 'reliability-matrix', format: 'tex' })).toThrow(/reliability-matrix is exported as csv, json, xlsx, not "tex"/);
    expect(() => renderExport(db, { kind: 'labels', format: 'tex' })).toThrow(/labels is exported as csv, md, json, xlsx, not "tex"/);
    expect(() => renderExport(db, { kind: 'pass-at-1', format: 'svg' })).toThrow(/csv, md, tex, json, xlsx, not "svg"/);
    expect(() => renderExport(db, { kind: 'labels' })).toThrow(/choose a format for labels: csv, md, json, xlsx/);
    expect(() => renderExport(db, { kind: 'nope', format: 'csv' })).toThrow(/unknown export/);
    expect(() => renderExport(db, { kind: 'reliability-matrix', format: 'csv' })).toThrow(/--dimension/);
    expect(() => renderExport(db, { kind: 'reliability-matrix', format: 'csv', dimension: 'prompt-review' })).toThrow(/no reliability matrix/);
  });

  it('renders every kind in every format it offers, and refuses every other with the list of what it offers', () => {
    for (const kind of exportKinds)
      for (const format of exportFormats) {
        const args = { kind, format, dimension: kind === 'reliability-matrix' ? 'stage' : undefined };
        if (!formatsOf[kind].includes(format)) {
          expect(() => renderExport(db, args)).toThrow(`${kind} is exported as ${formatsOf[kind].join(', ')}, not "${format}"`);
          continue;
        }
        const r = renderExport(db, args);
        const files = r.shape === 'file' ? [r.file] : r.files;
        expect(files.length).toBeGreaterThan(0);
        for (const f of files) {
          expect(f.fileName.endsWith(`.${format}`)).toBe(true);
          expect(f.mimeType).toBe(mimeTypes[format]);
          expect(f.content.length).toBeGreaterThan(0);
        }
      }
  });

  it('escapes LaTeX specials in every table', () => {
    const tex = text({ kind: 'category-distribution', format: 'tex' });
    expect(tex).toContain('Evaluation \\& Metrics');
    expect(tex).not.toMatch(/[^\\]&amp;/);
  });
});

describe('the dlbench release', () => {
  it('reads back through the Deep-Bench importer with the final stage, task and input as published labels', async () => {
    const r = renderExport(db, { kind: 'dlbench' });
    if (r.shape !== 'folder') throw new Error('expected a folder');
    const folder = join(dir, 'release');
    mkdirSync(folder);
    for (const f of r.files) writeFileSync(join(folder, f.fileName), f.content);
    const other = freshProject();
    try {
      await runImport(other.db, folder, { format: 'dlbench' });
      const published = other.db
        .prepare(`SELECT e.ext_id AS id, l.dimension, l.value FROM label l JOIN entry e ON e.id = l.entry_id ORDER BY e.ext_id, l.dimension`)
        .all() as { id: string; dimension: string; value: string }[];
      const row = (id: string, dim: string) => published.find((p) => p.id === id && p.dimension === dim)?.value;
      expect(row('rotate, 7', 'task')).toBe('"object-detection"');
      expect(row('rotate, 7', 'stage')).toBe('"pre-post-processing"');
      expect(row('hit_rate', 'input')).toBe('"structured-array"');
      const prompt = storedEntry(other.db, 'rotate, 7')!;
      expect(prompt.prompt).toContain('Rotate points.');
      expect(readStudy(other.db).annotators).toEqual([]);
    } finally {
      other.cleanup();
    }
  });
});

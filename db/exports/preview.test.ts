import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PREVIEW_ENTRIES } from '../../shared/tables/export-kinds.ts';
import type { Db } from '../database.ts';
import { addEntry, addLabel, freshProject } from '../../test/helpers/export-project.ts';
import { renderExport, type ExportArgs } from './render.ts';

/**
 * The Export view's preview of the labels export: the study's first entries, the very bytes the
 * whole export starts with, and how many entries the download holds; a study no larger than a
 * preview is shown whole.
 */
let db: Db;
let cleanup: () => void;
const N = PREVIEW_ENTRIES + 37;

function render(args: ExportArgs) {
  const r = renderExport(db, args);
  if (r.shape !== 'file') throw new Error('expected one file');
  return r;
}

beforeAll(() => {
  ({ db, cleanup } = freshProject());
  // Ids that sort naturally (e2 before e10): the preview is the first entries in the study's order, not the table's.
  for (let i = N; i >= 1; i--) {
    addEntry(db, `e${i}`, i % 3 === 0, { repo: `r${i}` }, `prompt ${i}`);
    addLabel(db, `e${i}`, 'ana', 'stage', 'training');
    addLabel(db, `e${i}`, 'ben', 'stage', i % 2 ? 'training' : 'inference');
  }
});
afterAll(() => cleanup());

describe('a preview of the labels export', () => {
  it('holds the first entries, byte for byte as the whole export begins, and says how many of how many', () => {
    for (const format of ['csv', 'md'] as const) {
      const whole = render({ kind: 'labels', format, perAnnotator: true });
      const preview = render({ kind: 'labels', format, perAnnotator: true, preview: true });
      expect(whole.partial).toBeUndefined();
      expect(preview.partial).toEqual({ entries: PREVIEW_ENTRIES, of: N });
      const lines = whole.file.content.split('\n');
      // CSV: its head and one line per entry; Markdown: a title, a blank line, the column labels and the rule.
      const head = format === 'csv' ? 1 : lines.findIndex((l) => /^\|[- |:]+\|$/.test(l)) + 1;
      expect(preview.file.content).toBe(`${lines.slice(0, head + PREVIEW_ENTRIES).join('\n')}\n`);
      expect(preview.file.content).toMatch(new RegExp(`\\be${PREVIEW_ENTRIES}\\b`));
      expect(preview.file.content).not.toMatch(new RegExp(`\\be${PREVIEW_ENTRIES + 1}\\b`));
    }
    const whole = JSON.parse(render({ kind: 'labels', format: 'json' }).file.content);
    const preview = JSON.parse(render({ kind: 'labels', format: 'json', preview: true }).file.content);
    expect(preview).toEqual({ ...whole, entries: whole.entries.slice(0, PREVIEW_ENTRIES) });
    expect(preview.entries.map((e: { id: string }) => e.id).slice(-2)).toEqual([`e${PREVIEW_ENTRIES - 1}`, `e${PREVIEW_ENTRIES}`]);
    expect(render({ kind: 'labels', format: 'xlsx', preview: true }).partial).toEqual({ entries: PREVIEW_ENTRIES, of: N });
  });

  it('is the whole export when the study is no larger than a preview', () => {
    const small = freshProject();
    try {
      for (let i = 1; i <= PREVIEW_ENTRIES; i++) addEntry(small.db, `e${i}`, true);
      const whole = renderExport(small.db, { kind: 'labels', format: 'csv' });
      const preview = renderExport(small.db, { kind: 'labels', format: 'csv', preview: true });
      expect(preview).toEqual(whole);
    } finally {
      small.cleanup();
    }
  });
});

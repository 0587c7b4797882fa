import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addComment } from '../comments.ts';
import type { Db } from '../database.ts';
import { addEntry, addLabel, buildSmallProject, freshProject } from '../../test/helpers/export-project.ts';
import { renderExport, type ExportArgs } from './render.ts';
import { writeExportFile } from './stream.ts';
import { createService } from '../service.ts';
import { FILE_OWNER } from '../../shared/door.ts';

/**
 * The labels export written as it is made (db/exports/stream.ts: a slice of entries at a time, in
 * writes of a few characters here) has the bytes `renderExport` gives whole, whose golden files
 * render.test.ts keeps: on the golden project, with entries whose ids sort naturally and not by
 * code point, texts and comments of multi-byte characters (some outside the Basic Multilingual
 * Plane, two UTF-16 units each) that the small writes cut between, and with the entries' texts.
 */
let db: Db;
let dir: string;
let cleanup: () => void;

beforeAll(() => {
  ({ db, dir, cleanup } = freshProject());
  buildSmallProject(db);
  for (const [id, text] of [
    ['e10', 'naïve façade, "quoted"'],
    ['e2', '日本語のプロンプト'],
    ['e1', '\u{1F600}\u{1D11E} grin, clef'],
  ]) {
    addEntry(db, id, false, {}, `${text}\nsecond line`);
    addLabel(db, id, 'ana', 'stage', 'training');
    addLabel(db, id, 'ben', 'stage', 'inference');
    addLabel(db, id, 'ana', 'prompt-revision', `${text} — rewritten`);
    addComment(db, { annotator: 'ana', entryId: id, text: `ünïcödé ${text}` });
  }
});
afterAll(() => cleanup());

function whole(args: ExportArgs): Buffer {
  const r = renderExport(db, args);
  if (r.shape !== 'file') throw new Error('expected one file');
  return Buffer.from(r.file.content, 'utf8');
}

describe('the labels export written as it is made', () => {
  const cases: ExportArgs[] = [
    { kind: 'labels', format: 'csv' },
    { kind: 'labels', format: 'csv', perAnnotator: true, fields: ['all'] },
    { kind: 'labels', format: 'json' },
    { kind: 'labels', format: 'json', perAnnotator: true, fields: ['prompt'] },
  ];
  for (const args of cases)
    it(`gives the bytes of the whole export: ${JSON.stringify(args)}`, () => {
      const expected = whole(args);
      for (const [chunkEntries, chunkChars] of [
        [1, 1],
        [2, 5],
        [3, 4096],
        [undefined, undefined],
      ]) {
        const out = join(dir, `labels-${chunkEntries}-${chunkChars}`);
        expect(writeExportFile(db, { ...args, out }, { chunkEntries, chunkChars })).toEqual({ file: out });
        expect(readFileSync(out).equals(expected), `${chunkEntries} entries, writes of ${chunkChars} characters`).toBe(true);
      }
    });

  it('writes any other one-file export as rendered, and refuses a folder or a missing folder', () => {
    const out = join(dir, 'agreement.xlsx');
    writeExportFile(db, { kind: 'agreement', format: 'xlsx', bootstrap: 0, out });
    const r = renderExport(db, { kind: 'agreement', format: 'xlsx', bootstrap: 0 });
    expect(r.shape === 'file' && readFileSync(out).equals(Buffer.from(r.file.content, 'base64'))).toBe(true);
    expect(() => writeExportFile(db, { kind: 'dlbench', out })).toThrow(/writes a folder/);
    expect(() => writeExportFile(db, { kind: 'labels', format: 'csv', out: join(dir, 'nowhere', 'l.csv') })).toThrow(/folder that does not exist; nothing was written/);
  });

  it('is written for the command line with the rights of exports.render: the lead or the file owner, not an annotator', () => {
    const service = createService(db, { workers: false });
    const out = join(dir, 'by-door.csv');
    service.writeFile.export({ kind: 'labels', format: 'csv', out }, FILE_OWNER);
    expect(readFileSync(out).equals(whole({ kind: 'labels', format: 'csv' }))).toBe(true);
    expect(() => service.writeFile.export({ kind: 'labels', format: 'csv', out }, { kind: 'named', name: 'ana' })).toThrow(/exports.render is for the lead/);
    expect(() => service.writeFile.export({ kind: 'labels', format: 'pdf' as never, out }, FILE_OWNER)).toThrow(/exports.render: Invalid option/);
  });
});

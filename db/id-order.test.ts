import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FILE_OWNER } from '../shared/door.ts';
import { addAnnotator, addEntry, addLabel, freshProject } from '../test/helpers/export-project.ts';
import { parsePack } from './packs/format.ts';
import { createService, type Service } from './service.ts';

/**
 * Every list of entries the app shows or writes puts them in one natural order (shared/ids.ts):
 * e2 before e10. Entries are inserted out of order here, so row order cannot pass for it.
 */
const NATURAL = ['e1', 'e2', 'e9', 'e10', 'e11'];
let s: Service;
let cleanup: () => void;

beforeEach(() => {
  const p = freshProject();
  cleanup = p.cleanup;
  for (const id of ['e10', 'e2', 'e11', 'e1', 'e9']) addEntry(p.db, id, true, {}, `Prompt of ${id}.`);
  // A 2-1 split on every entry: each one is in the adjudication queue, all alike.
  for (const id of NATURAL)
    for (const [who, v] of [['ana', 'training'], ['ben', 'training'], ['cai', 'inference']]) addLabel(p.db, id, who, 'stage', v);
  addAnnotator(p.db, 'lena', 'adjudicator');
  s = createService(p.db);
});
afterEach(() => cleanup());

const call = <T>(method: string, args: object): T => (s.call as (m: string, a: object, c: typeof FILE_OWNER) => T)(method, args, FILE_OWNER);

describe('the order of entries', () => {
  it('is natural in the label queue, the adjudication queue and the assignments', () => {
    expect(call<{ id: string }[]>('entries.list', { annotator: 'ana' }).map((e) => e.id)).toEqual(NATURAL);
    expect(call<{ entryId: string }[]>('adjudication.queue', {}).map((q) => q.entryId)).toEqual(NATURAL);
    expect(call<{ entryId: string }[]>('assignments.list', {}).map((a) => a.entryId)).toEqual(NATURAL);
  });

  it('is natural in the exports', () => {
    const csv = call<{ shape: 'file'; file: { content: string } }>('exports.render', { kind: 'labels', format: 'csv' }).file.content;
    expect(csv.split('\n').slice(1, 6).map((l) => l.split(',')[0])).toEqual(NATURAL);
    const matrix = JSON.parse(call<{ file: { content: string } }>('exports.render', { kind: 'reliability-matrix', format: 'json', dimension: 'stage' }).file.content);
    expect(matrix.dimensions[0].units).toEqual(NATURAL);
    const release = call<{ files: { fileName: string }[] }>('exports.render', { kind: 'dlbench' });
    expect(release.files.map((f) => f.fileName)).toEqual(NATURAL.map((id) => `${id}.txt`));
  });

  it('is natural in packs, which stay byte for byte deterministic', () => {
    const text = call<{ text: string }>('packs.export', { annotator: 'ana' }).text;
    expect(parsePack(text, 'ana.pack').pack.labels.map((l) => l.entry)).toEqual(NATURAL);
    expect(call<{ text: string }>('packs.export', { annotator: 'ana' }).text).toBe(text);
  });

  it('is natural in the entries auto-assignment deals out', () => {
    call('assignments.auto', { perEntry: 1, annotators: ['ana', 'ben', 'cai'] });
    // Round robin in id order: ana gets the 1st and 4th entries, ben the 2nd and 5th, cai the 3rd.
    const of = (who: string) => call<{ entryId: string; annotators: string[] }[]>('assignments.list', {}).filter((a) => a.annotators.includes(who)).map((a) => a.entryId);
    expect(of('ana')).toEqual(['e1', 'e10']);
    expect(of('ben')).toEqual(['e2', 'e11']);
    expect(of('cai')).toEqual(['e9']);
  });
});

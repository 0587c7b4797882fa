import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeProject } from '../../test/helpers/pack-project.ts';
import { appCall } from '../../test/helpers/service.ts';
import { deepBenchCodebook } from '../../shared/codebook/index.ts';
import { FILE_OWNER } from '../../shared/door.ts';
import { openStore } from '../data/index.ts';
import { buildPack, exportPack } from './export.ts';
import { parsePack, serializePack } from './format.ts';
import { signedWith } from './sign.ts';
import { writePackFile } from './stream.ts';

/**
 * The pack the command line writes as it reads (db/packs/stream.ts) is, byte for byte, the pack
 * held whole (`serializePack(buildPack(...))`, which browser mode downloads and merges verify):
 * on ids whose natural order is not SQLite's, texts of multi-byte characters (some outside the
 * Basic Multilingual Plane, whose UTF-16 order differs from UTF-8's), cleared labels, a label made
 * on an earlier version of its entry, and comments whose order rests on their text.
 */
const dir = mkdtempSync(join(tmpdir(), 'concord-pack-stream-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Natural order: numbers by value, "e2" before "e10"; "é" and "𝄞" sort after ASCII, and differently in UTF-8 and UTF-16.
const ENTRIES = ['e10', 'e2', 'e1', 'E1', 'e01', 'e2a', 'é1', '\u{1D11E}-7', '\uFB01x', 'x', '10', '9'];
const TEXTS = ['naïve façade — ok', '日本語のテキストを書き直す', '\u{1F600}\u{1D11E} grin and clef', 'plain ascii', 'ÿ'.repeat(300), '\uFB01 ligature'];

function project() {
  const s = makeProject(join(dir, `p-${Math.random().toString(36).slice(2)}.db`), { entries: ENTRIES, annotators: ['ana', 'ben'] });
  const dims = deepBenchCodebook.dimensions;
  const first = (id: string) => {
    const d = dims.find((x) => x.id === id)!;
    return 'values' in d && d.values?.length ? d.values[0].id : null;
  };
  ENTRIES.forEach((entryId, i) => {
    for (const annotator of ['ana', 'ben']) {
      if (i % 3 !== 2) appCall(s, 'labels.set', { annotator, entryId, dimension: 'stage', value: first('stage') });
      if (i % 2 === 0) appCall(s, 'labels.set', { annotator, entryId, dimension: 'task', value: first('task') });
      appCall(s, 'labels.set', { annotator, entryId, dimension: 'prompt-revision', value: `${TEXTS[i % TEXTS.length]} ${entryId}` });
      if (i % 4 === 1) appCall(s, 'labels.setNote', { annotator, entryId, text: `note ${TEXTS[(i + 1) % TEXTS.length]}` });
      if (i % 3 === 0) appCall(s, 'labels.setStatus', { annotator, entryId, status: i % 2 ? 'draft' : 'submitted' });
    }
  });
  // Cleared labels: a clear record in place of the label.
  appCall(s, 'labels.set', { annotator: 'ana', entryId: 'e2', dimension: 'stage', value: null });
  appCall(s, 'labels.set', { annotator: 'ana', entryId: '\u{1D11E}-7', dimension: 'prompt-revision', value: null });
  // A label made on an earlier version of its entry.
  s.db.prepare("UPDATE label SET content_hash = 'earlier' WHERE dimension = 'task' AND entry_id = (SELECT id FROM entry WHERE ext_id = 'e10')").run();
  // Comments at the same moment: their order is their text's, not the order they were written in.
  for (const text of ['zèbre', 'Äpfel', '\u{1F600} later', 'apple']) appCall(s, 'comments.add', { annotator: 'ana', entryId: 'e1', text });
  appCall(s, 'comments.add', { annotator: 'ana', entryId: 'é1', text: 'ünïcödé' });
  s.db.prepare("UPDATE comment SET created_at = '2024-05-01T12:00:00.000Z'").run();
  return s;
}

describe('a pack written as it is read', () => {
  it('has the bytes of the pack held whole, whatever the size of its writes, and its signature verifies', () => {
    const s = project();
    for (const annotator of ['ana', 'ben']) {
      const whole = Buffer.from(serializePack(buildPack(s.db, annotator)), 'utf8');
      for (const chunkChars of [1, 7, 4096, undefined]) {
        const out = join(dir, `${annotator}-${chunkChars}.json`);
        const r = writePackFile(s.db, { annotator, out }, { chunkChars });
        expect(readFileSync(out).equals(whole), `${annotator}, writes of ${chunkChars ?? 'default'} characters`).toBe(true);
        expect(r.counts).toEqual(exportPack(s.db, { annotator }).counts);
      }
      const { pack } = parsePack(whole.toString('utf8'), `${annotator}.json`);
      const secret = openStore(s.db).keys.secretOf(openStore(s.db).annotators.byName(annotator)!.id)!;
      expect(signedWith(pack, secret)).toBe(true);
    }
    // The cases are there: comments ordered by their text, cleared labels, a label on an earlier version.
    const ana = parsePack(readFileSync(join(dir, 'ana-undefined.json'), 'utf8'), 'ana.json').pack;
    expect(ana.comments?.map((c) => c.text)).toEqual(['apple', 'zèbre', 'Äpfel', '\u{1F600} later', 'ünïcödé']);
    expect(ana.labels.some((l) => l.value === null)).toBe(true);
    expect(ana.labels.some((l) => l.madeOn === 'earlier')).toBe(true);
  });

  it('is what `concord pack export` writes, with the rights of packs.export, and leaves nothing behind when it cannot write', () => {
    const s = project();
    const out = join(dir, 'door.json');
    const r = s.writeFile.pack({ annotator: 'ben', out }, FILE_OWNER);
    expect(r.fileName).toBe(out);
    expect(readFileSync(out, 'utf8')).toBe(serializePack(buildPack(s.db, 'ben')));
    expect(() => s.writeFile.pack({ annotator: 'ben', out: join(dir, 'no-such-folder', 'p.json') }, FILE_OWNER)).toThrow(/folder that does not exist; nothing was written/);
    expect(() => s.writeFile.pack({ annotator: 'nobody', out }, FILE_OWNER)).toThrow(/unknown annotator "nobody"/);
    // With the rights of `packs.export`: an annotator writes their own pack, not another's.
    expect(s.writeFile.pack({ annotator: 'ana', out }, { kind: 'named', name: 'ana' }).counts.labels).toBeGreaterThan(0);
    expect(() => s.writeFile.pack({ annotator: 'ben', out }, { kind: 'named', name: 'ana' })).toThrow(/exporting another annotator's pack is for the lead/);
  });
});

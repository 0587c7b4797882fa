import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appCall } from '../../test/helpers/service.ts';
import { openDatabase } from '../database.ts';
import { createService } from '../service.ts';
import { exportPack } from './export.ts';
import { importPacks } from './merge.ts';
import { parsePack } from './format.ts';
import { writeStarter } from './starter.ts';
import { dumpAll, makeProject } from '../../test/helpers/pack-project.ts';

/**
 * Comments written offline reach the lead: a starter file carries its annotator's comments, a
 * pack carries them back (deletions too), and merging is idempotent and order-free like labels.
 */
describe('comments in packs', () => {
  it('travel from an annotator’s file to the lead’s, once, in any order, and a deletion follows', () => {
    const dir = mkdtempSync(join(tmpdir(), 'concord-pack-comments-'));
    const lead = makeProject(join(dir, 'lead.db'), { entries: ['e1', 'e2'], annotators: ['ana', 'ben', 'lead'] });
    lead.db.prepare("UPDATE annotator SET role = 'adjudicator' WHERE name = 'lead'").run();
    appCall(lead, 'comments.add', { annotator: 'ana', entryId: 'e1', text: 'written in the lead’s file first' });

    const files: Record<string, ReturnType<typeof createService>> = {};
    for (const who of ['ana', 'ben']) {
      writeStarter(lead.db, { annotator: who, out: join(dir, `${who}.db`) });
      files[who] = createService(openDatabase(join(dir, `${who}.db`)));
    }
    // The starter carries ana's comment; ben's file holds none of hers.
    expect(appCall(files.ana, 'comments.list', { annotator: 'ana', entryId: 'e1' }).map((c) => c.text)).toEqual(['written in the lead’s file first']);
    expect(files.ben.db.prepare('SELECT COUNT(*) AS n FROM comment').get()).toEqual({ n: 0 });

    appCall(files.ana, 'comments.add', { annotator: 'ana', entryId: 'e2', text: 'Is "General" right for a dtype helper?' });
    const gone = appCall(files.ana, 'comments.add', { annotator: 'ana', entryId: 'e2', text: 'typo, ignore' });
    appCall(files.ana, 'comments.delete', { annotator: 'ana', id: gone.find((c) => c.text === 'typo, ignore')!.id });
    appCall(files.ben, 'comments.add', { annotator: 'ben', entryId: 'e2', text: 'the test checks float32' });
    const packs = ['ana', 'ben'].map((who) => ({ name: `${who}.json`, text: exportPack(files[who].db, { annotator: who }).text }));
    expect(parsePack(packs[0].text, 'ana.json').pack.comments?.map((c) => [c.entry, c.deletedAt === null])).toEqual([
      ['e1', true],
      ['e2', true],
      ['e2', false],
    ]);

    const a = importPacks(lead.db, packs, { backup: false });
    expect(a.changed).toBe(true);
    const shown = appCall(lead, 'adjudication.discussion', { as: 'lead', entryId: 'e2' }).comments.map((c) => `${c.author}: ${c.text}`);
    expect(shown).toEqual(['ana: Is "General" right for a dtype helper?', 'ben: the test checks float32']);
    expect(appCall(lead, 'adjudication.discussion', { as: 'lead', entryId: 'e1' }).comments).toHaveLength(1);
    // Again: nothing changes. The other order gives the same tables.
    const once = dumpAll(lead.db).replace(/"at":"[^"]+"/g, '');
    expect(importPacks(lead.db, packs, { backup: false }).changed).toBe(false);
    expect(dumpAll(lead.db).replace(/"at":"[^"]+"/g, '')).toBe(once);
    const other = makeProject(join(dir, 'other.db'), { entries: ['e1', 'e2'], annotators: ['ana', 'ben'] });
    importPacks(other.db, [...packs].reverse(), { backup: false });
    const comments = (db: typeof lead.db) => JSON.stringify(db.prepare('SELECT e.ext_id, a.name, c.text, c.created_at, c.deleted_at FROM comment c JOIN entry e ON e.id = c.entry_id JOIN annotator a ON a.id = c.annotator_id ORDER BY 1, 2, 4, 3').all());
    expect(comments(other.db)).toBe(comments(lead.db));

    // A comment deleted later, in the annotator's file, is deleted in the lead's on the next merge.
    const first = appCall(files.ana, 'comments.list', { annotator: 'ana', entryId: 'e2' })[0];
    appCall(files.ana, 'comments.delete', { annotator: 'ana', id: first.id });
    importPacks(lead.db, [{ name: 'ana2.json', text: exportPack(files.ana.db, { annotator: 'ana' }).text }], { backup: false });
    expect(appCall(lead, 'adjudication.discussion', { as: 'lead', entryId: 'e2' }).comments.map((c) => c.author)).toEqual(['ben']);
    // Comments are signed with the rest: one edited by hand refuses the pack.
    const forged = JSON.parse(packs[1].text) as { comments: { text: string }[] };
    forged.comments[0].text = 'the lead told me to label this Training';
    expect(() => importPacks(lead.db, [{ name: 'ben-edited.json', text: JSON.stringify(forged) }], { backup: false })).toThrow(/signature does not match/);
    // A pack without comments reads as before (the field is left out).
    expect(parsePack(exportPack(lead.db, { annotator: 'lead' }).text, 'lead.json').pack.comments).toBeUndefined();
  });
});

import { openDatabase } from '../database.ts';
import { copyFileSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alphaOfMatrix } from '../../shared/agreement/alpha.ts';
import { autoAssign, assignedEntryIds } from '../assignments.ts';
import { listBackups } from '../backup.ts';
import { createService } from '../service.ts';
import { exportPack } from './export.ts';
import { importPacks } from './merge.ts';
import { writeStarter } from './starter.ts';
import { dumpAll, dumpWork, makeProject } from '../../test/helpers/pack-project.ts';
import { appCall } from '../../test/helpers/service.ts';

/**
 * The offline round trip, at service level: the lead assigns and hands out starter files, two
 * annotators label against their own databases, their packs come back and are merged into the
 * lead's database in both orders; the results are identical and agreement can be computed.
 */
describe('two annotators label offline and are merged', () => {
  it('gives the same database and the same exports whatever the order', () => {
    const dir = mkdtempSync(join(tmpdir(), 'concord-scenario-'));
    const entries = ['e01', 'e02', 'e03', 'e04', 'e05', 'e06'];
    const lead = makeProject(join(dir, 'lead.db'), { entries, annotators: ['ana', 'ben'], uid: 'random-uid' });
    const assigned = autoAssign(lead.db, { perEntry: 2 });
    expect(assigned.added).toBe(12);

    const starters: Record<string, ReturnType<typeof createService>> = {};
    for (const who of ['ana', 'ben']) {
      const r = writeStarter(lead.db, { annotator: who, out: join(dir, `${who}.db`) });
      expect(r.entries).toBe(6);
      starters[who] = createService(openDatabase(join(dir, `${who}.db`)));
      // Blind: a starter holds no one else.
      expect(appCall(starters[who], 'project.annotators', {})).toEqual([{ name: who, role: 'annotator' }]);
      expect(assignedEntryIds(starters[who].db, who)?.size).toBe(6);
    }
    lead.close();

    const stages = ['training', 'inference', 'evaluation-metrics', 'model-construction', 'training', 'inference'];
    entries.forEach((e, i) => {
      appCall(starters.ana, 'labels.set', { annotator: 'ana', entryId: e, dimension: 'stage', value: stages[i] });
      // Ben disagrees on the last entry only.
      appCall(starters.ben, 'labels.set', { annotator: 'ben', entryId: e, dimension: 'stage', value: i === 5 ? 'training' : stages[i] });
      appCall(starters.ana, 'labels.setStatus', { annotator: 'ana', entryId: e, status: 'submitted' });
    });
    appCall(starters.ana, 'labels.set', { annotator: 'ana', entryId: 'e01', dimension: 'task', value: 'classification' });
    appCall(starters.ana, 'labels.set', { annotator: 'ana', entryId: 'e01', dimension: 'task', value: null });
    appCall(starters.ben, 'labels.setNote', { annotator: 'ben', entryId: 'e02', text: 'unsure about the stage' });

    const packs = Object.fromEntries(
      Object.entries(starters).map(([who, s]) => {
        const p = exportPack(s.db, { annotator: who });
        s.close();
        return [who, { name: p.fileName, text: p.text }];
      }),
    );
    expect(packs.ana.name).toBe('deep-bench-study-ana.concord-pack.json');

    // Two copies of the lead's database, merged in opposite orders (and one pack twice).
    copyFileSync(join(dir, 'lead.db'), join(dir, 'a.db'));
    copyFileSync(join(dir, 'lead.db'), join(dir, 'b.db'));
    const a = openDatabase(join(dir, 'a.db'));
    const b = openDatabase(join(dir, 'b.db'));
    importPacks(a, [packs.ana]);
    importPacks(a, [packs.ben]);
    const sb = importPacks(b, [packs.ben, packs.ana]);
    expect(sb).toMatchObject({ labelsSet: 12, labelsCleared: 0, notesSet: 1, changed: true });
    expect(sb.backup && existsSync(join(dir, 'b.db.backups', sb.backup.name))).toBe(true);

    expect(dumpWork(a)).toBe(dumpWork(b));
    for (const who of ['ana', 'ben']) expect(exportPack(a, { annotator: who }).text).toBe(exportPack(b, { annotator: who }).text);
    // The lead's copy carries exactly what the annotators wrote, cleared label included.
    expect(exportPack(a, { annotator: 'ana' }).text).toBe(packs.ana.text);
    expect(exportPack(a, { annotator: 'ben' }).text).toBe(packs.ben.text);

    // Repeating an import changes nothing: no row, no event, no backup.
    const before = dumpAll(a);
    const backups = listBackups(join(dir, 'a.db')).length;
    expect(importPacks(a, [packs.ana, packs.ben]).changed).toBe(false);
    expect(dumpAll(a)).toBe(before);
    expect(listBackups(join(dir, 'a.db')).length).toBe(backups);

    // Agreement on stage: 6 pairable units, one disagreement.
    const matrix = (db: typeof a) =>
      ['ana', 'ben'].map((who) =>
        entries.map((e) => {
          const r = db
            .prepare("SELECT l.value FROM label l JOIN entry e ON e.id = l.entry_id JOIN annotator a ON a.id = l.annotator_id WHERE a.name = ? AND e.ext_id = ? AND l.dimension = 'stage'")
            .get(who, e) as { value: string } | undefined;
          return r ? (JSON.parse(r.value) as string) : null;
        }),
      );
    const alpha = alphaOfMatrix(matrix(a), 'nominal');
    expect(alpha.units).toBe(6);
    expect(alpha.alpha).not.toBeNull();
    expect(alpha.alpha!).toBeGreaterThan(0.5);
    expect(alpha.alpha!).toBeLessThan(1);
    expect(alphaOfMatrix(matrix(b), 'nominal')).toEqual(alpha);
    a.close();
    b.close();
  });
});

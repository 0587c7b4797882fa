import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LabelValue } from '../../shared/codebook/index.ts';
import type { Db } from '../database.ts';
import { exportPack } from './export.ts';
import { compareText, entriesFingerprint, stableJson, type Pack } from './format.ts';
import { importPacks, type PackSource } from './merge.ts';
import { dumpAll, dumpWork, makeProject, signedText } from '../../test/helpers/pack-project.ts';
import { appCall } from '../../test/helpers/service.ts';

/** Merge properties on random (signed) packs: idempotent, independent of order, nothing lost. */

const ENTRIES = ['e1', 'e2', 'e3'];
const VALUES: Record<string, (LabelValue | null)[]> = {
  stage: ['training', 'inference', null],
  task: ['classification', 'regression', null],
  // Tree values in both orders: the merge compares canonical forms.
  bug: [['misinterpretation'], ['silly-mistake::not-dl-related', 'misinterpretation'], ['misinterpretation', 'silly-mistake::not-dl-related'], null],
};
// Few distinct clocks and times, so ties on both happen often; a time has no bearing on a clock.
const CLOCKS = [1, 2, 3];
const TIMES = ['2024-03-01T10:00:00.000Z', '2024-03-01T10:00:00.001Z', '2024-03-02T09:00:00.000Z'];

function freshDb(): Db {
  return makeProject(':memory:', { entries: ENTRIES, annotators: ['ana', 'ben'] }).db;
}

const hashes = (() => {
  const db = freshDb();
  const out = Object.fromEntries((db.prepare('SELECT ext_id, content_hash FROM entry').all() as { ext_id: string; content_hash: string }[]).map((r) => [r.ext_id, r.content_hash]));
  db.close();
  return out as Record<string, string>;
})();

const labelArb = fc
  .record({
    entry: fc.constantFrom(...ENTRIES),
    dimension: fc.constantFrom(...Object.keys(VALUES)),
    i: fc.nat(),
    updatedAt: fc.constantFrom(...TIMES),
    clock: fc.constantFrom(...CLOCKS),
    codebookVersion: fc.constantFrom('1.0.0', '1.1.0'),
  })
  .map(({ i, ...l }) => ({ ...l, value: VALUES[l.dimension][i % VALUES[l.dimension].length] }));
const noteArb = fc.record({ entry: fc.constantFrom(...ENTRIES), text: fc.constantFrom('', 'x', 'unsure'), updatedAt: fc.constantFrom(...TIMES), clock: fc.constantFrom(...CLOCKS) });
const subArb = fc.record({
  entry: fc.constantFrom(...ENTRIES),
  status: fc.constantFrom('draft' as const, 'submitted' as const),
  updatedAt: fc.constantFrom(...TIMES),
  clock: fc.constantFrom(...CLOCKS),
});

const packArb = fc
  .record({
    annotator: fc.constantFrom('ana', 'ben'),
    labels: fc.uniqueArray(labelArb, { selector: (l) => `${l.entry}/${l.dimension}`, maxLength: 6 }),
    notes: fc.uniqueArray(noteArb, { selector: (n) => n.entry, maxLength: 3 }),
    submissions: fc.uniqueArray(subArb, { selector: (s) => s.entry, maxLength: 3 }),
  })
  .map((p): Pack => {
    const used = [...new Set([...p.labels, ...p.notes, ...p.submissions].map((r) => r.entry))];
    const contentHashes = Object.fromEntries(used.map((e) => [e, hashes[e]]));
    return {
      format: 'concord-pack',
      formatVersion: 2,
      project: { uid: 'test-project-uid', name: 'Deep-Bench study' },
      annotator: p.annotator,
      codebook: { id: 'deep-bench', version: '1.0.0' },
      entries: { fingerprint: entriesFingerprint(contentHashes), contentHashes },
      labels: p.labels,
      notes: p.notes,
      submissions: p.submissions,
    };
  });

const asSources = (packs: Pack[]): PackSource[] => packs.map((p, i) => ({ name: `pack-${i}.json`, text: signedText(p) }));

function exportsOf(db: Db): string {
  const names = (db.prepare('SELECT name FROM annotator ORDER BY name').all() as { name: string }[]).map((r) => r.name);
  return names.map((n) => exportPack(db, { annotator: n }).text).join('\n');
}

function mergedOneByOne(packs: Pack[]): Db {
  const db = freshDb();
  for (const s of asSources(packs)) importPacks(db, [s]);
  return db;
}

/** The expected state, computed independently: per key, the record with the greatest (clock, payload, time). */
function expectedLabels(packs: Pack[]): Map<string, { value: string; at: string; clock: number } | null> {
  const canon = (v: LabelValue | null) => (Array.isArray(v) ? [...(v as string[])].sort((a, b) => (a.startsWith('misinterpretation') ? -1 : b.startsWith('misinterpretation') ? 1 : 0)) : v);
  const best = new Map<string, { clock: number; at: string; rank: string; value: LabelValue | null }>();
  for (const p of packs)
    for (const l of p.labels) {
      const key = `${l.entry}|${p.annotator}|${l.dimension}`;
      const value = canon(l.value);
      const rank = stableJson([value, l.codebookVersion, value === null ? '' : hashes[l.entry]]);
      const cur = best.get(key);
      const beats = !cur || l.clock > cur.clock || (l.clock === cur.clock && (rank > cur.rank || (rank === cur.rank && l.updatedAt > cur.at)));
      if (beats) best.set(key, { clock: l.clock, at: l.updatedAt, rank, value });
    }
  return new Map([...best].map(([k, b]) => [k, b.value === null ? null : { value: JSON.stringify(b.value), at: b.at, clock: b.clock }]));
}

describe('merging packs', () => {
  it('is independent of order, one by one or all at once', () => {
    fc.assert(
      fc.property(fc.array(packArb, { minLength: 1, maxLength: 4 }).chain((packs) => fc.tuple(fc.constant(packs), fc.shuffledSubarray(packs, { minLength: packs.length }))), ([packs, shuffled]) => {
        const a = mergedOneByOne(packs);
        const b = mergedOneByOne(shuffled);
        const c = freshDb();
        importPacks(c, asSources([...shuffled].reverse()));
        expect(dumpWork(b)).toBe(dumpWork(a));
        expect(dumpWork(c)).toBe(dumpWork(a));
        expect(exportsOf(b)).toBe(exportsOf(a));
        expect(exportsOf(c)).toBe(exportsOf(a));
        [a, b, c].forEach((d) => d.close());
      }),
      { numRuns: 80 },
    );
  });

  it('is idempotent: merging any of the same packs again changes nothing, events included', () => {
    fc.assert(
      fc.property(fc.array(packArb, { minLength: 1, maxLength: 4 }).chain((packs) => fc.tuple(fc.constant(packs), fc.subarray(packs, { minLength: 1 }))), ([packs, again]) => {
        const db = freshDb();
        importPacks(db, asSources(packs));
        const before = dumpAll(db);
        const r = importPacks(db, asSources(again));
        expect(r.changed).toBe(false);
        expect(dumpAll(db)).toBe(before);
        db.close();
      }),
      { numRuns: 80 },
    );
  });

  it('loses nothing: every label is the latest written by its clock, a cleared label stays cleared, and every change is logged', () => {
    fc.assert(
      fc.property(fc.array(packArb, { minLength: 1, maxLength: 4 }), (packs) => {
        const db = mergedOneByOne(packs);
        const labels = new Map(
          (db
            .prepare('SELECT e.ext_id, a.name, l.dimension, l.value, l.updated_at, l.clock FROM label l JOIN entry e ON e.id = l.entry_id JOIN annotator a ON a.id = l.annotator_id')
            .all() as { ext_id: string; name: string; dimension: string; value: string; updated_at: string; clock: number }[]).map((r) => [
            `${r.ext_id}|${r.name}|${r.dimension}`,
            { value: r.value, at: r.updated_at, clock: r.clock },
          ]),
        );
        const expected = expectedLabels(packs);
        for (const [k, v] of expected) expect(labels.get(k) ?? null).toEqual(v);
        expect([...labels.keys()].every((k) => expected.has(k))).toBe(true);
        // Each value a label ever took is in the log, with the value it replaced.
        const logged = db.prepare("SELECT COUNT(*) AS n FROM event WHERE kind = 'label.set'").get() as { n: number };
        expect(logged.n).toBeGreaterThanOrEqual(labels.size);
        // Cleared labels travel on as tombstones.
        const cleared = [...expected.values()].filter((v) => v === null).length;
        expect((db.prepare('SELECT COUNT(*) AS n FROM label_clear').get() as { n: number }).n).toBe(cleared);
        // Each annotator's clock is at least every clock merged for them: their next write wins.
        for (const p of packs)
          for (const l of p.labels)
            expect((db.prepare('SELECT c.clock FROM annotator_clock c JOIN annotator a ON a.id = c.annotator_id WHERE a.name = ?').get(p.annotator) as { clock: number }).clock).toBeGreaterThanOrEqual(l.clock);
        db.close();
      }),
      { numRuns: 80 },
    );
  });
});

describe('a cleared label', () => {
  it('does not come back when an older pack that still has it is merged later', () => {
    const s = makeProject(':memory:', { entries: ['e1'], annotators: ['ana'] });
    appCall(s, 'labels.set', { annotator: 'ana', entryId: 'e1', dimension: 'stage', value: 'training' });
    const old = exportPack(s.db, { annotator: 'ana' }).text;
    appCall(s, 'labels.set', { annotator: 'ana', entryId: 'e1', dimension: 'stage', value: null });
    const cleared = exportPack(s.db, { annotator: 'ana' }).text;
    expect(JSON.parse(cleared).labels).toEqual([expect.objectContaining({ entry: 'e1', dimension: 'stage', value: null })]);

    for (const order of [[cleared, old], [old, cleared]]) {
      const db = freshDb();
      importPacks(db, order.map((text, i) => ({ name: `p${i}`, text })));
      expect(db.prepare('SELECT COUNT(*) AS n FROM label').get()).toEqual({ n: 0 });
      expect(exportPack(db, { annotator: 'ana' }).text).toBe(cleared);
      db.close();
    }
    // Setting it again after the clear wins over the tombstone.
    appCall(s, 'labels.set', { annotator: 'ana', entryId: 'e1', dimension: 'stage', value: 'inference' });
    const db = freshDb();
    importPacks(db, [{ name: 'c', text: cleared }, { name: 'n', text: exportPack(s.db, { annotator: 'ana' }).text }]);
    expect(db.prepare('SELECT value FROM label').all()).toEqual([{ value: '"inference"' }]);
    expect(db.prepare('SELECT COUNT(*) AS n FROM label_clear').get()).toEqual({ n: 0 });
  });

  it('keeps the later of a local label and a packed one by their clocks, whatever their times, and logs what it replaced', async () => {
    const s = makeProject(':memory:', { entries: ['e1'], annotators: ['ana'] });
    appCall(s, 'labels.set', { annotator: 'ana', entryId: 'e1', dimension: 'stage', value: 'training' });
    const pack = JSON.parse(exportPack(s.db, { annotator: 'ana' }).text) as Pack;
    const clock = pack.labels[0].clock;
    // An earlier write from a machine whose clock ran far ahead loses; a later one from a machine far behind wins.
    const older = { ...pack, labels: pack.labels.map((l) => ({ ...l, value: 'evaluation-metrics', clock: clock - 1, updatedAt: '2999-01-01T00:00:00.000Z' })) };
    const newer = { ...pack, labels: pack.labels.map((l) => ({ ...l, value: 'inference', clock: clock + 1, updatedAt: '2000-01-01T00:00:00.000Z' })) };
    expect(importPacks(s.db, [{ name: 'older', text: signedText(older) }]).changed).toBe(false);
    const r = importPacks(s.db, [{ name: 'newer', text: signedText(newer) }]);
    expect(r).toMatchObject({ labelsSet: 1, changed: true, backup: null });
    expect((await appCall(s, 'entries.get', { annotator: 'ana', id: 'e1' })).labels).toEqual({ stage: 'inference' });
    const ev = s.db.prepare("SELECT actor, kind, before, after FROM event WHERE kind IN ('label.set', 'pack.merge') ORDER BY id DESC LIMIT 2").all();
    expect(ev).toEqual([
      { actor: 'ana', kind: 'pack.merge', before: null, after: expect.stringContaining('"pack":"newer"') },
      { actor: 'ana', kind: 'label.set', before: '"training"', after: '"inference"' },
    ]);
  });
});

it('orders text by code unit, the same in every locale', () => {
  expect(['b', 'B', 'a', 'é'].sort(compareText)).toEqual(['B', 'a', 'b', 'é']);
});

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { demoEntries } from '../../fixtures/demo-entries.ts';
import { writeDemo } from '../../fixtures/make-demo.ts';
import { deepBenchCodebook } from '../../shared/codebook/index.ts';
import type { Db } from '../database.ts';
import { demoDir, PUBLISHED_ANNOTATOR, runImport, seedDemo } from './index.ts';
import { dumpTables, makeProjectDb } from '../../test/helpers/import-project.ts';

let t: ReturnType<typeof makeProjectDb>;
let db: Db;
beforeEach(() => {
  t = makeProjectDb();
  db = t.db;
});
afterEach(() => t.cleanup());

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

const labelRows = (annotators: string[]) =>
  db
    .prepare(
      `SELECT e.ext_id AS entry, a.name AS annotator, l.dimension, l.value FROM label l
       JOIN entry e ON e.id = l.entry_id JOIN annotator a ON a.id = l.annotator_id
       WHERE a.name IN (${annotators.map(() => '?').join(',')})`,
    )
    .all(...annotators) as { entry: string; annotator: string; dimension: string; value: string }[];

describe('the demo project', () => {
  it('is what fixtures/make-demo.ts writes, byte for byte, and stays small', () => {
    const fresh = join(t.dir, 'demo');
    writeDemo(fresh);
    const committed = filesUnder(demoDir()).map((f) => relative(demoDir(), f)).sort();
    expect(filesUnder(fresh).map((f) => relative(fresh, f)).sort()).toEqual(committed);
    let total = 0;
    for (const f of committed) {
      const bytes = readFileSync(join(demoDir(), f));
      total += bytes.length;
      expect(readFileSync(join(fresh, f)).equals(bytes), f).toBe(true);
    }
    expect(total).toBeLessThan(300 * 1024);
  });

  it('seeds 33 entries, passing and failing, with three annotators and the published labels', async () => {
    await seedDemo(db);
    const n = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    expect(n('SELECT COUNT(*) AS n FROM entry')).toBe(33);
    expect(n('SELECT COUNT(*) AS n FROM entry WHERE passed = 1')).toBe(8);
    expect(n('SELECT COUNT(*) AS n FROM entry WHERE passed = 0')).toBe(25);
    // Every entry holds all four texts (an empty text has no field).
    expect(n("SELECT COUNT(*) AS n FROM entry e WHERE (SELECT COUNT(*) FROM entry_field f WHERE f.entry_id = e.id AND f.name IN ('prompt', 'output', 'ground_truth', 'test_log')) < 4")).toBe(0);
    expect(db.prepare('SELECT name, role FROM annotator ORDER BY name').all()).toEqual([
      { name: 'ana', role: 'annotator' },
      { name: 'ben', role: 'annotator' },
      { name: 'cai', role: 'annotator' },
      { name: PUBLISHED_ANNOTATOR, role: 'reference' },
    ]);
    expect(n("SELECT COUNT(*) AS n FROM submission WHERE status = 'submitted'")).toBe(33 * 4);
    const unet = db.prepare("SELECT failing_tests FROM entry WHERE ext_id = 'classes-segtoolsUNetUpforward, 14'").get() as { failing_tests: string };
    expect(JSON.parse(unet.failing_tests)).toEqual(['tests/test_unet.py']);
    const nms = db.prepare("SELECT failing_tests FROM entry WHERE ext_id = 'detkit_nms23'").get() as { failing_tests: string };
    expect(JSON.parse(nms.failing_tests)).toEqual(['tests/test_nms.py::test_nms_matches_torchvision', 'tests/test_nms.py::test_nms_no_overlap']);
  });

  it('covers every stage, task, input type and bug type, and holds 1-1-1 splits', async () => {
    await seedDemo(db);
    const rows = labelRows(['ana', 'ben', 'cai']);
    for (const dimId of ['stage', 'task', 'input', 'bug']) {
      const dim = deepBenchCodebook.dimensions.find((d) => d.id === dimId)!;
      const used = new Set(
        rows.filter((r) => r.dimension === dimId).flatMap((r) => {
          const v = JSON.parse(r.value) as string | string[];
          return (Array.isArray(v) ? v : [v]).map((x) => x.split('::')[0]);
        }),
      );
      expect([...used].sort(), dimId).toEqual(dim.values.map((v) => v.id).sort());
    }
    // Per entry and single dimension, three different values = a split the meeting must decide.
    const byUnit = new Map<string, Set<string>>();
    for (const r of rows.filter((r) => ['stage', 'task', 'input'].includes(r.dimension))) {
      const k = `${r.entry}/${r.dimension}`;
      byUnit.set(k, (byUnit.get(k) ?? new Set()).add(r.value));
    }
    const splits = [...byUnit.values()].filter((s) => s.size === 3).length;
    const disagreements = [...byUnit.values()].filter((s) => s.size > 1).length;
    expect(splits).toBeGreaterThanOrEqual(5);
    expect(disagreements).toBeGreaterThan(splits);
    expect(rows.filter((r) => r.dimension === 'prompt-review').length).toBe(10 * 3);
    expect(rows.filter((r) => r.dimension === 'bug').length).toBe(25 * 3);
  });

  it('shows the release quirks when its Deep-Bench folder is imported alone', async () => {
    const s = await runImport(db, join(demoDir(), 'dlbench'));
    expect(s.entriesCreated).toBe(33);
    expect(s.warnings.filter((w) => /swapped/.test(w.message)).map((w) => w.file.split('/').pop()).sort()).toEqual([
      'classes-resnetliteResidualBlockforward, 10.txt',
      'classes-trainkitEarlyStoppingstep, 19.txt',
      'classes-tsforgeLSTMForecaster__init__, 11.txt',
      'classes-visionkitTinyConvNet__init__, 9.txt',
    ]);
    expect(s.warnings).toContainEqual(expect.objectContaining({ field: 'data', message: expect.stringContaining('"Audio"') }));
    expect(s.unplaced).toEqual([{ field: 'data', value: 'Audio', count: 1, files: ['audiokit_resample8.txt'], metadataKey: 'publishedData' }]);
    expect(s.groups.map((g) => g.message)).toContainEqual(expect.stringMatching(/^\d+ entries have no published task: imported as General$/));
    // Once the swaps are undone, every published stage is the stage we meant.
    const published = new Map(labelRows([PUBLISHED_ANNOTATOR]).filter((r) => r.dimension === 'stage').map((r) => [r.entry, JSON.parse(r.value)]));
    expect(published.size).toBe(33);
    for (const e of demoEntries) expect(published.get(e.id), e.id).toBe(e.stage);
  });

  it('seeding twice changes nothing', async () => {
    await seedDemo(db);
    const before = dumpTables(db);
    await seedDemo(db);
    expect(dumpTables(db)).toEqual(before);
  });
});

import Database from 'better-sqlite3';
import { alpha as packageAlpha } from 'krippendorff';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../db/import/index.ts';
import { makeProjectDb } from '../../test/helpers/import-project.ts';
import { deepBenchCodebook } from '../../shared/codebook/index.ts';
import { runCommand } from '../../test/helpers/cli.ts';
import alpha from './alpha.ts';

// `concord alpha --by week|batch` on the demo project: each week's figure against the krippendorff
// package on that week's entries, the weeks read from the label times by plain SQL here.

const run = (...argv: string[]) => runCommand(alpha, argv);
let project: ReturnType<typeof makeProjectDb>;
beforeAll(async () => {
  project = makeProjectDb();
  await seedDemo(project.db);
});
afterAll(() => project.cleanup());

/** The Monday (UTC) of the week of an ISO time, as YYYY-MM-DD. */
function mondayOf(iso: string): string {
  const t = new Date(iso);
  const d = Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate());
  return new Date(d - ((t.getUTCDay() + 6) % 7) * 86_400_000).toISOString().slice(0, 10);
}

describe('concord alpha --by', () => {
  it('prints the figure per week of labelling time, each equal to the krippendorff package on its entries', async () => {
    const r = await run('--db', project.file, '--by', 'week', '--dimension', 'stage', '--bootstrap', '100', '--json');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    const plain = JSON.parse((await run('--db', project.file, '--dimension', 'stage', '--bootstrap', '100', '--json')).stdout);
    // The overall figure leads, as in every `alpha --json`, and is the one `alpha` prints.
    expect(out.alpha).toBe(plain.alpha);
    expect(out.units).toBe(plain.units);
    expect(out.interval).toEqual(plain.interval);
    expect(out.figure).toBe('stage nominal');
    expect(out.time).toMatch(/annotator's machine recorded their last label/);

    const db = new Database(project.file, { readonly: true });
    const rows = db
      .prepare(
        `SELECT e.ext_id AS entry, a.name AS annotator, l.dimension, l.value, l.updated_at AS at FROM label l
         JOIN entry e ON e.id = l.entry_id JOIN annotator a ON a.id = l.annotator_id WHERE a.role = 'annotator'`,
      )
      .all() as { entry: string; annotator: string; dimension: string; value: string; at: string }[];
    db.close();
    // An entry's time: its last label, whoever made it.
    const last = new Map<string, string>();
    for (const x of rows) if (!last.has(x.entry) || x.at > last.get(x.entry)!) last.set(x.entry, x.at);
    const weeks = [...new Set([...last.values()].map(mondayOf))].sort();
    expect(out.groups.map((g: { from: string }) => mondayOf(g.from))).toEqual(weeks);
    const stageIds = deepBenchCodebook.dimensions.find((d) => d.id === 'stage')!.values.map((v) => v.id);
    for (const g of out.groups) {
      const entries = [...last].filter(([, at]) => mondayOf(at) === mondayOf(g.from)).map(([e]) => e);
      expect(g.entries).toBe(entries.length);
      const matrix = ['ana', 'ben', 'cai'].map((who) =>
        entries.map((e) => {
          const v = rows.find((x) => x.entry === e && x.annotator === who && x.dimension === 'stage')?.value;
          return v === undefined ? undefined : stageIds.indexOf(JSON.parse(v));
        }),
      );
      expect(Math.abs(g.alpha - packageAlpha(matrix)), g.key).toBeLessThan(1e-9);
      expect(g.interval.low).toBeLessThanOrEqual(g.alpha);
    }
  });

  it('cuts batches of 50 finished entries, and says which time it used', async () => {
    const r = await run('--db', project.file, '--by', 'batch', '--bootstrap', '0');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/pooled alpha of ana, ben, cai per batch of 50 entries/);
    expect(r.stdout).toMatch(/entries 1–33/);
    expect(r.stdout).toMatch(/Time: when the annotator's machine recorded/);
  });

  it('refuses what it cannot group', async () => {
    expect((await run('--db', project.file, '--by', 'month')).code).toBe(1);
    expect((await run('--matrix', 'x.csv', '--level', 'nominal', '--by', 'week')).code).toBe(1);
    expect((await run('--db', project.file, '--by', 'week', '--dimension', 'nope')).code).toBe(2);
  });
});

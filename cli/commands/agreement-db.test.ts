import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../db/import/index.ts';
import { makeProjectDb } from '../../test/helpers/import-project.ts';
import type { CoefficientSet } from '../../shared/agreement/coefficient-table.ts';
import { compareSet, textbook, textbookWeights, type Cell } from '../../shared/agreement/textbook.testing.ts';
import { deepBenchCodebook } from '../../shared/codebook/index.ts';
import { runCommand } from '../../test/helpers/cli.ts';
import agreement from './agreement.ts';

// `concord agreement --db` on the demo project, against the textbook formulas applied to the
// reliability matrices read straight from the database here (submitted labels of ana, ben, cai).

const run = (...argv: string[]) => runCommand(agreement, argv);
let project: ReturnType<typeof makeProjectDb>;
let file: string;

beforeAll(async () => {
  project = makeProjectDb();
  await seedDemo(project.db);
  file = project.file;
});
afterAll(() => project.cleanup());

const CONTRACT = ['percent', 'cohen', 'fleiss', 'conger', 'gwet_ac1', 'brennan_prediger', 'alpha'];

/** The JSON's contract keys back in the shape of a coefficient set. */
function asSet(json: Record<string, unknown>): CoefficientSet {
  return {
    percent: json.percent,
    cohen: json.cohen,
    fleiss: json.fleiss,
    conger: json.conger,
    gwet: json.gwet_ac1 ?? json.gwet_ac2,
    gwetName: json.gwet_ac1 ? 'AC1' : 'AC2',
    brennanPrediger: json.brennan_prediger,
    alpha: json.alpha,
  } as CoefficientSet;
}

/** Each rater's submitted value per entry on a dimension, as plain SQL reads them. */
function valuesOf(dimension: string): Map<string, Map<string, unknown>> {
  const db = new Database(file, { readonly: true });
  try {
    const rows = db
      .prepare(
        `SELECT e.ext_id AS entry, a.name AS annotator, l.value FROM label l JOIN entry e ON e.id = l.entry_id JOIN annotator a ON a.id = l.annotator_id
         JOIN submission s ON s.entry_id = l.entry_id AND s.annotator_id = l.annotator_id AND s.status = 'submitted'
         WHERE l.dimension = ? AND a.role = 'annotator'`,
      )
      .all(dimension) as { entry: string; annotator: string; value: string }[];
    const out = new Map<string, Map<string, unknown>>();
    for (const r of rows) {
      const v = JSON.parse(r.value);
      if (Array.isArray(v) && !v.length) continue;
      if (!out.has(r.entry)) out.set(r.entry, new Map());
      out.get(r.entry)!.set(r.annotator, v);
    }
    return out;
  } finally {
    db.close();
  }
}

const raters = ['ana', 'ben', 'cai'];
/** Units x raters of category indexes, categories in the order given (then in order of first use). */
function matrixOf(units: Map<string, string | null>[], categories: string[]): { matrix: Cell[][]; q: number } {
  const cats = [...categories];
  const matrix = units.map((u) =>
    raters.map((r) => {
      const k = u.get(r) ?? null;
      if (k === null) return null;
      if (!cats.includes(k)) cats.push(k);
      return cats.indexOf(k);
    }),
  );
  return { matrix, q: cats.length };
}

describe('concord agreement --db', () => {
  it('prints every coefficient of the contract, pooled at the top and per dimension, each equal to the textbook on the demo', async () => {
    const r = await run('--db', file, '--json', '--bootstrap', '0');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.figure).toBe('pooled');
    expect(out.raters).toEqual(raters);
    for (const key of CONTRACT) {
      expect(out[key], key).toBeDefined();
      expect(out[key]).toEqual(out.pooled[key]);
      expect(Object.keys(out[key])).toEqual(expect.arrayContaining(['value', 'ci']));
    }

    // Stage, task, input: one value per entry over the codebook's values.
    const I = (q: number) => textbookWeights('identity', q, []);
    for (const id of ['stage', 'task', 'input']) {
      const values = valuesOf(id);
      const dim = deepBenchCodebook.dimensions.find((d) => d.id === id)!;
      const units = [...values.values()].map((m) => new Map([...m].map(([a, v]) => [a, v as string])));
      const { matrix, q } = matrixOf(units, dim.values.map((v) => v.id));
      const json = out.dimensions.find((d: { id: string }) => d.id === id);
      compareSet(asSet(json), textbook(matrix, q, I(q)), `demo ${id}`);
    }
    // Bug: the set of types as a whole.
    const bug = deepBenchCodebook.dimensions.find((d) => d.id === 'bug')!;
    const typeSet = (v: unknown) => [...new Set((v as string[]).map((p) => p.split('::')[0]))].sort((a, b) => bug.values.findIndex((x) => x.id === a) - bug.values.findIndex((x) => x.id === b)).join('|');
    const bugUnits = [...valuesOf('bug').values()].map((m) => new Map([...m].map(([a, v]) => [a, typeSet(v)])));
    const bugMatrix = matrixOf(bugUnits, []);
    compareSet(asSet(out.dimensions.find((d: { id: string }) => d.id === 'bug')), textbook(bugMatrix.matrix, bugMatrix.q, I(bugMatrix.q)), 'demo bug');

    // Pooled: one unit per entry and categorical dimension, values qualified by their dimension, sets by exact match.
    const pooledUnits: Map<string, string | null>[] = [];
    const known: string[] = [];
    for (const id of ['stage', 'task', 'input', 'bug']) {
      const dim = deepBenchCodebook.dimensions.find((d) => d.id === id)!;
      if (dim.kind === 'single') known.push(...dim.values.map((v) => `${id}:${v.id}`));
      for (const m of valuesOf(id).values())
        pooledUnits.push(new Map([...m].map(([a, v]) => [a, (Array.isArray(v) ? v : [v as string]).map((x) => `${id}:${x}`).sort().join('|')])));
    }
    const pooled = matrixOf(pooledUnits, known);
    compareSet(asSet(out), textbook(pooled.matrix, pooled.q, I(pooled.q)), 'demo pooled');
    expect(out.units).toBe(pooledUnits.length);
    // Free text has no coefficients, and says so.
    expect(JSON.stringify(out)).not.toMatch(/NaN|Infinity/);
  });

  it('gives every figure an interval with the bootstrap, and the same numbers for the same seed', async () => {
    const a = JSON.parse((await run('--db', file, '--json', '--bootstrap', '200', '--seed', '9', '--dimension', 'stage')).stdout);
    const b = JSON.parse((await run('--db', file, '--json', '--bootstrap', '200', '--seed', '9', '--dimension', 'stage')).stdout);
    expect(a).toEqual(b);
    expect(a.figure).toBe('stage');
    expect(a.pooled).toBeNull();
    expect(a.dimensions.map((d: { id: string }) => d.id)).toEqual(['stage']);
    for (const key of CONTRACT) {
      expect(a[key].ci, key).toHaveLength(2);
      expect(a[key].ci[0]).toBeLessThanOrEqual(a[key].value);
    }
    expect(a.cohen.ciMethod).toBe('bootstrap');
    expect(a.fleiss.ciMethod).toBe('analytic');
    expect(a.dimensions[0].perCategory.map((c: { category: string }) => c.category)).toEqual(deepBenchCodebook.dimensions.find((d) => d.id === 'stage')!.values.map((v) => v.id));
  });

  it('reads like the matrix report for people, and refuses what it cannot compute', async () => {
    const r = await run('--db', file, '--bootstrap', '0');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Pooled over stage, task, input, bug: 124 rated units/);
    expect(r.stdout).toMatch(/Stage \(stage, single\)/);
    expect(r.stdout).toMatch(/Missing ratings are handled as irrCAC does/);
    expect(r.stdout).not.toMatch(/NaN/);
    expect((await run('--db', file, '--dimension', 'nope')).code).toBe(2);
    expect((await run('--db', file, '--annotators', 'ana')).code).toBe(1);
    expect((await run('--db', file, '--matrix', 'x.csv')).code).toBe(1);
    expect((await run('--db', file, '--level', 'nominal')).code).toBe(1);
    expect((await run('--matrix', 'x.csv', '--level', 'nominal', '--drafts')).code).toBe(1);
  });
});

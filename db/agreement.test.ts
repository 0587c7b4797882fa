import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { alphaOfMatrix } from '../shared/agreement/alpha.ts';
import { cellKey } from '../shared/agreement/types.ts';
import { deepBenchCodebook } from '../shared/codebook/deep-bench.ts';
import { agreementReport } from './agreement.ts';
import { openDatabase, now, type Db } from './database.ts';

let dir: string;
let db: Db;

// stage labels per entry for ann, bob, cat, ref (reference) and adj (adjudicator).
const stage: Record<string, (string | null)[]> = {
  e1: ['training', 'training', 'training', 'inference', 'training'],
  e2: ['inference', 'inference', 'training', 'inference', 'inference'],
  e3: ['model-construction', 'model-construction', 'model-construction', 'training', 'model-construction'],
  e4: ['training', 'inference', null, 'inference', 'inference'],
  e5: ['evaluation-metrics', 'evaluation-metrics', 'evaluation-metrics', 'training', 'evaluation-metrics'],
};
const people = [
  ['ann', 'annotator'],
  ['bob', 'annotator'],
  ['cat', 'annotator'],
  ['ref', 'reference'],
  ['adj', 'adjudicator'],
] as const;

function seed() {
  const t = now();
  db.prepare('INSERT INTO project (id, name, codebook_json, created_at) VALUES (1, ?, ?, ?)').run('test', JSON.stringify(deepBenchCodebook), t);
  const entry = db.prepare('INSERT INTO entry (ext_id, passed, created_at, updated_at) VALUES (?, ?, ?, ?)');
  const person = db.prepare('INSERT INTO annotator (name, role, created_at) VALUES (?, ?, ?)');
  const label = db.prepare('INSERT INTO label (entry_id, annotator_id, dimension, value, codebook_version, updated_at) VALUES (?, ?, ?, ?, ?, ?)');
  const submission = db.prepare('INSERT INTO submission (entry_id, annotator_id, status, updated_at) VALUES (?, ?, ?, ?)');
  const ids = Object.keys(stage).map((ext, i) => Number(entry.run(ext, i % 2, t, t).lastInsertRowid)); // e1, e3, e5 fail
  const who = people.map(([name, role]) => Number(person.run(name, role, t).lastInsertRowid));
  Object.values(stage).forEach((values, e) =>
    values.forEach((v, p) => {
      if (v === null) return;
      label.run(ids[e], who[p], 'stage', JSON.stringify(v), '1.0.0', t);
      // cat's work on e5 is still a draft; everyone else submitted.
      submission.run(ids[e], who[p], people[p][0] === 'cat' && e === 4 ? 'draft' : 'submitted', t);
    }),
  );
  // Bug labels: on a failing entry, and one on a passing entry (a conflict: it counts, as the annotator's label).
  label.run(ids[0], who[0], 'bug', JSON.stringify(['misinterpretation']), '1.0.0', t);
  label.run(ids[0], who[1], 'bug', JSON.stringify(['misinterpretation', 'syntax-error']), '1.0.0', t);
  label.run(ids[1], who[0], 'bug', JSON.stringify(['syntax-error']), '1.0.0', t);
  // An older codebook version's label, and a decision (agreement never reads decisions).
  label.run(ids[2], who[0], 'task', JSON.stringify('general'), '0.9.0', t);
  label.run(ids[2], who[1], 'task', JSON.stringify('classification'), '1.0.0', t);
  db.prepare("INSERT INTO decision (entry_id, dimension, value, method, decided_at) VALUES (?, 'stage', ?, 'adjudicated', ?)").run(ids[3], JSON.stringify('training'), t);
  return { ids, who };
}

/** The stage matrix for some people (by index), with cat's draft in or out. */
function stageMatrix(who: number[], drafts = false) {
  return who.map((p) => Object.values(stage).map((values, e) => (people[p][0] === 'cat' && e === 4 && !drafts ? null : values[p])));
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'concord-agreement-'));
  db = openDatabase(join(dir, 'project.db'));
  seed();
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('agreementReport', () => {
  it('uses the annotators’ submitted labels only: no reference, no adjudicator, no drafts, no decisions', () => {
    const r = agreementReport(db, { bootstrap: 0 });
    expect(r.raters).toEqual(['ann', 'bob', 'cat']);
    const fig = r.dimensions.find((d) => d.id === 'stage')!.measures[0].figure;
    const expected = alphaOfMatrix(stageMatrix([0, 1, 2]), 'nominal');
    expect(fig.alpha).toBeCloseTo(expected.alpha!, 12);
    expect(fig.values).toBe(expected.values);
    expect(r.selection).toMatchObject({ includeDrafts: false, annotators: ['ann', 'bob', 'cat'] });
    expect(r.crossCheck.agree).toBe(true);
  });

  it('counts drafts when asked', () => {
    const r = agreementReport(db, { bootstrap: 0, includeDrafts: true, dimension: 'stage' });
    const expected = alphaOfMatrix(stageMatrix([0, 1, 2], true), 'nominal');
    expect(r.dimensions[0].measures[0].figure.alpha).toBeCloseTo(expected.alpha!, 12);
    expect(r.dimensions[0].measures[0].figure.values).toBe(expected.values);
  });

  it('takes reference or adjudicator labels only when they are named', () => {
    const r = agreementReport(db, { bootstrap: 0, annotators: ['ANN', 'ref'], dimension: 'Stage' });
    expect(r.raters).toEqual(['ann', 'ref']);
    expect(r.dimensions[0].measures[0].figure.alpha).toBeCloseTo(alphaOfMatrix(stageMatrix([0, 3]), 'nominal').alpha!, 12);
  });

  it('counts a bug label on a passing entry too: a conflict is still the annotator\'s label', () => {
    const bug = agreementReport(db, { bootstrap: 0, dimension: 'bug' }).dimensions[0];
    expect(bug.units).toBe(2);
    // Only ann labelled the passing entry, so it pairs with nothing: 1 pairable unit, 2 values.
    expect(bug.measures[0].figure).toMatchObject({ units: 1, values: 2 });
    const bob = db.prepare("SELECT id FROM annotator WHERE name = 'bob'").get() as { id: number };
    const passing = db.prepare('SELECT id FROM entry WHERE passed = 1 ORDER BY id LIMIT 1').get() as { id: number };
    db.prepare("INSERT INTO label (entry_id, annotator_id, dimension, value, codebook_version, updated_at) VALUES (?, ?, 'bug', ?, '1.0.0', 't')").run(passing.id, bob.id, JSON.stringify(['syntax-error']));
    const again = agreementReport(db, { bootstrap: 0, dimension: 'bug' }).dimensions[0];
    expect(again.measures[0].figure).toMatchObject({ units: 2, values: 4 });
  });

  it('filters by codebook version', () => {
    const all = agreementReport(db, { bootstrap: 0, dimension: 'task' });
    expect(all.dimensions[0].measures[0].figure.units).toBe(1);
    expect(all.selection.codebookVersions).toEqual(['0.9.0', '1.0.0']);
    const current = agreementReport(db, { bootstrap: 0, dimension: 'task', codebookVersion: '1.0.0' });
    expect(current.dimensions[0].measures[0].figure.units).toBe(0);
    expect(current.selection.codebookVersions).toEqual(['1.0.0']);
  });

  it('names the entries behind each coincidence cell, on the same labels as the figures', () => {
    const table = agreementReport(db, { bootstrap: 0, dimension: 'stage' }).dimensions[0].measures[0].coincidence;
    const at = (a: string, b: string) => table.cellUnits![cellKey(table.values.findIndex((v) => v.id === a), table.values.findIndex((v) => v.id === b))];
    expect(at('inference', 'training')).toEqual([{ entry: 'e2' }, { entry: 'e4' }]);
    expect(at('training', 'training')).toEqual([{ entry: 'e1' }]);
    expect(at('evaluation-metrics', 'evaluation-metrics')).toEqual([{ entry: 'e5' }]);
    // The older codebook version's label pairs with nothing once that version is left out.
    const task = (codebookVersion?: string) => agreementReport(db, { bootstrap: 0, dimension: 'task', codebookVersion }).dimensions[0].measures[0].coincidence.cellUnits;
    expect(Object.values(task()!)).toEqual([[{ entry: 'e3' }]]);
    expect(task('1.0.0')).toEqual({});
    // Asked without them (as the exports and the CLI ask), the matrices carry counts only.
    expect(JSON.stringify(agreementReport(db, { bootstrap: 0, cellUnits: false }))).not.toContain('cellUnits');
  });

  it('asked for a table of groups (primary figures only), makes the same figures without their pairwise tables', () => {
    const full = agreementReport(db, { bootstrap: 0, cellUnits: false });
    const lean = agreementReport(db, { bootstrap: 0, cellUnits: false, primaryOnly: true });
    const primary = (r: typeof full) => r.dimensions.map((d) => ({ id: d.id, figure: d.measures.find((m) => m.id === d.primary)?.figure }));
    expect(primary(lean)).toEqual(primary(full));
    expect(lean.pooled!.figure).toEqual(full.pooled!.figure);
    expect(full.pooled!.pairwise.length).toBeGreaterThan(0);
    expect(full.dimensions.some((d) => d.measures.some((m) => m.pairwise.length > 0))).toBe(true);
    expect(lean.pooled!.pairwise).toEqual([]);
    expect(lean.dimensions.every((d) => d.measures.every((m) => m.pairwise.length === 0))).toBe(true);
  });

  it('is reproducible with a seed', () => {
    const a = agreementReport(db, { bootstrap: 300, seed: 9 });
    const b = agreementReport(db, { bootstrap: 300, seed: 9 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(a.pooled!.figure.interval!.resamples).toBe(300);
  });

  it('names what it does not know', () => {
    expect(() => agreementReport(db, { dimension: 'mood' })).toThrow(/unknown dimension "mood"/);
    expect(() => agreementReport(db, { annotators: ['zed'] })).toThrow(/unknown annotator "zed"/);
  });

  describe('once the project assigns entries', () => {
    /** ann and bob have every entry, cat only e1 and e2; eve, who typed her name, has none and labels e1. */
    function assign() {
      const id = (table: string, col: string, v: string) => (db.prepare(`SELECT id FROM ${table} WHERE ${col} = ?`).get(v) as { id: number }).id;
      const put = db.prepare('INSERT INTO assignment (entry_id, annotator_id) VALUES (?, ?)');
      for (const e of Object.keys(stage)) for (const a of ['ann', 'bob']) put.run(id('entry', 'ext_id', e), id('annotator', 'name', a));
      for (const e of ['e1', 'e2']) put.run(id('entry', 'ext_id', e), id('annotator', 'name', 'cat'));
      const eve = Number(db.prepare("INSERT INTO annotator (name, role, created_at) VALUES ('eve', 'annotator', ?)").run(now()).lastInsertRowid);
      db.prepare("INSERT INTO label (entry_id, annotator_id, dimension, value, codebook_version, updated_at) VALUES (?, ?, 'stage', ?, '1.0.0', ?)").run(id('entry', 'ext_id', 'e1'), eve, JSON.stringify('inference'), now());
      db.prepare("INSERT INTO submission (entry_id, annotator_id, status, updated_at) VALUES (?, ?, 'submitted', ?)").run(id('entry', 'ext_id', 'e1'), eve, now());
    }
    /** cat's stage labels on the entries assigned to her only. */
    const catAssigned = (m: (string | null)[][]) => m.map((row, p) => (p === 2 ? row.map((v, e) => (e < 2 ? v : null)) : row));

    it('counts an annotator only on the entries assigned to them, and lists who was left out', () => {
      assign();
      const r = agreementReport(db, { bootstrap: 0, dimension: 'stage' });
      expect(r.raters).toEqual(['ann', 'bob', 'cat']);
      const expected = alphaOfMatrix(catAssigned(stageMatrix([0, 1, 2])), 'nominal');
      expect(r.dimensions[0].measures[0].figure.alpha).toBeCloseTo(expected.alpha!, 12);
      expect(r.dimensions[0].measures[0].figure.values).toBe(expected.values);
      expect(r.selection.byAssignment).toBe(true);
      // cat's submitted e3 (e4 she left empty, e5 is a draft); eve's e1.
      expect(r.selection.unassigned).toEqual([
        { annotator: 'cat', labels: 1, entries: 1, included: false },
        { annotator: 'eve', labels: 1, entries: 1, included: false },
      ]);
      // Drafts counted, cat's draft on e5 is left out too.
      expect(agreementReport(db, { bootstrap: 0, dimension: 'stage', includeDrafts: true }).selection.unassigned[0]).toEqual({ annotator: 'cat', labels: 2, entries: 2, included: false });
    });

    it('counts them everywhere when the lead includes them', () => {
      assign();
      const r = agreementReport(db, { bootstrap: 0, dimension: 'stage', includeUnassigned: ['CAT', 'eve'] });
      expect(r.raters).toEqual(['ann', 'bob', 'cat', 'eve']);
      const m = [...stageMatrix([0, 1, 2]), Object.keys(stage).map((e) => (e === 'e1' ? 'inference' : null))];
      expect(r.dimensions[0].measures[0].figure.alpha).toBeCloseTo(alphaOfMatrix(m, 'nominal').alpha!, 12);
      expect(r.selection.unassigned.map((u) => [u.annotator, u.included])).toEqual([
        ['cat', true],
        ['eve', true],
      ]);
      // Naming cat among the raters is not including her: she still counts where assigned only.
      const named = agreementReport(db, { bootstrap: 0, dimension: 'stage', annotators: ['ann', 'bob', 'cat'] });
      expect(named.dimensions[0].measures[0].figure.alpha).toBeCloseTo(alphaOfMatrix(catAssigned(stageMatrix([0, 1, 2])), 'nominal').alpha!, 12);
      expect(() => agreementReport(db, { includeUnassigned: ['zed'] })).toThrow(/unknown annotator "zed"/);
    });

    it('still takes the reference labels, which nobody is assigned, when they are named', () => {
      assign();
      const r = agreementReport(db, { bootstrap: 0, annotators: ['ann', 'ref'], dimension: 'stage' });
      expect(r.dimensions[0].measures[0].figure.alpha).toBeCloseTo(alphaOfMatrix(stageMatrix([0, 3]), 'nominal').alpha!, 12);
      expect(r.selection.unassigned).toEqual([]);
    });
  });
});

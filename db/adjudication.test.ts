import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from './database.ts';
import { acceptMajorities, adjudicationEntry, adjudicationQueue, adjudicationSummary, decide, finalValues, readStudy, undoDecision } from './adjudication.ts';
import { addAnnotator, addEntry, addLabel, freshProject } from '../test/helpers/export-project.ts';

let db: Db;
let cleanup: () => void;

beforeEach(() => {
  ({ db, cleanup } = freshProject());
  // e1: stage 2-1 majority; e2: stage 1-1-1 split; e3: unanimous; e4 passes (no bug tree).
  addEntry(db, 'e1', false);
  addEntry(db, 'e2', false);
  addEntry(db, 'e3', false);
  addEntry(db, 'e4', true);
  for (const [e, a, b, c] of [
    ['e1', 'training', 'training', 'inference'],
    ['e2', 'training', 'inference', 'evaluation-metrics'],
    ['e3', 'inference', 'inference', 'inference'],
    ['e4', 'inference', 'inference', 'inference'],
  ])
    for (const [who, v] of [['ana', a], ['ben', b], ['cai', c]]) addLabel(db, e, who, 'stage', v);
  addLabel(db, 'e1', 'ana', 'bug', ['syntax-error']);
  addLabel(db, 'e1', 'ben', 'bug', ['syntax-error']);
  addLabel(db, 'e1', 'cai', 'bug', ['syntax-error']);
});
afterEach(() => cleanup());

const labelRows = () => db.prepare('SELECT * FROM label ORDER BY entry_id, annotator_id, dimension').all();
const finalOf = (entry: string, dim: string) => finalValues(readStudy(db)).get(entry)?.get(dim)?.final ?? null;

describe('what counts', () => {
  it('ignores reference and adjudicator labels, and drafts unless asked', () => {
    addAnnotator(db, 'deepbench-published', 'reference');
    addAnnotator(db, 'lead', 'adjudicator');
    addLabel(db, 'e3', 'deepbench-published', 'stage', 'training');
    addLabel(db, 'e3', 'lead', 'stage', 'training');
    addLabel(db, 'e3', 'dee', 'stage', 'training', 'draft');
    expect(finalOf('e3', 'stage')).toBe('inference');
    const withDrafts = finalValues(readStudy(db, { includeDrafts: true })).get('e3')!.get('stage')!;
    expect(withDrafts.status).toBe('majority');
  });

  it('gives no bug consensus to a passing entry', () => {
    expect(finalValues(readStudy(db)).get('e4')!.has('bug')).toBe(false);
  });
});

describe('the queue and the grid', () => {
  it('lists open disagreements, the 1-1-1 split first', () => {
    expect(adjudicationQueue(db).map((q) => q.entryId)).toEqual(['e2', 'e1']);
    expect(adjudicationQueue(db, { dimension: 'bug' })).toEqual([]);
    expect(() => adjudicationQueue(db, { dimension: 'nope' })).toThrow(/unknown dimension/);
  });

  it('shows every annotator value with the proposal, and hides names consistently', () => {
    const shown = adjudicationEntry(db, { entryId: 'e1' });
    const stage = shown.dimensions.find((d) => d.dimension === 'stage')!;
    expect(shown.annotators).toEqual(['ana', 'ben', 'cai']);
    expect(stage.values).toEqual([
      { annotator: 'ana', value: 'training' },
      { annotator: 'ben', value: 'training' },
      { annotator: 'cai', value: 'inference' },
    ]);
    expect(stage.proposal).toBe('training');
    decide(db, { entryId: 'e1', dimension: 'stage', value: 'training', decidedBy: 'ben' });
    const hidden = adjudicationEntry(db, { entryId: 'e1', hideNames: true });
    expect(hidden.dimensions.find((d) => d.dimension === 'stage')!.decision?.decidedBy).toBe('Annotator B');
    expect(hidden.annotators).toEqual(['Annotator A', 'Annotator B', 'Annotator C']);
    expect(JSON.stringify(hidden)).not.toMatch(/ana|ben|cai/);
  });
});

describe('deciding', () => {
  it('records a decision as final without touching any label, and logs it', () => {
    const before = labelRows();
    const c = decide(db, { entryId: 'e2', dimension: 'stage', value: 'inference', decidedBy: 'lead' });
    expect(c.status).toBe('decided');
    expect(c.decision?.method).toBe('adjudicated');
    expect(finalOf('e2', 'stage')).toBe('inference');
    expect(labelRows()).toEqual(before);
    const ev = db.prepare("SELECT actor, entry_ext_id, dimension, after FROM event WHERE kind = 'decision.set'").get() as Record<string, string>;
    expect(ev).toMatchObject({ actor: 'lead', entry_ext_id: 'e2', dimension: 'stage' });
    expect(JSON.parse(ev.after).value).toBe('inference');
  });

  it('refuses to override a majority without a rationale, and records one with it', () => {
    expect(() => decide(db, { entryId: 'e1', dimension: 'stage', value: 'inference', decidedBy: 'lead' })).toThrow(/needs a rationale/);
    expect(() => decide(db, { entryId: 'e1', dimension: 'stage', value: 'inference', decidedBy: 'lead', rationale: '  ' })).toThrow(/needs a rationale/);
    const c = decide(db, { entryId: 'e1', dimension: 'stage', value: 'inference', decidedBy: 'lead', rationale: 'it only predicts' });
    expect(c.decision).toMatchObject({ method: 'adjudicated', rationale: 'it only predicts', decidedBy: 'lead' });
    expect(decide(db, { entryId: 'e1', dimension: 'stage', value: 'training', decidedBy: 'lead' }).decision?.method).toBe('majority');
  });

  it('refuses unknown values, the bug tree on a passing entry, and a nameless decider', () => {
    expect(() => decide(db, { entryId: 'e1', dimension: 'stage', value: 'Training', decidedBy: 'lead' })).toThrow(/unknown value/);
    expect(() => decide(db, { entryId: 'e4', dimension: 'bug', value: ['syntax-error'], decidedBy: 'lead' })).toThrow(/failing outputs/);
    expect(() => decide(db, { entryId: 'e2', dimension: 'stage', value: 'training', decidedBy: ' ' })).toThrow(/who decided/);
    expect(db.prepare('SELECT COUNT(*) AS n FROM decision').get()).toEqual({ n: 0 });
  });
});

describe('bulk acceptance and undo', () => {
  it('accepts every majority but leaves splits and unanimous values alone, and undoes the batch at once', () => {
    const r = acceptMajorities(db, { decidedBy: 'lead' });
    expect(r.decisions).toEqual([{ entryId: 'e1', dimension: 'stage', value: 'training' }]);
    expect(finalOf('e1', 'stage')).toBe('training');
    expect(finalOf('e2', 'stage')).toBeNull();
    expect(db.prepare("SELECT COUNT(*) AS n FROM event WHERE kind = 'decision.accept-majorities'").get()).toEqual({ n: 1 });
    expect(adjudicationSummary(db).dimensions.find((d) => d.dimension === 'stage')!.counts).toMatchObject({ decided: 1, 'needs-decision': 1, agreed: 2 });

    decide(db, { entryId: 'e2', dimension: 'stage', value: 'training', decidedBy: 'lead' });
    expect(undoDecision(db)).toEqual({ restored: [{ entryId: 'e2', dimension: 'stage', value: null }] });
    expect(finalOf('e2', 'stage')).toBeNull();
    expect(finalOf('e1', 'stage')).toBe('training');
    expect(undoDecision(db)!.restored).toHaveLength(1);
    expect(finalOf('e1', 'stage')).toBeNull();
    expect(undoDecision(db)).toBeNull();
    expect(acceptMajorities(db, { decidedBy: 'lead', dimension: 'bug' }).accepted).toBe(0);
  });

  it('undo restores an earlier decision that a later one replaced', () => {
    decide(db, { entryId: 'e2', dimension: 'stage', value: 'training', decidedBy: 'lead' });
    decide(db, { entryId: 'e2', dimension: 'stage', value: 'inference', decidedBy: 'lead' });
    undoDecision(db, { actor: 'lead' });
    expect(finalOf('e2', 'stage')).toBe('training');
    expect(undoDecision(db, { actor: 'someone-else' })).toBeNull();
  });
});

describe('once entries are assigned', () => {
  function assign(entryId: string, ...names: string[]): void {
    for (const name of names)
      db.prepare('INSERT INTO assignment (entry_id, annotator_id) SELECT e.id, a.id FROM entry e, annotator a WHERE e.ext_id = ? AND a.name = ?').run(entryId, name);
  }
  const stageOf = (entryId: string) => adjudicationEntry(db, { entryId }).dimensions.find((d) => d.dimension === 'stage')!;

  it('lets a label on an entry not assigned to its annotator neither vote nor open the entry', () => {
    // Without assignments, eve (who only typed her name) turns e3's unanimous value into a majority.
    addLabel(db, 'e3', 'eve', 'stage', 'training');
    expect(stageOf('e3').status).toBe('majority');
    // cai is not assigned e1: her "inference" no longer makes it a 2-1 majority.
    assign('e1', 'ana', 'ben');
    for (const e of ['e2', 'e3', 'e4']) assign(e, 'ana', 'ben', 'cai');

    expect(stageOf('e3')).toMatchObject({ status: 'agreed', proposal: 'inference' });
    expect(adjudicationEntry(db, { entryId: 'e3' }).annotators).toEqual(['ana', 'ben', 'cai']);
    expect(stageOf('e1')).toMatchObject({ status: 'agreed', values: [{ annotator: 'ana', value: 'training' }, { annotator: 'ben', value: 'training' }] });
    expect(adjudicationEntry(db, { entryId: 'e1' }).annotators).toEqual(['ana', 'ben']);
    expect(adjudicationQueue(db).map((q) => q.entryId)).toEqual(['e2']);
    expect(adjudicationSummary(db).openEntries).toBe(1);
    expect(acceptMajorities(db, { decidedBy: 'lead' }).accepted).toBe(0);
    expect(readStudy(db).annotators).toEqual(['ana', 'ben', 'cai']);
    // Hidden names keep the letter each person has everywhere, whoever an entry's raters are.
    expect(adjudicationEntry(db, { entryId: 'e1', hideNames: true }).annotators).toEqual(['Annotator A', 'Annotator B']);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assignedEntryIds, assignmentProgress, autoAssign, listAssignments, raterRule, setAssignments } from './assignments.ts';
import { makeProject } from '../test/helpers/pack-project.ts';
import { appCall } from '../test/helpers/service.ts';

const names = (n: number) => Array.from({ length: n }, (_, i) => `annotator-${String.fromCharCode(97 + i)}`);
const entries = (n: number) => Array.from({ length: n }, (_, i) => `entry-${String(i).padStart(3, '0')}`);

describe('automatic assignment', () => {
  it('gives each entry k distinct annotators, loads within one of each other, the same every time', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 3 }), (nEntries, k, extra) => {
        const people = names(k + extra);
        const run = () => {
          const s = makeProject(':memory:', { entries: entries(nEntries), annotators: [...people].reverse() });
          const r = autoAssign(s.db, { perEntry: k });
          const list = listAssignments(s.db);
          const again = autoAssign(s.db, { perEntry: k });
          s.close();
          return { r, list, again };
        };
        const { r, list, again } = run();
        expect(r.added).toBe(nEntries * k);
        for (const e of list) expect(new Set(e.annotators).size).toBe(k);
        const loads = r.progress.map((p) => p.assigned);
        expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(1);
        expect(again.added).toBe(0);
        expect(run().list).toEqual(list);
      }),
      { numRuns: 60 },
    );
  });

  it('is round-robin over names from nothing, and only fills gaps when run again', () => {
    const s = makeProject(':memory:', { entries: ['e1', 'e2', 'e3'], annotators: ['cy', 'ana', 'ben'] });
    autoAssign(s.db, { perEntry: 2 });
    expect(listAssignments(s.db)).toEqual([
      { entryId: 'e1', annotators: ['ana', 'ben'] },
      { entryId: 'e2', annotators: ['ana', 'cy'] },
      { entryId: 'e3', annotators: ['ben', 'cy'] },
    ]);
    s.db.prepare("INSERT INTO entry (ext_id, created_at, updated_at) VALUES ('e4', 'x', 'x')").run();
    const r = autoAssign(s.db, { perEntry: 2 });
    expect(r).toMatchObject({ added: 2, entriesAlreadyCovered: 3 });
    expect(listAssignments(s.db)[3]).toEqual({ entryId: 'e4', annotators: ['ana', 'ben'] });
  });

  it('adds annotators it is told about, and refuses what cannot work', () => {
    const s = makeProject(':memory:', { entries: ['e1', 'e2'] });
    expect(() => autoAssign(s.db, {})).toThrow(/at least 3 annotators; this project has none/);
    expect(() => autoAssign(s.db, { annotators: ['ana', 'ben'] })).toThrow(/at least 3 annotators; there are only 2 \(ana, ben\)/);
    expect(() => autoAssign(s.db, { annotators: ['ana', 'ana', 'ben'] })).toThrow(/listed twice/);
    expect(() => autoAssign(s.db, { perEntry: 0, annotators: ['ana'] })).toThrow(/whole number/);
    expect(s.db.prepare('SELECT COUNT(*) AS n FROM annotator').get()).toEqual({ n: 0 });
    const r = autoAssign(s.db, { perEntry: 1, annotators: ['ana', 'ben'] });
    expect(r.annotatorsCreated).toEqual(['ana', 'ben']);
    expect(listAssignments(s.db)).toEqual([
      { entryId: 'e1', annotators: ['ana'] },
      { entryId: 'e2', annotators: ['ben'] },
    ]);
  });
});

describe('queues and progress', () => {
  it('an annotator with assignments sees those entries; one without sees all', () => {
    const s = makeProject(':memory:', { entries: ['e1', 'e2', 'e3'], annotators: ['ana', 'ben'] });
    expect(assignedEntryIds(s.db, 'ana')).toBeNull();
    setAssignments(s.db, { entryIds: ['e1', 'e3'], annotators: ['ana'] });
    expect(assignedEntryIds(s.db, 'ana')).toEqual(new Set(['e1', 'e3']));
    expect(assignedEntryIds(s.db, 'ben')).toBeNull();
    expect(() => setAssignments(s.db, { entryIds: ['e9'], annotators: ['ana'] })).toThrow(/unknown entry "e9"/);
    expect(() => setAssignments(s.db, { entryIds: ['e1'], annotators: ['zed'] })).toThrow(/unknown annotator "zed"/);
    expect(setAssignments(s.db, { entryIds: ['e3'], annotators: ['ben', 'ana'] })).toEqual([{ entryId: 'e3', annotators: ['ana', 'ben'] }]);
    const ev = s.db.prepare("SELECT entry_ext_id, before, after FROM event WHERE kind = 'assignment.set' ORDER BY id").all();
    expect(ev.at(-1)).toEqual({ entry_ext_id: 'e3', before: '["ana"]', after: '["ana","ben"]' });
  });

  it('counts submitted, draft and todo over each queue', () => {
    const s = makeProject(':memory:', { entries: ['e1', 'e2', 'e3'], annotators: ['ana', 'ben'] });
    setAssignments(s.db, { entryIds: ['e1', 'e2'], annotators: ['ana'] });
    appCall(s, 'labels.set', { annotator: 'ana', entryId: 'e1', dimension: 'stage', value: 'training' });
    appCall(s, 'labels.setStatus', { annotator: 'ana', entryId: 'e2', status: 'submitted' });
    // Work outside the queue does not count toward it.
    appCall(s, 'labels.set', { annotator: 'ana', entryId: 'e3', dimension: 'stage', value: 'training' });
    appCall(s, 'labels.set', { annotator: 'ben', entryId: 'e3', dimension: 'stage', value: 'training' });
    expect(assignmentProgress(s.db)).toEqual([
      { annotator: 'ana', role: 'annotator', assigned: 2, queue: 2, draft: 1, submitted: 1, todo: 0 },
      { annotator: 'ben', role: 'annotator', assigned: 0, queue: 3, draft: 1, submitted: 0, todo: 2 },
    ]);
    expect(assignmentProgress(s.db, { annotator: 'ben' })).toHaveLength(1);
    expect(() => assignmentProgress(s.db, { annotator: 'zed' })).toThrow(/unknown annotator/);
  });
});

describe('who counts as a rater', () => {
  it('is everyone with the annotator role until the project assigns entries, then only an entry\'s assignees', () => {
    const s = makeProject(':memory:', { entries: ['e1', 'e2'], annotators: ['ana', 'ben', 'eve'] });
    appCall(s, 'project.addAnnotator', { name: 'lena', role: 'adjudicator' });
    const row = (id: string) => (s.db.prepare('SELECT id FROM entry WHERE ext_id = ?').get(id) as { id: number }).id;
    const [e1, e2] = [row('e1'), row('e2')];

    const open = raterRule(s.db);
    expect(open.byAssignment).toBe(false);
    expect([open.standing(e1, 'ana'), open.standing(e1, 'eve'), open.standing(e1, 'lena')]).toEqual(['no-assignments', 'no-assignments', 'not-a-rater']);

    setAssignments(s.db, { entryIds: ['e1'], annotators: ['ana', 'ben'] });
    setAssignments(s.db, { entryIds: ['e2'], annotators: ['ben'] });
    const rule = raterRule(s.db);
    expect(rule.byAssignment).toBe(true);
    expect([rule.standing(e1, 'ana'), rule.standing(e2, 'ana'), rule.standing(e2, 'ben'), rule.standing(e1, 'eve')]).toEqual(['assigned', 'not-assigned', 'assigned', 'not-assigned']);
    expect([rule.counts(e1, 'ana'), rule.counts(e2, 'ana'), rule.counts(e1, 'eve'), rule.counts(e1, 'lena')]).toEqual([true, false, false, false]);

    // The lead can count someone anyway, on every entry they labelled.
    const incl = raterRule(s.db, { include: ['eve', 'lena'] });
    expect([incl.standing(e1, 'eve'), incl.standing(e2, 'eve'), incl.standing(e1, 'ana'), incl.standing(e2, 'ana'), incl.standing(e1, 'lena')]).toEqual([
      'included',
      'included',
      'assigned',
      'not-assigned',
      'included',
    ]);
    s.close();
  });
});

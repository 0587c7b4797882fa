import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { STALE_REASON } from '../shared/consensus/consensus.ts';
import { adjudicationEntry, adjudicationQueue, adjudicationSummary, decide, undoDecision } from './adjudication.ts';
import { agreementReport } from './agreement.ts';
import { setAssignments } from './assignments.ts';
import { exportPack } from './packs/export.ts';
import type { Pack } from './packs/format.ts';
import { importPacks } from './packs/merge.ts';
import { giveTestKey, makeProject, signedText } from '../test/helpers/pack-project.ts';
import type { Service } from './service.ts';
import { appCall } from '../test/helpers/service.ts';

/**
 * A decision is stale when a counted annotator's label on its entry and dimension changed after
 * it was recorded: it stays the final value, but it is open again until someone decides anew.
 */

let s: Service;

function label(annotator: string, entryId: string, value: unknown, dimension = 'stage'): void {
  appCall(s, 'labels.set', { annotator, entryId, dimension, value });
}

function submit(annotator: string, entryId: string): void {
  appCall(s, 'labels.setStatus', { annotator, entryId, status: 'submitted' });
}

const stageOf = (entryId: string, includeDrafts = false) => adjudicationEntry(s.db, { entryId, includeDrafts }).dimensions.find((d) => d.dimension === 'stage')!;
const summaryOf = (includeDrafts = false) => adjudicationSummary(s.db, { includeDrafts });
const stageSummary = (includeDrafts = false) => summaryOf(includeDrafts).dimensions.find((d) => d.dimension === 'stage')!;

beforeEach(() => {
  s = makeProject(':memory:', { entries: ['e1', 'e2'], annotators: ['ana', 'ben', 'cai'] });
  // e1: stage 2-1 (a majority); e2: unanimous, for contrast.
  for (const [who, v1] of [
    ['ana', 'training'],
    ['ben', 'training'],
    ['cai', 'inference'],
  ]) {
    label(who, 'e1', v1);
    label(who, 'e2', 'inference');
    submit(who, 'e1');
    submit(who, 'e2');
  }
});
afterEach(() => s.close());

describe('a stale decision', () => {
  it('is not stale when nothing changed after it', () => {
    decide(s.db, { entryId: 'e1', dimension: 'stage', value: 'training', decidedBy: 'lena' });
    expect(stageOf('e1')).toMatchObject({ status: 'decided', stale: false });
    expect(adjudicationQueue(s.db)).toEqual([]);
    expect(summaryOf().openEntries).toBe(0);
    expect(stageSummary().stale).toBe(0);
  });

  it('becomes stale when an annotator changes a label through the service, counts as open, and deciding again clears it', () => {
    decide(s.db, { entryId: 'e1', dimension: 'stage', value: 'training', decidedBy: 'lena' });
    label('cai', 'e1', 'training');

    const c = stageOf('e1');
    // The decision still stands (it is the final value), flagged for another look.
    expect(c).toMatchObject({ status: 'decided', stale: true, final: 'training', labelStatus: 'agreed' });
    expect(c.decision).toMatchObject({ value: 'training', decidedBy: 'lena' });
    expect(adjudicationQueue(s.db)).toEqual([
      { entryId: 'e1', open: [{ dimension: 'stage', status: 'decided', support: 1, stale: true, conflict: false, reason: STALE_REASON }], needsDecision: 0, conflicts: 0, split: 0 },
    ]);
    expect(STALE_REASON).toBe('labels changed since the decision');
    expect(summaryOf().openEntries).toBe(1);
    expect(stageSummary()).toMatchObject({ stale: 1, counts: expect.objectContaining({ decided: 1, agreed: 1 }) });

    // Deciding again (even the same value) records a fresh decision that has seen the labels.
    const again = decide(s.db, { entryId: 'e1', dimension: 'stage', value: 'training', decidedBy: 'lena' });
    expect(again.stale).toBe(false);
    expect(stageOf('e1').stale).toBe(false);
    expect(adjudicationQueue(s.db)).toEqual([]);
    expect(summaryOf().openEntries).toBe(0);
  });

  it('is stale when a label is cleared or an edit is undone after the decision', () => {
    decide(s.db, { entryId: 'e2', dimension: 'stage', value: 'inference', decidedBy: 'lena' });
    label('ben', 'e2', null);
    expect(stageOf('e2').stale).toBe(true);
    decide(s.db, { entryId: 'e2', dimension: 'stage', value: 'inference', decidedBy: 'lena' });
    expect(stageOf('e2').stale).toBe(false);
    appCall(s, 'labels.undo', { annotator: 'ben' });
    expect(stageOf('e2').stale).toBe(true);
  });

  it('is stale when a pack merged after the decision changes a label, even one its annotator made before the decision', () => {
    // cai labelled e1 differently on a laptop, long ago; the pack only arrives after the meeting.
    const laptop = makeProject(':memory:', { entries: ['e1', 'e2'], annotators: ['cai'] });
    appCall(laptop, 'labels.set', { annotator: 'cai', entryId: 'e1', dimension: 'stage', value: 'evaluation-metrics' });
    appCall(laptop, 'labels.setStatus', { annotator: 'cai', entryId: 'e1', status: 'submitted' });
    const pack = JSON.parse(exportPack(laptop.db, { annotator: 'cai' }).text) as Pack;
    laptop.close();

    decide(s.db, { entryId: 'e1', dimension: 'stage', value: 'training', decidedBy: 'lena' });
    const decidedAt = stageOf('e1').decision!.decidedAt;
    // The main database's own label of cai is older still (by its clock), so the pack's label wins the merge.
    s.db.prepare("UPDATE label SET updated_at = '1999-01-01T00:00:00.000Z' WHERE annotator_id = (SELECT id FROM annotator WHERE name = 'cai')").run();
    const early = '2000-01-01T00:00:00.000Z';
    const old: Pack = {
      ...pack,
      labels: pack.labels.map((l) => ({ ...l, updatedAt: early, clock: l.clock + 10 })),
      submissions: pack.submissions.map((x) => ({ ...x, updatedAt: early })),
    };
    expect(importPacks(s.db, [{ name: 'cai.pack', text: signedText(old) }])).toMatchObject({ labelsSet: 1 });

    const c = stageOf('e1');
    expect(c.values.find((v) => v.annotator === 'cai')!.value).toBe('evaluation-metrics');
    // The label's own time is before the decision; it still arrived after it.
    const labelAt = (s.db.prepare("SELECT updated_at FROM label l JOIN annotator a ON a.id = l.annotator_id WHERE a.name = 'cai' AND l.entry_id = 1 AND l.dimension = 'stage'").get() as { updated_at: string })
      .updated_at;
    expect(labelAt < decidedAt).toBe(true);
    expect(c.stale).toBe(true);
    expect(adjudicationQueue(s.db).map((q) => q.entryId)).toEqual(['e1']);

    // A merge that changes nothing (the same pack again) does not make a fresh decision stale.
    decide(s.db, { entryId: 'e1', dimension: 'stage', value: 'training', decidedBy: 'lena' });
    importPacks(s.db, [{ name: 'cai.pack', text: signedText(old) }]);
    expect(stageOf('e1').stale).toBe(false);
  });

  it('ignores labels that do not count: drafts (unless drafts count), other dimensions and other entries', () => {
    appCall(s, 'project.addAnnotator', { name: 'dee' });
    decide(s.db, { entryId: 'e1', dimension: 'stage', value: 'training', decidedBy: 'lena' });
    label('dee', 'e1', 'inference'); // a draft
    label('ana', 'e1', 'classification', 'task'); // another dimension
    label('ana', 'e2', 'training'); // another entry (undecided)
    expect(stageOf('e1').stale).toBe(false);
    expect(stageOf('e1', true).stale).toBe(true);
    expect(stageSummary(true).stale).toBe(1);
  });

  it('undo that restores an older decision restores its staleness too', () => {
    decide(s.db, { entryId: 'e1', dimension: 'stage', value: 'training', decidedBy: 'lena' });
    label('cai', 'e1', 'training');
    decide(s.db, { entryId: 'e1', dimension: 'stage', value: 'training', rationale: 'looked again', decidedBy: 'lena' });
    expect(stageOf('e1').stale).toBe(false);
    undoDecision(s.db, { actor: 'lena' });
    // Back to the first decision, which never saw cai's change.
    expect(stageOf('e1')).toMatchObject({ status: 'decided', stale: true });
    undoDecision(s.db, { actor: 'lena' });
    expect(stageOf('e1')).toMatchObject({ status: 'agreed', stale: false, decision: null });
  });

  it('tells an older decision from the one that replaced it within the same millisecond', () => {
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2025-03-01T10:00:00.000Z') });
    try {
      decide(s.db, { entryId: 'e1', dimension: 'stage', value: 'training', decidedBy: 'lena' });
      label('cai', 'e1', 'training');
      const again = decide(s.db, { entryId: 'e1', dimension: 'stage', value: 'training', rationale: 'looked again', decidedBy: 'lena' });
      expect(again.decision?.decidedAt).toBe('2025-03-01T10:00:00.001Z');
      undoDecision(s.db, { actor: 'lena' });
      expect(stageOf('e1')).toMatchObject({ status: 'decided', stale: true });
    } finally {
      vi.useRealTimers();
    }
  });

  it('falls back to the label times for a decision the log does not know', () => {
    s.db
      .prepare("INSERT INTO decision (entry_id, dimension, value, method, decided_by, rationale, decided_at) VALUES (1, 'stage', '\"training\"', 'majority', 'script', NULL, ?)")
      .run('2001-01-01T00:00:00.000Z');
    // Every label was written now, after 2001.
    expect(stageOf('e1').stale).toBe(true);
    s.db.prepare("UPDATE decision SET decided_at = '2999-01-01T00:00:00.000Z'").run();
    expect(stageOf('e1').stale).toBe(false);
  });

  it('once entries are assigned, is not reopened by someone labelling an entry not assigned to them, in the app or by pack', () => {
    setAssignments(s.db, { entryIds: ['e1', 'e2'], annotators: ['ana', 'ben', 'cai'] });
    decide(s.db, { entryId: 'e1', dimension: 'stage', value: 'training', decidedBy: 'lena' });
    // eve says who she is and labels e1 in the app: her label is kept, and told it does not count.
    appCall(s, 'project.addAnnotator', { name: 'eve' });
    label('eve', 'e1', 'inference');
    submit('eve', 'e1');
    expect(appCall(s, 'entries.get', { annotator: 'eve', id: 'e1' }).standing).toBe('not-assigned');
    expect(appCall(s, 'entries.get', { annotator: 'ana', id: 'e1' }).standing).toBe('assigned');
    expect(stageOf('e1')).toMatchObject({ status: 'decided', stale: false });

    // fay's pack, from her own copy of the project where she labelled both entries, merges the same way.
    appCall(s, 'project.addAnnotator', { name: 'fay' });
    giveTestKey(s.db, 'fay');
    const laptop = makeProject(':memory:', { entries: ['e1', 'e2'], annotators: ['fay'] });
    for (const e of ['e1', 'e2']) {
      appCall(laptop, 'labels.set', { annotator: 'fay', entryId: e, dimension: 'stage', value: 'evaluation-metrics' });
      appCall(laptop, 'labels.setStatus', { annotator: 'fay', entryId: e, status: 'submitted' });
    }
    expect(importPacks(s.db, [{ name: 'fay.pack', text: exportPack(laptop.db, { annotator: 'fay' }).text }])).toMatchObject({ labelsSet: 2, annotatorsCreated: [] });
    laptop.close();
    expect(stageOf('e1')).toMatchObject({ status: 'decided', stale: false });
    expect(stageOf('e2')).toMatchObject({ status: 'agreed', final: 'inference' });
    expect(adjudicationEntry(s.db, { entryId: 'e1' }).annotators).toEqual(['ana', 'ben', 'cai']);
    expect(adjudicationQueue(s.db)).toEqual([]);
    expect(agreementReport(s.db, { bootstrap: 0 }).selection.unassigned.map((u) => [u.annotator, u.labels])).toEqual([
      ['eve', 1],
      ['fay', 2],
    ]);

    // An assignee's change still reopens it.
    label('cai', 'e1', 'training');
    expect(stageOf('e1')).toMatchObject({ status: 'decided', stale: true });
  });
});

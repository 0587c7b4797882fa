import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deepBenchCodebook } from '../codebook/index.ts';
import type { Dimension } from '../codebook/schema.ts';
import { conflictReason, consensusOf, methodFor, orderQueue, overridesMajority, queueItem, type AnnotatorValue, type Decision } from './consensus.ts';

const dim = (id: string): Dimension => deepBenchCodebook.dimensions.find((d) => d.id === id)!;
const stage = dim('stage');
const bug = dim('bug');
const review = dim('prompt-review');
const vals = (...v: AnnotatorValue['value'][]): AnnotatorValue[] => v.map((value, i) => ({ annotator: `a${i}`, value }));

describe('consensus of a single-valued dimension', () => {
  it('is agreed when everyone chose the same value, and that value is final', () => {
    const c = consensusOf(stage, vals('training', 'training', 'training'));
    expect(c.status).toBe('agreed');
    expect(c.final).toBe('training');
    expect(c.support).toBe(1);
  });

  it('proposes a strict majority but does not make it final until accepted', () => {
    const c = consensusOf(stage, vals('training', 'inference', 'training'));
    expect(c.status).toBe('majority');
    expect(c.proposal).toBe('training');
    expect(c.final).toBeNull();
    expect(c.support).toBeCloseTo(2 / 3);
  });

  it('needs a decision on a 1-1-1 split and on a 1-1 tie', () => {
    expect(consensusOf(stage, vals('training', 'inference', 'model-construction')).status).toBe('needs-decision');
    expect(consensusOf(stage, vals('training', 'inference')).status).toBe('needs-decision');
    expect(consensusOf(stage, vals('training', 'inference')).proposal).toBeNull();
  });

  it('is single with one label and unlabelled with none', () => {
    expect(consensusOf(stage, vals('training')).status).toBe('single');
    expect(consensusOf(stage, vals('training')).final).toBeNull();
    expect(consensusOf(stage, []).status).toBe('unlabelled');
  });

  it('lets a decision win, keeping what the labels said', () => {
    const decision: Decision = { value: 'inference', method: 'adjudicated', decidedBy: 'lead', rationale: 'see the test', decidedAt: 't' };
    const c = consensusOf(stage, vals('training', 'training', 'inference'), decision);
    expect(c.status).toBe('decided');
    expect(c.labelStatus).toBe('majority');
    expect(c.final).toBe('inference');
  });
});

describe('consensus of a set dimension', () => {
  it('proposes every element a majority chose, in codebook order', () => {
    const c = consensusOf(
      bug,
      vals(['wrong-attribute::incorrect-api-usage', 'misinterpretation'], ['misinterpretation'], ['wrong-attribute::incorrect-api-usage', 'syntax-error']),
    );
    expect(c.status).toBe('majority');
    expect(c.proposal).toEqual(['misinterpretation', 'wrong-attribute::incorrect-api-usage']);
    // Nobody chose exactly the proposal.
    expect(c.support).toBe(0);
  });

  it('needs a decision when no element has a majority', () => {
    const c = consensusOf(bug, vals(['misinterpretation'], ['syntax-error'], ['silly-mistake::not-dl-related']));
    expect(c.status).toBe('needs-decision');
    expect(c.proposal).toBeNull();
  });

  it('ignores an empty set as no label', () => {
    expect(consensusOf(bug, vals([], ['syntax-error'], ['syntax-error'])).status).toBe('agreed');
  });
});

describe('consensus of a checklist', () => {
  it('takes each item as most annotators ticked it, and needs a decision on a tie', () => {
    const a = { 'clear-and-sufficient-information': true, 'input-and-output-format-specified': false, 'error-handling-and-boundary-conditions-covered': false };
    const b = { ...a, 'input-and-output-format-specified': true };
    expect(consensusOf(review, vals(a, b, a)).proposal).toEqual(a);
    expect(consensusOf(review, vals(a, b)).status).toBe('needs-decision');
  });
});

describe('overriding and methods', () => {
  it('calls a decision against the majority an override, and one on a split not', () => {
    const maj = consensusOf(stage, vals('training', 'training', 'inference'));
    expect(overridesMajority(maj, 'inference')).toBe(true);
    expect(overridesMajority(maj, 'training')).toBe(false);
    expect(methodFor(maj, 'training')).toBe('majority');
    expect(methodFor(maj, 'inference')).toBe('adjudicated');
    const split = consensusOf(stage, vals('training', 'inference', 'evaluation-metrics'));
    expect(overridesMajority(split, 'inference')).toBe(false);
    expect(methodFor(split, 'inference')).toBe('adjudicated');
  });
});

describe('the queue', () => {
  it('lists entries without any majority first, then the most dissent, then by id', () => {
    const split = consensusOf(stage, vals('training', 'inference', 'evaluation-metrics'));
    const maj = consensusOf(stage, vals('training', 'training', 'inference'));
    const agreed = consensusOf(stage, vals('training', 'training'));
    const items = [queueItem('b', [maj]), queueItem('c', [agreed]), queueItem('a', [maj]), queueItem('z', [split])].filter((x) => x !== null);
    expect(items.map((i) => i.entryId)).toEqual(['b', 'a', 'z']);
    expect(orderQueue(items).map((i) => i.entryId)).toEqual(['z', 'a', 'b']);
  });
});

describe('a stale decision', () => {
  it('stays decided and final but is open again, with its reason; without a decision nothing is stale', () => {
    const decision: Decision = { value: 'training', method: 'majority', decidedBy: 'lead', rationale: null, decidedAt: 't' };
    const c = consensusOf(stage, vals('training', 'inference', 'inference'), decision, true);
    expect(c).toMatchObject({ status: 'decided', stale: true, final: 'training', labelStatus: 'majority' });
    expect(queueItem('e', [c])).toEqual({
      entryId: 'e',
      open: [{ dimension: 'stage', status: 'decided', support: 2 / 3, stale: true, conflict: false, reason: 'labels changed since the decision' }],
      needsDecision: 0,
      conflicts: 0,
      split: 1 - 2 / 3,
    });
    expect(consensusOf(stage, vals('training', 'training'), null, true).stale).toBe(false);
    expect(queueItem('e', [consensusOf(stage, vals('training', 'inference', 'inference'), decision)])).toBeNull();
  });
});

describe('a conflict', () => {
  it('says why in words, for a passing output and for one without a result', () => {
    expect(conflictReason(bug, true)).toBe("Bug applies only to failing outputs; the entry's output passed");
    expect(conflictReason(bug, null)).toBe('Bug applies only to failing outputs; the entry has no test result yet');
  });

  it('is open even when the annotators agree, until a decision settles it', () => {
    const why = conflictReason(bug, true);
    const agreed = consensusOf(bug, [{ annotator: 'a', value: ['syntax-error'] }, { annotator: 'b', value: ['syntax-error'] }], null, false, why);
    expect(agreed).toMatchObject({ status: 'agreed', conflict: why });
    expect(queueItem('e', [agreed])).toMatchObject({ conflicts: 1, open: [{ dimension: 'bug', conflict: true, reason: why }] });
    const single = consensusOf(bug, [{ annotator: 'a', value: ['syntax-error'] }], null, false, why);
    expect(queueItem('e', [single])?.conflicts).toBe(1);
    const decision: Decision = { value: [], method: 'adjudicated', decidedBy: 'lead', rationale: 'it passes', decidedAt: 't' };
    const decided = consensusOf(bug, [{ annotator: 'a', value: ['syntax-error'] }], decision, false, why);
    expect(decided.conflict).toBe(why);
    expect(queueItem('e', [decided])).toBeNull();
    expect(queueItem('e', [consensusOf(bug, [{ annotator: 'a', value: ['syntax-error'] }])])).toBeNull();
  });
});

describe('properties', () => {
  const stageIds = stage.values.map((v) => v.id);
  it('a proposal exists exactly when a strict majority shares it, and unanimity is always final', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...stageIds), { minLength: 2, maxLength: 7 }), (picked) => {
        const c = consensusOf(stage, vals(...picked));
        const top = Math.max(...stageIds.map((id) => picked.filter((p) => p === id).length));
        expect(c.proposal !== null).toBe(top * 2 > picked.length);
        expect(c.final !== null).toBe(top === picked.length);
        if (c.proposal !== null) expect(picked.filter((p) => p === c.proposal).length).toBe(top);
      }),
    );
  });
});

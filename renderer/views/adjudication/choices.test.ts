import { describe, expect, it } from 'vitest';
import { deepBenchCodebook } from '../../../shared/codebook/deep-bench.ts';
import type { Dimension } from '../../../shared/codebook/schema.ts';
import { consensusOf, type AnnotatorValue, type Decision } from '../../../shared/consensus/consensus.ts';
import { applyHotkey, candidatesOf, cycleChoice, initialChoice, nextOpenDimension, shownInGrid, stepDimension } from './choices.ts';

const dim = (id: string): Dimension => deepBenchCodebook.dimensions.find((d) => d.id === id)!;
const votes = (...values: AnnotatorValue['value'][]): AnnotatorValue[] => values.map((value, i) => ({ annotator: ['ana', 'ben', 'cai'][i], value }));
const decision = (value: AnnotatorValue['value']): Decision => ({ value, method: 'adjudicated', decidedBy: 'lena', rationale: 'why', decidedAt: '2026-01-01T00:00:00Z' });

describe('adjudication choices', () => {
  it('offers the values the annotators gave, most chosen first, and preselects the majority', () => {
    const c = consensusOf(dim('stage'), votes('training', 'inference', 'training'));
    const cands = candidatesOf(c);
    expect(cands.map((x) => [x.value, x.voters, x.isProposal])).toEqual([
      ['training', ['ana', 'cai'], true],
      ['inference', ['ben'], false],
    ]);
    expect(initialChoice(c)).toBe('training');
  });

  it('preselects nothing on a split, and → then picks the first candidate', () => {
    const c = consensusOf(dim('stage'), votes('training', 'inference', 'evaluation-metrics'));
    expect(c.labelStatus).toBe('needs-decision');
    expect(initialChoice(c)).toBeNull();
    const cands = candidatesOf(c);
    expect(cycleChoice(cands, null, 1)).toBe(cands[0].value);
    expect(cycleChoice(cands, null, -1)).toBe(cands[2].value);
    expect(cycleChoice(cands, cands[2].value, 1)).toBe(cands[0].value);
  });

  it('offers "none" on a conflict (a bug labelled on an output that passed), and only there', () => {
    const bug = dim('bug');
    const why = "Bug applies only to failing outputs; the entry's output passed";
    const conflict = consensusOf(bug, votes(['syntax-error'], ['syntax-error']), null, false, why);
    expect(candidatesOf(conflict).map((x) => [x.value, x.voters])).toEqual([
      [['syntax-error'], ['ana', 'ben']],
      [[], []],
    ]);
    expect(candidatesOf(consensusOf(bug, votes(['syntax-error'], ['syntax-error']))).map((x) => x.value)).toEqual([['syntax-error']]);
    expect(nextOpenDimension([conflict])).toBe('bug');
  });

  it('adds a set majority no annotator gave whole, and a decided value from the codebook', () => {
    const bug = dim('bug');
    const a = 'wrong-attribute::incorrect-api-usage';
    const b = 'hallucinated-object::incorrect-usage-of-dl-modules';
    // Sets are canonical in codebook order (hallucinated object comes before wrong attribute).
    const m = 'misinterpretation::shape-and-dimension-mismatch';
    // Each path has two votes of three, so the proposal holds all three: nobody gave that set.
    const c = consensusOf(bug, votes([m, a], [b, a], [m, b]));
    expect(c.proposal).toEqual([m, b, a]);
    expect(candidatesOf(c).map((x) => [x.voters, x.isProposal])).toEqual([
      [['ana'], false],
      [['ben'], false],
      [['cai'], false],
      [[], true],
    ]);
    const withSplit = consensusOf(bug, votes([a], [b, a], [a]));
    expect(candidatesOf(withSplit).map((x) => [x.value, x.isProposal])).toEqual([
      [[a], true],
      [[b, a], false],
    ]);
    const decided = consensusOf(dim('stage'), votes('training', 'training', 'inference'), decision('inference'));
    expect(initialChoice(decided)).toBe('inference');
    expect(candidatesOf(decided, 'model-construction').map((x) => x.value)).toEqual(['training', 'inference', 'model-construction']);
  });

  it('toggles set and checklist values with a hotkey, and replaces a single value', () => {
    expect(applyHotkey(dim('stage'), 'training', 'inference')).toBe('inference');
    const review = dim('prompt-review');
    const first = applyHotkey(review, null, review.values[1].id) as Record<string, boolean>;
    expect(Object.values(first)).toEqual([false, true, false]);
    expect(Object.values(applyHotkey(review, first, review.values[1].id))).toEqual([false, false, false]);
  });

  it('walks the decidable dimensions, the open ones first, and folds unanimous rows in a meeting', () => {
    const dims = [
      consensusOf(dim('stage'), votes('training', 'training', 'training')),
      consensusOf(dim('task'), votes('general', 'regression', 'general')),
      consensusOf(dim('input'), votes('image', 'text', 'others')),
      consensusOf(dim('prompt-review'), []),
    ];
    expect(nextOpenDimension(dims)).toBe('task');
    expect(nextOpenDimension(dims, 'task')).toBe('input');
    expect(nextOpenDimension(dims, 'input')).toBe('task');
    expect(stepDimension(dims, 'input', 1)).toBe('stage');
    expect(stepDimension(dims, 'stage', -1)).toBe('input');
    expect(stepDimension(dims, 'input', 1, true)).toBe('task');
    expect(dims.map((d) => shownInGrid(d, true))).toEqual([false, true, true, false]);
    expect(dims.every((d) => shownInGrid(d, false))).toBe(true);
  });

  it('visits a stale decision as an open dimension, and shows it in a meeting', () => {
    const stale = consensusOf(dim('stage'), votes('training', 'training', 'training'), decision('inference'), true);
    const fresh = consensusOf(dim('task'), votes('general', 'general', 'general'), decision('general'));
    expect(nextOpenDimension([fresh, stale])).toBe('stage');
    expect(nextOpenDimension([fresh, { ...stale, stale: false }])).toBeNull();
    expect(shownInGrid(stale, true)).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { deepBenchCodebook, parseCodebook } from '../../../shared/codebook/index.ts';
import { diffCodebooks } from '../../../shared/codebook/diff.ts';
import { addDimension, addValue, freshId, mergeValue, moveValue, retireValue, splitValue, updateValue } from './draft.ts';

const stage = (cb: typeof deepBenchCodebook) => cb.dimensions.find((d) => d.id === 'stage')!;

describe('the codebook editor’s edits', () => {
  it('make ids once, from the label, never reusing a taken or retired one', () => {
    expect(freshId('Model Training', [])).toBe('model-training');
    expect(freshId('Training', ['training', 'training-2'])).toBe('training-3');
    const cb = { ...structuredClone(deepBenchCodebook), retired: [{ dimension: 'stage', value: 'deployment', label: 'Deployment', definition: 'x', version: '1.0.0' }] };
    const { codebook, path } = addValue(cb, 'stage', 'Deployment');
    expect(path).toBe('deployment-2');
    expect(() => parseCodebook(codebook)).not.toThrow();
    const sub = addValue(deepBenchCodebook, 'bug', 'Not DL-related', 'syntax-error');
    expect(sub.path).toBe('syntax-error::not-dl-related');
    expect(addDimension(deepBenchCodebook, 'Stage', 'single').id).toBe('stage-2');
  });

  it('rename and reorder keep the meaning; retire leaves the value’s labels to the publish step', () => {
    const renamed = updateValue(deepBenchCodebook, 'stage', 'training', { label: 'Model training' }).codebook;
    const moved = moveValue(renamed, 'stage', 'training', -1).codebook;
    expect(stage(moved).values.map((v) => v.id).slice(0, 3)).toEqual(['pre-post-processing', 'training', 'model-construction']);
    expect(diffCodebooks(deepBenchCodebook, moved).every((c) => !c.meaning)).toBe(true);
    const retired = retireValue(deepBenchCodebook, 'stage', 'inference');
    expect(retired.remap).toBeUndefined();
    expect(stage(retired.codebook).values.some((v) => v.id === 'inference')).toBe(false);
  });

  it('merge moves the labels to the target, which keeps reading the old name', () => {
    const m = mergeValue(deepBenchCodebook, 'bug', 'silly-mistake', 'misinterpretation');
    expect(m.remap).toEqual([
      { dimension: 'bug', from: 'silly-mistake', to: 'misinterpretation' },
      { dimension: 'bug', from: 'silly-mistake::not-dl-related', to: 'misinterpretation' },
    ]);
    expect(m.codebook.dimensions.find((d) => d.id === 'bug')!.values[0].aliases).toContain('Silly Mistake');
    expect(() => parseCodebook(m.codebook)).not.toThrow();
  });

  it('split makes new values in place: labels to the chosen part, or staying with the narrowed value', () => {
    const parts = [
      { label: 'Batch inference', definition: 'Offline.' },
      { label: 'Online inference', definition: 'One request at a time.' },
    ];
    const s = splitValue(deepBenchCodebook, 'stage', 'inference', parts, { keep: false, labelsTo: 1 });
    expect(stage(s.codebook).values.map((v) => v.id)).toEqual(['pre-post-processing', 'model-construction', 'training', 'batch-inference', 'online-inference', 'evaluation-metrics']);
    expect(s.remap).toEqual([{ dimension: 'stage', from: 'inference', to: 'online-inference' }]);
    expect(s.splits).toEqual([{ dimension: 'stage', value: 'inference', into: ['batch-inference', 'online-inference'] }]);
    const kept = splitValue(deepBenchCodebook, 'stage', 'inference', parts, { keep: true, labelsTo: 0 });
    expect(stage(kept.codebook).values.map((v) => v.id)).toContain('inference');
    expect(kept.remap).toBeUndefined();
    expect(diffCodebooks(deepBenchCodebook, kept.codebook, { splits: kept.splits }).map((c) => c.kind)).toEqual(['value-split', 'value-renamed']);
  });
});

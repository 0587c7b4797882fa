import { describe, expect, it } from 'vitest';
import { deepBenchCodebook, findDimension, parseCodebook, reasoningTraceCodebook } from './index.ts';
import { changesMeaning, diffCodebooks, nextVersion } from './diff.ts';
import { remapLabelValue } from './remap.ts';
import type { Codebook } from './schema.ts';

const dim = (cb: Codebook, id: string) => findDimension(cb, id)!;

describe('what changes meaning', () => {
  it('wording, aliases, hotkeys, order and new values keep the meaning; definitions and retired values change it', () => {
    const b = structuredClone(deepBenchCodebook);
    const stage = dim(b, 'stage');
    stage.values[0].label = 'Pre- and post-processing';
    stage.values[1].aliases = ['model'];
    stage.values.reverse();
    stage.values.push({ id: 'deployment', label: 'Deployment', definition: 'Ships a model.' });
    const wording = diffCodebooks(deepBenchCodebook, b);
    expect(wording.map((c) => c.kind).sort()).toEqual(['value-added', 'value-aliases', 'value-renamed', 'values-reordered']);
    expect(changesMeaning(wording)).toBe(false);

    stage.values.find((v) => v.id === 'training')!.definition = 'Anything that learns.';
    dim(b, 'task').values = dim(b, 'task').values.filter((v) => v.id !== 'general');
    const meaning = diffCodebooks(deepBenchCodebook, b, { remap: [{ dimension: 'task', from: 'general', to: 'classification' }] });
    expect(meaning.filter((c) => c.meaning).map((c) => [c.kind, c.value, c.into])).toEqual([
      ['value-definition', 'training', undefined],
      ['value-merged', 'general', 'classification'],
    ]);
    expect(diffCodebooks(deepBenchCodebook, b, { wordingOnly: ['value-definition:stage:training'] }).find((c) => c.kind === 'value-definition')!.meaning).toBe(false);
  });

  it('numbers a new version: the next major, or a revision suffix for a version that is not numbered', () => {
    expect(nextVersion('1.0.0')).toBe('2.0.0');
    expect(nextVersion('v3.2')).toBe('4.0.0');
    expect(nextVersion('12')).toBe('13.0.0');
    expect(nextVersion('pilot')).toBe('pilot-r2');
    expect(nextVersion('pilot-r2')).toBe('pilot-r3');
  });
});

describe('moving a label off a value that leaves', () => {
  const stage = dim(deepBenchCodebook, 'stage');
  const bug = dim(deepBenchCodebook, 'bug');
  const review = dim(deepBenchCodebook, 'prompt-review');
  it('one value, a set, a tree path following its type, a checklist item', () => {
    expect(remapLabelValue(stage, 'inference', new Map([['inference', 'training']]))).toBe('training');
    expect(remapLabelValue(stage, 'training', new Map([['inference', 'training']]))).toBeUndefined();
    expect(remapLabelValue(stage, 'inference', new Map([['inference', null]]))).toBeNull();
    const m = new Map<string, string | null>([['silly-mistake', 'misinterpretation']]);
    expect(remapLabelValue(bug, ['silly-mistake::not-dl-related', 'misinterpretation::not-dl-related', 'wrong-attribute'], m)).toEqual([
      'misinterpretation',
      'misinterpretation::not-dl-related',
      'wrong-attribute',
    ]);
    expect(remapLabelValue(bug, ['syntax-error'], new Map([['syntax-error', null]]))).toBeNull();
    expect(
      remapLabelValue(review, { 'clear-and-sufficient-information': true, 'input-and-output-format-specified': false, 'error-handling-and-boundary-conditions-covered': false }, new Map([['clear-and-sufficient-information', 'input-and-output-format-specified']])),
    ).toEqual({ 'clear-and-sufficient-information': false, 'input-and-output-format-specified': true, 'error-handling-and-boundary-conditions-covered': false });
  });

  it('refuses a destination the dimension does not have', () => {
    expect(() => remapLabelValue(stage, 'inference', new Map([['inference', 'nope']]))).toThrow(/unknown value/);
  });
});

describe('codebook checks', () => {
  it('a retired id is never used again for another meaning', () => {
    const cb = structuredClone(deepBenchCodebook);
    cb.retired = [{ dimension: 'stage', value: 'training', label: 'Training (old)', definition: 'x', version: '1.0.0' }];
    expect(() => parseCodebook(cb)).toThrow(/value id "training" of stage was retired/);
    cb.retired = [{ dimension: 'task', label: 'Task', definition: 'x', version: '1.0.0' }];
    expect(() => parseCodebook(cb)).toThrow(/dimension id "task" was retired/);
  });

  it('a condition on another label names a dimension of values, one step deep, and values it has', () => {
    const cb = structuredClone(reasoningTraceCodebook);
    dim(cb, 'inference-error').appliesIf = { dimension: 'prediction-correct', values: ['maybe'] };
    expect(() => parseCodebook(cb)).toThrow(/which prediction-correct does not have/);
    dim(cb, 'inference-error').appliesIf = { dimension: 'inference-error', values: ['computation-errors'] };
    expect(() => parseCodebook(cb)).toThrow(/not another dimension/);
    const cb2 = structuredClone(deepBenchCodebook);
    dim(cb2, 'stage').revises = 'prompt';
    expect(() => parseCodebook(cb2)).toThrow(/only a text dimension proposes a rewrite/);
  });
});

import { describe, expect, it } from 'vitest';
import { deepBenchCodebook } from '../../shared/codebook/deep-bench.ts';
import { findDimension } from '../../shared/codebook/values.ts';
import { filterTreeOptions, isLabelled, isSelected, toggleValue, treeOptions } from './label-edit.ts';

const dim = (id: string) => findDimension(deepBenchCodebook, id)!;

describe('toggleValue', () => {
  it('chooses a single value, and clears it when pressed again', () => {
    expect(toggleValue(dim('stage'), undefined, 'training')).toBe('training');
    expect(toggleValue(dim('stage'), 'inference', 'training')).toBe('training');
    expect(toggleValue(dim('stage'), 'training', 'training')).toBeNull();
  });

  it('flips one checklist item and keeps the others', () => {
    const one = toggleValue(dim('prompt-review'), undefined, 'input-and-output-format-specified');
    expect(one).toEqual({ 'clear-and-sufficient-information': false, 'input-and-output-format-specified': true, 'error-handling-and-boundary-conditions-covered': false });
    expect(toggleValue(dim('prompt-review'), one, 'input-and-output-format-specified')).toMatchObject({ 'input-and-output-format-specified': false });
  });

  it('adds type/subtype pairs in codebook order, replaces a bare type by its subtype, and clears when empty', () => {
    const bug = dim('bug');
    let v = toggleValue(bug, undefined, 'wrong-input-type::type-mismatch-problem');
    v = toggleValue(bug, v, 'misinterpretation');
    expect(v).toEqual(['misinterpretation', 'wrong-input-type::type-mismatch-problem']);
    v = toggleValue(bug, v, 'misinterpretation::shape-and-dimension-mismatch');
    expect(v).toEqual(['misinterpretation::shape-and-dimension-mismatch', 'wrong-input-type::type-mismatch-problem']);
    v = toggleValue(bug, v, 'misinterpretation::shape-and-dimension-mismatch');
    expect(toggleValue(bug, v, 'wrong-input-type::type-mismatch-problem')).toBeNull();
  });
});

describe('reading a value', () => {
  it('knows what is selected and whether anything is', () => {
    expect(isSelected(dim('bug'), ['misinterpretation'], 'misinterpretation')).toBe(true);
    expect(isSelected(dim('stage'), 'training', 'inference')).toBe(false);
    expect(isLabelled(dim('prompt-review'), { 'clear-and-sufficient-information': false })).toBe(false);
    expect(isLabelled(dim('prompt-review'), { 'clear-and-sufficient-information': true })).toBe(true);
    expect(isLabelled(dim('bug'), [])).toBe(false);
  });
});

describe('tree picker options', () => {
  it('lists every type and pair, and filters on all words anywhere', () => {
    const all = treeOptions(dim('bug'));
    const pairs = dim('bug').values.reduce((n, t) => n + 1 + (t.children?.length ?? 0), 0);
    expect(all.length).toBe(pairs);
    expect(all[0]).toMatchObject({ path: 'misinterpretation', typeLabel: 'Misinterpretation' });
    const hits = filterTreeOptions(all, 'type mismatch problem').map((o) => o.path);
    expect(hits).toEqual(['wrong-input-type::type-mismatch-problem']);
    expect(filterTreeOptions(all, '  ')).toBe(all);
  });
});

import { describe, expect, it } from 'vitest';
import { deepBenchCodebook } from '../../shared/codebook/deep-bench.ts';
import { buildHotkeys } from './hotkeys.ts';

describe('buildHotkeys', () => {
  it('takes every value and dimension hotkey from the codebook and leaves j/k to navigation', () => {
    const keys = buildHotkeys(deepBenchCodebook);
    expect(keys.get('1')).toEqual({ kind: 'value', dimension: 'stage', valueId: 'pre-post-processing' });
    expect(keys.get('u')).toEqual({ kind: 'value', dimension: 'task', valueId: 'general' });
    expect(keys.get('f')).toEqual({ kind: 'value', dimension: 'input', valueId: 'others' });
    expect(keys.get('c')).toEqual({ kind: 'value', dimension: 'prompt-review', valueId: 'error-handling-and-boundary-conditions-covered' });
    expect(keys.get('b')).toEqual({ kind: 'dimension', dimension: 'bug' });
    expect(keys.has('j') || keys.has('k')).toBe(false);
    expect(keys.size).toBe(5 + 7 + 4 + 1 + 3);
  });
});

import { describe, expect, it } from 'vitest';
import { summarizeChanges } from './change-summary.ts';

describe('summarizeChanges', () => {
  it('counts lines added and removed by the output', () => {
    expect(summarizeChanges('a\nb\nc\n', 'a\nx\nc\nd\n')).toEqual({ added: 2, removed: 1, unchanged: 2 });
  });
  it('ignores CRLF and a missing final newline', () => {
    expect(summarizeChanges('a\r\nb', 'a\nb\n')).toEqual({ added: 0, removed: 0, unchanged: 2 });
  });
  it('counts everything as added when there is no ground truth', () => {
    expect(summarizeChanges('', 'x\ny')).toEqual({ added: 2, removed: 0, unchanged: 0 });
  });
});

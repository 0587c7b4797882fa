import { describe, expect, it } from 'vitest';
import { classifyLog } from './log-lines.ts';

describe('classifyLog', () => {
  it('marks failures, error lines and passes of a pytest log', () => {
    const log = [
      '============ test session starts ============',
      'tests/test_a.py::test_ok PASSED [ 50%]',
      'tests/test_a.py::test_bad FAILED [100%]',
      '________________ test_bad ________________',
      '    def test_bad():',
      'E       AssertionError: assert 1 == 2',
      'FAILED tests/test_a.py::test_bad - AssertionError',
      '========= 1 failed, 1 passed in 0.12s =========',
    ].join('\n');
    const kinds = classifyLog(log, ['tests/test_a.py::test_bad']).map((l) => l.kind);
    expect(kinds).toEqual(['plain', 'pass', 'fail', 'fail', 'plain', 'error', 'fail', 'fail']);
  });

  it('marks a line that names a failing test by its node id', () => {
    const [line] = classifyLog('collected tests/test_b.py::TestX::test_y', ['tests/test_b.py::TestX::test_y']);
    expect(line.kind).toBe('fail');
  });

  it('numbers lines from 1 and handles CRLF and an empty log', () => {
    expect(classifyLog('a\r\nb').map((l) => [l.n, l.text])).toEqual([
      [1, 'a'],
      [2, 'b'],
    ]);
    expect(classifyLog('')).toEqual([]);
  });
});

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConcordError } from '../../shared/errors.ts';
import { nodeIdOf, parseFailedSet, parseResultFile, taxonomyIdOf } from './taxonomy-data.ts';

const sample = fileURLToPath(new URL('../../fixtures/samples/taxonomy-data/Result/processed_torchgeom_rotate_points42.txt', import.meta.url));

describe('Taxonomy-Data result files', () => {
  it('strips processed_ and the extension to find the entry id', () => {
    expect(taxonomyIdOf('processed_torchgeom_rotate_points42.py')).toBe('torchgeom_rotate_points42');
    expect(taxonomyIdOf('processed_classes-x, 7.txt')).toBe('classes-x, 7');
  });

  it('reads the sample: failed, failing tests deduplicated to node ids, the whole log', () => {
    const r = parseResultFile(readFileSync(sample, 'utf8'), sample);
    expect(r.passed).toBe(false);
    expect(r.failingTests).toEqual(['tests/transforms/test_points.py::TestRotatePoints::test_batch', 'tests/transforms/test_points.py::TestRotatePoints::test_bad_shape']);
    expect(r.testLog.startsWith('============================= test session starts')).toBe(true);
    expect(r.testLog).toContain('2 failed in 0.41s');
    expect(r.function).toBe('rotate_points');
  });

  it('reduces every pytest spelling to one node id', () => {
    expect(nodeIdOf('FAILED t/a.py::T::x[1-2] - AssertionError: no')).toBe('t/a.py::T::x[1-2]');
    expect(nodeIdOf('t/a.py::x FAILED [ 50%]')).toBe('t/a.py::x');
    expect(nodeIdOf('ERROR t/a.py')).toBe('t/a.py');
    // A parametrized id keeps its whole bracket, spaces and nested brackets included.
    const id = 't/a.py::test_full[shape=(1, 2, 97)-roi=[64, 32]-cpu]';
    expect(nodeIdOf(`FAILED ${id} - AssertionError: not close`)).toBe(id);
    expect(nodeIdOf(`${id} FAILED [ 42%]`)).toBe(id);
    expect(parseResultFile(`output file:\nx.json\nfunction:\nf\nError Cases:\n\nPass or Failed: 0\n\nRelated Failed Test Cases:\nset()\n\nAll Test Cases On Generated code:\nFAILED ${id} - AssertionError: no\n`, 'r.txt').failingTests).toEqual([id]);
  });

  it('reads set literals with both quotes, escapes and set()', () => {
    expect(parseFailedSet('set()', 'f', 1)).toEqual([]);
    expect(parseFailedSet(`{"FAILED a.py::t - it's", 'a.py::u FAILED', 'a.py::t'}`, 'f', 1)).toEqual(['a.py::t', 'a.py::u']);
    expect(parseFailedSet("{'a.py::t - \\'x\\''}", 'f', 1)).toEqual(['a.py::t']);
  });

  it('refuses a broken set literal with its line and field', () => {
    try {
      parseFailedSet("{'a.py::t", 'R.txt', 9);
      expect.unreachable();
    } catch (e) {
      expect((e as ConcordError).where).toEqual({ file: 'R.txt', line: 9, field: 'Related Failed Test Cases' });
    }
    expect(() => parseFailedSet('{a.py::t}', 'R.txt', 9)).toThrow(/unexpected "a"/);
  });

  it('reads a pass, and a fail whose set is empty from the log summary', () => {
    const pass = parseResultFile('output file:\nx.json\nfunction:\nf\nError Cases:\n\nPass or Failed: 1\n\nRelated Failed Test Cases:\nset()\n\nAll Test Cases On Generated code:\n== 3 passed ==\n', 'R');
    expect(pass).toMatchObject({ passed: true, failingTests: [], testLog: '== 3 passed ==\n' });
    const fail = parseResultFile('Pass or Failed: 0\nRelated Failed Test Cases:\n\nAll Test Cases On Generated code:\nFAILED t.py::a - E\nFAILED t.py::b\n', 'R');
    expect(fail.failingTests).toEqual(['t.py::a', 't.py::b']);
  });

  it('refuses a missing or odd Pass or Failed', () => {
    expect(() => parseResultFile('function:\nf\n', 'R')).toThrow(/Pass or Failed/);
    try {
      parseResultFile('function:\nf\nPass or Failed: maybe\n', 'R');
      expect.unreachable();
    } catch (e) {
      expect((e as ConcordError).where).toEqual({ file: 'R', line: 3, field: 'Pass or Failed' });
    }
  });

  it('keeps log lines that look like headers inside the log', () => {
    const r = parseResultFile('Pass or Failed: 0\nAll Test Cases On Generated code:\nfunction: inside the log\nPass or Failed: 1\n', 'R');
    expect(r.passed).toBe(false);
    expect(r.testLog).toBe('function: inside the log\nPass or Failed: 1\n');
  });
});

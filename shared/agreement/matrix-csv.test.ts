import { describe, expect, it } from 'vitest';
import { ConcordError } from '../errors.ts';
import { alphaOfMatrix } from './alpha.ts';
import { parseReliabilityCsv } from './matrix-csv.ts';

function errorOf(f: () => unknown): ConcordError {
  try {
    f();
  } catch (e) {
    return e as ConcordError;
  }
  throw new Error('expected an error');
}

describe('reliability matrix CSV', () => {
  it('reads raters, units, missing cells and numbers', () => {
    const m = parseReliabilityCsv('\ufeffrater,u1,u2,u3\r\nann,1,,3\r\nbob,1,2,"3"\n', 'ordinal');
    expect(m).toEqual({ raters: ['ann', 'bob'], units: ['u1', 'u2', 'u3'], rows: [[1, null, 3], [1, 2, 3]] });
  });

  it('reads sets joined by | and quoted cells with commas', () => {
    const m = parseReliabilityCsv('rater,a,b\nx,"p|q",r\ny,q | p,"s,t"\n', 'masi');
    expect(m.rows).toEqual([[['p', 'q'], ['r']], [['q', 'p'], ['s,t']]]);
    expect(alphaOfMatrix(m.rows, 'masi').units).toBe(2);
  });

  it('keeps nominal values as written', () => {
    expect(parseReliabilityCsv('rater,a\nx,1.0\ny,1\n', 'nominal').rows).toEqual([['1.0'], ['1']]);
  });

  it('names file, line and field of a malformed cell', () => {
    const e = errorOf(() => parseReliabilityCsv('rater,u1,u2\nann,1,2\nbob,1,two\n', 'interval', 'm.csv'));
    expect(e.code).toBe('bad-input');
    expect(e.where).toEqual({ file: 'm.csv', line: 3, field: 'u2' });
  });

  it('rejects ragged rows, bad headers, duplicates and unclosed quotes', () => {
    expect(errorOf(() => parseReliabilityCsv('rater,u1,u2\nann,1\n', 'nominal')).where).toMatchObject({ line: 2, field: 'u2' });
    expect(errorOf(() => parseReliabilityCsv('rater,u1\nann,1,2\n', 'nominal')).where).toMatchObject({ line: 2, field: 'column 3' });
    expect(errorOf(() => parseReliabilityCsv('coder,u1\nann,1\n', 'nominal')).where).toMatchObject({ line: 1, field: 'rater' });
    expect(errorOf(() => parseReliabilityCsv('rater,u1,u1\nann,1,2\n', 'nominal')).where).toMatchObject({ line: 1, field: 'u1' });
    expect(errorOf(() => parseReliabilityCsv('rater,u1\nann,1\nann,2\n', 'nominal')).where).toMatchObject({ line: 3, field: 'rater' });
    expect(errorOf(() => parseReliabilityCsv('rater,u1\nann,"1\n', 'nominal')).message).toMatch(/never closed/);
    expect(errorOf(() => parseReliabilityCsv('', 'nominal')).message).toMatch(/empty/);
    expect(errorOf(() => parseReliabilityCsv('rater,u1\n', 'nominal')).message).toMatch(/no rater rows/);
    expect(errorOf(() => parseReliabilityCsv('rater,u1\nann,-2\n', 'ratio')).where).toMatchObject({ line: 2, field: 'u1' });
  });

  it('counts lines inside quoted cells', () => {
    const e = errorOf(() => parseReliabilityCsv('rater,u1\nann,"a\nb"\nbob,1,2\n', 'nominal'));
    expect(e.where?.line).toBe(4);
  });
});

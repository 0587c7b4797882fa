import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConcordError } from '../../shared/errors.ts';
import { parseCsv, parseJsonl } from './csv.ts';

const quote = (s: string) => (/[",\r\n]/.test(s) || s === '' ? `"${s.replace(/"/g, '""')}"` : s);

describe('CSV reader', () => {
  it('reads back any table a spreadsheet would write, with the line each row starts on', () => {
    const cell = fc.string({ unit: fc.constantFrom('a', 'b', ' ', ',', '"', '\n', '\r\n', 'é', '|', ':') });
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 3, maxLength: 3 }), { maxLength: 8 }), fc.boolean(), (rows, crlf) => {
        const eol = crlf ? '\r\n' : '\n';
        const text = ['x,y,z', ...rows.map((r) => r.map(quote).join(','))].join(eol) + eol;
        const t = parseCsv(text, 'f.csv');
        expect(t.header).toEqual(['x', 'y', 'z']);
        expect(t.rows.map((r) => [r.cells.x, r.cells.y, r.cells.z])).toEqual(rows);
        let line = 2;
        t.rows.forEach((r, i) => {
          expect(r.line).toBe(line);
          line += rows[i].join('').split('\n').length - 1 + 1;
        });
      }),
    );
  });

  it('strips a BOM, skips blank lines, fills short rows', () => {
    const t = parseCsv('\ufeffa,b\n\n1\n', 'f.csv');
    expect(t.rows).toEqual([{ line: 3, cells: { a: '1', b: '' } }]);
  });

  it('names the line of an unterminated quote, a long row and a repeated column', () => {
    const where = (text: string) => {
      try {
        parseCsv(text, 'f.csv');
      } catch (e) {
        return (e as ConcordError).where;
      }
      return undefined;
    };
    expect(where('a,b\n1,"open\n\n')).toEqual({ file: 'f.csv', line: 2 });
    expect(where('a,b\n1,2\n1,2,3\n')).toEqual({ file: 'f.csv', line: 3 });
    expect(where('a,a\n')).toMatchObject({ line: 1, field: 'a' });
    expect(where('')).toMatchObject({ line: 1 });
  });

  it('reads JSONL objects with their line numbers and refuses anything else', () => {
    expect(parseJsonl('{"a":1}\n\n{"a":2}\n', 'f')).toEqual([
      { line: 1, value: { a: 1 } },
      { line: 3, value: { a: 2 } },
    ]);
    expect(() => parseJsonl('{"a":1}\n[1]\n', 'f')).toThrow(/JSON object/);
  });
});

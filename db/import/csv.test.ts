import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseReliabilityCsv } from '../../shared/agreement/matrix-csv.ts';
import { MAX_ROW_BYTES, parseCsv } from '../../shared/csv.ts';
import { ConcordError, type ErrorLocation } from '../../shared/errors.ts';
import { MAX_FIELD_CHARS } from '../../shared/limits.ts';
import { parseCsvStream, parseCsvText, parseJsonl } from './csv.ts';
import { readRows } from './rows.ts';

const quote = (s: string) => (/[",\r\n]/.test(s) || s === '' ? `"${s.replace(/"/g, '""')}"` : s);

function where(f: () => unknown): ErrorLocation | undefined {
  try {
    f();
  } catch (e) {
    return (e as ConcordError).where;
  }
  return undefined;
}

describe('CSV reader', () => {
  it('reads back any table a spreadsheet would write, with the line each row starts on', () => {
    const cell = fc.string({ unit: fc.constantFrom('a', 'b', ' ', ',', '"', '\n', '\r\n', 'é', '|', ':') });
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 3, maxLength: 3 }), { maxLength: 8 }), fc.boolean(), (rows, crlf) => {
        const eol = crlf ? '\r\n' : '\n';
        const text = ['x,y,z', ...rows.map((r) => r.map(quote).join(','))].join(eol) + eol;
        const t = parseCsvText(text, 'f.csv');
        expect(t.header).toEqual(['x', 'y', 'z']);
        expect(t.rows.map((r) => [r.cells.x, r.cells.y, r.cells.z])).toEqual(rows);
        let line = 2;
        t.rows.forEach((r, i) => {
          expect(r.line).toBe(line);
          line += rows[i].join('').split('\n').length - 1 + 1;
        });
        // The pure build (shared/, every host) reads the same rows.
        expect(parseCsv(text, 'f.csv')).toEqual(t);
      }),
    );
  });

  it('strips a BOM, skips blank lines, refuses short rows', () => {
    const t = parseCsvText('\ufeffa,b\n\n1,\n', 'f.csv');
    expect(t.rows).toEqual([{ line: 3, cells: { a: '1', b: '' } }]);
    // A short row is a missing comma as often as a missing value: refused, naming the first column left without a cell.
    expect(where(() => parseCsvText('a,b\n\n1\n', 'f.csv'))).toEqual({ file: 'f.csv', line: 3, field: 'b' });
  });

  it('names the line of an unterminated quote, a long row and a repeated column', () => {
    expect(where(() => parseCsvText('a,b\n1,"open\n\n', 'f.csv'))).toEqual({ file: 'f.csv', line: 2, field: 'b' });
    expect(where(() => parseCsvText('a,b\n1,2\n1,2,3\n', 'f.csv'))).toEqual({ file: 'f.csv', line: 3, field: 'column 3' });
    expect(where(() => parseCsvText('a,a\n', 'f.csv'))).toMatchObject({ line: 1, field: 'a' });
    expect(where(() => parseCsvText('', 'f.csv'))).toMatchObject({ line: 1 });
  });

  it('keeps a column named __proto__ as a column', () => {
    const t = parseCsvText('__proto__,b\n1,2\n', 'f.csv');
    expect(Object.getPrototypeOf(t.rows[0].cells)).toBe(Object.prototype);
    expect(Object.entries(t.rows[0].cells)).toEqual([
      ['__proto__', '1'],
      ['b', '2'],
    ]);
  });

  it('reads JSONL objects with their line numbers and refuses anything else', () => {
    expect(parseJsonl('{"a":1}\n\n{"a":2}\n', 'f')).toEqual([
      { line: 1, value: { a: 1 } },
      { line: 3, value: { a: 2 } },
    ]);
    expect(() => parseJsonl('{"a":1}\n[1]\n', 'f')).toThrow(/JSON object/);
  });
});

// Every CSV the app reads goes through one reader. The same tricky input must be accepted or
// refused alike by each caller: the importer (entries, annotations, results), the reliability
// matrix of `concord alpha --matrix` and `concord agreement --matrix`, and the importer's
// streaming reader (fed in 5-byte pieces, so CRLF, quotes and UTF-8 characters are split).
type Outcome = { rows: [line: number, rater: string, u1: string, u2: string][] } | { refused: { line?: number; field?: string; message: RegExp } };

const big = 'x'.repeat(MAX_FIELD_CHARS + 1);
const tricky: [about: string, text: string, expected: Outcome][] = [
  ['plain', 'rater,u1,u2\nann,1,2\n', { rows: [[2, 'ann', '1', '2']] }],
  ['a BOM and CRLF line ends', '\ufeffrater,u1,u2\r\nann,1,2\r\nbob,3,4\r\n', { rows: [[2, 'ann', '1', '2'], [3, 'bob', '3', '4']] }],
  ['LF, CRLF and CR line ends mixed, no newline at the end', 'rater,u1,u2\r\nann,1,2\nbob,3,4\rche,5,6', { rows: [[2, 'ann', '1', '2'], [3, 'bob', '3', '4'], [4, 'che', '5', '6']] }],
  [
    'quoted newlines (LF and CRLF) count in the lines of the rows after them',
    'rater,u1,u2\nann,"a\nb",2\nbob,"c\r\nd",4\nche,5,6\n',
    { rows: [[2, 'ann', 'a\nb', '2'], [4, 'bob', 'c\r\nd', '4'], [6, 'che', '5', '6']] },
  ],
  ['doubled quotes and a comma inside quotes', 'rater,u1,u2\nann,"say ""hi""","1,5"\n', { rows: [[2, 'ann', 'say "hi"', '1,5']] }],
  ['blank lines are skipped, and counted', '\nrater,u1,u2\n\nann,1,2\n\n', { rows: [[4, 'ann', '1', '2']] }],
  ['an empty quoted cell', 'rater,u1,u2\nann,"",2\n', { rows: [[2, 'ann', '', '2']] }],
  ['UTF-8 beyond ASCII', 'rater,u1,u2\nann,é,日本\n', { rows: [[2, 'ann', 'é', '日本']] }],
  ['text after a closing quote: "a"b', 'rater,u1,u2\nann,"a"b,2\n', { refused: { line: 2, field: 'u1', message: /text after the closing quote/ } }],
  ['a bare quote inside an unquoted cell: a"b', 'rater,u1,u2\nann,a"b,2\n', { refused: { line: 2, field: 'u1', message: /a quote inside a cell/ } }],
  ['a space before the opening quote: , "a,b"', 'rater,u1,u2\nann, "a,b",2\n', { refused: { line: 2, field: 'u1', message: /a quote inside a cell/ } }],
  ['a quote never closed', 'rater,u1,u2\nann,1,2\nbob,"3,4\n', { refused: { line: 3, field: 'u1', message: /never closed/ } }],
  ['a bad quote after a quoted CRLF', 'rater,u1,u2\r\nann,"x\r\ny",2\r\nbob,1,2"\r\n', { refused: { line: 4, field: 'u2', message: /a quote inside a cell/ } }],
  ['a row with too many cells', 'rater,u1,u2\nann,1,2,3\n', { refused: { line: 2, field: 'column 4', message: /4 cells but the header has 3 columns/ } }],
  ['a row with too few cells', 'rater,u1,u2\r\nann,"a\r\nb",2\r\nbob,1\r\n', { refused: { line: 4, field: 'u2', message: /2 cells but the header has 3 columns/ } }],
  ['an empty column name in the header', 'rater,,u2\nann,1,2\n', { refused: { line: 1, field: 'column 2', message: /column 2 of the header has no name/ } }],
  ['a column named twice in the header', 'rater,u1, u1\nann,1,2\n', { refused: { line: 1, field: 'u1', message: /appears twice in the header/ } }],
  ['an empty file', '', { refused: { line: 1, message: /the file is empty/ } }],
  ['only blank lines', '\n\r\n\n', { refused: { line: 1, message: /the file is empty/ } }],
  ['a field over the limit', `rater,u1,u2\nann,1,${big}\n`, { refused: { line: 2, field: 'u2', message: /is over 8\.0 MB; a field may hold at most 8\.0 MB/ } }],
];

/** The text in 5-byte pieces, as a file stream would hand it over (split anywhere). */
function* pieces(text: string): Generator<Buffer> {
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += 5) yield bytes.subarray(i, i + 5);
}

async function outcome(read: () => unknown): Promise<{ value?: unknown; error?: ConcordError }> {
  try {
    return { value: await read() };
  } catch (e) {
    expect(e).toBeInstanceOf(ConcordError);
    return { error: e as ConcordError };
  }
}

describe('one CSV reader for every caller', () => {
  for (const [about, text, expected] of tricky) {
    it(`${about}: ${'rows' in expected ? 'read' : 'refused'} alike by the importer, the reliability matrix and the streaming reader`, async () => {
      const file = 'tricky.csv';
      const imported = await outcome(() => readRows(text, file));
      const matrix = await outcome(() => parseReliabilityCsv(text, 'nominal', file));
      const streamed = await outcome(() => parseCsvStream(pieces(text), file));
      if ('rows' in expected) {
        for (const r of [imported, matrix, streamed]) expect(r.error).toBeUndefined();
        const asRows = (t: { rows: { line: number; cells: Record<string, unknown> }[] }) => t.rows.map((r) => [r.line, r.cells.rater, r.cells.u1, r.cells.u2]);
        expect(asRows(imported.value as never)).toEqual(expected.rows);
        expect(asRows(streamed.value as never)).toEqual(expected.rows);
        const m = matrix.value as ReturnType<typeof parseReliabilityCsv>;
        expect(m.raters).toEqual(expected.rows.map((r) => r[1]));
        expect(m.rows).toEqual(expected.rows.map((r) => [r[2], r[3]].map((v) => (v.trim() === '' ? null : v.trim()))));
      } else {
        const { line, field, message } = expected.refused;
        for (const [caller, r] of Object.entries({ imported, matrix, streamed })) {
          expect(r.error, `${caller} accepted it`).toBeDefined();
          expect(r.error!.code).toBe('bad-input');
          expect(r.error!.message, caller).toMatch(message);
          expect(r.error!.where, caller).toEqual({ file, ...(line !== undefined ? { line } : {}), ...(field !== undefined ? { field } : {}) });
        }
      }
    }, 30_000);
  }

  it('refuses a cell that never ends while reading it, once its row passes the row limit', async () => {
    // An endless stream: only a reader that refuses while parsing can finish this test.
    let sent = 0;
    async function* endless() {
      yield Buffer.from('id,test_log\ne1,"');
      const mb = Buffer.alloc(1024 * 1024, 'E');
      for (;;) {
        sent += mb.length;
        yield mb;
      }
    }
    const r = await outcome(() => parseCsvStream(endless(), 'endless.csv'));
    expect(r.error?.message).toMatch(/makes its row larger than 32\.0 MB/);
    expect(r.error?.where).toEqual({ file: 'endless.csv', line: 2, field: 'test_log' });
    expect(sent).toBeLessThan(MAX_ROW_BYTES + 4 * 1024 * 1024);
  });
});

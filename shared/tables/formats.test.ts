import fc from 'fast-check';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseReliabilityCsv } from '../agreement/matrix-csv.ts';
import { csvCell, escapeFormula, escapeLatex, formatCsv, formatLatex, formatMarkdown, markdownCell } from './formats.ts';
import { formatBarChartsSvg } from './svg.ts';
import { percent, type Table } from './table.ts';
import { writeXlsx, xlsxPieces } from './xlsx.ts';
import { crc32, writeZip } from './zip.ts';

const table: Table = {
  id: 'demo',
  title: 'Demo & co',
  columns: [
    { key: 'a', label: 'A', perGroup: true },
    { key: 'b', label: 'B' },
    { key: 'n', label: 'N', align: 'right' },
  ],
  rows: [
    { group: 'x', cells: { a: 'x', b: 'one', n: 1 } },
    { group: 'x', cells: { a: 'x', b: 'two', n: 2 } },
    { group: 'y', cells: { a: 'y', b: '=SUM(A1)', n: 3 } },
    { total: true, cells: { a: 'Total', b: '', n: 6 } },
  ],
};

describe('CSV', () => {
  it('escapes cells a spreadsheet would run as a formula, but not plain numbers', () => {
    for (const bad of ['=1+1', '+cmd', '-2+3', '@SUM(A1)', '\tx', '\rx', '=HYPERLINK("http://x")']) expect(escapeFormula(bad)).toBe(`'${bad}`);
    for (const ok of ['-1', '+2.5', '-3e4', 'plain', '', 'a=b']) expect(escapeFormula(ok)).toBe(ok);
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('line\nbreak')).toBe('"line\nbreak"');
  });

  it('no cell of any string can start a formula once written', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const cell = csvCell(s);
        const unquoted = cell.startsWith('"') ? cell.slice(1) : cell;
        if (/^[=+\-@\t\r]/.test(unquoted)) expect(unquoted).toMatch(/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?"?$/);
      }),
    );
  });

  it('repeats group cells on every row, so each row stands alone', () => {
    expect(formatCsv([table])).toBe("A,B,N\nx,one,1\nx,two,2\ny,'=SUM(A1),3\nTotal,,6\n");
  });

  it('round-trips through the reliability matrix reader', () => {
    const t: Table = {
      id: 'm',
      title: 'm',
      columns: [{ key: 'r', label: 'rater' }, { key: 'u0', label: 'unit, with comma' }, { key: 'u1', label: 'u"2' }],
      rows: [
        { cells: { r: 'ana', u0: 'a|b', u1: '' } },
        { cells: { r: 'ben', u0: 'a', u1: 'c' } },
      ],
    };
    const m = parseReliabilityCsv(formatCsv([t]), 'masi');
    expect(m.units).toEqual(['unit, with comma', 'u"2']);
    expect(m.raters).toEqual(['ana', 'ben']);
  });
});

describe('Markdown and LaTeX', () => {
  it('shows HTML in a Markdown cell as text, and Markdown marks as themselves', () => {
    expect(markdownCell('<script>alert(1)</script>')).toBe('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(markdownCell('<img src=x onerror=alert(1)>')).toBe('&lt;img src=x onerror=alert(1)&gt;');
    expect(markdownCell('&lt;b&gt; & co')).toBe('&amp;lt;b&amp;gt; & co');
    expect(markdownCell('[click](javascript:alert(1))')).toBe('[click\\](javascript:alert(1))');
    expect(markdownCell('*bold* `code` ~~gone~~ a|b')).toBe('\\*bold\\* \\`code\\` \\~\\~gone\\~\\~ a\\|b');
    expect(markdownCell('entry_id _x_ __init__')).toBe('entry_id \\_x\\_ \\_\\_init\\_\\_');
    const md = formatMarkdown([{ ...table, title: '<b>T</b>', rows: [{ cells: { a: '<script>x</script>', b: '', n: 1 } }], notes: ['<i>n</i>'] }]);
    expect(md).not.toMatch(/<(script|b|i)>/);
  });

  it('prints group cells once and escapes pipes', () => {
    const md = formatMarkdown([{ ...table, rows: [...table.rows, { cells: { a: 'a|b', b: '', n: 0 } }] }]);
    expect(md).toContain('| x | one | 1 |\n|  | two | 2 |\n| y |');
    expect(md).toContain('| a\\|b |');
    expect(md).toContain('| **Total** |  | **6** |');
  });

  it('escapes every LaTeX special character', () => {
    expect(escapeLatex('a & b % c $ d # e _ f { g } h ~ i ^ j \\ k < l > m | n')).toBe(
      'a \\& b \\% c \\$ d \\# e \\_ f \\{ g \\} h \\textasciitilde{} i \\textasciicircum{} j \\textbackslash{} k \\textless{} l \\textgreater{} m \\textbar{} n',
    );
    const tex = formatLatex([table]);
    expect(tex).toContain('\\caption{Demo \\& co}');
    expect(tex).toContain('\\toprule');
    expect(tex).toContain('\\bottomrule');
    // A rule between the groups and before the total.
    expect(tex).toMatch(/two & 2 \\\\\n {4}\\midrule\n {4}y &/);
    expect(tex).toMatch(/\\midrule\n {4}Total &/);
  });

  it('keeps braces balanced whatever the text', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const e = escapeLatex(s).replace(/\\[{}]/g, '').replace(/\\[a-z]+\{\}/g, '');
        expect(e).not.toMatch(/[{}]/);
      }),
    );
  });
});

describe('percentages', () => {
  it('rounds half away from zero on the exact ratio and is empty without a base', () => {
    expect(percent(1, 8)).toBe('12.5');
    expect(percent(210, 520)).toBe('40.4');
    expect(percent(0, 0)).toBe('');
    expect(percent(3, 3)).toBe('100.0');
  });
});

describe('SVG', () => {
  it('escapes labels and scales bars to the largest value', () => {
    const svg = formatBarChartsSvg([{ title: 'A <b>', bars: [{ label: 'x & y', value: 2 }, { label: 'z', value: 1 }] }]);
    expect(svg).toContain('A &lt;b&gt;');
    expect(svg).toContain('x &amp; y');
    expect(svg).toMatch(/width="360" height="18"/);
    expect(svg).toMatch(/width="180" height="18"/);
  });
});

/** Reads a store-only zip: every local entry's name and bytes, checking its CRC against zlib's. */
function readZip(zip: Uint8Array): Map<string, string> {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const out = new Map<string, string>();
  let o = 0;
  while (view.getUint32(o, true) === 0x04034b50) {
    const crc = view.getUint32(o + 14, true);
    const size = view.getUint32(o + 18, true);
    const nameLen = view.getUint16(o + 26, true);
    const name = new TextDecoder().decode(zip.subarray(o + 30, o + 30 + nameLen));
    const data = zip.subarray(o + 30 + nameLen, o + 30 + nameLen + size);
    expect(zlibCrc32(data)).toBe(crc);
    out.set(name, new TextDecoder().decode(data));
    o += 30 + nameLen + size;
  }
  return out;
}

describe('ZIP and XLSX', () => {
  it('computes the same CRC-32 as zlib', () => {
    fc.assert(
      fc.property(fc.uint8Array(), (b) => {
        expect(crc32(b)).toBe(zlibCrc32(b));
      }),
    );
  });

  it('writes the same bytes twice and a workbook with a sheet per table, text in the shared strings', () => {
    const a = writeXlsx([table, { ...table, id: 'demo', notes: ['a note'] }]);
    expect(Buffer.compare(Buffer.from(a), Buffer.from(writeXlsx([table, { ...table, id: 'demo', notes: ['a note'] }])))).toBe(0);
    const files = readZip(a);
    expect([...files.keys()]).toEqual([
      '[Content_Types].xml',
      '_rels/.rels',
      'xl/workbook.xml',
      'xl/_rels/workbook.xml.rels',
      'xl/styles.xml',
      'xl/sharedStrings.xml',
      'xl/worksheets/sheet1.xml',
      'xl/worksheets/sheet2.xml',
      'xl/worksheets/sheet3.xml',
    ]);
    expect(files.get('xl/workbook.xml')).toContain('<sheet name="demo" sheetId="1" r:id="rId1"/><sheet name="demo-2" sheetId="2" r:id="rId2"/><sheet name="notes" sheetId="3" r:id="rId3"/>');
    const sheet = files.get('xl/worksheets/sheet1.xml')!;
    expect(sheet).toMatch(/<c r="C2" s="\d+"><v>1<\/v><\/c>/);
    // A formula-looking text is a shared string: a reader shows it, never runs it.
    expect(files.get('xl/sharedStrings.xml')).toContain('<t xml:space="preserve">=SUM(A1)</t>');
    expect(sheet).not.toContain('<f>');
  });

  it('has the default "Normal" cell style readers expect, a bold shaded header and bold totals', () => {
    const files = readZip(writeXlsx([table]));
    const styles = files.get('xl/styles.xml')!;
    expect(styles).toContain('<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>');
    const xfs = [...styles.matchAll(/<xf numFmtId="(\d+)" fontId="(\d+)" fillId="(\d+)" borderId="(\d+)" xfId="0"/g)].map((m) => m.slice(1).map(Number));
    const sheet = files.get('xl/worksheets/sheet1.xml')!;
    const styleOf = (ref: string) => xfs[Number(new RegExp(`<c r="${ref}" s="(\\d+)"`).exec(sheet)![1])];
    expect(styleOf('A1')).toEqual([0, 1, 2, 1]); // bold, shaded, ruled below
    expect(styleOf('B2')).toEqual([0, 0, 0, 0]);
    expect(styleOf('A5')).toEqual([0, 1, 0, 2]); // the total: bold, ruled above
  });

  it('writes a large sheet in pieces, cut between rows, that read back as one sheet (zlib CRC, every row, every text)', () => {
    // Some 300,000 characters of sheet: several pieces; texts of two-, three- and four-byte characters.
    const texts = ['naïve', '日本語のテキスト', '\u{1F600} grin', 'plain'];
    const big: Table = {
      id: 'big',
      title: 'Big',
      columns: [
        { key: 'id', label: 'id' },
        { key: 't', label: 'text' },
        { key: 'n', label: 'n' },
      ],
      rows: Array.from({ length: 4000 }, (_, i) => ({ cells: { id: `row-${i}`, t: `${texts[i % 4]} ${i}`, n: i } })),
    };
    const pieces = xlsxPieces([big]);
    const bytes = Buffer.concat(pieces);
    expect(bytes.equals(Buffer.from(writeXlsx([big])))).toBe(true);
    const files = readZip(bytes);
    const sheet = files.get('xl/worksheets/sheet1.xml')!;
    expect(sheet.length).toBeGreaterThan(3 * (1 << 16));
    // The sheet's bytes came as more than one piece, each cut at the end of a row.
    const sheetPieces = pieces.map((p) => new TextDecoder().decode(p)).filter((p) => p.includes('<row '));
    expect(sheetPieces.length).toBeGreaterThan(2);
    for (const p of sheetPieces) expect(p.endsWith('</row>')).toBe(true);
    expect(sheet).toMatch(/^<\?xml[^]*<dimension ref="A1:C4001"\/>[^]*<sheetData><row r="1">[^]*<row r="4001">[^]*<\/row><\/sheetData><\/worksheet>$/);
    const strings = [...files.get('xl/sharedStrings.xml')!.matchAll(/<t xml:space="preserve">([^<]*)<\/t>/g)].map((m) => m[1]);
    const textOf = (ref: string) => strings[Number(new RegExp(`<c r="${ref}" s="\\d+" t="s"><v>(\\d+)</v>`).exec(sheet)![1])];
    for (const i of [0, 1, 2, 3, 1234, 3999]) {
      expect(textOf(`A${i + 2}`)).toBe(`row-${i}`);
      expect(textOf(`B${i + 2}`)).toBe(`${texts[i % 4]} ${i}`);
    }
  });

  it('ends with a central directory that lists every entry', () => {
    const zip = writeZip([{ name: 'a.txt', data: new TextEncoder().encode('hello') }]);
    const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
    const end = zip.length - 22;
    expect(view.getUint32(end, true)).toBe(0x06054b50);
    expect(view.getUint16(end + 10, true)).toBe(1);
    expect(view.getUint32(view.getUint32(end + 16, true), true)).toBe(0x02014b50);
  });
});

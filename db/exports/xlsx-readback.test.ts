import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportKinds, formatsOf } from '../../shared/tables/export-kinds.ts';
import { writeXlsx } from '../../shared/tables/xlsx.ts';
import type { Db } from '../database.ts';
import { renderExport, type ExportArgs } from './render.ts';
import { buildSmallProject, freshProject } from '../../test/helpers/export-project.ts';

/**
 * Every XLSX export read back by an independent reader (exceljs): numbers are numbers, booleans
 * booleans, text is text (never a formula), the header is bold, and every cell says what the CSV
 * export of the same data says, shown with the number format the workbook gives it.
 */

let db: Db;
let cleanup: () => void;
beforeAll(() => {
  ({ db, cleanup } = freshProject());
  buildSmallProject(db);
});
afterAll(() => cleanup());

function content(args: ExportArgs): string {
  const r = renderExport(db, args);
  if (r.shape !== 'file') throw new Error('expected one file');
  return r.file.content;
}

async function workbook(args: ExportArgs): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  const bytes = Buffer.from(content({ ...args, format: 'xlsx' }), 'base64');
  await wb.xlsx.load(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  return wb;
}

/** RFC 4180 records. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') record.push(cell), (cell = '');
    else if (ch === '\n') record.push(cell), records.push(record), (record = []), (cell = '');
    else cell += ch;
  }
  return records;
}

/** The CSV export as its tables (several are separated by an empty line, each after its title); an analysis export's provenance line (`# Concord ...`) is not a table. */
function csvTables(text: string): string[][][] {
  const records = parseCsv(text.replace(/^# Concord [^\n]*\n/, ''));
  const tables: string[][][] = [[]];
  for (const r of records) {
    if (r.length === 1 && r[0] === '') tables.push([]);
    else tables[tables.length - 1].push(r);
  }
  return tables.length > 1 ? tables.map((t) => t.slice(1)) : tables;
}

/** A cell as the CSV prints it: numbers with the decimals of the cell's number format. */
function shown(cell: ExcelJS.Cell): string {
  const v = cell.value;
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') {
    const decimals = /^0\.(0+)$/.exec(cell.numFmt ?? '')?.[1].length;
    return cell.numFmt === '0' ? v.toFixed(0) : decimals === undefined ? String(v) : v.toFixed(decimals);
  }
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return v;
  throw new Error(`cell ${cell.address} holds ${JSON.stringify(v)}, not a plain value`);
}

function rowsOf(sheet: ExcelJS.Worksheet, width: number): ExcelJS.Cell[][] {
  const rows: ExcelJS.Cell[][] = [];
  for (let r = 1; r <= sheet.rowCount; r++) rows.push(Array.from({ length: width }, (_, c) => sheet.getRow(r).getCell(c + 1)));
  return rows;
}

function column(sheet: ExcelJS.Worksheet, label: string): unknown[] {
  const header = sheet.getRow(1).values as unknown[];
  const k = header.indexOf(label);
  if (k < 0) throw new Error(`no column "${label}" in ${sheet.name}: ${header.join(', ')}`);
  const out: unknown[] = [];
  for (let r = 2; r <= sheet.rowCount; r++) out.push(sheet.getRow(r).getCell(k).value);
  return out;
}

const xlsxKinds: [string, ExportArgs][] = exportKinds
  .filter((k) => formatsOf[k].includes('xlsx'))
  .map((kind) => [kind, { kind, ...(['agreement', 'coefficients', 'drift', 'machine-coders', 'rounds'].includes(kind) ? { bootstrap: 100, seed: 3 } : {}), ...(kind === 'labels' ? { perAnnotator: true } : {}) }]);

describe('XLSX exports, read back with exceljs', () => {
  it('are offered for every tabular kind', () =>
    expect(xlsxKinds.map(([k]) => k)).toEqual(['labels', 'bug-distribution', 'category-distribution', 'agreement', 'pass-at-1', 'reliability-matrix', 'coefficients', 'drift', 'machine-coders', 'rounds', 'gold', 'disagreements']));

  for (const [kind, args] of xlsxKinds)
    it(`${kind}: every cell equals the CSV's, typed, with a bold header`, async () => {
      const wb = await workbook(args);
      const csv =
        kind === 'reliability-matrix'
          ? wb.worksheets.map((s) => csvTables(content({ kind, format: 'csv', dimension: s.name.replace(/-matrix$/, '') }))[0])
          : csvTables(content({ ...args, format: 'csv' }));
      const sheets = wb.worksheets.filter((s) => s.name !== 'notes');
      expect(sheets.length).toBe(csv.length);
      sheets.forEach((sheet, i) => {
        const want = csv[i];
        const cells = rowsOf(sheet, want[0].length);
        expect(cells.length).toBe(want.length);
        // CSV guards formula-looking text with an apostrophe; the workbook holds the text itself.
        expect(cells.map((row) => row.map(shown))).toEqual(want.map((row) => row.map((c) => (/^'[=+\-@\t\r]/.test(c) ? c.slice(1) : c))));
        for (const c of cells[0]) expect(c.font?.bold).toBe(true);
        for (const row of cells) for (const c of row) expect(c.formula).toBeUndefined();
      });
    });

  it('holds text with characters XML cannot hold: they are dropped, and the workbook still opens', async () => {
    const hostile = 'a\u0000b\u0001c\u000bd\u000ce\u001bf\ud800g\uffffh & <i> "j" \'k\'';
    const bytes = writeXlsx([
      {
        id: `sheet\u0007${hostile}`.slice(0, 20),
        title: hostile,
        columns: [{ key: 'text', label: `label ${hostile}` }],
        rows: [{ cells: { text: hostile } }],
        notes: [hostile],
      },
    ]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    const clean = 'abcdefgh & <i> "j" \'k\'';
    const [sheet, notes] = wb.worksheets;
    expect(sheet.getCell('A1').value).toBe(`label ${clean}`);
    expect(sheet.getCell('A2').value).toBe(clean);
    expect(notes.name).toBe('notes');
    expect(JSON.stringify(notes.getSheetValues())).toContain(JSON.stringify(clean).slice(1, -1));
  });

  it('labels: passed is a boolean, and a formula-looking id is text', async () => {
    const sheet = (await workbook({ kind: 'labels' })).worksheets[0];
    expect(column(sheet, 'passed')).toEqual([false, false, true, false, true]);
    expect(column(sheet, 'entry_id')).toEqual(['=cmd|calc', 'hit_rate', 'normalise', 'rotate, 7', 'split/3']);
    expect(sheet.getCell('A2').type).toBe(ExcelJS.ValueType.String);
  });

  it('category distribution: counts and shares are numbers, shares shown with one decimal', async () => {
    const stage = (await workbook({ kind: 'category-distribution' })).getWorksheet('stage-distribution')!;
    expect(column(stage, 'Entries')).toEqual([2, 0, 1, 1, 1, 5]);
    expect(column(stage, 'Share (%)')).toEqual([40, 0, 20, 20, 20, 100]);
    expect(stage.getCell('C2').numFmt).toBe('0.0');
  });

  it('agreement: alpha and its interval are the report\'s numbers, "undefined" where alpha has none', async () => {
    const report = JSON.parse(content({ kind: 'agreement', format: 'json', bootstrap: 100, seed: 3 }));
    const main = (await workbook({ kind: 'agreement', bootstrap: 100, seed: 3 })).getWorksheet('agreement')!;
    const measures = report.dimensions.flatMap((d: { measures: { figure: { alpha: number | null; interval: { low: number; high: number } } }[] }) => d.measures);
    const alphas = column(main, 'Alpha').slice(0, measures.length);
    expect(alphas).toEqual(measures.map((m: { figure: { alpha: number | null } }) => m.figure.alpha ?? 'undefined'));
    expect(column(main, 'CI low')[0]).toBe(measures[0].figure.interval.low);
    expect(typeof column(main, 'Units')[0]).toBe('number');
    expect(main.getCell('C2').numFmt).toBe('0.000');
  });

  it('pass@1: passed, entries and rates are numbers; a category without entries is empty', async () => {
    const wb = await workbook({ kind: 'pass-at-1' });
    const overall = wb.getWorksheet('pass-at-1')!;
    expect(column(overall, 'Model')).toEqual(['Entry outputs', 'GPT-4o', 'Mistral 7B']);
    expect(column(overall, 'Passed')).toEqual([2, 3, 1]);
    expect(column(overall, 'Entries')).toEqual([5, 5, 5]);
    expect(column(overall, 'Pass@1 (%)')).toEqual([40, 60, 20]);
    const stage = wb.getWorksheet('pass-at-1-by-stage')!;
    expect(column(stage, 'Model Construction')).toEqual([null, null, null]);
  });
});

import { badInput } from '../errors.ts';
import type { RatingCell } from './ratings.ts';
import { isNumericLevel, isSetLevel, type Level } from './types.ts';

/** A reliability matrix read from CSV: one row per rater, one column per unit. */
export interface ReliabilityMatrix {
  raters: string[];
  units: string[];
  rows: RatingCell[][];
}

interface CsvRecord {
  line: number;
  cells: string[];
}

/** RFC 4180 records (quotes, doubled quotes, CRLF or LF), each with the line it starts on. */
function readCsvRecords(text: string, file: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = '';
  let line = 1;
  let start = 1;
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endRecord = () => {
    cells.push(cell);
    // A line with nothing on it is not a record.
    if (!(cells.length === 1 && cells[0] === '')) records.push({ line: start, cells });
    cells = [];
    cell = '';
  };
  for (; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n') line++;
        cell += ch;
      }
    } else if (ch === '"') {
      if (cell.trim() !== '') throw badInput('a quote in the middle of a cell; quote the whole cell', { file, line, field: `column ${cells.length + 1}` });
      quoted = true;
      cell = '';
    } else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      start = line;
    } else cell += ch;
  }
  if (quoted) throw badInput('a quoted cell is never closed', { file, line: start });
  if (cell !== '' || cells.length) endRecord();
  return records;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Reads Krippendorff's layout: a header `rater,<unit id>,...`, then one row per rater; an empty
 * cell is missing; set levels join a cell's values with `|`; numeric levels read numbers.
 * A malformed file is a bad-input error naming the file, line and field.
 */
export function parseReliabilityCsv(text: string, level: Level, file = 'matrix.csv'): ReliabilityMatrix {
  const records = readCsvRecords(text, file);
  if (records.length === 0) throw badInput('the file is empty; expected a header "rater,<unit id>,..."', { file, line: 1 });
  const [header, ...body] = records;
  if (header.cells[0].trim().toLowerCase() !== 'rater')
    throw badInput(`the header must start with "rater", not "${header.cells[0]}"`, { file, line: header.line, field: 'rater' });
  const units = header.cells.slice(1).map((u) => u.trim());
  if (units.length === 0) throw badInput('the header names no units', { file, line: header.line });
  const seenUnits = new Set<string>();
  units.forEach((u, i) => {
    if (u === '') throw badInput(`unit id in column ${i + 2} is empty`, { file, line: header.line, field: `column ${i + 2}` });
    if (seenUnits.has(u)) throw badInput(`unit "${u}" appears twice in the header`, { file, line: header.line, field: u });
    seenUnits.add(u);
  });
  if (body.length === 0) throw badInput('no rater rows after the header', { file, line: header.line + 1 });

  const numeric = isNumericLevel(level);
  const sets = isSetLevel(level);
  const raters: string[] = [];
  const seenRaters = new Set<string>();
  const rows: RatingCell[][] = body.map((rec) => {
    const name = rec.cells[0].trim();
    if (name === '') throw badInput('the rater name is empty', { file, line: rec.line, field: 'rater' });
    if (seenRaters.has(name)) throw badInput(`rater "${name}" has two rows`, { file, line: rec.line, field: 'rater' });
    seenRaters.add(name);
    raters.push(name);
    if (rec.cells.length !== units.length + 1)
      throw badInput(`${rec.cells.length} cells where the header has ${units.length + 1}`, {
        file,
        line: rec.line,
        field: rec.cells.length > units.length + 1 ? `column ${units.length + 2}` : units[rec.cells.length - 1],
      });
    return rec.cells.slice(1).map((raw, i): RatingCell => {
      const v = raw.trim();
      if (v === '') return null;
      if (sets) {
        const parts = v.split('|').map((p) => p.trim()).filter(Boolean);
        return parts.length ? parts : null;
      }
      if (numeric) {
        if (!NUMBER.test(v)) throw badInput(`"${v}" is not a number (the ${level} level reads numbers)`, { file, line: rec.line, field: units[i] });
        const x = Number(v);
        if (level === 'ratio' && x < 0) throw badInput(`"${v}" is negative; ratio values start at an absolute zero`, { file, line: rec.line, field: units[i] });
        return x;
      }
      return v;
    });
  });
  return { raters, units, rows };
}

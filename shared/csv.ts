// The one CSV reader: every CSV the app reads (entries, annotations, model results, reliability
// matrices) goes through csv-parse with the options and checks of `csvReading`. `parseCsv` runs
// them on csv-parse's browser build, which carries its own Buffer, so this module runs in every
// host without Node; db/import/csv.ts runs the same reading on csv-parse's Node build (whole
// texts, and streams).
import { parse, type Options } from 'csv-parse/browser/esm/sync';
import { badInput } from './errors.ts';
import { fieldTooLongMessage, MAX_FIELD_CHARS, megabytes } from './limits.ts';

/** One record keyed by the header's column names, with the line it starts on (quoted cells may span lines). */
export interface CsvRow {
  line: number;
  cells: Record<string, string>;
}

export interface CsvTable {
  /** Column names as the header declares them, trimmed; none empty, none twice. */
  header: string[];
  /** The line the header is on (blank lines before it are skipped). */
  headerLine: number;
  rows: CsvRow[];
}

/**
 * Most a row may hold while it is being read (csv-parse's `max_record_size`: the bytes of the
 * field being read plus the characters of the fields before it). A field at the limit always
 * fits (one UTF-16 unit is at most 3 UTF-8 bytes); a cell that never ends is refused here, once
 * the parser has buffered this much, instead of after the whole file is in memory.
 */
export const MAX_ROW_BYTES = 4 * MAX_FIELD_CHARS;

/** One read of one CSV file: the options to give csv-parse, and what to do with its output. */
export interface CsvReading {
  /**
   * For csv-parse's sync parse here, or its stream API on the Node side (db/import): the same
   * options give the same rows and the same refusals. Each record comes out as a CsvRow; the
   * header and blank lines come out as nothing. Stateful: one `csvReading` per file.
   */
  options: Options;
  /** Whatever the parser threw, as a ConcordError naming the file, line and field (other errors unchanged). */
  error(e: unknown): unknown;
  /** The table from the rows the parser gave, once it has finished; an empty file is refused here. */
  table(rows: CsvRow[]): CsvTable;
}

/** Line breaks inside a record's cells (only quoted cells have them): CRLF, LF and CR each count once. */
function lineBreaks(record: string[]): number {
  let n = 0;
  for (const v of record) if (v.includes('\n') || v.includes('\r')) n += v.match(/\r\n|\r|\n/g)!.length;
  return n;
}

/** What the parser's own refusals mean to someone editing the file. */
const parserMessages: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'a quoted cell is never closed',
  INVALID_OPENING_QUOTE: 'a quote inside a cell that does not start with one; quote the whole cell (no space before the opening quote) and write each quote inside it twice ("")',
  CSV_INVALID_CLOSING_QUOTE: 'text after the closing quote of a cell; inside a quoted cell, write each quote twice ("")',
  CSV_MAX_RECORD_SIZE: `makes its row larger than ${megabytes(MAX_ROW_BYTES)}, the most a row may hold (a field may hold at most ${megabytes(MAX_FIELD_CHARS)})`,
};

/** csv-parse's CsvError, from either of its builds (so not by class): a code and the field's index. */
function isParserError(e: unknown): e is Error & { code: string; column?: unknown } {
  const code = (e as { code?: unknown } | null)?.code;
  return e instanceof Error && typeof code === 'string' && /^(CSV_|INVALID_OPENING_QUOTE$)/.test(code);
}

/**
 * Starts reading one CSV file. RFC 4180, strictly: cells separated by commas, a quoted cell
 * starts with its quote and doubles the quotes inside it (`"a"b`, `a"b` and ` "a"` are refused,
 * not guessed at), CRLF, LF or CR line ends, an optional BOM. The first non-blank record is the
 * header; blank lines are skipped; every row has exactly as many cells as the header.
 */
export function csvReading(file: string): CsvReading {
  let header: string[] | undefined;
  let headerLine = 1;
  // The line the record being read starts on. csv-parse counts a quoted CRLF as two lines, so
  // lines are counted here, from the records: blank lines arrive as one empty cell.
  let line = 1;
  const fieldName = (index: number) => (header && index < header.length ? header[index] : `column ${index + 1}`);

  const onRecord = (record: string[]): CsvRow | null => {
    const start = line;
    line += 1 + lineBreaks(record);
    if (record.length === 1 && record[0].trim() === '') return null;
    record.forEach((v, k) => {
      if (v.length > MAX_FIELD_CHARS) throw badInput(fieldTooLongMessage(v.length), { file, line: start, field: fieldName(k) });
    });
    if (!header) {
      header = readHeader(record, file, start);
      headerLine = start;
      return null;
    }
    if (record.length !== header.length)
      throw badInput(`${record.length} cell${record.length === 1 ? '' : 's'} but the header has ${header.length} columns`, {
        file,
        line: start,
        // The first cell too many, or the first column left without a cell.
        field: fieldName(Math.min(record.length, header.length)),
      });
    // fromEntries: a column named "__proto__" is a column, not the object's prototype.
    return { line: start, cells: Object.fromEntries(header.map((h, k) => [h, record[k]])) };
  };

  return {
    options: {
      bom: true,
      delimiter: ',',
      quote: '"',
      escape: '"',
      record_delimiter: ['\r\n', '\n', '\r'],
      // Row lengths and blank lines are checked in onRecord, which can name the field and the line.
      relax_column_count: true,
      skip_empty_lines: false,
      max_record_size: MAX_ROW_BYTES,
      // Typed by csv-parse as giving string arrays; here each record comes out as a CsvRow.
      on_record: onRecord as unknown as Options['on_record'],
    },
    error(e) {
      if (!isParserError(e)) return e;
      const field = typeof e.column === 'number' ? fieldName(e.column) : undefined;
      const message = parserMessages[e.code] ?? `not readable as CSV (${e.message})`;
      return badInput(message, { file, line, ...(field !== undefined ? { field } : {}) });
    },
    table(rows) {
      if (!header) throw badInput('the file is empty (a header row is expected)', { file, line: 1 });
      return { header, headerLine, rows };
    },
  };
}

function readHeader(record: string[], file: string, line: number): string[] {
  const header = record.map((h) => h.trim());
  const seen = new Set<string>();
  header.forEach((h, k) => {
    if (h === '') throw badInput(`column ${k + 1} of the header has no name`, { file, line, field: `column ${k + 1}` });
    if (seen.has(h)) throw badInput(`column "${h}" appears twice in the header`, { file, line, field: h });
    seen.add(h);
  });
  return header;
}

/**
 * The most `parseCsv` reads: csv-parse's pure build stands in for Buffer with plain arrays, some
 * 30 bytes of memory per character. A reliability matrix is kilobytes; files that may be large
 * (imports) go through csv-parse's Node build in db/import with the same `csvReading`.
 */
export const MAX_CSV_TEXT_CHARS = 16 * 1024 * 1024;

/** Reads a whole CSV text (see csvReading) in any host; a malformed file is a bad-input error naming file, line and field. */
export function parseCsv(text: string, file: string): CsvTable {
  if (text.length > MAX_CSV_TEXT_CHARS)
    throw badInput(`the file is ${megabytes(text.length)}; a CSV read whole may hold at most ${megabytes(MAX_CSV_TEXT_CHARS)}`, { file });
  const reading = csvReading(file);
  let rows: CsvRow[];
  try {
    rows = parse(text, reading.options) as unknown as CsvRow[];
  } catch (e) {
    throw reading.error(e);
  }
  return reading.table(rows);
}

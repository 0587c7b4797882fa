import type { Readable } from 'node:stream';
import { parse as parseCsvStreaming } from 'csv-parse';
import { parse as parseCsvSync } from 'csv-parse/sync';
import { csvReading, MAX_ROW_BYTES, type CsvRow, type CsvTable } from '../../shared/csv.ts';
import { badInput } from '../../shared/errors.ts';
import { MAX_FIELD_CHARS, megabytes } from '../../shared/limits.ts';

export type { CsvRow, CsvTable };

// The importer reads CSV with csv-parse's Node build (see csvSplitter), with the options and
// checks of the one reader, `csvReading`: the same rows and the same refusals.

/** A CSV text already in memory. */
export function parseCsvText(text: string, file: string): CsvTable {
  const reading = csvReading(file);
  let rows: CsvRow[];
  try {
    rows = parseCsvSync(text, reading.options) as unknown as CsvRow[];
  } catch (e) {
    throw reading.error(e);
  }
  return reading.table(rows);
}

/** One row of a CSV or JSONL file: its cells (strings in CSV, any JSON in JSONL) and the line it starts on. */
export interface Row {
  line: number;
  cells: Record<string, unknown>;
}

/**
 * Splits a file's checked chunks (guards.ts) into rows as they arrive: `push` a chunk and get the
 * rows it finishes, `end` for the last. Only an unfinished row is held between chunks, so a file
 * of any length is read in the memory of its longest row. Synchronous, so that an import can
 * read its file again inside its write transaction.
 */
export interface RowSplitter {
  push(chunk: Buffer): Row[];
  end(): Row[];
  /** The file's columns: the CSV header, or every key met in JSONL (complete after `end`). */
  columns(): string[];
}

/** csv-parse's own parser, the one its stream and sync APIs share: it takes chunks and calls back with records. */
interface CsvParserCore {
  parse(chunk: Buffer | undefined, end: boolean, push: (record: CsvRow) => void, close: () => void): Error | undefined;
}

/**
 * CSV rows, chunk by chunk, through csv-parse's parser (the Node build: native Buffers, twice the
 * speed and a third of the memory of the pure build shared/csv.ts uses), with the options and
 * checks of the one reader, `csvReading`: the same rows and the same refusals. A cell that never
 * ends is refused once its row passes MAX_ROW_BYTES, without reading the rest.
 */
export function csvSplitter(file: string): RowSplitter & { table(rows: CsvRow[]): CsvTable } {
  const reading = csvReading(file);
  // The stream parser's core, driven by hand: a Transform stream cannot be read synchronously.
  const core = (parseCsvStreaming(reading.options) as unknown as { api: CsvParserCore }).api;
  const run = (chunk: Buffer | undefined, end: boolean) => {
    const out: CsvRow[] = [];
    const error = core.parse(chunk, end, (row) => out.push(row), () => {});
    if (error !== undefined) throw reading.error(error);
    return out;
  };
  let header: string[] = [];
  return {
    push: (chunk) => run(chunk, false),
    end() {
      const rows = run(undefined, true);
      header = reading.table([]).header;
      return rows;
    },
    columns: () => header,
    table: (rows) => reading.table(rows),
  };
}

/**
 * A CSV byte stream (a file, as `createReadStream(file)`), a chunk at a time (csvSplitter). The
 * file's encoding is not checked here.
 */
export async function parseCsvStream(source: Readable | Iterable<Buffer | string> | AsyncIterable<Buffer | string>, file: string): Promise<CsvTable> {
  const splitter = csvSplitter(file);
  const rows: CsvRow[] = [];
  const add = (got: Row[]) => {
    for (const r of got) rows.push(r as CsvRow);
  };
  for await (const chunk of source) add(splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
  add(splitter.end());
  return splitter.table(rows);
}

export interface JsonlRow {
  line: number;
  value: Record<string, unknown>;
}

/** One line of JSONL: a JSON object, or nothing for a blank line. */
function jsonlLine(raw: string, line: number, file: string): JsonlRow | null {
  if (!raw.trim()) return null;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (e) {
    throw badInput(`not valid JSON (${(e as Error).message})`, { file, line });
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw badInput('each line must be a JSON object', { file, line });
  return { line, value: value as Record<string, unknown> };
}

/** One JSON object per non-blank line; the line number travels with it. */
export function parseJsonl(text: string, file: string): JsonlRow[] {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const out: JsonlRow[] = [];
  text.split(/\r?\n/).forEach((raw, k) => {
    const row = jsonlLine(raw, k + 1, file);
    if (row) out.push(row);
  });
  return out;
}

/**
 * JSONL rows, chunk by chunk (checked UTF-8 chunks, see guards.ts), a line at a time: a line
 * longer than MAX_ROW_BYTES is refused once that much of it has been read, without reading the rest.
 */
export function jsonlSplitter(file: string): RowSplitter {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let line = 1;
  const columns = new Set<string>();
  const take = (bytes: Buffer, out: Row[]) => {
    let text = bytes.toString('utf8');
    if (line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    const row = jsonlLine(text.endsWith('\r') ? text.slice(0, -1) : text, line, file);
    if (row) {
      for (const k in row.value) columns.add(k);
      out.push({ line: row.line, cells: row.value });
    }
    line++;
  };
  const tooLong = () => badInput(`the line is longer than ${megabytes(MAX_ROW_BYTES)}: a line holds at most ${megabytes(MAX_ROW_BYTES)} (a field at most ${megabytes(MAX_FIELD_CHARS)})`, { file, line });
  return {
    push(chunk) {
      const out: Row[] = [];
      let start = 0;
      for (let nl = chunk.indexOf(0x0a); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
        if (pendingBytes + nl - start > MAX_ROW_BYTES) throw tooLong();
        take(pending.length ? Buffer.concat([...pending, chunk.subarray(start, nl)]) : chunk.subarray(start, nl), out);
        pending = [];
        pendingBytes = 0;
        start = nl + 1;
      }
      pendingBytes += chunk.length - start;
      if (pendingBytes > MAX_ROW_BYTES) throw tooLong();
      if (start < chunk.length) pending.push(chunk.subarray(start));
      return out;
    },
    end() {
      const out: Row[] = [];
      if (pendingBytes) take(Buffer.concat(pending), out);
      pending = [];
      return out;
    },
    columns: () => [...columns],
  };
}

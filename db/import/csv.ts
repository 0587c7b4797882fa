import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse as parseCsvStreaming } from 'csv-parse';
import { parse as parseCsvSync } from 'csv-parse/sync';
import { csvReading, MAX_ROW_BYTES, type CsvRow, type CsvTable } from '../../shared/csv.ts';
import { badInput } from '../../shared/errors.ts';
import { MAX_FIELD_CHARS, megabytes } from '../../shared/limits.ts';

export type { CsvRow, CsvTable };

// The importer reads CSV with csv-parse's Node build (native Buffers: twice the speed and a third
// of the memory of the pure build shared/csv.ts uses), with the options and checks of the one
// reader, `csvReading`: the same rows and the same refusals.

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

/**
 * A CSV byte stream (a file, as `createReadStream(file)`), through csv-parse's stream API: the
 * parser holds one row at a time, so a cell that never ends is refused once its row passes
 * MAX_ROW_BYTES, without reading the rest. The file's encoding is not checked here.
 */
export async function parseCsvStream(source: Readable | Iterable<Buffer | string> | AsyncIterable<Buffer | string>, file: string): Promise<CsvTable> {
  const reading = csvReading(file);
  const rows: CsvRow[] = [];
  try {
    await pipeline(source instanceof Readable ? source : Readable.from(source), parseCsvStreaming(reading.options), async (records: AsyncIterable<CsvRow>) => {
      for await (const row of records) rows.push(row);
    });
  } catch (e) {
    throw reading.error(e);
  }
  return reading.table(rows);
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
 * JSONL from a byte stream (checked UTF-8 chunks, see guards.ts), a line at a time: a line longer
 * than MAX_ROW_BYTES is refused once that much of it has been read, without reading the rest.
 */
export async function parseJsonlStream(source: AsyncIterable<Buffer>, file: string): Promise<JsonlRow[]> {
  const out: JsonlRow[] = [];
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let line = 1;
  const take = (bytes: Buffer) => {
    let text = bytes.toString('utf8');
    if (line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    const row = jsonlLine(text.endsWith('\r') ? text.slice(0, -1) : text, line, file);
    if (row) out.push(row);
    line++;
  };
  const tooLong = () => badInput(`the line is longer than ${megabytes(MAX_ROW_BYTES)}: a line holds at most ${megabytes(MAX_ROW_BYTES)} (a field at most ${megabytes(MAX_FIELD_CHARS)})`, { file, line });
  for await (const chunk of source) {
    let start = 0;
    for (let nl = chunk.indexOf(0x0a); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
      if (pendingBytes + nl - start > MAX_ROW_BYTES) throw tooLong();
      take(Buffer.concat([...pending, chunk.subarray(start, nl)]));
      pending = [];
      pendingBytes = 0;
      start = nl + 1;
    }
    pendingBytes += chunk.length - start;
    if (pendingBytes > MAX_ROW_BYTES) throw tooLong();
    if (start < chunk.length) pending.push(chunk.subarray(start));
  }
  if (pendingBytes) take(Buffer.concat(pending));
  return out;
}

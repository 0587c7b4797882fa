import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse as parseCsvStreaming } from 'csv-parse';
import { parse as parseCsvSync } from 'csv-parse/sync';
import { csvReading, type CsvRow, type CsvTable } from '../../shared/csv.ts';
import { badInput } from '../../shared/errors.ts';

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

/** One JSON object per non-blank line; the line number travels with it. */
export function parseJsonl(text: string, file: string): { line: number; value: Record<string, unknown> }[] {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const out: { line: number; value: Record<string, unknown> }[] = [];
  text.split(/\r?\n/).forEach((raw, k) => {
    if (!raw.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      throw badInput(`not valid JSON (${(e as Error).message})`, { file, line: k + 1 });
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw badInput('each line must be a JSON object', { file, line: k + 1 });
    out.push({ line: k + 1, value: value as Record<string, unknown> });
  });
  return out;
}

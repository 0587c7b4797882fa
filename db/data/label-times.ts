import type { Db } from '../database.ts';
import { LABEL_TIME_MS } from '../migrations/009-label-times.ts';
import { currentForAgreement, currentWithTimes, GONE, type AgreementRows, type ForAgreement } from './agreement-rows.ts';
import { statementsOf } from './statements.ts';

/** Entries per statement: each chunk of their labels' times comes back as one text. */
const CHUNK = 10_000;

/** A label's time as drift reads it (`Date.parse`): ms since 1970, NaN when the text does not parse. */
const parsed = (time: string): number => Date.parse(time);

/**
 * The columns agreement reads (`currentForAgreement`) with each row's time as a number
 * (`Date.parse` of the stored text; NaN when it does not parse, and for a row that is gone), read
 * in the same snapshot. Drift needs a million labels' times: they come from migration 009's index
 * as numbers, in key order, and are matched to the rows by key, rather than read from the table
 * as texts and parsed one by one. Where that cannot be done (no such index, or the rows are not
 * the table's), every label is read again with its text (`currentWithTimes`).
 */
export function currentWithLabelTimes(db: Db): ForAgreement & { timeOf: Float64Array } {
  return db.transaction(() => {
    const current = currentForAgreement(db);
    const timeOf = timesOfRows(db, current.rows);
    if (timeOf) return { rows: current.rows, submitted: current.submitted, assigned: current.assigned, timeOf };
    const read = currentWithTimes(db);
    const texts = read.rows.times!;
    const times = new Float64Array(read.rows.count);
    // Labels saved together carry the same text, one after another: each run is parsed once.
    let text: string | undefined;
    let time = NaN;
    for (let i = 0; i < read.rows.count; i++) {
      if (texts[i] !== text) time = parsed((text = texts[i]));
      times[i] = time;
    }
    return { rows: read.rows, submitted: read.submitted, assigned: read.assigned, timeOf: times };
  })();
}

/**
 * Each row's time, from the index in key order (entry, annotator, dimension): the live rows
 * sorted the same way stand beside them. Undefined when the index is missing or the count of
 * times is not the count of live rows (then they are not the table's rows).
 */
export function timesOfRows(db: Db, rows: AgreementRows): Float64Array | undefined {
  const sql = statementsOf(db);
  if (!sql("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'label_times'").get()) return undefined;
  const inKeyOrder = rowsInKeyOrder(rows);
  // Each chunk of entries' times in key order: a number, or nothing where the index holds none (the text is read then).
  const numbers = sql(
    `SELECT count(*), group_concat(t, ',') FROM (SELECT ifnull(${LABEL_TIME_MS}, '') AS t FROM label INDEXED BY label_times WHERE entry_id > ? AND entry_id <= ? ORDER BY entry_id, annotator_id, dimension)`,
  ).raw(true);
  const texts = sql(
    `SELECT json_group_array(updated_at) FROM (SELECT updated_at FROM label INDEXED BY label_times WHERE entry_id > ? AND entry_id <= ? ORDER BY entry_id, annotator_id, dimension)`,
  ).raw(true);
  // Two subqueries: SQLite finds a lone min() or max() at one end of an index, but scans for both at once.
  const [first, last] = sql('SELECT (SELECT min(entry_id) FROM label), (SELECT max(entry_id) FROM label)').raw(true).get() as [number | null, number | null];
  const timeOf = new Float64Array(rows.count).fill(NaN);
  let k = 0;
  for (let from = (first ?? 0) - 1; last !== null && from < last; from += CHUNK) {
    const [count, joined] = numbers.get(from, from + CHUNK) as [number, string | null];
    if (count === 0) continue;
    if (k + count > inKeyOrder.length) return undefined;
    const none = readNumbers(joined ?? '', inKeyOrder, k, count, timeOf);
    if (none < 0) return undefined;
    if (none > 0) {
      // Times the index holds no number for: parsed from their texts.
      const all = JSON.parse((texts.get(from, from + CHUNK) as [string])[0]) as string[];
      if (all.length !== count) return undefined;
      for (let j = 0; j < count; j++) if (Number.isNaN(timeOf[inKeyOrder[k + j]])) timeOf[inKeyOrder[k + j]] = parsed(all[j]);
    }
    k += count;
  }
  return k === inKeyOrder.length ? timeOf : undefined;
}

/**
 * Reads `count` items `a,b,,c` (integers, or nothing) into timeOf[rows[at]], timeOf[rows[at + 1]]...:
 * the numbers, NaN left where there is none. Returns how many had none, or -1 when the text is
 * not such a list of `count` items.
 */
function readNumbers(joined: string, rows: Int32Array, at: number, count: number, timeOf: Float64Array): number {
  let none = 0;
  let value = 0;
  let digits = 0;
  let negative = false;
  let k = at;
  for (let p = 0; p <= joined.length; p++) {
    const c = p < joined.length ? joined.charCodeAt(p) : 44;
    if (c === 44) {
      if (digits === 0) none++;
      else timeOf[rows[k]] = negative ? -value : value;
      k++;
      value = 0;
      digits = 0;
      negative = false;
    } else if (c >= 48 && c <= 57) {
      value = value * 10 + (c - 48);
      digits++;
    } else if (c === 45 && digits === 0 && !negative) negative = true;
    else return -1;
  }
  return k - at === count ? none : -1;
}

/**
 * The live rows (`GONE` left out) in the label table's key order: by entry, annotator, then
 * dimension as SQLite compares texts (their UTF-8 bytes). Rows come a bucket per entry, and each
 * entry's few rows are put in order by insertion.
 */
export function rowsInKeyOrder(rows: AgreementRows): Int32Array {
  const dimensionRank = new Int32Array(rows.dimensions.length);
  const bytes = rows.dimensions.map((d) => Buffer.from(d, 'utf8'));
  Array.from(rows.dimensions.keys())
    .sort((a, b) => Buffer.compare(bytes[a], bytes[b]))
    .forEach((d, rank) => (dimensionRank[d] = rank));
  let entries = 0;
  for (let i = 0; i < rows.count; i++) if (rows.annotator[i] !== GONE && rows.entry[i] >= entries) entries = rows.entry[i] + 1;
  const start = new Int32Array(entries + 1);
  for (let i = 0; i < rows.count; i++) if (rows.annotator[i] !== GONE) start[rows.entry[i] + 1]++;
  for (let e = 0; e < entries; e++) start[e + 1] += start[e];
  const sorted = new Int32Array(start[entries]);
  const next = start.slice(0, entries);
  for (let i = 0; i < rows.count; i++) if (rows.annotator[i] !== GONE) sorted[next[rows.entry[i]]++] = i;
  const D = rows.dimensions.length;
  const keyOf = (i: number) => rows.annotator[i] * D + dimensionRank[rows.dimension[i]];
  for (let e = 0; e < entries; e++)
    for (let j = start[e] + 1; j < start[e + 1]; j++) {
      const i = sorted[j];
      const key = keyOf(i);
      let h = j - 1;
      while (h >= start[e] && keyOf(sorted[h]) > key) sorted[h + 1] = sorted[h--];
      sorted[h + 1] = i;
    }
  return sorted;
}

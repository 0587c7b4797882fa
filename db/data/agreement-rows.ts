import type { Db } from '../database.ts';
import { statementsOf } from './statements.ts';

/**
 * Every label as agreement reads it, in columns: the report walks a million labels at 100,000
 * entries, so they come as numbers and small tables of the texts they repeat, never as an object
 * or a row array per label.
 */
export interface AgreementRows {
  count: number;
  /** Per label: the entry's row id, the annotator's id. */
  entry: Int32Array;
  annotator: Int32Array;
  /** Per label: indexes into `dimensions`, `values` (the stored JSON texts, each distinct one once) and `versions`. */
  dimension: Int32Array;
  value: Int32Array;
  version: Int32Array;
  dimensions: string[];
  values: string[];
  versions: string[];
  /** Per label: when it was last written (only when asked for). */
  times?: string[];
}

/** Labels per statement: each chunk comes back as one JSON text, not a row at a time. */
const CHUNK = 50_000;

/** What agreement selects from, read in one snapshot: every label, who submitted what, what is assigned to whom. */
export function readForAgreement(db: Db, opts: { times?: boolean } = {}): { rows: AgreementRows; submitted: EntryMarks; assigned: EntryMarks } {
  return db.transaction(() => ({ rows: readAgreementRows(db, opts), submitted: readEntryMarks(db, 'submitted'), assigned: readEntryMarks(db, 'assigned') }))();
}

/**
 * Every label. SQLite gathers each chunk of labels into one JSON array and JavaScript parses it
 * at once: handing a million rows across one at a time cost more than all the rest of the report.
 */
function readAgreementRows(db: Db, opts: { times?: boolean }): AgreementRows {
  const sql = statementsOf(db);
  const chunk = sql(
    `SELECT max(id), json_group_array(json_array(entry_id, annotator_id, dimension, value, codebook_version${opts.times ? ', updated_at' : ''}))
       FROM (SELECT rowid AS id, * FROM label WHERE rowid > ? ORDER BY rowid LIMIT ${CHUNK})`,
  ).raw(true);
  const total = (sql('SELECT count(*) FROM label').pluck().get() as number) ?? 0;
  const rows: AgreementRows = {
    count: 0,
    entry: new Int32Array(total),
    annotator: new Int32Array(total),
    dimension: new Int32Array(total),
    value: new Int32Array(total),
    version: new Int32Array(total),
    dimensions: [],
    values: [],
    versions: [],
    times: opts.times ? [] : undefined,
  };
  const index = (known: Map<string, number>, list: string[], text: string) => {
    let i = known.get(text);
    if (i === undefined) known.set(text, (i = list.push(text) - 1));
    return i;
  };
  const dimensions = new Map<string, number>();
  const values = new Map<string, number>();
  const versions = new Map<string, number>();
  let after = -1;
  for (;;) {
    const [last, json] = chunk.get(after) as [number | null, string];
    if (last === null) break;
    after = last;
    for (const [entry, annotator, dimension, value, version, time] of JSON.parse(json) as [number, number, string, string, string, string?][]) {
      const i = rows.count++;
      rows.entry[i] = entry;
      rows.annotator[i] = annotator;
      rows.dimension[i] = index(dimensions, rows.dimensions, dimension);
      rows.value[i] = index(values, rows.values, value);
      rows.version[i] = index(versions, rows.versions, version);
      if (rows.times) rows.times.push(time!);
    }
  }
  return rows;
}

/** Per annotator id, which entries (by row id) have the mark: a set of small integers kept as bytes. */
export type EntryMarks = Map<number, Uint8Array>;

/** Who submitted which entry, or to whom an entry is assigned. */
function readEntryMarks(db: Db, which: 'submitted' | 'assigned'): EntryMarks {
  const sql = statementsOf(db);
  const [entryJson, annotatorJson] = sql(
    which === 'submitted'
      ? "SELECT json_group_array(entry_id), json_group_array(annotator_id) FROM submission WHERE status = 'submitted'"
      : 'SELECT json_group_array(entry_id), json_group_array(annotator_id) FROM assignment',
  )
    .raw(true)
    .get() as [string, string];
  const [entries, annotators] = [JSON.parse(entryJson) as number[], JSON.parse(annotatorJson) as number[]];
  let size = 0;
  for (const e of entries) if (e >= size) size = e + 1;
  const marks: EntryMarks = new Map();
  for (let i = 0; i < entries.length; i++) {
    let own = marks.get(annotators[i]);
    if (!own) marks.set(annotators[i], (own = new Uint8Array(size)));
    own[entries[i]] = 1;
  }
  return marks;
}

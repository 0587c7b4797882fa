import type { Db } from '../database.ts';
import { changeMarker, sameMarker, type ChangeMarker } from './changes.ts';
import { openStore } from './index.ts';
import { savedColumns, saveColumns } from './saved-columns.ts';
import { statementsOf } from './statements.ts';

/**
 * Every label as agreement reads it, in columns: the report walks a million labels at 100,000
 * entries, so they come as numbers and small tables of the texts they repeat, never as an object
 * or a row array per label.
 */
export interface AgreementRows {
  count: number;
  /** Per label: its row in the label table (its times are read by it), the entry's row id, the annotator's id. */
  rowid: Int32Array;
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
  /**
   * Per label: when it was last written, as a number (`Date.parse` of the text; NaN when it does
   * not parse, and for a row that is gone). Kept with the rows once drift asked for it
   * (`keptLabelTimes`), and read with the rows of an entry read again.
   */
  time?: Float64Array;
}

/** Labels per statement: each chunk comes back as one JSON text, not a row at a time. */
const CHUNK = 50_000;

/** What agreement selects from, read in one snapshot: every label, who submitted what, what is assigned to whom. */
export function readForAgreement(db: Db, opts: { times?: boolean; timeNumbers?: boolean } = {}): { rows: AgreementRows; submitted: EntryMarks; assigned: EntryMarks } {
  return db.transaction(() => ({ rows: readAgreementRows(db, opts), submitted: readEntryMarks(db, 'submitted'), assigned: readEntryMarks(db, 'assigned') }))();
}

/**
 * Every label. SQLite gathers each chunk of labels into one text and JavaScript reads it at once:
 * handing a million rows across one at a time cost more than all the rest of the report. A label
 * comes as numbers alone, its dimension, value and version as its kind (migration 010): its three
 * texts took most of the time. Without times the numbers come as one list of digits and commas,
 * read straight into the columns (parsing them as JSON arrays, an array per label, took three
 * times as long at 100,000 entries); with times, as JSON. The texts of the kinds read are looked up after.
 */
function readAgreementRows(db: Db, opts: { times?: boolean; timeNumbers?: boolean }, entries?: number[]): AgreementRows {
  const sql = statementsOf(db);
  const timed = opts.times || opts.timeNumbers;
  // (A label without a kind comes as -1, said below: a NULL would drop out of the list unseen.)
  const columns = timed ? 'json_group_array(json_array(id, entry_id, annotator_id, kind, updated_at))' : "group_concat(id || ',' || entry_id || ',' || annotator_id || ',' || ifnull(kind, -1), ',')";
  // Every label, a chunk at a time in the table's order; or the labels of a few entries, found by their key.
  const chunk = entries
    ? sql(`SELECT max(id), ${columns} FROM (SELECT rowid AS id, * FROM label WHERE entry_id IN (SELECT value FROM json_each(?)) AND rowid > ?)`).raw(true)
    : sql(`SELECT max(id), ${columns} FROM (SELECT rowid AS id, * FROM label WHERE rowid > ? ORDER BY rowid LIMIT ${CHUNK})`).raw(true);
  const list = entries && JSON.stringify(entries);
  const total = entries
    ? (sql('SELECT count(*) FROM label WHERE entry_id IN (SELECT value FROM json_each(?))').pluck().get(list) as number)
    : (sql('SELECT count(*) FROM label').pluck().get() as number);
  // Room for the labels written after this read (kept columns grow by them): the first write need not copy every column.
  const room = entries ? total : total + Math.max(1024, total >> 6);
  const rows: AgreementRows = {
    count: 0,
    rowid: new Int32Array(room),
    entry: new Int32Array(room),
    annotator: new Int32Array(room),
    dimension: new Int32Array(room),
    value: new Int32Array(room),
    version: new Int32Array(room),
    dimensions: [],
    values: [],
    versions: [],
    times: opts.times ? [] : undefined,
    time: opts.timeNumbers ? new Float64Array(room) : undefined,
  };
  // Each label's kind, until the kinds' texts are read.
  const kind = new Int32Array(total);
  let after = -1;
  let timeText: string | undefined;
  let timeParsed = NaN;
  for (;;) {
    const [last, text] = (entries ? chunk.get(list, after) : chunk.get(after)) as [number | null, string];
    if (last === null) break;
    after = last;
    if (!timed) {
      readNumbers(text, rows, kind);
      continue;
    }
    for (const [rowid, entry, annotator, k, time] of JSON.parse(text) as [number, number, number, number | null, string?][]) {
      const i = rows.count++;
      rows.rowid[i] = rowid;
      rows.entry[i] = entry;
      rows.annotator[i] = annotator;
      // (The triggers of migration 010 give every label its kind; none is a damaged file.)
      if (k === null) throw new Error(`${db.name}: the label in row ${rowid} has no kind; the project file was changed by something other than Concord`);
      kind[i] = k;
      if (rows.times) rows.times.push(time!);
      // Labels saved together carry the same text one after another: each run is parsed once.
      if (rows.time) rows.time[i] = time === timeText ? timeParsed : (timeParsed = Date.parse((timeText = time!)));
    }
  }
  for (let i = 0; i < rows.count; i++)
    if (kind[i] < 0) throw new Error(`${db.name}: the label in row ${rows.rowid[i]} has no kind; the project file was changed by something other than Concord`);
  nameKinds(db, rows, kind);
  return rows;
}

/** Appends the labels of one chunk, given as "rowid,entry,annotator,kind,rowid,..." (integers, a kind perhaps -1), to the columns. */
function readNumbers(text: string, rows: AgreementRows, kind: Int32Array): void {
  let field = 0;
  let n = 0;
  let negative = false;
  const put = () => {
    const v = negative ? -n : n;
    const i = rows.count;
    if (field === 0) rows.rowid[i] = v;
    else if (field === 1) rows.entry[i] = v;
    else if (field === 2) rows.annotator[i] = v;
    else {
      kind[i] = v;
      rows.count++;
    }
    field = (field + 1) & 3;
    n = 0;
    negative = false;
  };
  for (let j = 0; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 44) put();
    else if (c === 45) negative = true;
    else n = n * 10 + (c - 48);
  }
  put();
}

/**
 * Gives each label its dimension, value and version as indexes into the rows' lists of texts,
 * from its kind: each text listed once, in the order the labels first hold it. Only the kinds
 * the labels hold are read (a free-text dimension can have as many kinds as labels), after the
 * labels, so every kind a label names is there (a kind is never deleted).
 */
function nameKinds(db: Db, rows: AgreementRows, kind: Int32Array): void {
  let top = 0;
  for (let i = 0; i < rows.count; i++) if (kind[i] > top) top = kind[i];
  // Per kind: its three indexes once its texts are read, -1 before.
  const met = new Int32Array(3 * (top + 1)).fill(-1);
  const held: number[] = [];
  for (let i = 0; i < rows.count; i++)
    if (met[3 * kind[i]] === -1) {
      met[3 * kind[i]] = -2;
      held.push(kind[i]);
    }
  const stored = statementsOf(db)('SELECT id, dimension, value, codebook_version FROM label_kind WHERE id IN (SELECT value FROM json_each(?))').raw(true).all(JSON.stringify(held)) as [number, string, string, string][];
  const texts = new Map(stored.map(([id, dimension, value, version]) => [id, { dimension, value, version }]));
  const index = (known: Map<string, number>, list: string[], text: string) => {
    let i = known.get(text);
    if (i === undefined) known.set(text, (i = list.push(text) - 1));
    return i;
  };
  const dimensions = new Map<string, number>();
  const values = new Map<string, number>();
  const versions = new Map<string, number>();
  for (let i = 0; i < rows.count; i++) {
    const k = kind[i];
    if (met[3 * k] < 0) {
      const t = texts.get(k);
      if (!t) throw new Error(`${db.name}: the label in row ${rows.rowid[i]} is of kind ${k}, which the project does not list`);
      met[3 * k] = index(dimensions, rows.dimensions, t.dimension);
      met[3 * k + 1] = index(values, rows.values, t.value);
      met[3 * k + 2] = index(versions, rows.versions, t.version);
    }
    rows.dimension[i] = met[3 * k];
    rows.value[i] = met[3 * k + 1];
    rows.version[i] = met[3 * k + 2];
  }
}

/** Per annotator id, which entries (by row id) have the mark: a set of small integers kept as bytes. */
export type EntryMarks = Map<number, Uint8Array>;

/** Who submitted which entry, or to whom an entry is assigned (with `only`, of those entries alone). */
export function readEntryMarks(db: Db, which: 'submitted' | 'assigned', only?: number[]): EntryMarks {
  const sql = statementsOf(db);
  const onEntries = only ? `${which === 'submitted' ? 'AND' : 'WHERE'} entry_id IN (SELECT value FROM json_each(?))` : '';
  const statement = sql(
    which === 'submitted'
      ? `SELECT json_group_array(entry_id), json_group_array(annotator_id) FROM submission WHERE status = 'submitted' ${onEntries}`
      : `SELECT json_group_array(entry_id), json_group_array(annotator_id) FROM assignment ${onEntries}`,
  ).raw(true);
  const [entryJson, annotatorJson] = (only ? statement.get(JSON.stringify(only)) : statement.get()) as [string, string];
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

/**
 * The columns kept between calls on a connection, as db/consensus-index.ts keeps the consensus:
 * each call asks whether anything was written (`changeMarker`) and, if so, the event log which
 * entries it touched, and reads only their labels, submissions and assignments again. It starts
 * over whenever it cannot be sure: a logged change that names no entry (an import, automatic
 * assignments, a codebook edit), writes the log does not show, a log that no longer holds the
 * event it stood at (a restored backup), another codebook, or too much rewritten.
 */
interface Kept {
  marker: ChangeMarker;
  codebook: string;
  logMark: { id: number; at: string; kind: string } | undefined;
  data: ForAgreement;
  /** Rows whose label was rewritten or removed since the last full read. */
  dead: number;
  /** What was worked out from the columns as they stand (`fromKeptColumns`): dropped whenever they change. */
  derived: Map<string, unknown>;
  /** Whether the copy saved beside the file holds them as they stand (saved-columns.ts), or will once this task is over ('soon'). */
  saved: boolean | 'soon';
}
export type ForAgreement = { rows: AgreementRows; submitted: EntryMarks; assigned: EntryMarks };
const kept = new WeakMap<Db, Kept>();

/** Kinds of change that name no entry and leave labels, submissions and assignments as they were. */
const NO_LABEL_CHANGE = new Set(['annotator.create', 'decision.accept-majorities', 'decision.undo', 'pack.merge', 'pack.starter']);

/** What every walk of the labels keeps with them (`fromKeptColumns`): the entries in their natural order. */
export const ENTRIES_IN_ORDER = 'entries in order';

/** Marks a row as gone: `annotator` -1 is nobody's label. */
export const GONE = -1;

/**
 * `readForAgreement`, from the columns kept on this connection when nothing was written since, or
 * brought up to date; on a connection that keeps none yet, from those an earlier session saved
 * beside the file when they check out ('saved'). A large project's columns read in full are saved
 * for the next.
 */
export function currentForAgreement(db: Db): ForAgreement & { sync: 'unchanged' | 'incremental' | 'saved' | 'rebuilt' } {
  const store = openStore(db);
  const marker = changeMarker(db);
  const codebook = store.project.codebookJson() ?? '';
  const k = kept.get(db);
  if (k && sameMarker(k.marker, marker) && k.codebook === codebook) return { ...k.data, sync: 'unchanged' };
  const updated = k && k.codebook === codebook ? db.transaction(() => update(db, k))() : false;
  if (updated) {
    k!.marker = marker;
    return { ...k!.data, sync: 'incremental' };
  }
  if (!k && adoptSaved(db)) return { ...kept.get(db)!.data, sync: 'saved' };
  const fresh = db.transaction(() => ({ logMark: store.events.newest(), data: readForAgreement(db) }))();
  kept.set(db, { marker, codebook, logMark: fresh.logMark, data: fresh.data, dead: 0, derived: new Map(), saved: 'soon' });
  // Saved for the next session once this task is over: what asked for them (a job, a request, a command) need not wait for it.
  setImmediate(() => saveKeptColumns(db));
  return { ...fresh.data, sync: 'rebuilt' };
}

/**
 * Saves the columns kept on this connection beside the file (a large project's), unless the copy
 * there holds them as they stand already or the connection is closed: after a full read, and when
 * a session closes, so that the next one takes over what this one brought up to date from the log.
 */
export function saveKeptColumns(db: Db): void {
  const k = kept.get(db);
  if (!db.open || !k || k.saved === true) return;
  saveColumns(db, { codebook: k.codebook, logMark: k.logMark, data: k.data, dead: k.dead });
  k.saved = true;
}

/**
 * Takes over the columns saved beside the file as another connection's are taken over, and keeps
 * them only if they then hold a live row for every label in the table, up to the same row: what
 * the log cannot vouch for (a file of another project, or of this one before a restore) is read again.
 */
function adoptSaved(db: Db): boolean {
  const saved = savedColumns(db);
  if (!saved) return false;
  return db.transaction(() => {
    adoptColumns(db, saved);
    const k = kept.get(db);
    if (!k) return false;
    // (Brought up to date from the log, they are newer than the copy.)
    k.saved = k.logMark?.id === saved.logMark?.id;
    const table = statementsOf(db)('SELECT count(*) AS count, coalesce(max(rowid), 0) AS top FROM label').get() as { count: number; top: number };
    if (liveRows(k.data.rows) === table.count && topLiveRow(k.data.rows) === table.top) return true;
    kept.delete(db);
    return false;
  })();
}

/** The columns kept on a connection, as a job hands them to its worker's connection to the same file. */
export type HandedColumns = Omit<Kept, 'marker' | 'derived' | 'saved'> & {
  /** Whether the connection that hands them over saved them as they stand (or is about to): the one that takes them over need not. */
  saved?: boolean;
};

/** What a connection hands over of the columns it keeps: its own place in the log, and whether their copy is saved (or about to be). */
const handedOf = (k: Kept): HandedColumns => ({ codebook: k.codebook, logMark: k.logMark, data: k.data, dead: k.dead, saved: k.saved !== false });

/**
 * The columns as `currentForAgreement` has them now (read or brought up to date), to hand to
 * another connection, as read: not checked again against the file, where another thread may have
 * written meanwhile (the search index an import left, built between requests): the connection
 * that takes them brings them up to date from the log, or refuses them (`adoptColumns`).
 */
export function currentToHand(db: Db): HandedColumns {
  currentForAgreement(db);
  const k = kept.get(db)!;
  return handedOf(k);
}

/**
 * The columns kept on this connection as they stand, perhaps behind the log (not brought up to
 * date here): for a worker that brings them up to date itself while this thread does the same.
 * Undefined when none are kept, or they were read under another codebook.
 */
export function keptToHand(db: Db): HandedColumns | undefined {
  const k = kept.get(db);
  if (!k || k.codebook !== (openStore(db).project.codebookJson() ?? '')) return undefined;
  return handedOf(k);
}

/**
 * The columns kept on this connection, brought up to date when the log says how (a few entries'
 * rows read again), for a job to hand its worker: undefined when none are kept or only a full
 * read could bring them up to date, which is left to the worker rather than done on this thread.
 */
export function columnsToHand(db: Db): HandedColumns | undefined {
  if (!keptToHand(db)) return undefined;
  const k = kept.get(db)!;
  const marker = changeMarker(db);
  if (!sameMarker(k.marker, marker)) {
    if (!db.transaction(() => update(db, k))()) return undefined;
    k.marker = marker;
  }
  return handedOf(k);
}

/**
 * Takes the columns another connection to this file handed over (`columnsToHand`, current as
 * of their place in the log) as this connection's own: kept when the log shows nothing written
 * since, or brought up to date from it; else they are dropped and the next call reads them all.
 */
export function adoptColumns(db: Db, handed: HandedColumns): void {
  const own: Kept = { codebook: handed.codebook, logMark: handed.logMark, data: handed.data, dead: handed.dead, marker: changeMarker(db), derived: new Map(), saved: handed.saved === true };
  const store = openStore(db);
  const adopted = db.transaction(() => {
    if (own.codebook !== (store.project.codebookJson() ?? '')) return false;
    const changed = store.events.changedSince(own.logMark?.id ?? 0);
    if (changed.entries.length || changed.unscoped.length) return update(db, own);
    const stillThere = own.logMark ? store.events.mark(own.logMark.id) : undefined;
    return !own.logMark || (stillThere?.at === own.logMark.at && stillThere.kind === own.logMark.kind);
  })();
  if (adopted) kept.set(db, own);
}

/**
 * `currentForAgreement` with each row's time (`rows.times`, as stored; '' for a row that is
 * gone). Only the times are read, in the same snapshot, and each goes to the kept row of its
 * label by the row's place in the table: the kept rows need not be the table's in its order (a
 * label written since the full read is read again and kept at the end).
 */
export function currentWithTimes(db: Db): ForAgreement {
  return db.transaction(() => {
    const current = currentForAgreement(db);
    const { rows } = current;
    const keptAt = keptRowsByPlace(rows);
    const times = new Array<string>(rows.count).fill('');
    let found = 0;
    readTimes(db, (rowid, time) => {
      const k = rowid < keptAt.length ? keptAt[rowid] : 0;
      if (k === 0) return;
      times[k - 1] = time;
      found++;
    });
    // The rows stay as they are: the times go on a copy. (Every live row is the table's, read in this snapshot.)
    if (found === liveRows(rows)) return { submitted: current.submitted, assigned: current.assigned, rows: { ...rows, times } };
    return readForAgreement(db, { times: true });
  })();
}

/**
 * A result worked out from the kept columns (and the rest of the project file as it is now),
 * kept with them until anything is written or they are read again: the Agreement view's tabs
 * each count the same labels, gather the same cells and hash them for their provenance, in the
 * same worker one after another. `key` must name everything the result depends on besides the
 * file. A connection with no columns kept computes it each time.
 */
export function fromKeptColumns<T>(db: Db, key: string, make: () => T): T {
  return db.transaction(() => {
    currentForAgreement(db);
    const k = kept.get(db);
    if (!k || !sameMarker(k.marker, changeMarker(db))) return make();
    if (k.derived.has(key)) return k.derived.get(key) as T;
    const made = make();
    // A write inside `make` would have dropped what was kept: keep nothing then.
    if (kept.get(db) !== k || !sameMarker(k.marker, changeMarker(db))) return made;
    keepResult(k, key, made);
    return made;
  })();
}

/** How many results `fromKeptColumns` keeps at once (each selection of labels asked for has a few). */
const KEPT_RESULTS = 8;

/** Keeps a result with the columns, letting the oldest go once KEPT_RESULTS are kept. */
function keepResult(k: Kept, key: string, result: unknown): void {
  if (!k.derived.has(key) && k.derived.size >= KEPT_RESULTS) k.derived.delete(k.derived.keys().next().value!);
  k.derived.set(key, result);
}

/** Whether this connection keeps the result `key` with its columns, current (nothing written since): what it would answer without working anything out. */
export function keepsResult(db: Db, key: string): boolean {
  const k = kept.get(db);
  return k !== undefined && sameMarker(k.marker, changeMarker(db)) && k.derived.has(key);
}

/** Where in the event log a connection's columns, or a result worked out from them, stand. */
export type LogMark = Kept['logMark'];

/**
 * A result another connection to this file worked out from its columns (a worker's, ahead), as
 * of `logMark`: kept as if `fromKeptColumns` had worked it out here, when this connection's
 * columns stand at the same event and nothing was written since. Else it is let go (false).
 */
export function adoptKeptResult(db: Db, key: string, result: unknown, logMark: LogMark): boolean {
  const k = kept.get(db);
  if (!k || !sameMarker(k.marker, changeMarker(db)) || k.logMark?.id !== logMark?.id || k.logMark?.at !== logMark?.at) return false;
  keepResult(k, key, result);
  return true;
}

/**
 * The kept columns with each row's time as a number (`AgreementRows.time`), read once and kept
 * with them: each time goes to the kept row of its label by the row's place in the table (the kept
 * rows need not be the table's in its order: a label written since the full read is read again
 * and kept at the end). Undefined when some live kept row is not in the table (the caller then
 * reads every label with its time).
 */
export function keptLabelTimes(db: Db): (ForAgreement & { timeOf: Float64Array }) | undefined {
  return db.transaction(() => {
    const current = currentForAgreement(db);
    const { rows } = current;
    if (rows.time) return { rows, submitted: current.submitted, assigned: current.assigned, timeOf: rows.time };
    const keptAt = keptRowsByPlace(rows);
    const time = new Float64Array(rows.entry.length).fill(NaN);
    let found = 0;
    // Labels saved together carry the same text one after another: each run is parsed once.
    let text: string | undefined;
    let parsed = NaN;
    readTimes(db, (rowid, t) => {
      const k = rowid < keptAt.length ? keptAt[rowid] : 0;
      if (k === 0) return;
      if (t !== text) parsed = Date.parse((text = t));
      time[k - 1] = parsed;
      found++;
    });
    if (found !== liveRows(rows)) return undefined;
    rows.time = time;
    return { rows, submitted: current.submitted, assigned: current.assigned, timeOf: time };
  })();
}

/** Each live kept row by its place in the table: 1 + its index (0 for none), indexed by rowid. */
function keptRowsByPlace(rows: AgreementRows): Int32Array {
  const keptAt = new Int32Array(topLiveRow(rows) + 1);
  for (let i = 0; i < rows.count; i++) if (rows.annotator[i] !== GONE) keptAt[rows.rowid[i]] = i + 1;
  return keptAt;
}

/** The highest place in the table of a live kept row (0 for none). */
function topLiveRow(rows: AgreementRows): number {
  let top = 0;
  for (let i = 0; i < rows.count; i++) if (rows.annotator[i] !== GONE && rows.rowid[i] > top) top = rows.rowid[i];
  return top;
}

function liveRows(rows: AgreementRows): number {
  let live = 0;
  for (let i = 0; i < rows.count; i++) if (rows.annotator[i] !== GONE) live++;
  return live;
}

/** Every label's time with its place in the table, in the table's order. */
function readTimes(db: Db, each: (rowid: number, time: string) => void): void {
  const chunk = statementsOf(db)(`SELECT max(id), json_group_array(id), json_group_array(updated_at) FROM (SELECT rowid AS id, updated_at FROM label WHERE rowid > ? ORDER BY rowid LIMIT ${CHUNK})`).raw(true);
  for (let after = -1; ; ) {
    const [last, ids, texts] = chunk.get(after) as [number | null, string, string];
    if (last === null) return;
    after = last;
    const rowids = JSON.parse(ids) as number[];
    const times = JSON.parse(texts) as string[];
    for (let k = 0; k < rowids.length; k++) each(rowids[k], times[k]);
  }
}

/**
 * The labels that count for consensus, from the kept columns, grouped per entry and dimension:
 * entries in row id order, an entry's dimensions by id, a group's labels by annotator id. Drafts
 * count only when asked. The consensus of 100,000 entries is computed from these
 * (db/adjudication.ts) without reading the label table again, and without a text per label.
 */
export interface ConsensusGroups {
  /** How many groups; per group, its entry's row id, its dimension (an index into `dimensions`) and where its labels start (`start[count]` ends the last). */
  count: number;
  entry: Int32Array;
  dimension: Int32Array;
  start: Int32Array;
  /** Per label, in group order: its annotator's id, whether the entry is assigned to them (1/0), its stored value (an index into `values`). */
  annotator: Int32Array;
  assigned: Uint8Array;
  value: Int32Array;
  dimensions: string[];
  values: string[];
}

export function groupedForConsensus({ rows, submitted, assigned }: ForAgreement, includeDrafts: boolean): ConsensusGroups {
  // Dimensions by their ids' order, annotators by id.
  const dimRank = new Int32Array(rows.dimensions.length);
  rows.dimensions.map((d, k) => [d, k] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).forEach(([, k], rank) => (dimRank[k] = rank));
  const ids = [...new Set(rows.annotator.subarray(0, rows.count))].filter((a) => a !== GONE).sort((a, b) => a - b);
  const annRank = new Int32Array(ids.length ? ids[ids.length - 1] + 1 : 0);
  ids.forEach((a, k) => (annRank[a] = k));
  const counted = new Uint8Array(rows.count);
  for (let i = 0; i < rows.count; i++) counted[i] = rows.annotator[i] !== GONE && (includeDrafts || submitted.get(rows.annotator[i])?.[rows.entry[i]] === 1) ? 1 : 0;
  const counts = (i: number) => counted[i] === 1;
  // The labels by entry (row ids are small numbers: a bucket each, in row id order), then each
  // entry's few labels by dimension, annotator and row: no sort of a million keys.
  let entries = 0;
  for (let i = 0; i < rows.count; i++) if (counts(i) && rows.entry[i] >= entries) entries = rows.entry[i] + 1;
  const bucket = new Int32Array(entries + 1);
  for (let i = 0; i < rows.count; i++) if (counts(i)) bucket[rows.entry[i] + 1]++;
  for (let e = 0; e < entries; e++) bucket[e + 1] += bucket[e];
  const sorted = new Int32Array(bucket[entries]);
  const next = bucket.slice(0, entries);
  for (let i = 0; i < rows.count; i++) if (counts(i)) sorted[next[rows.entry[i]]++] = i;
  const rankOf = (i: number) => dimRank[rows.dimension[i]] * ids.length + annRank[rows.annotator[i]];
  for (let e = 0; e < entries; e++)
    for (let k = bucket[e] + 1; k < bucket[e + 1]; k++) {
      // Insertion sort: rows already in row order stay so among equal ranks.
      const i = sorted[k];
      const r = rankOf(i);
      let j = k - 1;
      while (j >= bucket[e] && rankOf(sorted[j]) > r) sorted[j + 1] = sorted[j--];
      sorted[j + 1] = i;
    }
  const n = sorted.length;
  const out: ConsensusGroups = {
    count: 0,
    entry: new Int32Array(n),
    dimension: new Int32Array(n),
    start: new Int32Array(n + 1),
    annotator: new Int32Array(n),
    assigned: new Uint8Array(n),
    value: new Int32Array(n),
    dimensions: rows.dimensions,
    values: rows.values,
  };
  for (let k = 0; k < n; k++) {
    const i = sorted[k];
    const entry = rows.entry[i];
    const a = rows.annotator[i];
    if (k === 0 || out.entry[out.count - 1] !== entry || out.dimension[out.count - 1] !== rows.dimension[i]) {
      out.entry[out.count] = entry;
      out.dimension[out.count] = rows.dimension[i];
      out.start[out.count++] = k;
    }
    out.annotator[k] = a;
    out.assigned[k] = assigned.get(a)?.[entry] === 1 ? 1 : 0;
    out.value[k] = rows.value[i];
  }
  out.start[out.count] = n;
  return out;
}

/** Reads again the rows of the entries the log says changed; false when it cannot be sure and all must be read. */
function update(db: Db, k: Kept): boolean {
  const store = openStore(db);
  const stillThere = k.logMark ? store.events.mark(k.logMark.id) : undefined;
  if (k.logMark && (stillThere?.at !== k.logMark.at || stillThere.kind !== k.logMark.kind)) return false;
  const changed = store.events.changedSince(k.logMark?.id ?? 0);
  if (changed.unscoped.some((kind) => !NO_LABEL_CHANGE.has(kind)) || changed.entries.length === 0 || changed.entries.length > 10_000) return false;
  const rowIds: number[] = [];
  for (const extId of changed.entries) {
    const ref = store.entries.ref(extId);
    // An entry deleted: its rows cannot be told by id any more.
    if (!ref) return false;
    rowIds.push(ref.rowId);
  }
  const { rows, submitted, assigned } = k.data;
  const fresh = readAgreementRows(db, { timeNumbers: rows.time !== undefined }, rowIds);
  // Rewritten rows stay behind, marked gone, until a quarter of the rows are gone.
  if (k.dead + fresh.count > rows.count / 4 + 1000) return false;

  const order = k.derived.get(ENTRIES_IN_ORDER) as unknown[] | undefined;
  k.derived.clear();
  // The entries' natural order stands while no entry came or went (an entry's place is its id's, db/data/natural-key.ts;
  // one deleted was refused above): reading it again took 45 ms of every report after a write at 100,000 entries.
  if (order && order.length === store.entries.count()) k.derived.set(ENTRIES_IN_ORDER, order);
  const changedRows = new Uint8Array(rowIds.reduce((m, e) => Math.max(m, e + 1), 0));
  for (const e of rowIds) changedRows[e] = 1;
  for (let i = 0; i < rows.count; i++)
    if (rows.annotator[i] !== GONE && changedRows[rows.entry[i]] === 1) {
      rows.annotator[i] = GONE;
      k.dead++;
    }
  append(rows, fresh);
  for (const [which, marks] of [['submitted', submitted], ['assigned', assigned]] as const) {
    for (const own of marks.values()) for (const e of rowIds) if (e < own.length) own[e] = 0;
    for (const [annotator, own] of readEntryMarks(db, which, rowIds)) {
      let mine = marks.get(annotator);
      const size = Math.max(own.length, mine?.length ?? 0);
      if (!mine || mine.length < size) {
        const grown = new Uint8Array(size);
        if (mine) grown.set(mine);
        marks.set(annotator, (mine = grown));
      }
      for (const e of rowIds) if (own[e] === 1) mine[e] = 1;
    }
  }
  k.logMark = store.events.newest();
  k.saved = false;
  return true;
}

/** Adds the rows of `more` to `rows`, re-indexing their texts and growing the columns as needed. */
function append(rows: AgreementRows, more: AgreementRows): void {
  const n = rows.count + more.count;
  if (n > rows.entry.length) {
    const grow = (a: Int32Array) => {
      const b = new Int32Array(Math.max(n, 2 * a.length));
      b.set(a.subarray(0, rows.count));
      return b;
    };
    rows.rowid = grow(rows.rowid);
    rows.entry = grow(rows.entry);
    rows.annotator = grow(rows.annotator);
    rows.dimension = grow(rows.dimension);
    rows.value = grow(rows.value);
    rows.version = grow(rows.version);
    if (rows.time) {
      const time = new Float64Array(rows.entry.length);
      time.set(rows.time.subarray(0, rows.count));
      rows.time = time;
    }
  }
  const reindex = (list: string[], from: string[]) => {
    const known = new Map(list.map((t, i) => [t, i]));
    return from.map((t) => {
      let i = known.get(t);
      if (i === undefined) known.set(t, (i = list.push(t) - 1));
      return i;
    });
  };
  const dimension = reindex(rows.dimensions, more.dimensions);
  const value = reindex(rows.values, more.values);
  const version = reindex(rows.versions, more.versions);
  for (let j = 0; j < more.count; j++) {
    const i = rows.count++;
    rows.rowid[i] = more.rowid[j];
    rows.entry[i] = more.entry[j];
    rows.annotator[i] = more.annotator[j];
    rows.dimension[i] = dimension[more.dimension[j]];
    rows.value[i] = value[more.value[j]];
    rows.version[i] = version[more.version[j]];
    if (rows.time) rows.time[i] = more.time![j];
  }
}

/**
 * How many labels hold each stored value, per dimension: [dimension, value JSON, count], every
 * label whatever its status, of every author (or those `of` keeps, by annotator id). Counted on
 * the columns kept for this connection (read once, then brought up to date), where a GROUP BY
 * reads the whole label table at every call.
 */
export function labelValueCounts(db: Db, of: (annotatorId: number) => boolean = () => true): [string, string, number][] {
  const { rows } = currentForAgreement(db);
  const counts = new Map<number, number>();
  const width = rows.values.length;
  for (let i = 0; i < rows.count; i++) {
    if (rows.annotator[i] === GONE || !of(rows.annotator[i])) continue;
    const key = rows.dimension[i] * width + rows.value[i];
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([key, n]) => [rows.dimensions[Math.floor(key / width)], rows.values[key % width], n]);
}

/** The codebook versions the labels were made under (every label, whatever its author or status). */
export function labelVersions(db: Db): string[] {
  const { rows } = currentForAgreement(db);
  const used = new Uint8Array(rows.versions.length);
  for (let i = 0; i < rows.count; i++) if (rows.annotator[i] !== GONE) used[rows.version[i]] = 1;
  return rows.versions.filter((_, k) => used[k] === 1);
}

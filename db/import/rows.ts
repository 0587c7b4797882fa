import type { Codebook } from '../../shared/codebook/schema.ts';
import { findDimension, parseLabelValue, type LabelValue } from '../../shared/codebook/values.ts';
import type { Dimension } from '../../shared/codebook/schema.ts';
import { badInput, ConcordError } from '../../shared/errors.ts';
import { normalizeName } from '../../shared/names.ts';
import type { EntryMetadata } from '../../shared/types.ts';
import { fieldLayoutOf, shownFields } from '../../shared/codebook/fields.ts';
import { closest, type FieldMapping } from '../../shared/field-mapping.ts';
import { createHash } from 'node:crypto';
import { csvSplitter, jsonlSplitter, parseCsvText, parseJsonl, type Row } from './csv.ts';
import { checkedChunks, checkedChunksSync, checkEntryId, checkField, checkName, MAX_ROWS_FILE_BYTES } from './guards.ts';
import type { EntryPatch, PlannedLabel, PlannedModelResult, PlannedNote, Records } from './plan.ts';

export type { Row };

export function isCsvFile(file: string): boolean {
  return /\.csv$/i.test(file);
}

/** Rows and the columns they have (what the CSV header declares; every key met in JSONL). */
export interface RowTable {
  columns: string[];
  rows: Row[];
}

/** Each cell of a row passes the field checks (guards.ts). */
function checkCells(row: Row, file: string): void {
  for (const [field, value] of Object.entries(row.cells)) checkField(value, { file, line: row.line, field });
}

/** CSV (by extension) or JSONL rows from a text in memory. */
export function readRows(text: string, file: string): RowTable {
  if (isCsvFile(file)) {
    const t = parseCsvText(text, file);
    for (const row of t.rows) checkCells(row, file);
    return { columns: t.header, rows: t.rows };
  }
  const rows = parseJsonl(text, file).map((r) => ({ line: r.line, cells: r.value }));
  const columns = new Set<string>();
  for (const r of rows) {
    checkCells(r, file);
    for (const k in r.cells) columns.add(k);
  }
  return { columns: [...columns], rows };
}

/** How the rows of a file become records of one kind (an entry, a label, a model result). */
export interface RowRecords<T> {
  /** Refuses a file without the columns the records need; called once every row is read (JSONL's columns are the keys of all its lines). */
  checkColumns(columns: string[]): void;
  /** One row as a record, or a refusal naming its line and field. */
  read(row: Row): T;
}

/** The records of rows held in memory: the columns checked first, then each row. */
export function recordsOfTable<T>(table: RowTable, records: RowRecords<T>): T[] {
  records.checkColumns(table.columns);
  return table.rows.map((row) => records.read(row));
}

const rowFileLimits = { maxBytes: MAX_ROWS_FILE_BYTES, what: 'a CSV or JSONL file' };

const splitterOf = (file: string) => (isCsvFile(file) ? csvSplitter(file) : jsonlSplitter(file));

/** What the first reading of a file learned: its columns, how many records it holds, and a digest of its bytes, so the second reading can tell it is the same file. */
export interface FirstReading {
  columns: string[];
  records: number;
  digest: string;
}

/**
 * The digest that tells the second reading of a file it is the one first read. It guards against
 * a file changed in between, not against an adversary (who could change it after the import), so
 * SHA-1 does: it reads the 350 MB of 100,000 entries in 0.2 s, where SHA-256 took 0.6 s (each
 * pass).
 */
const SAME_FILE_DIGEST = 'sha1';

const refusal = (e: unknown): ConcordError => {
  if (e instanceof ConcordError) return e;
  throw e;
};

/**
 * The first reading of a CSV or JSONL file (an import's first pass): streamed, its bytes checked
 * as they are read (guards.ts), each row checked, made a record, handed to `use` and let go, so
 * the file is never whole in memory. The refusal is the one the whole file read at once would
 * give: a row the parser cannot read first (at once), then a field that breaks a limit, then a
 * missing column, then a bad row, then what `use` refuses, each the first in the file.
 */
export async function readRecords<T>(file: string, records: RowRecords<T>, use: (record: T) => void): Promise<FirstReading> {
  const splitter = splitterOf(file);
  const digest = createHash(SAME_FILE_DIGEST);
  let fieldError: ConcordError | undefined;
  let rowError: ConcordError | undefined;
  let useError: ConcordError | undefined;
  let count = 0;
  const each = (rows: Row[]) => {
    for (const row of rows) {
      if (!fieldError)
        try {
          checkCells(row, file);
        } catch (e) {
          fieldError = refusal(e);
        }
      if (fieldError || rowError) continue;
      let record: T;
      try {
        record = records.read(row);
      } catch (e) {
        rowError = refusal(e);
        continue;
      }
      count++;
      if (!useError)
        try {
          use(record);
        } catch (e) {
          useError = refusal(e);
        }
    }
  };
  for await (const chunk of checkedChunks(file, rowFileLimits)) {
    digest.update(chunk);
    each(splitter.push(chunk));
  }
  each(splitter.end());
  if (fieldError) throw fieldError;
  const columns = splitter.columns();
  records.checkColumns(columns);
  if (rowError) throw rowError;
  if (useError) throw useError;
  return { columns, records: count, digest: digest.digest('hex') };
}

/**
 * The records of a file read once (readRecords), read again each time they are gone through: the
 * import's second pass, synchronous, inside its write transaction. The file must be the one first
 * read: if its bytes changed in between, the records read are refused (and the transaction with
 * them) once that is seen, at the latest at the end of the file.
 */
export function rereadRecords<R, T>(file: string, first: FirstReading, records: () => RowRecords<R>, pick: (record: R) => T): Records<T> {
  const changed = () => badInput('the file changed while it was being imported; nothing was imported: import it again', { file });
  return {
    length: first.records,
    *[Symbol.iterator]() {
      const splitter = splitterOf(file);
      const reader = records();
      const digest = createHash(SAME_FILE_DIGEST);
      const each = function* (rows: Row[]) {
        for (const row of rows) yield pick(reader.read(row));
      };
      try {
        for (const chunk of checkedChunksSync(file, rowFileLimits)) {
          digest.update(chunk);
          yield* each(splitter.push(chunk));
        }
        yield* each(splitter.end());
      } catch (e) {
        throw e instanceof ConcordError ? changed() : e;
      }
      if (digest.digest('hex') !== first.digest) throw changed();
    },
  };
}

/** The columns of a CSV or JSONL file (its header; every key of every line), streamed. */
export async function columnsOfRowFile(file: string): Promise<string[]> {
  const splitter = splitterOf(file);
  for await (const chunk of checkedChunks(file, rowFileLimits)) for (const row of splitter.push(chunk)) checkCells(row, file);
  for (const row of splitter.end()) checkCells(row, file);
  return splitter.columns();
}

/** A cell with nothing in it: absent, null, or an empty CSV cell. */
const isBlank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

function text(row: Row, col: string, file: string): string | undefined {
  const v = row.cells[col];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw badInput(`${col} must be text`, { file, line: row.line, field: col });
}

function required(row: Row, col: string, file: string): string {
  const v = text(row, col, file);
  if (v === undefined || v.trim() === '') throw badInput(`${col} is missing`, { file, line: row.line, field: col });
  return v.trim();
}

export function parseBool(v: unknown, file: string, line: number, field: string): boolean {
  if (typeof v === 'boolean') return v;
  const s = String(v).trim().toLowerCase();
  if (['1', 'true', 'yes', 'pass', 'passed'].includes(s)) return true;
  if (['0', 'false', 'no', 'fail', 'failed'].includes(s)) return false;
  throw badInput(`"${String(v)}" is not true/false or 1/0`, { file, line, field });
}

function parseCount(v: unknown, file: string, line: number, field: string): number | null {
  if (isBlank(v)) return null;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw badInput(`"${String(v)}" is not a whole number`, { file, line, field });
  return n;
}

/** Deep-Bench's texts: stored name -> what an import sets. A file without a mapping names its columns so. */
const deepBenchTexts: Record<string, 'prompt' | 'groundTruth' | 'output' | 'testLog'> = {
  prompt: 'prompt',
  ground_truth: 'groundTruth',
  output: 'output',
  test_log: 'testLog',
};
const metadataNames: Record<string, string> = { source_file: 'sourceFile', ground_truth_path: 'groundTruthPath', test_cases: 'testCases' };

/** A text cell as a field holds it: a string as is, a number or yes/no as written; a list or object is refused (a value in the wrong column). */
function fieldText(row: Row, name: string, column: string, file: string): string {
  const v = row.cells[column];
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  const what = Array.isArray(v) ? 'a list' : 'an object';
  throw badInput(name === column ? `${name} must be text` : `${name} must be text (column "${column}" holds ${what})`, { file, line: row.line, field: name });
}

/**
 * Which column holds each field: the mapping's, checked against the file's columns and the
 * codebook's fields (a typo in either refuses the import, naming it), or, without a mapping,
 * Deep-Bench's texts under their own names.
 */
function checkMappedColumns(columns: string[], file: string, mapping: FieldMapping, codebook: Codebook | undefined): void {
  const shown = codebook ? shownFields(fieldLayoutOf(codebook)).map((p) => p.field) : [];
  for (const [name, column] of Object.entries(mapping.fields)) {
    if (codebook && !shown.includes(name)) {
      const hint = closest(name, shown);
      throw badInput(`the mapping names field "${name}", which the codebook "${codebook.id}" does not show (its fields: ${shown.join(', ')})${hint ? `; did you mean "${hint}"?` : ''}`, {
        file,
        line: 1,
        field: name,
      });
    }
    if (!columns.includes(column)) {
      const hint = closest(column, columns);
      throw badInput(`the mapping takes field "${name}" from column "${column}", which the file does not have (its columns: ${columns.join(', ') || 'none'})${hint ? `; did you mean "${hint}"?` : ''}`, {
        file,
        line: 1,
        field: name,
      });
    }
  }
}

/** Whether records check that nothing comes twice (the first reading of a file), or were checked already (reading it again). */
export interface RecordOptions {
  repeats?: boolean;
}

/**
 * Format 3: one entry a row. Its texts come from the columns the mapping names (without one,
 * prompt, ground_truth, output, test_log); `passed` and `failing_tests` keep their meaning; other
 * columns are kept as metadata. Blank cells change nothing.
 */
export function entryRecords(file: string, mapping?: FieldMapping, codebook?: Codebook, opts: RecordOptions = {}): RowRecords<EntryPatch> {
  const idColumn = mapping?.id ?? 'id';
  // A text column that is not in the file is blank on every row.
  const fieldColumns = new Map(mapping ? Object.entries(mapping.fields) : Object.keys(deepBenchTexts).map((c) => [c, c]));
  const mapped = new Set(fieldColumns.values());
  const seen = new Map<string, number>();
  return {
    checkColumns(columns) {
      if (!columns.includes(idColumn)) {
        const hint = closest(idColumn, columns);
        throw badInput(`an "${idColumn}" column is required for the entries' ids (the file's columns: ${columns.join(', ') || 'none'})${hint ? `; did you mean "${hint}"?` : ''}`, {
          file,
          line: 1,
          field: idColumn,
        });
      }
      if (mapping) checkMappedColumns(columns, file, mapping, codebook);
    },
    read(row) {
      const id = required(row, idColumn, file);
      checkEntryId(id, { file, line: row.line, field: idColumn });
      if (opts.repeats !== false) {
        if (seen.has(id)) throw badInput(`id "${id}" appears twice (first on line ${seen.get(id)})`, { file, line: row.line, field: idColumn });
        seen.set(id, row.line);
      }
      const patch: EntryPatch = { extId: id, fields: {}, source: { file, line: row.line } };
      for (const [name, column] of fieldColumns) {
        const raw = row.cells[column];
        if (isBlank(raw)) continue;
        const value = fieldText(row, name, column, file);
        checkField(value, { file, line: row.line, field: name });
        if (name in deepBenchTexts) patch.fields[deepBenchTexts[name]] = value;
        else (patch.fields.texts ??= {})[name] = value;
      }
      const metadata: EntryMetadata = {};
      for (const [col, raw] of Object.entries(row.cells)) {
        if (col === idColumn || mapped.has(col) || isBlank(raw)) continue;
        if (col === 'passed') patch.fields.passed = parseBool(raw, file, row.line, col);
        else if (col === 'failing_tests') {
          const list = Array.isArray(raw) ? raw.map(String) : String(raw).split('|');
          patch.fields.failingTests = [...new Set(list.map((s) => s.trim()).filter(Boolean))];
        } else metadata[metadataNames[col] ?? col] = typeof raw === 'string' ? raw : JSON.stringify(raw);
      }
      if (Object.keys(metadata).length) patch.fields.metadata = metadata;
      return patch;
    },
  };
}

/** Format 3 from rows in memory (entryRecords). */
export function parseGenericEntries(table: RowTable, file: string, mapping?: FieldMapping, codebook?: Codebook): EntryPatch[] {
  return recordsOfTable(table, entryRecords(file, mapping, codebook));
}

/**
 * The line each key was first met on, for keys that are whole numbers below 2^53. Held in two
 * typed arrays (open addressing): a million labels take some 24 MB outside the JS heap, where a
 * Map of numbers takes 73 MB inside it, which the garbage collector must also walk.
 */
export class LineOfKey {
  private keys = new Float64Array(1 << 16).fill(-1);
  private lines = new Uint32Array(1 << 16);
  private count = 0;

  /** Records `key` on `line`; if the key was met before, returns that first line instead. */
  add(key: number, line: number): number | undefined {
    let i = this.slot(key);
    if (this.keys[i] === key) return this.lines[i];
    if (2 * (this.count + 1) > this.keys.length) {
      this.grow();
      i = this.slot(key);
    }
    this.keys[i] = key;
    this.lines[i] = line;
    this.count++;
    return undefined;
  }

  /** The slot holding `key`, or the empty one where it goes. */
  private slot(key: number): number {
    const mask = this.keys.length - 1;
    let h = Math.imul((key >>> 0) ^ Math.imul(Math.floor(key / 2 ** 32), 0x9e3779b1), 0x85ebca6b);
    h ^= h >>> 15;
    let i = h & mask;
    while (this.keys[i] !== -1 && this.keys[i] !== key) i = (i + 1) & mask;
    return i;
  }

  private grow(): void {
    const { keys, lines } = this;
    this.keys = new Float64Array(keys.length * 2).fill(-1);
    this.lines = new Uint32Array(keys.length * 2);
    for (let k = 0; k < keys.length; k++) {
      if (keys[k] === -1) continue;
      const i = this.slot(keys[k]);
      this.keys[i] = keys[k];
      this.lines[i] = lines[k];
    }
  }
}

/** Each distinct text once, numbered in the order first met. */
class Numbered {
  readonly list: string[] = [];
  private readonly index = new Map<string, number>();

  number(text: string): number {
    let n = this.index.get(text);
    if (n === undefined) {
      n = this.list.push(text) - 1;
      this.index.set(text, n);
    }
    return n;
  }

  /** Characters of the distinct texts kept. */
  chars = 0;

  /** `number`, counting the characters of a text met for the first time. */
  numberCounted(text: string): number {
    const before = this.list.length;
    const n = this.number(text);
    if (this.list.length > before) this.chars += text.length;
    return n;
  }
}

/** Characters of distinct ids, values and times the first reading of a labels file keeps for its write (some 64 MB at most). */
export const KEPT_LABEL_CHARS = 32 * 2 ** 20;

/** Characters of texts, ids and metadata the first reading of an entries file keeps for its write (some 64 to 128 MB at most). */
export const KEPT_ENTRY_CHARS = 64 * 2 ** 20;

/** Characters an entry's patch holds in strings: its id, texts and metadata. */
function charsOf(p: EntryPatch): number {
  const f = p.fields;
  let n = p.extId.length + (f.prompt?.length ?? 0) + (f.groundTruth?.length ?? 0) + (f.output?.length ?? 0) + (f.testLog?.length ?? 0);
  for (const t of Object.values(f.texts ?? {})) n += t.length;
  for (const [k, v] of Object.entries(f.metadata ?? {})) n += k.length + (v?.length ?? 0);
  for (const t of f.failingTests ?? []) n += t.length;
  return n;
}

/**
 * The entries of an entries file as its first reading found them, kept for the write so that the
 * file is not read and parsed a second time inside the write transaction. What is written is then
 * what was checked, whatever happens to the file meanwhile. A file whose texts outgrow `maxChars`
 * is not kept: `kept` turns false, what was kept is let go, and the plan reads the file again
 * instead (rereadRecords), so that no file is ever held whole beyond that.
 */
export class KeptEntries implements Records<EntryPatch> {
  private patches: EntryPatch[] = [];
  private chars = 0;
  kept = true;

  constructor(private readonly maxChars = KEPT_ENTRY_CHARS) {}

  get length(): number {
    return this.patches.length;
  }

  add(p: EntryPatch): void {
    if (!this.kept) return;
    this.chars += charsOf(p);
    if (this.chars > this.maxChars) {
      this.kept = false;
      this.patches = [];
      return;
    }
    this.patches.push(p);
  }

  [Symbol.iterator](): Iterator<EntryPatch> {
    if (!this.kept) throw new ConcordError('internal', 'the entries of this file were not kept; read them again');
    return this.patches[Symbol.iterator]();
  }
}

/** The numbers a kept label is: entry id, annotator, dimension, value, time (0: none, else n + 1), line. */
const LABEL_COLUMNS = 6;
/** Labels to a typed array: a file's labels fill whole arrays but the last, and none is ever copied to grow. */
const LABELS_PER_CHUNK = 1 << 16;

/**
 * The labels of an annotations file as its first reading found them, kept for the write so that
 * the file is not read and parsed a second time: each label as six numbers in typed arrays (its
 * entry id, annotator, dimension, value, time and line), each distinct id, name, value and time
 * once (the 1.1 million labels of a 100,000-entry study take some 30 MB). What is written is then
 * what was checked, whatever happens to the file meanwhile. A file whose distinct ids, values and
 * times outgrow `maxChars` (free-text values, say) is not kept: `kept` turns false, what was kept
 * is let go, and the plan reads the file again instead (rereadRecords).
 */
export class KeptLabels implements Records<PlannedLabel> {
  private chunks: Uint32Array[] = [];
  private count = 0;
  private readonly ids = new Numbered();
  private readonly annotators = new Numbered();
  private readonly dimensions = new Numbered();
  /** Values as JSON, parsed afresh for each label. */
  private readonly values = new Numbered();
  private readonly times = new Numbered();
  kept = true;

  constructor(
    private readonly file: string,
    private readonly maxChars = KEPT_LABEL_CHARS,
  ) {}

  get length(): number {
    return this.count;
  }

  add(l: PlannedLabel): void {
    if (!this.kept) return;
    const k = this.count % LABELS_PER_CHUNK;
    if (k === 0) this.chunks.push(new Uint32Array(LABELS_PER_CHUNK * LABEL_COLUMNS));
    const r = this.chunks[this.chunks.length - 1];
    const at = k * LABEL_COLUMNS;
    r[at] = this.ids.numberCounted(l.extId);
    r[at + 1] = this.annotators.number(l.annotator);
    r[at + 2] = this.dimensions.number(l.dimension);
    r[at + 3] = this.values.numberCounted(JSON.stringify(l.value));
    r[at + 4] = l.updatedAt === undefined ? 0 : this.times.numberCounted(l.updatedAt) + 1;
    r[at + 5] = l.source.line!;
    this.count++;
    if (this.ids.chars + this.values.chars + this.times.chars > this.maxChars) {
      this.kept = false;
      this.chunks = [];
      this.count = 0;
    }
  }

  *[Symbol.iterator](): Iterator<PlannedLabel> {
    if (!this.kept) throw new ConcordError('internal', 'the labels of this file were not kept; read them again');
    for (let i = 0; i < this.count; i++) {
      const r = this.chunks[Math.floor(i / LABELS_PER_CHUNK)];
      const at = (i % LABELS_PER_CHUNK) * LABEL_COLUMNS;
      const valueJson = this.values.list[r[at + 3]];
      yield {
        extId: this.ids.list[r[at]],
        annotator: this.annotators.list[r[at + 1]],
        dimension: this.dimensions.list[r[at + 2]],
        // Each label its own value, as a reading of the file gives it.
        value: JSON.parse(valueJson) as LabelValue,
        valueJson,
        updatedAt: r[at + 4] === 0 ? undefined : this.times.list[r[at + 4] - 1],
        source: { file: this.file, line: r[at + 5] },
      };
    }
  }
}

/** How many spellings of dimensions, and of values, an annotations reader keeps looked up. */
const MAX_SPELLINGS = 10_000;

/** Kinds of dimension whose values come from the codebook's list (a value of another kind is read each time). */
const listed = new Set<Dimension['kind']>(['single', 'ordinal', 'multi', 'tree']);

/** A label of an annotations file, with the row's note if it has one. */
export interface LabelRecord {
  label: PlannedLabel;
  note?: string;
}

/**
 * Format 4: `entry_id, annotator, dimension, value[, note, updated_at]`. Unknown dimensions and
 * values are errors (unlike published data, these are a team's own labels); entries are checked
 * against the database when the plan is checked. An annotator's name is spelled as it is first met.
 */
export function labelRecords(file: string, codebook: Codebook, opts: RecordOptions = {}): RowRecords<LabelRecord> & { annotators: string[] } {
  const annotators: string[] = [];
  const canonical = new Map<string, number>();
  // Which (entry, annotator, dimension) a line has labelled, as one number: entry by the order of
  // first sight, annotator, dimension. The entry's id is kept once, however many labels name it.
  const entryOf = new Map<string, { n: number; id: string }>();
  const dimensionNumber = new Map<string, number>();
  const seen = new LineOfKey();
  // A file names a few dimensions and values a million times: each spelling is looked up in the
  // codebook once. Only values from the codebook's lists are kept (a text or a set of line ranges
  // is not), so what is kept is bounded by the spellings a file can have of them.
  const dimensions = new Map<string, Dimension | undefined>();
  const dimensionOf = (raw: string) => {
    if (dimensions.has(raw)) return dimensions.get(raw);
    const dim = findDimension(codebook, raw);
    if (dimensions.size < MAX_SPELLINGS) dimensions.set(raw, dim);
    return dim;
  };
  const values = new Map<string, LabelValue>();
  const valueOf = (dim: Dimension, raw: unknown): LabelValue => {
    const spelling = typeof raw === 'string' ? raw : Array.isArray(raw) && raw.every((x) => typeof x === 'string') ? JSON.stringify(raw) : undefined;
    if (spelling === undefined || !listed.has(dim.kind)) return parseLabelValue(dim, raw);
    const key = `${dim.id}\u0000${typeof raw}\u0000${spelling}`;
    let value = values.get(key);
    if (value === undefined) {
      value = parseLabelValue(dim, raw);
      if (values.size < MAX_SPELLINGS) values.set(key, value);
    }
    // A set is a fresh array each time, as parseLabelValue gives it.
    return Array.isArray(value) ? ([...value] as LabelValue) : value;
  };
  return {
    annotators,
    checkColumns(columns) {
      for (const col of ['entry_id', 'annotator', 'dimension', 'value']) if (!columns.includes(col)) throw badInput(`a "${col}" column is required`, { file, line: 1, field: col });
    },
    read(row) {
      let extId = required(row, 'entry_id', file);
      // One spelling per person: "é" typed as one character or as e + accent is one name.
      const annotator = normalizeName(required(row, 'annotator', file));
      checkName(annotator, 'the annotator name', { file, line: row.line, field: 'annotator' });
      const dimRaw = required(row, 'dimension', file);
      const dim = dimensionOf(dimRaw);
      if (!dim) throw badInput(`unknown dimension "${dimRaw}" (known: ${codebook.dimensions.map((d) => d.id).join(', ')})`, { file, line: row.line, field: 'dimension' });
      const folded = annotator.toLowerCase();
      let annotatorNumber = canonical.get(folded);
      if (annotatorNumber === undefined) {
        annotatorNumber = annotators.push(annotator) - 1;
        canonical.set(folded, annotatorNumber);
      }
      const name = annotators[annotatorNumber];
      if (opts.repeats !== false) {
        let entry = entryOf.get(extId);
        if (!entry) entryOf.set(extId, (entry = { n: entryOf.size, id: extId }));
        extId = entry.id;
        if (!dimensionNumber.has(dim.id)) dimensionNumber.set(dim.id, dimensionNumber.size);
        if (annotatorNumber >= 2 ** 16 || dimensionNumber.size > 2 ** 10) throw badInput('more than 65,536 annotators or 1,024 dimensions in one file', { file, line: row.line });
        const key = entry.n * 2 ** 26 + annotatorNumber * 2 ** 10 + dimensionNumber.get(dim.id)!;
        const first = seen.add(key, row.line);
        if (first !== undefined) throw badInput(`${annotator} labels ${dim.id} of "${extId}" twice (first on line ${first})`, { file, line: row.line, field: 'dimension' });
      }
      const raw = row.cells.value;
      if (isBlank(raw) && dim.kind !== 'checklist' && dim.kind !== 'text') throw badInput('value is empty', { file, line: row.line, field: 'value' });
      let value;
      try {
        value = valueOf(dim, raw);
      } catch (e) {
        if (e instanceof ConcordError) throw badInput(e.message, { file, line: row.line, field: 'value' });
        throw e;
      }
      let updatedAt: string | undefined;
      if (!isBlank(row.cells.updated_at)) {
        const t = new Date(String(row.cells.updated_at));
        if (Number.isNaN(t.getTime())) throw badInput(`"${String(row.cells.updated_at)}" is not a date and time`, { file, line: row.line, field: 'updated_at' });
        updatedAt = t.toISOString();
      }
      const note = text(row, 'note', file)?.trim();
      return { label: { extId, annotator: name, dimension: dim.id, value, updatedAt, source: { file, line: row.line } }, ...(note ? { note } : {}) };
    },
  };
}

/**
 * The notes of an annotations file: the database keeps one note per entry and annotator, so a
 * row's notes are gathered into it, each line once.
 */
export class NoteGatherer {
  private readonly notes = new Map<string, PlannedNote>();

  add({ label, note }: LabelRecord): void {
    if (!note) return;
    const key = `${label.extId}\u0000${label.annotator}`;
    const prev = this.notes.get(key);
    if (!prev) this.notes.set(key, { extId: label.extId, annotator: label.annotator, text: note, source: { ...label.source, field: 'note' } });
    else if (!prev.text.split('\n').includes(note)) prev.text += `\n${note}`;
  }

  all(): PlannedNote[] {
    return [...this.notes.values()];
  }
}

export interface AnnotationRows {
  labels: PlannedLabel[];
  notes: PlannedNote[];
  annotators: string[];
}

/** Format 4 from rows in memory (labelRecords). */
export function parseAnnotations(table: RowTable, file: string, codebook: Codebook): AnnotationRows {
  const records = labelRecords(file, codebook);
  const notes = new NoteGatherer();
  const labels = recordsOfTable(table, records).map((r) => {
    notes.add(r);
    return r.label;
  });
  return { labels, notes: notes.all(), annotators: records.annotators };
}

/** Format 5: `entry_id, model, passed[, tests_passed, tests_total]`, for pass@1 per category. */
export function modelResultRecords(file: string, opts: RecordOptions = {}): RowRecords<PlannedModelResult> {
  const seen = new Map<string, number>();
  return {
    checkColumns(columns) {
      for (const col of ['entry_id', 'model', 'passed']) if (!columns.includes(col)) throw badInput(`a "${col}" column is required`, { file, line: 1, field: col });
    },
    read(row) {
      const extId = required(row, 'entry_id', file);
      const model = required(row, 'model', file);
      if (opts.repeats !== false) {
        const key = `${extId}\u0000${model}`;
        if (seen.has(key)) throw badInput(`a result for ${model} on "${extId}" appears twice (first on line ${seen.get(key)})`, { file, line: row.line, field: 'model' });
        seen.set(key, row.line);
      }
      if (isBlank(row.cells.passed)) throw badInput('passed is missing', { file, line: row.line, field: 'passed' });
      const passed = parseBool(row.cells.passed, file, row.line, 'passed');
      const testsPassed = parseCount(row.cells.tests_passed, file, row.line, 'tests_passed');
      const testsTotal = parseCount(row.cells.tests_total, file, row.line, 'tests_total');
      if (testsPassed !== null && testsTotal !== null && testsPassed > testsTotal)
        throw badInput(`tests_passed (${testsPassed}) exceeds tests_total (${testsTotal})`, { file, line: row.line, field: 'tests_passed' });
      return { extId, model, passed, testsPassed, testsTotal, source: { file, line: row.line } };
    },
  };
}

/** Format 5 from rows in memory (modelResultRecords). */
export function parseModelResults(table: RowTable, file: string): PlannedModelResult[] {
  return recordsOfTable(table, modelResultRecords(file));
}

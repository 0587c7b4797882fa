import type { Codebook } from '../../shared/codebook/schema.ts';
import { findDimension, parseLabelValue } from '../../shared/codebook/values.ts';
import { badInput, ConcordError } from '../../shared/errors.ts';
import { normalizeName } from '../../shared/names.ts';
import type { EntryMetadata } from '../../shared/types.ts';
import { fieldLayoutOf, shownFields } from '../../shared/codebook/fields.ts';
import { closest, type FieldMapping } from '../../shared/field-mapping.ts';
import { parseCsvStream, parseCsvText, parseJsonl, parseJsonlStream } from './csv.ts';
import { checkedChunks, checkEntryId, checkField, checkName, MAX_ROWS_FILE_BYTES } from './guards.ts';
import type { EntryPatch, PlannedLabel, PlannedModelResult, PlannedNote } from './plan.ts';

/** A row from CSV or JSONL: cells as read (strings in CSV, any JSON in JSONL) and its line. */
export interface Row {
  line: number;
  cells: Record<string, unknown>;
}

export function isCsvFile(file: string): boolean {
  return /\.csv$/i.test(file);
}

/** Rows and the columns they have (what the CSV header declares; every key met in JSONL). */
export interface RowTable {
  columns: string[];
  rows: Row[];
}

function checkedRows(rows: Row[], file: string): Row[] {
  for (const row of rows) for (const [field, value] of Object.entries(row.cells)) checkField(value, { file, line: row.line, field });
  return rows;
}

function jsonlTable(rows: Row[]): RowTable {
  const columns = new Set<string>();
  for (const r of rows) for (const k in r.cells) columns.add(k);
  return { columns: [...columns], rows };
}

/** CSV (by extension) or JSONL rows from a text in memory. */
export function readRows(text: string, file: string): RowTable {
  if (isCsvFile(file)) {
    const t = parseCsvText(text, file);
    return { columns: t.header, rows: checkedRows(t.rows, file) };
  }
  return jsonlTable(checkedRows(parseJsonl(text, file).map((r) => ({ line: r.line, cells: r.value })), file));
}

/**
 * CSV (by extension) or JSONL rows from a file, streamed: the file's bytes are checked as they
 * are read (guards.ts) and parsed a row at a time, so a cell or line that never ends, or a file
 * too big, is refused once the limit is read, not after the whole file is in memory.
 */
export async function readRowFile(file: string): Promise<RowTable> {
  const chunks = checkedChunks(file, { maxBytes: MAX_ROWS_FILE_BYTES, what: 'a CSV or JSONL file' });
  if (isCsvFile(file)) {
    const t = await parseCsvStream(chunks, file);
    return { columns: t.header, rows: checkedRows(t.rows, file) };
  }
  return jsonlTable(checkedRows((await parseJsonlStream(chunks, file)).map((r) => ({ line: r.line, cells: r.value })), file));
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
function columnsOfFields(columns: string[], file: string, mapping: FieldMapping | undefined, codebook: Codebook | undefined): Map<string, string> {
  if (!mapping) return new Map(Object.keys(deepBenchTexts).filter((c) => columns.includes(c)).map((c) => [c, c]));
  const shown = codebook ? shownFields(fieldLayoutOf(codebook)).map((p) => p.field) : [];
  const out = new Map<string, string>();
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
    out.set(name, column);
  }
  return out;
}

/**
 * Format 3: one entry a row. Its texts come from the columns the mapping names (without one,
 * prompt, ground_truth, output, test_log); `passed` and `failing_tests` keep their meaning; other
 * columns are kept as metadata. Blank cells change nothing.
 */
export function parseGenericEntries({ columns, rows }: RowTable, file: string, mapping?: FieldMapping, codebook?: Codebook): EntryPatch[] {
  const idColumn = mapping?.id ?? 'id';
  if (!columns.includes(idColumn)) {
    const hint = closest(idColumn, columns);
    throw badInput(`an "${idColumn}" column is required for the entries' ids (the file's columns: ${columns.join(', ') || 'none'})${hint ? `; did you mean "${hint}"?` : ''}`, {
      file,
      line: 1,
      field: idColumn,
    });
  }
  const fieldColumns = columnsOfFields(columns, file, mapping, codebook);
  const mapped = new Set(fieldColumns.values());
  const seen = new Map<string, number>();
  return rows.map((row) => {
    const id = required(row, idColumn, file);
    checkEntryId(id, { file, line: row.line, field: idColumn });
    if (seen.has(id)) throw badInput(`id "${id}" appears twice (first on line ${seen.get(id)})`, { file, line: row.line, field: idColumn });
    seen.set(id, row.line);
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
  });
}

export interface AnnotationRows {
  labels: PlannedLabel[];
  notes: PlannedNote[];
  annotators: string[];
}

/**
 * Format 4: `entry_id, annotator, dimension, value[, note, updated_at]`. Unknown dimensions and
 * values are errors (unlike published data, these are a team's own labels); entries are checked
 * against the database when the plan is applied.
 */
export function parseAnnotations(table: RowTable, file: string, codebook: Codebook): AnnotationRows {
  const { columns, rows } = table;
  for (const col of ['entry_id', 'annotator', 'dimension', 'value'])
    if (!columns.includes(col)) throw badInput(`a "${col}" column is required`, { file, line: 1, field: col });
  const labels: PlannedLabel[] = [];
  const notes = new Map<string, PlannedNote>();
  const annotators: string[] = [];
  // Which (entry, annotator, dimension) a line has labelled, as one number (a million labels as
  // strings would hold some 100 MB): entry by the order of first sight, annotator, dimension.
  // The entry's id is kept once, however many labels name it.
  const entryOf = new Map<string, { n: number; id: string }>();
  const dimensionNumber = new Map<string, number>();
  const seen = new Map<number, number>();
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    // Each row is let go once read: the file's rows and the labels made of them are never both whole in memory.
    rows[i] = undefined as unknown as Row;
    const id = required(row, 'entry_id', file);
    let entry = entryOf.get(id);
    if (!entry) entryOf.set(id, (entry = { n: entryOf.size, id }));
    const extId = entry.id;
    // One spelling per person: "é" typed as one character or as e + accent is one name.
    const annotator = normalizeName(required(row, 'annotator', file));
    checkName(annotator, 'the annotator name', { file, line: row.line, field: 'annotator' });
    const dimRaw = required(row, 'dimension', file);
    const dim = findDimension(codebook, dimRaw);
    if (!dim)
      throw badInput(`unknown dimension "${dimRaw}" (known: ${codebook.dimensions.map((d) => d.id).join(', ')})`, { file, line: row.line, field: 'dimension' });
    if (!annotators.some((a) => a.toLowerCase() === annotator.toLowerCase())) annotators.push(annotator);
    const annotatorNumber = annotators.findIndex((a) => a.toLowerCase() === annotator.toLowerCase());
    const canonical = annotators[annotatorNumber];
    if (!dimensionNumber.has(dim.id)) dimensionNumber.set(dim.id, dimensionNumber.size);
    if (annotatorNumber >= 2 ** 16 || dimensionNumber.size > 2 ** 10) throw badInput('more than 65,536 annotators or 1,024 dimensions in one file', { file, line: row.line });
    const key = entry.n * 2 ** 26 + annotatorNumber * 2 ** 10 + dimensionNumber.get(dim.id)!;
    if (seen.has(key))
      throw badInput(`${annotator} labels ${dim.id} of "${extId}" twice (first on line ${seen.get(key)})`, { file, line: row.line, field: 'dimension' });
    seen.set(key, row.line);
    const raw = row.cells.value;
    if (isBlank(raw) && dim.kind !== 'checklist' && dim.kind !== 'text') throw badInput('value is empty', { file, line: row.line, field: 'value' });
    let value;
    try {
      value = parseLabelValue(dim, raw);
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
    labels.push({ extId, annotator: canonical, dimension: dim.id, value, updatedAt, source: { file, line: row.line } });
    const note = text(row, 'note', file)?.trim();
    if (note) {
      // The database keeps one note per entry and annotator: a row's notes are gathered into it.
      const nk = `${extId}\u0000${canonical}`;
      const prev = notes.get(nk);
      if (!prev) notes.set(nk, { extId, annotator: canonical, text: note, source: { file, line: row.line, field: 'note' } });
      else if (!prev.text.split('\n').includes(note)) prev.text += `\n${note}`;
    }
  }
  return { labels, notes: [...notes.values()], annotators };
}

/** Format 5: `entry_id, model, passed[, tests_passed, tests_total]`, for pass@1 per category. */
export function parseModelResults({ columns, rows }: RowTable, file: string): PlannedModelResult[] {
  for (const col of ['entry_id', 'model', 'passed'])
    if (!columns.includes(col)) throw badInput(`a "${col}" column is required`, { file, line: 1, field: col });
  const seen = new Map<string, number>();
  return rows.map((row) => {
    const extId = required(row, 'entry_id', file);
    const model = required(row, 'model', file);
    const key = `${extId}\u0000${model}`;
    if (seen.has(key)) throw badInput(`a result for ${model} on "${extId}" appears twice (first on line ${seen.get(key)})`, { file, line: row.line, field: 'model' });
    seen.set(key, row.line);
    if (isBlank(row.cells.passed)) throw badInput('passed is missing', { file, line: row.line, field: 'passed' });
    const passed = parseBool(row.cells.passed, file, row.line, 'passed');
    const testsPassed = parseCount(row.cells.tests_passed, file, row.line, 'tests_passed');
    const testsTotal = parseCount(row.cells.tests_total, file, row.line, 'tests_total');
    if (testsPassed !== null && testsTotal !== null && testsPassed > testsTotal)
      throw badInput(`tests_passed (${testsPassed}) exceeds tests_total (${testsTotal})`, { file, line: row.line, field: 'tests_passed' });
    return { extId, model, passed, testsPassed, testsTotal, source: { file, line: row.line } };
  });
}

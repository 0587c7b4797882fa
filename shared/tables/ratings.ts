/**
 * Analysis-ready files of the ratings, for pandas, R, or the K-Alpha calculator:
 *
 * - long: one row per label (entry, annotator, annotator kind, dimension, value, codebook
 *   version, time), the people's labels as agreement counts them and the machine coders';
 * - wide: one row per entry and dimension, one column per annotator;
 * - K-Alpha: the calculator's numeric matrix, one file per dimension (rows are entries, columns
 *   annotators, whole-number codes, `NA` where a rating is missing, no header), with a legend
 *   beside it that names the codes.
 *
 * Every CSV starts with one provenance line (see provenance.ts) that pandas and R skip with
 * `skiprows=1` / `skip = 1`; the K-Alpha calculator takes no header at all, so its files carry
 * none and the legend holds the provenance. Values are written as `valueText` writes them.
 */
import { categoryReading } from '../agreement/categories.ts';
import { compareIds } from '../agreement/report.ts';
import type { Codebook } from '../codebook/schema.ts';
import { isEmptyValue, type LabelValue } from '../codebook/values.ts';
import type { AnnotatorKind } from '../types.ts';
import { csvLine, formatCsv } from './formats.ts';
import { provenanceLine, valueText, type Provenance } from './provenance.ts';
import type { Column, Table } from './table.ts';

/** One label, as the long file writes it. */
export interface RatingRow {
  entry: string;
  annotator: string;
  kind: AnnotatorKind;
  dimension: string;
  value: LabelValue;
  codebookVersion: string;
  /** When the labeller's machine recorded it (ISO 8601). */
  time: string;
}

/** The long file's columns: the R script reads these names (one definition for both). */
export const LONG_COLUMNS = [
  { key: 'entry', label: 'entry' },
  { key: 'annotator', label: 'annotator' },
  { key: 'annotator_kind', label: 'annotator_kind' },
  { key: 'dimension', label: 'dimension' },
  { key: 'value', label: 'value' },
  { key: 'codebook_version', label: 'codebook_version' },
  { key: 'time', label: 'time' },
] as const satisfies Column[];

export type LongColumn = (typeof LONG_COLUMNS)[number]['key'];

/** Rows in a fixed order: entries in natural id order, dimensions in codebook order, people before machines, then by name. */
export function sortRatings(codebook: Codebook, rows: RatingRow[]): RatingRow[] {
  const dimOrder = new Map(codebook.dimensions.map((d, i) => [d.id, i]));
  return rows
    .filter((r) => !isEmptyValue(r.value))
    .sort(
      (a, b) =>
        compareIds(a.entry, b.entry) ||
        (dimOrder.get(a.dimension) ?? Infinity) - (dimOrder.get(b.dimension) ?? Infinity) ||
        (a.kind === b.kind ? 0 : a.kind === 'human' ? -1 : 1) ||
        compareIds(a.annotator, b.annotator),
    );
}

export function longTable(codebook: Codebook, rows: RatingRow[]): Table {
  const dims = new Map(codebook.dimensions.map((d) => [d.id, d]));
  return {
    id: 'ratings-long',
    title: 'Ratings, one row per label',
    columns: [...LONG_COLUMNS],
    rows: sortRatings(codebook, rows).map((r) => ({
      cells: {
        entry: r.entry,
        annotator: r.annotator,
        annotator_kind: r.kind,
        dimension: r.dimension,
        value: valueText(dims.get(r.dimension), r.value),
        codebook_version: r.codebookVersion,
        time: r.time,
      },
    })),
  };
}

/** The annotators of the rows: people by name, then machines by name. */
export function annotatorsOf(rows: RatingRow[]): { name: string; kind: AnnotatorKind }[] {
  const kinds = new Map(rows.map((r) => [r.annotator, r.kind]));
  return [...kinds]
    .map(([name, kind]) => ({ name, kind }))
    .sort((a, b) => (a.kind === b.kind ? compareIds(a.name, b.name) : a.kind === 'human' ? -1 : 1));
}

export function wideTable(codebook: Codebook, rows: RatingRow[]): Table {
  const dims = new Map(codebook.dimensions.map((d) => [d.id, d]));
  const people = annotatorsOf(rows);
  const byUnit = new Map<string, { entry: string; dimension: string; cells: Record<string, string> }>();
  for (const r of sortRatings(codebook, rows)) {
    const key = `${r.entry}\u0000${r.dimension}`;
    let u = byUnit.get(key);
    if (!u) byUnit.set(key, (u = { entry: r.entry, dimension: r.dimension, cells: {} }));
    u.cells[r.annotator] = valueText(dims.get(r.dimension), r.value);
  }
  return {
    id: 'ratings-wide',
    title: 'Ratings, one row per entry and dimension',
    // Column keys are positions: an annotator may be called "entry" or "dimension".
    columns: [{ key: 'entry', label: 'entry' }, { key: 'dimension', label: 'dimension' }, ...people.map((p, i) => ({ key: `a${i}`, label: p.name }))],
    rows: [...byUnit.values()].map((u) => ({ cells: { entry: u.entry, dimension: u.dimension, ...Object.fromEntries(people.map((p, i) => [`a${i}`, u.cells[p.name] ?? ''])) } })),
  };
}

/** A CSV with the provenance line first. */
export function csvWithProvenance(table: Table, provenance: Provenance): string {
  return `${provenanceLine(provenance)}\n${formatCsv([table])}`;
}

export interface KAlphaFile {
  dimension: string;
  fileName: string;
  /** The numeric matrix, as the calculator reads it. */
  content: string;
  level: 'nominal' | 'ordinal';
  /** Code -> category, in code order (codes start at 1). */
  codes: { code: number; id: string; label: string }[];
  units: number;
  /** Why the calculator would refuse the file, when it would. */
  refusal?: string;
}

/**
 * One K-Alpha file per categorical dimension (single, ordinal, multi, tree: read as
 * `categoryReading` reads them), over the people who rate: rows are the entries someone rated.
 * Codes start at 1: the codebook's values in order (ranks, for an ordinal scale), then the sets
 * used, in order of first appearance.
 */
export function kAlphaFiles(codebook: Codebook, rows: RatingRow[], raters: string[]): KAlphaFile[] {
  const out: KAlphaFile[] = [];
  const sorted = sortRatings(codebook, rows);
  for (const dim of codebook.dimensions) {
    const reading = categoryReading(dim);
    if (!reading) continue;
    const codes = new Map(reading.known.map((k, i) => [k, i + 1]));
    const units = new Map<string, Map<string, number>>();
    for (const r of sorted) {
      if (r.dimension !== dim.id || !raters.includes(r.annotator)) continue;
      const key = reading.key(r.value);
      if (key === null) continue;
      if (!codes.has(key)) codes.set(key, codes.size + 1);
      let u = units.get(r.entry);
      if (!u) units.set(r.entry, (u = new Map()));
      u.set(r.annotator, codes.get(key)!);
    }
    const lines = [...units.values()].map((u) => raters.map((who) => (u.has(who) ? String(u.get(who)) : 'NA')).join(','));
    const used = new Set([...units.values()].flatMap((u) => [...u.values()]));
    const refusal =
      units.size < 2
        ? 'fewer than two rated entries'
        : raters.length < 2
          ? 'fewer than two raters'
          : used.size < 2
            ? 'every rating is the same code, and the calculator needs its smallest and largest codes to differ'
            : undefined;
    out.push({
      dimension: dim.id,
      fileName: `${dim.id}.csv`,
      content: lines.length ? `${lines.join('\n')}\n` : '',
      level: reading.level,
      codes: [...codes].map(([id, code]) => ({ code, id, label: reading.label(id) })),
      units: units.size,
      ...(refusal ? { refusal } : {}),
    });
  }
  return out;
}

/** The codes of every K-Alpha file, as a CSV (provenance line first): which number means which value. */
export function kAlphaCodes(files: KAlphaFile[], provenance: Provenance): string {
  const table: Table = {
    id: 'k-alpha-codes',
    title: 'K-Alpha codes',
    columns: ['file', 'level', 'entries', 'code', 'value_id', 'value', 'note'].map((key) => ({ key, label: key })),
    rows: files.flatMap((f) =>
      f.codes.map((c, i) => ({ cells: { file: f.fileName, level: f.level, entries: f.units, code: c.code, value_id: c.id, value: c.label, note: i === 0 && f.refusal ? `the calculator will refuse this file: ${f.refusal}` : '' } })),
    ),
  };
  return csvWithProvenance(table, provenance);
}

/** How to use the K-Alpha files, in words (the Export view and the CLI show these). */
export function kAlphaNotes(files: KAlphaFile[], raters: string[]): string[] {
  return [
    `One file per categorical dimension for the K-Alpha calculator (https://www.k-alpha.org): no header, a row per entry someone rated, a column per annotator (${raters.join(', ')}), NA where a rating is missing.`,
    'codes.csv names each code (its first line is the provenance: read it with pandas.read_csv(path, skiprows=1) or read.csv(path, skip = 1)). Sets (the bug taxonomy) are coded whole, as the coefficients read them.',
    ...files.map((f) => `${f.fileName}: level ${f.level}, ${f.units} entries, ${f.codes.length} codes${f.refusal ? `; the calculator will refuse it (${f.refusal})` : ''}.`),
  ];
}


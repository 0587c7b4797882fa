/**
 * One coder against a reference, per categorical dimension: a confusion matrix (the coder's
 * category in rows, the reference's in columns) with the entries behind every cell, accuracy,
 * per-category precision and recall, and the chance-corrected coefficients of the two side by
 * side (Cohen's kappa, Gwet's AC1, Krippendorff's alpha, with intervals). The references:
 *
 * - the final labels: an adjudicated decision, else the value everyone agreed on;
 * - the majority of the others: what a strict majority of the other raters of the entry chose,
 *   leaving the coder out, so a coder never agrees with a majority they made themselves;
 * - for machine coders, the human consensus: the decision, else what a strict majority of the
 *   people chose (unanimity included).
 *
 * Every comparison reads labels as `categoryReading` does (sets of types as a whole for the bug
 * taxonomy), on the entries where both the coder and the reference have a category.
 */
import type { Codebook, Dimension } from '../codebook/schema.ts';
import { isEmptyValue, type LabelValue } from '../codebook/values.ts';
import { DEFAULT_RESAMPLES, DEFAULT_SEED } from './bootstrap.ts';
import { categoryReading, type CategoryReading } from './categories.ts';
import type { CodedRatings } from './ratings.ts';
import { coefficientTable, type Coefficient } from './coefficient-table.ts';
import { compareIds, groupByDimension, type AgreementLabel, type DbAgreementReport } from './report.ts';
import { sortIds } from '../ids.ts';

export type Reference = 'final' | 'others' | 'consensus';

export const referenceNames: Record<Reference, string> = {
  final: 'the final labels (decided, or agreed by everyone)',
  others: 'the majority of the other raters',
  consensus: 'the human consensus (decided, or a strict majority of the people)',
};

/** Precision and recall of one category, taking the reference as the truth; null when nothing is there to divide by. */
/** An entry where a machine's category is not the human consensus's. */
export interface Departure {
  entry: string;
  machine: { id: string; label: string };
  consensus: { id: string; label: string };
}

export interface CategoryScore {
  id: string;
  label: string;
  /** Entries where the reference has this category. */
  support: number;
  /** Entries where the coder chose it. */
  chosen: number;
  /** Of the entries where the coder chose it, the share where the reference has it too. */
  precision: number | null;
  /** Of the entries where the reference has it, the share where the coder chose it too (accuracy on that category). */
  recall: number | null;
}

export interface Comparison {
  coder: string;
  reference: Reference;
  /** Categories in matrix order: the codebook's values (single, ordinal), then those used. */
  categories: { id: string; label: string }[];
  /** counts[i][j]: entries where the coder chose category i and the reference has j. */
  counts: number[][];
  /**
   * The entries behind each non-empty cell, keyed "i,j", in natural id order: listed when asked
   * (the exports); the Agreement view asks for one cell's when the lead opens it (`cellEntriesOf`).
   */
  cellEntries?: Record<string, string[]>;
  /** Entries compared: both have a category. */
  units: number;
  /** Entries the coder labelled where the reference has no category (no decision yet, no majority...). */
  withoutReference: number;
  /** Share of the compared entries where both agree; null when none were compared. */
  accuracy: number | null;
  perCategory: CategoryScore[];
  /** Cohen's kappa of the coder and the reference (unweighted; ordinal weights on an ordinal dimension). */
  kappa: Coefficient;
  /** Gwet's AC1 (AC2 on an ordinal dimension). */
  gwet: Coefficient;
  alpha: Coefficient;
}

export interface DimensionComparisons {
  id: string;
  label: string;
  kind: Dimension['kind'];
  treatment: string;
  comparisons: Comparison[];
}

/** One off-diagonal cell of a coder's matrix, in words: "ben puts Inference where the team puts Evaluation & Metrics". */
export interface Confusion {
  coder: string;
  reference: Reference;
  dimension: string;
  dimensionLabel: string;
  /** Row and column of the cell in the comparison's matrix. */
  row: number;
  col: number;
  coderCategory: { id: string; label: string };
  referenceCategory: { id: string; label: string };
  count: number;
  /** Share of the coder's compared entries on that dimension. */
  share: number;
  /** The entries behind it, when the comparison lists them. */
  entries?: string[];
}

export interface CompareOptions {
  bootstrap?: number;
  seed?: number;
  /** List the entries behind each cell (default true). */
  cellEntries?: boolean;
}

/** The key of cell (i, j) of a comparison's `cellEntries`. */
export const coderCellKey = (i: number, j: number) => `${i},${j}`;

/**
 * One categorical dimension's labels as the comparisons read them: the entries with a label (the
 * units) in natural id order and, per rater with a non-empty value on the dimension, each unit's
 * category as a code (-1: none). A category is worked out once per distinct value and compared
 * as a number: at 100,000 entries the comparisons walk millions of them.
 */
export interface CodedDimension {
  units: string[];
  byRater: Map<string, Int32Array>;
  /** The category key of each code. */
  keys: string[];
  /** The code of a value's category; -1 when it has none (missing, empty, off an ordinal scale). */
  code(value: LabelValue | null | undefined): number;
}

/** An empty coding of a dimension: its units and raters are filled in by the caller. */
export function newCoding(reading: CategoryReading, units: string[]): CodedDimension {
  const keys: string[] = [];
  const index = new Map<string, number>();
  const code = (value: LabelValue | null | undefined): number => {
    if (value === null || value === undefined || isEmptyValue(value)) return -1;
    const key = reading.key(value);
    if (key === null) return -1;
    let c = index.get(key);
    if (c === undefined) index.set(key, (c = keys.push(key) - 1));
    return c;
  };
  return { units, byRater: new Map(), keys, code };
}

/** A dimension's labels, coded: the last label of a rater on an entry counts, empty values are none. */
export function codeLabels(reading: CategoryReading, labels: AgreementLabel[]): CodedDimension {
  const nonEmpty = labels.filter((l) => !isEmptyValue(l.value));
  const units = sortIds([...new Set(nonEmpty.map((l) => l.entryId))]);
  const unitOf = new Map(units.map((u, i) => [u, i]));
  const coded = newCoding(reading, units);
  for (const l of nonEmpty) {
    let codes = coded.byRater.get(l.annotator);
    if (!codes) coded.byRater.set(l.annotator, (codes = new Int32Array(units.length).fill(-1)));
    codes[unitOf.get(l.entryId)!] = coded.code(l.value);
  }
  return coded;
}

/** Each unit's code of a reference given by entry id (a final label, the human consensus). */
export function referenceCodes(coded: CodedDimension, valueOf: (entry: string) => LabelValue | null | undefined): Int32Array {
  return Int32Array.from(coded.units, (u) => coded.code(valueOf(u)));
}

/**
 * The units a coder and a reference both have a category on, in order, as two raters' coded
 * ratings: numbered as `codeCategories` numbers category keys (the codebook's categories first,
 * then the others as first met, unit by unit, the coder before the reference), from the codes.
 */
function pairUp(reading: CategoryReading, coded: CodedDimension, mine: Int32Array, theirs: Int32Array): { units: Int32Array; withoutReference: number; data: CodedRatings } {
  const paired = new Int32Array(mine.length);
  let n = 0;
  let withoutReference = 0;
  for (let u = 0; u < mine.length; u++) {
    if (mine[u] < 0) continue;
    if (theirs[u] < 0) withoutReference++;
    else paired[n++] = u;
  }
  const units = paired.subarray(0, n);
  const keys = [...reading.known];
  const knownAt = new Map(keys.map((k, i) => [k, i]));
  // Each code's place in the matrix: a known category's, else the next free one as first met.
  const matrixOf = Int32Array.from(coded.keys, (k) => knownAt.get(k) ?? -1);
  const matrixCode = (c: number) => (matrixOf[c] >= 0 ? matrixOf[c] : (matrixOf[c] = keys.push(coded.keys[c]) - 1));
  const codes = new Int32Array(n * 2);
  for (let p = 0; p < n; p++) {
    codes[p * 2] = matrixCode(mine[units[p]]);
    codes[p * 2 + 1] = matrixCode(theirs[units[p]]);
  }
  const values: CodedRatings['values'] = { keys };
  if (reading.level === 'ordinal') values.numbers = Float64Array.from(keys, (_, i) => i + 1);
  return { units, withoutReference, data: { level: reading.level, unitCount: n, raterCount: 2, codes, values } };
}

/**
 * One coder against a reference on one dimension: `mine` and `theirs` are the coder's and the
 * reference's codes of the dimension's units (see `CodedDimension`).
 */
export function compareCodes(
  reading: CategoryReading,
  coder: string,
  reference: Reference,
  coded: CodedDimension,
  mine: Int32Array,
  theirs: Int32Array,
  options: CompareOptions = {},
): Comparison {
  const { units, withoutReference, data } = pairUp(reading, coded, mine, theirs);
  const keys = data.values.keys;
  const q = keys.length;
  const categories = keys.map((id) => ({ id, label: reading.label(id) }));
  const counts = Array.from({ length: q }, () => new Array<number>(q).fill(0));
  for (let p = 0; p < units.length; p++) counts[data.codes[p * 2]][data.codes[p * 2 + 1]]++;
  const n = units.length;
  let agree = 0;
  for (let k = 0; k < q; k++) agree += counts[k][k];
  const perCategory: CategoryScore[] = keys.map((id, k) => {
    const chosen = counts[k].reduce((a, b) => a + b, 0);
    let support = 0;
    for (let i = 0; i < q; i++) support += counts[i][k];
    return { id, label: reading.label(id), support, chosen, precision: chosen ? counts[k][k] / chosen : null, recall: support ? counts[k][k] / support : null };
  });
  const table = coefficientTable(data, [coder, referenceLabel(reference)], {
    bootstrap: options.bootstrap ?? DEFAULT_RESAMPLES,
    seed: options.seed ?? DEFAULT_SEED,
    perCategory: false,
    labelOf: reading.label,
  });
  const set = table.coefficients;
  let cellEntries: Record<string, string[]> | undefined;
  if (options.cellEntries ?? true) {
    cellEntries = {};
    for (let p = 0; p < units.length; p++) (cellEntries[coderCellKey(data.codes[p * 2], data.codes[p * 2 + 1])] ??= []).push(coded.units[units[p]]);
  }
  return {
    coder,
    reference,
    categories,
    counts,
    ...(cellEntries ? { cellEntries } : {}),
    units: n,
    withoutReference,
    accuracy: n ? agree / n : null,
    perCategory,
    kappa: set.cohen.pairs[0],
    gwet: set.gwet,
    alpha: set.alpha,
  };
}

/** The entries where a coder's category is not the reference's, in natural id order (a machine's departures). */
export function departuresOf(reading: CategoryReading, coded: CodedDimension, mine: Int32Array, theirs: Int32Array): Departure[] {
  // One object per category, shared by its departures (a machine departs on many thousands of entries).
  const categories = coded.keys.map((id) => ({ id, label: reading.label(id) }));
  const category = (code: number) => categories[code];
  const out: Departure[] = [];
  for (let u = 0; u < mine.length; u++) if (mine[u] >= 0 && theirs[u] >= 0 && mine[u] !== theirs[u]) out.push({ entry: coded.units[u], machine: category(mine[u]), consensus: category(theirs[u]) });
  return out;
}

/** The entries behind one cell: where the coder's category is `row` and the reference's `col` (category ids), in natural id order. */
export function cellEntriesOf(coded: CodedDimension, mine: Int32Array, theirs: Int32Array, row: string, col: string): string[] {
  const r = coded.keys.indexOf(row);
  const c = coded.keys.indexOf(col);
  const out: string[] = [];
  if (r < 0 || c < 0) return out;
  for (let u = 0; u < mine.length; u++) if (mine[u] === r && theirs[u] === c) out.push(coded.units[u]);
  return out;
}

/** How a reference is named as the second rater of a comparison. */
export function referenceLabel(reference: Reference): string {
  return reference === 'final' ? 'final labels' : reference === 'others' ? 'majority of the others' : 'human consensus';
}

/** The place of the first key of the category a strict majority of the first `n` `keys` share, or -1 (a tie, or nobody). A team has a handful of raters: a double loop. */
export function strictMajorityAt<K>(keys: ArrayLike<K>, n = keys.length): number {
  for (let i = 0; i < n; i++) {
    let count = 0;
    for (let j = 0; j < n; j++) if (keys[j] === keys[i]) count++;
    if (count * 2 > n) return i;
  }
  return -1;
}

/**
 * For each unit a coder has a category on: the category a strict majority of the other raters
 * (of `raters`) with a category there chose, or -1 without such a majority.
 */
export function othersMajority(coded: CodedDimension, coder: string, raters: string[]): Int32Array {
  const mine = coded.byRater.get(coder);
  const out = new Int32Array(coded.units.length).fill(-1);
  if (!mine) return out;
  const others = raters.filter((r) => r !== coder).flatMap((r) => coded.byRater.get(r) ?? []);
  const codes = new Int32Array(others.length);
  for (let u = 0; u < mine.length; u++) {
    if (mine[u] < 0) continue;
    let n = 0;
    for (const theirs of others) if (theirs[u] >= 0) codes[n++] = theirs[u];
    const top = strictMajorityAt(codes, n);
    if (top >= 0) out[u] = codes[top];
  }
  return out;
}

export interface CoderReport {
  raters: string[];
  bootstrap: { resamples: number; seed: number };
  dimensions: DimensionComparisons[];
  /** Every off-diagonal cell of every comparison (both references), most entries first. */
  confusions: Confusion[];
  notes: string[];
}

export interface CoderReportOptions extends CompareOptions {
  annotators?: string[];
  dimension?: string;
  /** Against the majority of the others only (the machine report's people), not the final labels too. */
  othersOnly?: boolean;
}

export const CODER_NOTES = [
  'Each coder against two references, on the entries where both have a category: the final labels (a decision, or the value everyone agreed on), and the majority of the other raters of the entry (a strict majority, the coder left out).',
  "Rows are the coder's categories, columns the reference's. Precision: of the entries where the coder chose a category, the share where the reference has it; recall: of the entries where the reference has it, the share where the coder chose it.",
  "Cohen's kappa of the coder and the reference, with Gwet's standard error (conditional on the entries) as a t interval; the bug taxonomy is read as its set of types, as a whole.",
];

/** Off-diagonal cells as confusions, most entries first. */
export function confusionsOf(dim: { id: string; label: string }, c: Comparison): Confusion[] {
  const out: Confusion[] = [];
  c.counts.forEach((row, i) =>
    row.forEach((count, j) => {
      if (i === j || count === 0) return;
      out.push({
        coder: c.coder,
        reference: c.reference,
        dimension: dim.id,
        dimensionLabel: dim.label,
        row: i,
        col: j,
        coderCategory: c.categories[i],
        referenceCategory: c.categories[j],
        count,
        share: count / c.units,
        ...(c.cellEntries ? { entries: c.cellEntries[coderCellKey(i, j)] ?? [] } : {}),
      });
    }),
  );
  return out;
}

/**
 * Each rater of the labels against the final labels and against the majority of the others, per
 * categorical dimension. `finals` maps entry id -> dimension -> final value (null without one).
 * Pure: the caller picks the labels (as the agreement report counts them) and the final values.
 */
export function buildCoderReport(codebook: Codebook, labels: AgreementLabel[], finals: Map<string, Map<string, LabelValue | null>>, options: CoderReportOptions = {}): CoderReport {
  const raters = options.annotators ?? [...new Set(labels.map((l) => l.annotator))].sort(compareIds);
  const wanted = new Set(raters);
  const byDimension = groupByDimension(labels.filter((l) => wanted.has(l.annotator)));
  return coderReportOn(
    codebook,
    raters,
    (dim, reading) => {
      const coded = codeLabels(reading, byDimension.get(dim.id) ?? []);
      return { coded, finals: () => referenceCodes(coded, (entry) => finals.get(entry)?.get(dim.id)) };
    },
    options,
  );
}

/** A dimension's labels coded, with the final labels' codes of its units (asked for only when compared with). */
export type CodedWithFinals = { coded: CodedDimension; finals: () => Int32Array };

/**
 * `buildCoderReport` on labels already coded per dimension (`codedOf`): the report's one
 * computation, whether the labels come as objects or as the database's columns.
 */
export function coderReportOn(codebook: Codebook, raters: string[], codedOf: (dim: Dimension, reading: CategoryReading) => CodedWithFinals, options: CoderReportOptions = {}): CoderReport {
  const opts = { bootstrap: options.bootstrap ?? DEFAULT_RESAMPLES, seed: options.seed ?? DEFAULT_SEED, cellEntries: options.cellEntries ?? true };
  const dims = codebook.dimensions.filter((d) => (options.dimension ? d.id === options.dimension : true));
  const dimensions: DimensionComparisons[] = [];
  for (const dim of dims) {
    const reading = categoryReading(dim);
    if (!reading) continue;
    const { coded, finals } = codedOf(dim, reading);
    let finalCodes: Int32Array | undefined;
    const comparisons: Comparison[] = [];
    for (const coder of raters) {
      const mine = coded.byRater.get(coder);
      if (!mine) continue;
      if (!options.othersOnly) comparisons.push(compareCodes(reading, coder, 'final', coded, mine, (finalCodes ??= finals()), opts));
      comparisons.push(compareCodes(reading, coder, 'others', coded, mine, othersMajority(coded, coder, raters), opts));
    }
    dimensions.push({ id: dim.id, label: dim.label, kind: dim.kind, treatment: reading.treatment, comparisons });
  }
  const confusions = dimensions
    .flatMap((d) => d.comparisons.flatMap((c) => confusionsOf(d, c)))
    .sort((a, b) => b.count - a.count || compareIds(a.coder, b.coder) || compareIds(a.dimension, b.dimension) || a.row - b.row || a.col - b.col);
  return { raters, bootstrap: { resamples: opts.bootstrap, seed: opts.seed }, dimensions, confusions, notes: CODER_NOTES };
}

/** A confusion in words, as a lead says it in a calibration meeting. */
export function describeConfusion(c: Pick<Confusion, 'coder' | 'reference' | 'coderCategory' | 'referenceCategory' | 'count'>): string {
  const who = c.reference === 'final' ? 'the final label is' : c.reference === 'others' ? 'the rest of the team puts' : 'the people put';
  return `${c.coder} puts ${c.coderCategory.label} where ${who} ${c.referenceCategory.label} (${c.count} entr${c.count === 1 ? 'y' : 'ies'})`;
}

/** The coder report of a project, with what it was computed on. */
export interface DbCoderReport extends CoderReport {
  selection: DbAgreementReport['selection'];
}

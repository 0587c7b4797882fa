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
import { codeCategories } from './coefficient-report.ts';
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
  /** The entries behind each non-empty cell, keyed "i,j", in natural id order. */
  cellEntries: Record<string, string[]>;
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
  entries: string[];
}

export interface CompareOptions {
  bootstrap?: number;
  seed?: number;
}

const cellKeyOf = (i: number, j: number) => `${i},${j}`;

/**
 * One coder against a reference on one dimension: `coder` and `reference` map entry ids to
 * values (a missing or empty value has no category).
 */
export function compareToReference(
  reading: CategoryReading,
  coder: string,
  reference: Reference,
  coderValues: Map<string, LabelValue>,
  referenceValues: Map<string, LabelValue | null>,
  options: CompareOptions = {},
): Comparison {
  const entries = sortIds([...coderValues.keys()]);
  const paired: { entry: string; mine: string; theirs: string }[] = [];
  let withoutReference = 0;
  for (const entry of entries) {
    const mine = reading.key(coderValues.get(entry));
    if (mine === null) continue;
    const ref = referenceValues.get(entry);
    const theirs = ref === null || ref === undefined || isEmptyValue(ref) ? null : reading.key(ref);
    if (theirs === null) {
      withoutReference++;
      continue;
    }
    paired.push({ entry, mine, theirs });
  }
  const data = codeCategories([paired.map((p) => p.mine), paired.map((p) => p.theirs)], reading.known, reading.level);
  const keys = data.values.keys;
  const q = keys.length;
  const counts = Array.from({ length: q }, () => new Array<number>(q).fill(0));
  const cellEntries: Record<string, string[]> = {};
  paired.forEach((p, u) => {
    const i = data.codes[u * 2];
    const j = data.codes[u * 2 + 1];
    counts[i][j]++;
    (cellEntries[cellKeyOf(i, j)] ??= []).push(p.entry);
  });
  const n = paired.length;
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
  return {
    coder,
    reference,
    categories: keys.map((id) => ({ id, label: reading.label(id) })),
    counts,
    cellEntries,
    units: n,
    withoutReference,
    accuracy: n ? agree / n : null,
    perCategory,
    kappa: set.cohen.pairs[0],
    gwet: set.gwet,
    alpha: set.alpha,
  };
}

/** How a reference is named as the second rater of a comparison. */
export function referenceLabel(reference: Reference): string {
  return reference === 'final' ? 'final labels' : reference === 'others' ? 'majority of the others' : 'human consensus';
}

/** The place of the first key of the category a strict majority of `keys` share, or -1 (a tie, or nobody). A team has a handful of raters: a double loop. */
export function strictMajorityAt(keys: string[]): number {
  for (let i = 0; i < keys.length; i++) {
    let count = 0;
    for (const k of keys) if (k === keys[i]) count++;
    if (count * 2 > keys.length) return i;
  }
  return -1;
}

/** Each rater's values by entry on one dimension. */
function valuesByRater(labels: AgreementLabel[], dimension: string): Map<string, Map<string, LabelValue>> {
  const out = new Map<string, Map<string, LabelValue>>();
  for (const l of labels) {
    if (l.dimension !== dimension || isEmptyValue(l.value)) continue;
    let m = out.get(l.annotator);
    if (!m) out.set(l.annotator, (m = new Map()));
    m.set(l.entryId, l.value);
  }
  return out;
}

/**
 * For each entry a coder labelled: the category a strict majority of the other raters of that
 * entry chose (as a value whose category is that one), or null without such a majority.
 */
function othersMajority(reading: CategoryReading, coder: string, byRater: Map<string, Map<string, LabelValue>>): Map<string, LabelValue | null> {
  const out = new Map<string, LabelValue | null>();
  const mine = byRater.get(coder) ?? new Map<string, LabelValue>();
  const others = [...byRater].filter(([rater]) => rater !== coder).map(([, values]) => values);
  // The others' categories of one entry, and the value behind each.
  const keys: string[] = [];
  const values: LabelValue[] = [];
  for (const entry of mine.keys()) {
    keys.length = 0;
    values.length = 0;
    for (const theirs of others) {
      const v = theirs.get(entry);
      const k = v === undefined ? null : reading.key(v);
      if (k !== null) keys.push(k), values.push(v!);
    }
    const top = strictMajorityAt(keys);
    out.set(entry, top < 0 ? null : values[top]);
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
        entries: c.cellEntries[cellKeyOf(i, j)] ?? [],
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
  const used = labels.filter((l) => wanted.has(l.annotator));
  const opts = { bootstrap: options.bootstrap ?? DEFAULT_RESAMPLES, seed: options.seed ?? DEFAULT_SEED };
  const dims = codebook.dimensions.filter((d) => (options.dimension ? d.id === options.dimension : true));
  const dimensions: DimensionComparisons[] = [];
  const byDimension = groupByDimension(used);
  for (const dim of dims) {
    const reading = categoryReading(dim);
    if (!reading) continue;
    const byRater = valuesByRater(byDimension.get(dim.id) ?? [], dim.id);
    const finalValues = new Map<string, LabelValue | null>();
    for (const [entry, byDim] of finals) finalValues.set(entry, byDim.get(dim.id) ?? null);
    const comparisons: Comparison[] = [];
    for (const coder of raters) {
      const mine = byRater.get(coder);
      if (!mine?.size) continue;
      if (!options.othersOnly) comparisons.push(compareToReference(reading, coder, 'final', mine, finalValues, opts));
      comparisons.push(compareToReference(reading, coder, 'others', mine, othersMajority(reading, coder, byRater), opts));
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

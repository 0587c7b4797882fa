/**
 * Every agreement coefficient of a team on a codebook, pooled and per dimension, from the same
 * labels `buildAgreementReport` takes and on the same units as its alphas: a unit is an entry and
 * a dimension (where someone labelled it: a label on a dimension that does not apply is a conflict, and counts), or an entry, a dimension and a
 * value for the per-category figures.
 *
 * The coefficients compare one category per rating, so sets are read as follows (and each
 * dimension's `treatment` says so):
 * - single: the value; ordinal: the value, weighted by its distance on the codebook scale;
 * - multi: the set as a whole, two sets agreeing only when equal (each distinct set is a category);
 *   per value: present or absent;
 * - tree: the set of types as a whole (the level of the primary alpha); per type and per
 *   type::subtype: present or absent;
 * - checklist: every entry x item is a unit that holds or not; per item: holds or not;
 * - pooled: one unit per entry and categorical dimension, sets compared by exact match of their
 *   full values (the units and values of the report's pooled nominal alpha).
 */
import { TREE_SEPARATOR, type LabelValue } from '../codebook/values.ts';
import type { Codebook, Dimension } from '../codebook/schema.ts';
import { DEFAULT_RESAMPLES, DEFAULT_SEED } from './bootstrap.ts';
import { asList, categoryReading, labelOfValue, SET_JOIN, typeOf } from './categories.ts';
import { coefficientTable, type CategoryCoefficients, type CoefficientTable } from './coefficient-table.ts';
import type { CodedRatings } from './ratings.ts';
import { distinctValues, labelCells, onceEachDimension, type AgreementInput, type AgreementLabel, type DbAgreementReport, type DimensionCells } from './report.ts';
import type { WeightScheme } from './weights.ts';
import type { Provenance } from '../tables/provenance.ts';

export interface CoefficientReportOptions {
  /** Bootstrap resamples per figure (default 1,000; 0 for none). */
  bootstrap?: number;
  seed?: number;
  /** Only these annotators, in this order (default: everyone in the labels, by name). */
  annotators?: string[];
  /** Only this dimension id; the pooled figures are then left out. */
  dimension?: string;
  /** Weights for ordinal dimensions (default irrCAC's ordinal weights). */
  weights?: WeightScheme;
  /**
   * Which dimensions get their per-category figures: every one (the default, what the exports
   * and the CLI write), or only the first that has any (what the Coefficients tab shows first;
   * it asks for another dimension alone when the lead chooses it).
   */
  categories?: 'all' | 'first';
}

export interface DimensionCoefficients {
  id: string;
  label: string;
  kind: Dimension['kind'];
  /** Entries that carry at least one label on the dimension. */
  units: number;
  /** How the coefficients read this kind of dimension. */
  treatment: string;
  /** Null for free text. */
  table: CoefficientTable | null;
  /** Labels left out, and why. */
  ignored: { count: number; reason: string }[];
  /** Per-category figures this report did not compute (`categories: 'first'`): how many the dimension has. Asking for the dimension alone gives them. */
  categoriesLeftOut?: number;
}

export interface CoefficientReport {
  codebook: { id: string; version: string };
  raters: string[];
  bootstrap: { resamples: number; seed: number };
  /** Null when one dimension was asked for. */
  pooled: (CoefficientTable & { dimensions: string[]; treatment: string }) | null;
  dimensions: DimensionCoefficients[];
}

const POOLED_KINDS = new Set<Dimension['kind']>(['single', 'ordinal', 'multi', 'tree']);


/** Category keys coded as `codeCategories` codes them: the known categories first, in order, then any other key in order of first use. */
function categoryCoder(known: string[]) {
  const keys = [...known];
  const index = new Map(keys.map((k, i) => [k, i]));
  return {
    keys,
    code(key: string): number {
      let code = index.get(key);
      if (code === undefined) {
        code = keys.length;
        index.set(key, code);
        keys.push(key);
      }
      return code;
    },
  };
}

function coded(keys: string[], codes: Int32Array, R: number, U: number, level: 'nominal' | 'ordinal'): CodedRatings {
  const values: CodedRatings['values'] = { keys };
  if (level === 'ordinal') values.numbers = Float64Array.from(keys, (_, i) => i + 1);
  return { level, unitCount: U, raterCount: R, codes, values };
}

/**
 * Codes rows of category keys (null = missing) over a fixed category list: the known categories
 * first, in order, then any other key in order of first use. Unit-major, as CodedRatings wants.
 */
export function codeCategories(rows: (string | null)[][], known: string[], level: 'nominal' | 'ordinal'): CodedRatings {
  const coder = categoryCoder(known);
  const R = rows.length;
  const U = R ? rows[0].length : 0;
  const codes = new Int32Array(U * R).fill(-1);
  for (let u = 0; u < U; u++)
    for (let r = 0; r < R; r++) {
      const key = rows[r][u];
      if (key !== null) codes[u * R + r] = coder.code(key);
    }
  return coded(coder.keys, codes, R, U, level);
}

/** Cells read as category keys: `key` of each value (null: no category). */
type KeyedCells = { cells: (LabelValue | undefined)[][]; key: (v: LabelValue) => string | null };

/**
 * `codeCategories` of the rows key(cells[r][u]) of one or more matrices of cells side by side
 * (their units one after another; a missing cell stays missing), with each key worked out once
 * per distinct value (`distinctValues`: cells that hold the same stored value hold one object)
 * rather than once per cell. Also counts the values that had no key (off an ordinal scale).
 */
export function codeKeys(parts: KeyedCells[], known: string[], level: 'nominal' | 'ordinal'): { data: CodedRatings; noKey: number } {
  const coder = categoryCoder(known);
  const R = parts.length ? parts[0].cells.length : 0;
  const U = parts.reduce((n, p) => n + (R ? p.cells[0].length : 0), 0);
  const codes = new Int32Array(U * R).fill(-1);
  let noKey = 0;
  let at = 0;
  for (const { cells, key } of parts) {
    const { distinct, index } = distinctValues(cells);
    const n = R ? cells[0].length : 0;
    // -2: not read yet; -1: no category.
    const codeOf = new Int32Array(distinct.length).fill(-2);
    for (let u = 0; u < n; u++, at++)
      for (let r = 0; r < R; r++) {
        const d = index[r * n + u];
        if (d < 0) continue;
        let c = codeOf[d];
        if (c === -2) {
          const k = key(distinct[d] as LabelValue);
          codeOf[d] = c = k === null ? -1 : coder.code(k);
        }
        if (c < 0) noKey++;
        else codes[at * R + r] = c;
      }
  }
  return { data: coded(coder.keys, codes, R, U, level), noKey };
}

/** Present/absent per value: the binary data of one value of a set-valued dimension. */
function presence(cells: (LabelValue | undefined)[][], has: (v: LabelValue) => boolean): CodedRatings {
  return codeKeys([{ cells, key: (v) => (has(v) ? 'present' : 'absent') }], ['absent', 'present'], 'nominal').data;
}

/** Every id a dimension's cells hold (tree paths whole), in order of first appearance rater by rater, each distinct value read once. */
function idsUsed(cells: (LabelValue | undefined)[][]): Set<string> {
  return new Set((distinctValues(cells).distinct as LabelValue[]).flatMap((v) => asList(v) ?? []));
}

interface Maker {
  raters: string[];
  resamples: number;
  seed: number;
  weights?: WeightScheme;
}

function table(make: Maker, data: CodedRatings, labelOf: (k: string) => string, perCategory: boolean): CoefficientTable {
  return coefficientTable(data, make.raters, { bootstrap: make.resamples, seed: make.seed, weights: make.weights, labelOf, perCategory });
}

function valueFigure(make: Maker, id: string, label: string, kind: CategoryCoefficients['kind'], data: CodedRatings): CategoryCoefficients {
  return { id, label, kind, coefficients: table(make, data, (k) => k, false).coefficients };
}

/** A dimension's coefficients, with its per-category figures when `withCategories` (else only how many there are). */
function reportDimension(dim: Dimension, { units, cells }: DimensionCells, make: Maker, withCategories = true): DimensionCoefficients {
  const labelOf = labelOfValue(dim);
  const ids = dim.values.map((v) => v.id);
  const order = new Map(ids.map((id, i) => [id, i]));
  const base = { id: dim.id, label: dim.label, kind: dim.kind, units: units.length, ignored: [] as DimensionCoefficients['ignored'] };
  const reading = categoryReading(dim);
  switch (dim.kind) {
    case 'single':
    case 'ordinal': {
      const { data, noKey } = codeKeys([{ cells, key: reading!.key }], reading!.known, reading!.level);
      if (noKey) base.ignored.push({ count: noKey, reason: 'value not on the codebook scale, so it has no rank' });
      if (!withCategories) return { ...base, treatment: reading!.treatment, table: table(make, data, labelOf, false), categoriesLeftOut: data.values.keys.length };
      return { ...base, treatment: reading!.treatment, table: table(make, data, labelOf, true) };
    }
    case 'multi': {
      const t = table(make, codeKeys([{ cells, key: reading!.key }], [], 'nominal').data, reading!.label, false);
      const seen = idsUsed(cells);
      const values = [...ids, ...[...seen].filter((v) => !order.has(v)).sort()];
      if (!withCategories) return { ...base, treatment: reading!.treatment, table: t, categoriesLeftOut: values.length };
      t.perCategory = values.map((v) => valueFigure(make, v, labelOf(v), 'value', presence(cells, (x) => (asList(x) ?? []).includes(v))));
      return { ...base, treatment: reading!.treatment, table: t };
    }
    case 'tree': {
      const t = table(make, codeKeys([{ cells, key: reading!.key }], [], 'nominal').data, reading!.label, false);
      const seen = idsUsed(cells);
      const types = [...ids, ...[...new Set([...seen].map(typeOf))].filter((x) => !order.has(x))];
      const subtypes = dim.values.flatMap((x) => (x.children ?? []).map((s) => `${x.id}${TREE_SEPARATOR}${s.id}`));
      for (const p of seen) if (p.includes(TREE_SEPARATOR) && !subtypes.includes(p)) subtypes.push(p);
      if (!withCategories) return { ...base, treatment: reading!.treatment, table: t, categoriesLeftOut: types.length + subtypes.length };
      t.perCategory = [
        ...types.map((x) => valueFigure(make, x, labelOf(x), 'type', presence(cells, (v) => (asList(v) ?? []).some((p) => typeOf(p) === x)))),
        ...subtypes.map((p) => valueFigure(make, p, labelOf(p), 'subtype', presence(cells, (v) => (asList(v) ?? []).includes(p)))),
      ];
      return { ...base, treatment: reading!.treatment, table: t };
    }
    case 'checklist': {
      const holds = (item: string) => (v: LabelValue): string | null =>
        v && typeof v === 'object' && !Array.isArray(v) ? (v[item] === true ? 'present' : 'absent') : null;
      // Every entry x item a unit: the cells once per item, item after item.
      const t = table(make, codeKeys(dim.values.map((item) => ({ cells, key: holds(item.id) })), ['absent', 'present'], 'nominal').data, (k) => k, false);
      const treatment = 'every entry x item is a unit that holds or not; per item: holds or not';
      if (!withCategories) return { ...base, treatment, table: t, categoriesLeftOut: dim.values.length };
      t.perCategory = dim.values.map((item) => valueFigure(make, item.id, item.label, 'item', codeKeys([{ cells, key: holds(item.id) }], ['absent', 'present'], 'nominal').data));
      return { ...base, treatment, table: t };
    }
    case 'text':
      return { ...base, treatment: 'free text has no categories, so no coefficients', table: null };
    case 'lines':
      return { ...base, treatment: 'lines pinned to a text are measured line by line by Krippendorff’s alpha (the agreement report’s lines figures); no coefficients per entry', table: null };
  }
}

function reportPooled(dims: Dimension[], cellsOf: (dim: Dimension) => DimensionCells, make: Maker): CoefficientReport['pooled'] {
  const pooledDims = dims.filter((d) => POOLED_KINDS.has(d.kind));
  const known: string[] = [];
  const labelOfKey = new Map<string, string>();
  const parts = pooledDims.map((dim): KeyedCells => {
    const labelOf = labelOfValue(dim);
    if (dim.kind === 'single' || dim.kind === 'ordinal')
      for (const v of dim.values) {
        known.push(`${dim.id}:${v.id}`);
        labelOfKey.set(`${dim.id}:${v.id}`, `${dim.label}: ${v.label}`);
      }
    return {
      cells: cellsOf(dim).cells,
      key: (v) => {
        const list = asList(v);
        // Qualified and sorted, exactly as the alpha report's pooled nominal figure reads them.
        const key = list ? list.map((id) => `${dim.id}:${id}`).sort().join(SET_JOIN) : null;
        if (list && key) labelOfKey.set(key, key.split(SET_JOIN).map((q) => `${dim.label}: ${labelOf(q.slice(dim.id.length + 1))}`).join(', '));
        return key;
      },
    };
  });
  const t = table(make, codeKeys(parts, known, 'nominal').data, (k) => labelOfKey.get(k) ?? k, false);
  return {
    ...t,
    dimensions: pooledDims.map((d) => d.id),
    treatment:
      'one unit per entry and categorical dimension; each value is qualified by its dimension, and sets (multi, tree) are compared by exact match of their full values',
  };
}

/**
 * Every coefficient of part 1, with intervals, pooled over the categorical dimensions and per
 * dimension, with per-category figures. Pure: the caller picks which labels count.
 */
export function buildCoefficientReport(codebook: Codebook, labels: AgreementLabel[], options: CoefficientReportOptions = {}): CoefficientReport {
  return buildCoefficientReportFrom(codebook, labelCells(labels, options.annotators), options);
}

/** `buildCoefficientReport` from cells already gathered, as the alpha report takes them (the database gathers them from its columns). */
export function buildCoefficientReportFrom(codebook: Codebook, input: AgreementInput, options: CoefficientReportOptions = {}): CoefficientReport {
  const resamples = options.bootstrap ?? DEFAULT_RESAMPLES;
  const seed = options.seed ?? DEFAULT_SEED;
  // Each dimension's cells, gathered once: the pooled figure and the dimension's own both read them.
  const { raters, cellsOf } = onceEachDimension(input);
  const make: Maker = { raters, resamples, seed, weights: options.weights };
  const dims = options.dimension ? codebook.dimensions.filter((d) => d.id === options.dimension) : codebook.dimensions;
  // Whether a dimension's per-category figures are computed already (`categories: 'first'`).
  let shown = false;
  return {
    codebook: { id: codebook.id, version: codebook.version },
    raters,
    bootstrap: { resamples, seed },
    pooled: options.dimension ? null : reportPooled(codebook.dimensions, cellsOf, make),
    dimensions: dims.map((d) => {
      const out = reportDimension(d, cellsOf(d), make, options.categories !== 'first' || !shown);
      if (out.table?.perCategory.length) shown = true;
      return out;
    }),
  };
}

/** The coefficient report of a project, with what it was computed on (as the alpha report says it). */
export interface DbCoefficientReport extends CoefficientReport {
  /** The most resamples these figures allow within the app's work budget (about a minute on a laptop core): a view asks for no more. */
  bootstrapFits: number;
  selection: DbAgreementReport['selection'];
  /** The app's version and a hash of the labels (the exports carry the same). */
  provenance: Provenance;
}

/**
 * Roughly how many unit-steps `buildCoefficientReport` takes (as `coefficientWork` counts them
 * for one table): every figure, per category included, on the sample and on each resample. Lets
 * a caller refuse a request that would take minutes, and say which number of resamples fits.
 */
export function coefficientReportWork(codebook: Codebook, input: AgreementInput, options: CoefficientReportOptions = {}): number {
  const R = input.raters.length;
  const pairs = R + (R * (R - 1)) / 2;
  const resamples = options.bootstrap ?? DEFAULT_RESAMPLES;
  let work = 0;
  let pooledUnits = 0;
  let categoriesCounted = false;
  for (const dim of codebook.dimensions) {
    if (options.dimension && dim.id !== options.dimension) continue;
    const n = input.cellsOf(dim).units.length;
    const subtypes = dim.values.reduce((k, v) => k + (v.children?.length ?? 0), 0);
    const categories = dim.kind === 'text' ? 0 : dim.values.length + (dim.kind === 'tree' ? subtypes : 0);
    // With `categories: 'first'`, only the first dimension with categories has their figures.
    const withCategories = options.categories !== 'first' || !categoriesCounted;
    if (categories > 0) categoriesCounted = true;
    const figures = dim.kind === 'text' ? 0 : 1 + (withCategories ? categories : 0);
    const perUnit = dim.kind === 'checklist' ? Math.max(1, dim.values.length) : 1;
    work += figures * (1 + resamples) * Math.max(1, n * perUnit) * pairs;
    if (POOLED_KINDS.has(dim.kind)) pooledUnits += n;
  }
  if (!options.dimension) work += (1 + resamples) * Math.max(1, pooledUnits) * pairs;
  return work;
}

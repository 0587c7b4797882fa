import { TREE_SEPARATOR, idsOf, isEmptyValue, type LabelValue } from '../codebook/values.ts';
import type { Codebook, Dimension } from '../codebook/schema.ts';
import { buildCoincidence, alphaFromCoincidence, coincidenceTable, type Coincidence } from './alpha.ts';
import { bootstrapAlpha, DEFAULT_RESAMPLES, DEFAULT_SEED } from './bootstrap.ts';
import { CROSS_CHECK_PACKAGE, CROSS_CHECK_TOLERANCE, figuresAgree, packageNominalAlpha } from './cross-check.ts';
import { lineUnits, linePresence } from './lines.ts';
import { pairwiseAgreement, type PairAgreement } from './pairwise.ts';
import { codeRatingMatrix, type CodedRatings, type RatingCell } from './ratings.ts';
import { cellKey, type AlphaInterval, type AlphaResult, type CellUnit, type CoincidenceTable, type Level } from './types.ts';
import { compareIds, sortIds } from '../ids.ts';

/** Entry ids in their one natural order (shared/ids.ts). */
export { compareIds };

/** One annotator's label on one entry, as the report reads it. */
export interface AgreementLabel {
  /** The unit: the entry's id as people know it (ext_id). */
  entryId: string;
  annotator: string;
  dimension: string;
  value: LabelValue;
  /**
   * Whether the entry's output passed. A label counts wherever it sits: one on a dimension that
   * does not apply (a bug on an output that passed) is a conflict for the lead to resolve, and
   * still the annotator's label.
   */
  passed: boolean | null;
  /** When the label was last written, as the labeller's machine recorded it (ISO 8601); drift groups by it. */
  time?: string;
  /** The codebook version the label was made under. */
  codebookVersion?: string;
}

export interface AgreementOptions {
  /** Bootstrap resamples per figure (default 1,000; 0 for none). */
  bootstrap?: number;
  seed?: number;
  /** Only these annotators, in this order (default: everyone in the labels, by name). */
  annotators?: string[];
  /** Only this dimension id; the pooled figures are then left out. */
  dimension?: string;
  /**
   * List the units behind each coincidence cell (`CoincidenceTable.cellUnits`): true for every
   * figure (the default), false for none, only the figure with this key (`figureKey`), or only one
   * cell of it (`cellKey`: what the view's cell of a figure asks for).
   */
  cellUnits?: CellUnitsWanted;
  /**
   * Only the figure that stands for each dimension (and the pooled MASI figure): no secondary
   * measures, no per-value figures, no pooled nominal figure. Drift computes one figure per week.
   */
  primaryOnly?: boolean;
  /** With no dimension asked for, the pooled figures alone (`dimensions` is empty): drift follows the pooled figure only. */
  pooledAlone?: boolean;
  /** False leaves each measure's pairwise figures out (`pairwise` is empty): drift shows none. */
  pairwise?: boolean;
  /** Told how the bootstrap is getting on: resamples drawn so far, of all figures. */
  onProgress?: (done: number, total: number) => void;
  /**
   * Asked between dimensions as the figures are made, then between resamples: true stops the work
   * (the report is not made; `Stopped` is thrown). A worker's bootstrap waits inside it while the
   * lead waits on a tab (db/jobs/give-way.ts), from the figures it resamples on.
   */
  shouldStop?: () => boolean;
  /** Shown each figure's coded data with its key (`figureKey`): what the bench times the bootstrap on. */
  onFigureData?: (key: string, data: CodedRatings) => void;
}

/** Thrown by `buildAgreementReport` when `shouldStop` said to stop. */
export class Stopped extends Error {
  constructor() {
    super('the agreement report was cancelled');
  }
}

/**
 * The key of one figure of the report, as `AgreementOptions.cellUnits` takes it: a measure of a
 * dimension, a value's figure, or a pooled measure.
 */
export function figureKey(ref: { scope: 'pooled'; measure: string } | { scope: 'dimension'; dimension: string; measure: string } | { scope: 'value'; dimension: string; valueId: string }): string {
  if (ref.scope === 'pooled') return `pooled\u0000${ref.measure}`;
  if (ref.scope === 'dimension') return `dimension\u0000${ref.dimension}\u0000${ref.measure}`;
  return `value\u0000${ref.dimension}\u0000${ref.valueId}`;
}

/** An alpha with its bootstrap interval and, for nominal figures, the package's answer. */
export interface Figure extends AlphaResult {
  interval: AlphaInterval | null;
  /**
   * The package's answer, and whether ours is the same. On a large figure both are computed on its
   * first `units` units only (`CROSS_CHECK_UNITS`): the package is far too slow for the whole.
   */
  crossCheck?: { theirs: number | null; agree: boolean; units?: number } | { skipped: string };
}

/** One way of measuring a dimension (e.g. MASI at type level), with its details. */
export interface Measure {
  id: string;
  description: string;
  figure: Figure;
  pairwise: PairAgreement[];
  coincidence: CoincidenceTable;
}

/** Binary alpha of one value: present or absent (a tree type or subtype, a checklist item). */
export interface ValueFigure {
  valueId: string;
  label: string;
  /** type or subtype of a tree; item of a checklist. */
  kind: 'type' | 'subtype' | 'item';
  figure: Figure;
  coincidence: CoincidenceTable;
}

export interface DimensionReport {
  id: string;
  label: string;
  kind: Dimension['kind'];
  /** Entries that carry at least one label on the dimension. */
  units: number;
  /** The measure that stands for the dimension; null when it has none (text). */
  primary: string | null;
  measures: Measure[];
  perValue: ValueFigure[];
  /** Labels left out, and why (e.g. a value the codebook no longer has on an ordinal scale). */
  ignored: { count: number; reason: string }[];
  note?: string;
  /**
   * A lines dimension: the entries where the annotators who labelled them point at different
   * lines (or put different values on a line), with the lines they differ on, in entry order.
   */
  lineDisagreements?: { entry: string; lines: number; differing: number[] }[];
  /** A lines dimension: how many line units its figures stand on. */
  lineUnits?: number;
}

export interface CrossCheckSummary {
  package: string;
  tolerance: number;
  /** Nominal figures computed by both. */
  checked: number;
  /** Of the checked, how many were checked on their first `sampleUnits` units only. */
  sampled: number;
  sampleUnits: number;
  skipped: number;
  agree: boolean;
  disagreements: { figure: string; ours: number | null; theirs: number | null }[];
}

export interface AgreementReport {
  codebook: { id: string; version: string };
  raters: string[];
  bootstrap: { resamples: number; seed: number };
  /**
   * The single figure: MASI alpha over the categorical dimensions, one unit per entry and
   * dimension, each value qualified by its dimension. For single-valued dimensions MASI is
   * exactly nominal; sets get partial credit. Null when one dimension was asked for.
   */
  pooled: (Measure & { dimensions: string[] }) | null;
  /** The same units compared by exact match (nominal), cross-checked against the package. */
  pooledNominal: (Measure & { dimensions: string[] }) | null;
  dimensions: DimensionReport[];
  crossCheck: CrossCheckSummary;
}

/** Kinds pooled into the single figure: those whose values are categories. */
const POOLED_KINDS = new Set<Dimension['kind']>(['single', 'ordinal', 'multi', 'tree']);
/** The package is O(values^2 x units x raters^2); beyond this many steps it would stall the report. */
const CROSS_CHECK_BUDGET = 5e7;
/**
 * A figure of more units is cross-checked on its first this many: the package takes about as
 * long for 2,000 units as the whole report for 100,000, and a wrong implementation shows on any.
 */
export const CROSS_CHECK_UNITS = 2000;

/** Puts the codes of known values first, in the given order, and adds the known values nobody used. */
function orderValues(data: CodedRatings, order: string[]): CodedRatings {
  const known = new Map(order.map((k, i) => [k, i]));
  const keys = [...order, ...data.values.keys.filter((k) => !known.has(k))];
  const index = new Map(keys.map((k, i) => [k, i]));
  const remap = Int32Array.from(data.values.keys, (k) => index.get(k)!);
  const values = { ...data.values, keys };
  if (data.values.sets) {
    // Unused known set values have no element ids; they get an empty placeholder they never use.
    const sets: Int32Array[] = keys.map(() => new Int32Array(0));
    data.values.sets.forEach((s, c) => (sets[remap[c]] = s));
    values.sets = sets;
  }
  if (data.values.numbers) {
    const numbers = new Float64Array(keys.length).fill(NaN);
    data.values.numbers.forEach((x, c) => (numbers[remap[c]] = x));
    values.numbers = numbers;
  }
  const codes = new Int32Array(data.codes.length);
  for (let i = 0; i < codes.length; i++) codes[i] = data.codes[i] < 0 ? -1 : remap[data.codes[i]];
  return { ...data, codes, values };
}

class FigureMaker {
  readonly checks: CrossCheckSummary = {
    package: CROSS_CHECK_PACKAGE,
    tolerance: CROSS_CHECK_TOLERANCE,
    checked: 0,
    sampled: 0,
    sampleUnits: CROSS_CHECK_UNITS,
    skipped: 0,
    agree: true,
    disagreements: [],
  };
  /** Bootstraps to run once every figure is made, so that progress knows the whole. */
  private readonly intervals: { figure: Figure; data: CodedRatings }[] = [];
  constructor(
    private readonly resamples: number,
    private readonly seed: number,
    private readonly withCellUnits: CellUnitsWanted,
    private readonly onFigureData?: (key: string, data: CodedRatings) => void,
    /** Only the figures that stand for their dimension (AgreementOptions.primaryOnly). */
    readonly primaryOnly = false,
    private readonly withPairwise = true,
  ) {}

  /** The coincidence matrix as the report shows it; `units[u]` is what unit u of the data stands for. */
  private table(key: string, data: CodedRatings, co: Coincidence, values: CoincidenceTable['values'], units: readonly CellUnit[] | (() => readonly CellUnit[])): CoincidenceTable {
    const table = coincidenceTable(co, values);
    const wanted = this.withCellUnits;
    const unitList = () => (typeof units === 'function' ? units() : units);
    if (wanted === true || wanted === key) table.cellUnits = cellUnitsOf(data, unitList());
    else if (typeof wanted === 'object' && wanted.figure === key) table.cellUnits = oneCellUnits(data, unitList(), wanted.cell);
    return table;
  }

  figure(name: string, data: CodedRatings, co: Coincidence = buildCoincidence(data)): Figure {
    const result = alphaFromCoincidence(co, data.level, data.values);
    const fig: Figure = { ...result, interval: null };
    if (this.resamples > 0) this.intervals.push({ figure: fig, data });
    if (data.level === 'nominal') {
      const sample = data.unitCount > CROSS_CHECK_UNITS ? sliceUnits(data, CROSS_CHECK_UNITS) : data;
      const V = sample.values.keys.length;
      const cost = ((V * V) / 2) * sample.unitCount * sample.raterCount * sample.raterCount;
      if (cost > CROSS_CHECK_BUDGET) {
        fig.crossCheck = { skipped: `too large for ${CROSS_CHECK_PACKAGE} (${V} distinct values x ${sample.unitCount} units)` };
        this.checks.skipped++;
      } else {
        const ours = sample === data ? result.alpha : alphaFromCoincidence(buildCoincidence(sample), sample.level, sample.values).alpha;
        const theirs = packageNominalAlpha(sample);
        const agree = figuresAgree(ours, theirs);
        fig.crossCheck = sample === data ? { theirs, agree } : { theirs, agree, units: sample.unitCount };
        this.checks.checked++;
        if (sample !== data) this.checks.sampled++;
        if (!agree) {
          this.checks.agree = false;
          this.checks.disagreements.push({ figure: name, ours, theirs });
        }
      }
    }
    return fig;
  }

  /** Runs the bootstraps of every figure made, in order, telling how far it got; stops when asked. */
  bootstrap(onProgress?: (done: number, total: number) => void, shouldStop?: () => boolean): void {
    const total = this.intervals.length * this.resamples;
    let done = 0;
    onProgress?.(0, total);
    for (const { figure, data } of this.intervals) {
      const base = done;
      figure.interval = bootstrapAlpha(data, {
        resamples: this.resamples,
        seed: this.seed,
        progress: (k) => {
          if (shouldStop?.()) throw new Stopped();
          onProgress?.(base + k, total);
        },
      });
      done += this.resamples;
      onProgress?.(done, total);
    }
  }

  measure(
    name: string,
    key: string,
    id: string,
    description: string,
    data: CodedRatings,
    /** What each unit stands for, or how to list them (only the figures that list their cells' units read them). */
    units: readonly CellUnit[] | (() => readonly CellUnit[]),
    raters: string[],
    labelOf: (key: string) => string,
  ): Measure {
    this.onFigureData?.(key, data);
    const co = buildCoincidence(data);
    return {
      id,
      description,
      figure: this.figure(`${name} ${id}`, data, co),
      pairwise: this.withPairwise ? pairwiseAgreement(data, raters) : [],
      coincidence: this.table(
        key,
        data,
        co,
        data.values.keys.map((k) => ({ id: k, label: labelOf(k) })),
        units,
      ),
    };
  }

  perValue(name: string, valueId: string, label: string, kind: ValueFigure['kind'], data: CodedRatings, units: readonly CellUnit[]): ValueFigure {
    this.onFigureData?.(figureKey({ scope: 'value', dimension: name, valueId }), data);
    const co = buildCoincidence(data);
    return {
      valueId,
      label,
      kind,
      figure: this.figure(`${name} ${valueId}`, data, co),
      coincidence: this.table(
        figureKey({ scope: 'value', dimension: name, valueId }),
        data,
        co,
        data.values.keys.map((k) => ({ id: k, label: k })),
        units,
      ),
    };
  }
}

/** The first `n` units of coded data. */
function sliceUnits(data: CodedRatings, n: number): CodedRatings {
  return { ...data, unitCount: n, codes: data.codes.subarray(0, n * data.raterCount) };
}

/**
 * `codeRatingMatrix(rows, level)` for rows[r][u] = f(cells[r][u]) (a missing cell stays missing),
 * with `f` and the coding done once per distinct value rather than once per cell: the same codes,
 * value table and code order (codes are given in order of first appearance, rater by rater), at
 * a fraction of the work on a large study. Values are told apart by identity: the database reads
 * each distinct stored value once, so equal values are one object.
 */
export function codeCells<T>(cells: readonly (readonly (T | undefined)[])[], level: Level, f: (v: T) => RatingCell): CodedRatings {
  const R = cells.length;
  return codeDistinct(distinctValues(cells), R, R ? cells[0].length : 0, level, f);
}

/** `codeCells` from the distinct values and each cell's index among them (rater by rater, -1: missing), R raters x U units. */
function codeDistinct<T>({ distinct, index }: { distinct: T[]; index: Int32Array }, R: number, U: number, level: Level, f: (v: T) => RatingCell): CodedRatings {
  // Coding the distinct values in order of first appearance gives each the code the whole matrix would.
  const coded = codeRatingMatrix([distinct.map(f)], level);
  const codes = new Int32Array(U * R);
  for (let r = 0; r < R; r++)
    for (let u = 0; u < U; u++) {
      const d = index[r * U + u];
      codes[u * R + r] = d < 0 ? -1 : coded.codes[d];
    }
  return { level, unitCount: U, raterCount: R, codes, values: coded.values };
}

const distinctOf = new WeakMap<object, { distinct: unknown[]; index: Int32Array }>();

/**
 * Records what `distinctValues` would find in `cells`, worked out by whoever built them (the
 * database knows which stored value each cell holds), so it is not found again by identity, cell by
 * cell. The caller answers for it being exactly `distinctValues`'s answer (db/agreement-fast-path.test.ts holds the database's so).
 */
export function knownDistinct<T>(cells: readonly (readonly (T | undefined)[])[], found: { distinct: T[]; index: Int32Array }): void {
  distinctOf.set(cells, found);
}

/**
 * The cells of some units of a matrix (`picked`: their indexes, in the order wanted), with their
 * distinct values recorded as `distinctValues` would find them (first appearance, rater by
 * rater), told from the whole matrix's rather than found again object by object.
 */
export function pickUnits<T>(cells: readonly (readonly (T | undefined)[])[], picked: Int32Array): (T | undefined)[][] {
  const whole = distinctValues(cells);
  const U = cells.length ? cells[0].length : 0;
  const n = picked.length;
  const renumbered = new Int32Array(whole.distinct.length).fill(-1);
  const distinct: T[] = [];
  const index = new Int32Array(cells.length * n);
  const out = cells.map((row, r) => {
    const own = new Array<T | undefined>(n).fill(undefined);
    for (let j = 0; j < n; j++) {
      const d = whole.index[r * U + picked[j]];
      if (d < 0) {
        index[r * n + j] = -1;
        continue;
      }
      if (renumbered[d] < 0) renumbered[d] = distinct.push(whole.distinct[d]) - 1;
      index[r * n + j] = renumbered[d];
      own[j] = row[picked[j]];
    }
    return own;
  });
  distinctOf.set(out, { distinct, index });
  return out;
}

/** The distinct values of a matrix of cells in order of first appearance (rater by rater), and each cell's index among them (-1: missing). Kept per matrix. */
export function distinctValues<T>(cells: readonly (readonly (T | undefined)[])[]): { distinct: T[]; index: Int32Array } {
  const known = distinctOf.get(cells);
  if (known) return known as { distinct: T[]; index: Int32Array };
  const R = cells.length;
  const U = R ? cells[0].length : 0;
  const seen = new Map<T, number>();
  const distinct: T[] = [];
  const index = new Int32Array(R * U);
  for (let r = 0; r < R; r++) {
    const row = cells[r];
    for (let u = 0; u < U; u++) {
      const v = row[u];
      if (v === undefined) {
        index[r * U + u] = -1;
        continue;
      }
      let d = seen.get(v);
      if (d === undefined) {
        d = distinct.length;
        seen.set(v, d);
        distinct.push(v);
      }
      index[r * U + u] = d;
    }
  }
  const out = { distinct, index };
  distinctOf.set(cells, out);
  return out;
}

/**
 * Which units stand behind each cell of the coincidence matrix of `data` (`units[u]` names unit
 * u): a unit stands behind (c, k) when two different raters gave it c and k. A pass of its own,
 * so that buildCoincidence stays the lean loop the bootstrap repeats.
 */
function cellUnitsOf(data: CodedRatings, units: readonly CellUnit[]): Record<string, CellUnit[]> {
  if (units.length !== data.unitCount && data.raterCount > 0)
    throw new Error(`cellUnitsOf: ${units.length} unit names for ${data.unitCount} units`);
  const R = data.raterCount;
  const codes = data.codes;
  const byCell = new Map<string, number[]>();
  const inUnit = new Set<string>();
  for (let u = 0, base = 0; u < data.unitCount; u++, base += R) {
    inUnit.clear();
    for (let r1 = 0; r1 < R; r1++) {
      const c1 = codes[base + r1];
      if (c1 < 0) continue;
      for (let r2 = r1 + 1; r2 < R; r2++) {
        const c2 = codes[base + r2];
        if (c2 < 0) continue;
        const key = cellKey(c1, c2);
        if (inUnit.has(key)) continue;
        inUnit.add(key);
        const list = byCell.get(key);
        if (list) list.push(u);
        else byCell.set(key, [u]);
      }
    }
  }
  // Natural entry order, parts in the order of the data; per-dimension units are already so.
  let rank: Int32Array | null = null;
  for (let u = 1; u < units.length && !rank; u++)
    if (compareIds(units[u - 1].entry, units[u].entry) > 0) {
      const order = units.map((_, i) => i).sort((a, b) => compareIds(units[a].entry, units[b].entry) || a - b);
      rank = new Int32Array(units.length);
      order.forEach((unit, i) => (rank![unit] = i));
    }
  const cellOrder = (a: string, b: string) => {
    const [ac, ak] = a.split(',').map(Number);
    const [bc, bk] = b.split(',').map(Number);
    return ac - bc || ak - bk;
  };
  const out: Record<string, CellUnit[]> = {};
  for (const key of [...byCell.keys()].sort(cellOrder)) {
    const list = byCell.get(key)!;
    if (rank) list.sort((a, b) => rank![a] - rank![b]);
    out[key] = list.map((u) => units[u]);
  }
  return out;
}

/**
 * `cellUnitsOf(data, units)` of one cell alone (by `cellKey`; nothing when it is empty): the
 * same units in the same order, without listing every other cell's.
 */
export function oneCellUnits(data: CodedRatings, units: readonly CellUnit[], cell: string): Record<string, CellUnit[]> {
  if (units.length !== data.unitCount && data.raterCount > 0)
    throw new Error(`oneCellUnits: ${units.length} unit names for ${data.unitCount} units`);
  const [c, k] = cell.split(',').map(Number);
  // Only a rating's code names a cell (-1 is a missing one).
  if (!(c >= 0 && k >= 0)) return {};
  const R = data.raterCount;
  const codes = data.codes;
  const hits: number[] = [];
  for (let u = 0, base = 0; u < data.unitCount; u++, base += R) {
    found: for (let r1 = 0; r1 < R; r1++) {
      const c1 = codes[base + r1];
      if (c1 !== c && c1 !== k) continue;
      for (let r2 = r1 + 1; r2 < R; r2++) {
        const c2 = codes[base + r2];
        if ((c1 === c && c2 === k) || (c1 === k && c2 === c)) {
          hits.push(u);
          break found;
        }
      }
    }
  }
  if (!hits.length) return {};
  // Natural entry order, parts in the order of the data, as `cellUnitsOf` ranks every unit.
  let inOrder = true;
  for (let j = 1; j < hits.length && inOrder; j++) inOrder = compareIds(units[hits[j - 1]].entry, units[hits[j]].entry) <= 0;
  if (!inOrder) hits.sort((a, b) => compareIds(units[a].entry, units[b].entry) || a - b);
  return { [cell]: hits.map((u) => units[u]) };
}

/** Which figures list the units behind their cells (AgreementOptions.cellUnits). */
export type CellUnitsWanted = boolean | string | { figure: string; cell: string };

/** The cells of one dimension: units (entries with a label on it) x raters. */
export interface DimensionCells {
  /** Entry ids, in their natural order. */
  units: string[];
  /** cells[r][u]: the rater's value, or undefined when missing (no label, or an empty set). */
  cells: (LabelValue | undefined)[][];
  /** A lines dimension: lines[u] is how many lines entry u's text has (see shared/agreement/lines.ts). */
  lines?: (number | undefined)[];
}

/** What the report is computed from: the raters, in order, and each dimension's cells. */
export interface AgreementInput {
  raters: string[];
  cellsOf(dim: Dimension): DimensionCells;
}

/** Shared with the coefficient report, so every figure stands on the same units. */
/** Labels by dimension id, in the order given. */
export function groupByDimension(labels: AgreementLabel[]): Map<string, AgreementLabel[]> {
  const out = new Map<string, AgreementLabel[]>();
  for (const l of labels) {
    const list = out.get(l.dimension);
    if (list) list.push(l);
    else out.set(l.dimension, [l]);
  }
  return out;
}

export function collectCells(dim: Dimension, labels: AgreementLabel[], raterIndex: Map<string, number>): DimensionCells {
  const own = labels.filter((l) => l.dimension === dim.id && raterIndex.has(l.annotator));
  const units = sortIds([...new Set(own.map((l) => l.entryId))]);
  const unitIndex = new Map(units.map((u, i) => [u, i]));
  const cells = [...raterIndex.keys()].map(() => new Array<LabelValue | undefined>(units.length).fill(undefined));
  for (const l of own) if (!isEmptyValue(l.value)) cells[raterIndex.get(l.annotator)!][unitIndex.get(l.entryId)!] = l.value;
  return { units, cells };
}

const asList = (v: LabelValue | undefined): string[] | undefined => idsOf(v);
const typeOf = (path: string) => path.split(TREE_SEPARATOR)[0];

function presence(cells: (LabelValue | undefined)[][], has: (v: LabelValue) => boolean): CodedRatings {
  return orderValues(
    codeCells(cells, 'nominal', (v) => (has(v) ? 'present' : 'absent')),
    ['absent', 'present'],
  );
}

/** A checklist's value: whether `item` is ticked (a value of another shape counts as missing). */
const ticked = (item: string) => (v: LabelValue): RatingCell => (v && typeof v === 'object' && !Array.isArray(v) ? (v[item] === true ? 'present' : 'absent') : null);

function labelOfValue(dim: Dimension): (id: string) => string {
  const labels = new Map<string, string>();
  for (const t of dim.values) {
    labels.set(t.id, t.label);
    for (const s of t.children ?? []) labels.set(`${t.id}${TREE_SEPARATOR}${s.id}`, `${t.label} › ${s.label}`);
  }
  return (id) => labels.get(id) ?? id;
}

function reportDimension(dim: Dimension, { units, cells, lines }: DimensionCells, raters: string[], make: FigureMaker): DimensionReport {
  const entries: CellUnit[] = units.map((entry) => ({ entry }));
  const labelOf = labelOfValue(dim);
  const setLabel = (key: string) => key.split('|').map(labelOf).join(', ');
  const out: DimensionReport = { id: dim.id, label: dim.label, kind: dim.kind, units: units.length, primary: null, measures: [], perValue: [], ignored: [] };
  const ids = dim.values.map((v) => v.id);
  const key = (measure: string) => figureKey({ scope: 'dimension', dimension: dim.id, measure });

  switch (dim.kind) {
    case 'single': {
      const data = orderValues(
        codeCells(cells, 'nominal', (v) => (typeof v === 'string' ? v : null)),
        ids,
      );
      out.measures.push(make.measure(dim.id, key('nominal'), 'nominal', 'nominal alpha over the values', data, entries, raters, labelOf));
      out.primary = 'nominal';
      break;
    }
    case 'ordinal': {
      const rank = new Map(ids.map((id, i) => [id, i]));
      let unknown = 0;
      for (const row of cells) for (const v of row) if (v !== undefined && (typeof v !== 'string' || !rank.has(v))) unknown++;
      if (unknown) out.ignored.push({ count: unknown, reason: 'value not on the codebook scale, so it has no rank' });
      const data = orderValues(
        codeCells(cells, 'ordinal', (v) => (typeof v === 'string' ? (rank.get(v) ?? null) : null)),
        ids.map((_, i) => String(i)),
      );
      out.measures.push(make.measure(dim.id, key('ordinal'), 'ordinal', 'ordinal alpha, in codebook order', data, entries, raters, (k) => labelOf(ids[Number(k)])));
      out.primary = 'ordinal';
      break;
    }
    case 'multi': {
      for (const level of make.primaryOnly ? (['masi'] as const) : (['masi', 'jaccard'] as const))
        out.measures.push(
          make.measure(dim.id, key(level), level, `${level === 'masi' ? 'MASI' : 'Jaccard'} alpha over the sets`, codeCells(cells, level, (v) => asList(v) ?? null), entries, raters, setLabel),
        );
      out.primary = 'masi';
      break;
    }
    case 'tree': {
      const types = (v: LabelValue) => {
        const p = asList(v);
        return p ? [...new Set(p.map(typeOf))] : null;
      };
      out.measures.push(make.measure(dim.id, key('masi-type'), 'masi-type', 'MASI alpha over the sets of types', codeCells(cells, 'masi', types), entries, raters, setLabel));
      out.primary = 'masi-type';
      if (make.primaryOnly) break;
      out.measures.push(
        make.measure(dim.id, key('masi-subtype'), 'masi-subtype', 'MASI alpha over the sets of type::subtype paths', codeCells(cells, 'masi', (v) => asList(v) ?? null), entries, raters, setLabel),
      );
      // Every type and subtype of the codebook, then any the labels use that it does not know.
      const seen = new Set<string>();
      const looked = new Set<LabelValue>();
      for (const row of cells)
        for (const v of row) {
          if (v === undefined || looked.has(v)) continue;
          looked.add(v);
          for (const p of asList(v) ?? []) seen.add(p);
        }
      const typeIds = [...ids, ...[...new Set([...seen].map(typeOf))].filter((t) => !ids.includes(t))];
      for (const t of typeIds)
        out.perValue.push(make.perValue(dim.id, t, labelOf(t), 'type', presence(cells, (v) => (asList(v) ?? []).some((p) => typeOf(p) === t)), entries));
      const subtypes = dim.values.flatMap((t) => (t.children ?? []).map((s) => `${t.id}${TREE_SEPARATOR}${s.id}`));
      for (const p of [...seen]) if (p.includes(TREE_SEPARATOR) && !subtypes.includes(p)) subtypes.push(p);
      for (const p of subtypes) out.perValue.push(make.perValue(dim.id, p, labelOf(p), 'subtype', presence(cells, (v) => (asList(v) ?? []).includes(p)), entries));
      break;
    }
    case 'checklist': {
      for (const item of make.primaryOnly ? [] : dim.values)
        out.perValue.push(make.perValue(dim.id, item.id, item.label, 'item', orderValues(codeCells(cells, 'nominal', ticked(item.id)), ['absent', 'present']), entries));
      // One figure for the whole checklist: every entry x item is a unit.
      const itemCells = cells.map((row) => dim.values.flatMap(() => row));
      const itemOf = new Map<LabelValue, Map<string, RatingCell>>();
      const itemRows: RatingCell[][] = itemCells.map((row) =>
        row.map((v, j): RatingCell => {
          if (v === undefined) return null;
          const item = dim.values[Math.floor(j / units.length)].id;
          let byItem = itemOf.get(v);
          if (!byItem) itemOf.set(v, (byItem = new Map()));
          if (!byItem.has(item)) byItem.set(item, ticked(item)(v));
          return byItem.get(item)!;
        }),
      );
      const entryItems: CellUnit[] = dim.values.flatMap((item) => units.map((entry) => ({ entry, part: item.id })));
      out.measures.push(
        make.measure(
          dim.id,
          key('items'),
          'items',
          'nominal alpha over every entry x item (the item holds or not)',
          orderValues(codeRatingMatrix(itemRows, 'nominal'), ['absent', 'present']),
          entryItems,
          raters,
          (k) => k,
        ),
      );
      out.primary = 'items';
      out.note = 'a checklist is measured item by item (binary nominal alpha: the item holds or not) and over all items at once';
      break;
    }
    case 'text':
      out.note = 'free text has no alpha';
      break;
    case 'lines': {
      const where = lineUnits(units, cells, lines);
      out.lineUnits = where.units.length;
      out.lineDisagreements = where.entries.filter((e) => e.differing.length > 0);
      out.measures.push(
        make.measure(
          dim.id,
          key('lines'),
          'lines',
          'nominal alpha over every line of every labelled entry (the values pinned to the line, or none)',
          orderValues(codeRatingMatrix(where.rows, 'nominal'), ['none']),
          where.units,
          raters,
          (k) => (k === 'none' ? 'none' : setLabel(k)),
        ),
      );
      out.primary = 'lines';
      if (make.primaryOnly) break;
      // Every value of the tree, then any the labels use that it does not know.
      const order = [...dim.values.flatMap((t) => [t.id, ...(t.children ?? []).map((s) => `${t.id}${TREE_SEPARATOR}${s.id}`)])];
      const used = new Set<string>();
      for (const row of where.sets) for (const held of row) if (held) for (const v of held) used.add(v);
      for (const v of used) if (!order.includes(v)) order.push(v);
      for (const v of order)
        out.perValue.push(
          make.perValue(dim.id, v, labelOf(v), v.includes(TREE_SEPARATOR) ? 'subtype' : 'type', orderValues(codeRatingMatrix(linePresence(where, v), 'nominal'), ['absent', 'present']), where.units),
        );
      out.note = 'each line of each labelled entry is a unit; per value, whether the line holds it';
      break;
    }
  }
  return out;
}

function reportPooled(
  dims: Dimension[],
  cellsOf: (dim: Dimension) => DimensionCells,
  raters: string[],
  make: FigureMaker,
): { pooled: AgreementReport['pooled']; pooledNominal: AgreementReport['pooledNominal'] } {
  const pooledDims = dims.filter((d) => POOLED_KINDS.has(d.kind));
  const labelOfQualified = new Map<string, string>();
  // Every pooled dimension's cells side by side, each value wrapped with its dimension: the same
  // stored value on two dimensions is two values. Built from each dimension's distinct values
  // (codeCells's own), so the pooled cells come out as codeCells would find them, wrapped once
  // per distinct value rather than once per cell.
  type Qualified = { value: LabelValue; set: string[] | null; exact?: string | null };
  const R = raters.length;
  const parts = pooledDims.map((dim) => {
    const { units, cells } = cellsOf(dim);
    return { dim, units, labelOf: labelOfValue(dim), ...distinctValues(cells) };
  });
  let unitCount = 0;
  const offsets: number[] = [];
  let known = 0;
  // What each pooled unit stands for, listed only for a figure that lists its cells' units.
  let listed: CellUnit[] | undefined;
  const pooledUnits = () => (listed ??= parts.flatMap((p) => p.units.map((entry) => ({ entry, part: p.dim.id }))));
  for (const p of parts) {
    unitCount += p.units.length;
    offsets.push(known);
    known += p.distinct.length;
  }
  const wrappedAs = new Int32Array(known).fill(-1);
  const distinct: Qualified[] = [];
  const index = new Int32Array(R * unitCount);
  // In codeCells's order: rater by rater, the dimensions' units one after another.
  for (let r = 0, at = 0; r < R; r++)
    parts.forEach((p, k) => {
      const U = p.units.length;
      for (let u = 0; u < U; u++, at++) {
        const d = p.index[r * U + u];
        if (d < 0) {
          index[at] = -1;
          continue;
        }
        if (wrappedAs[offsets[k] + d] < 0) {
          const v = p.distinct[d];
          const set =
            asList(v)?.map((id) => {
              const key = `${p.dim.id}:${id}`;
              labelOfQualified.set(key, `${p.dim.label}: ${p.labelOf(id)}`);
              return key;
            }) ?? null;
          wrappedAs[offsets[k] + d] = distinct.push({ value: v, set }) - 1;
        }
        index[at] = wrappedAs[offsets[k] + d];
      }
    });
  const pooledCells = { distinct, index };
  // Sorted, so the same set always reads the same whatever order it was stored in.
  const exact = (q: Qualified) => (q.exact !== undefined ? q.exact : (q.exact = q.set ? [...q.set].sort().join('|') : null));
  const names = pooledDims.map((d) => d.id);
  const label = (key: string) =>
    key
      .split('|')
      .map((q) => labelOfQualified.get(q) ?? q)
      .join(', ');
  return {
    pooled: {
      ...make.measure(
        'pooled',
        figureKey({ scope: 'pooled', measure: 'masi' }),
        'masi',
        'MASI alpha, one unit per entry and categorical dimension (nominal for one-value dimensions)',
        codeDistinct(pooledCells, R, unitCount, 'masi', (q) => q.set),
        pooledUnits,
        raters,
        label,
      ),
      dimensions: names,
    },
    pooledNominal: make.primaryOnly
      ? null
      : {
      ...make.measure(
        'pooled',
        figureKey({ scope: 'pooled', measure: 'nominal' }),
        'nominal',
        'nominal alpha, one unit per entry and categorical dimension, sets compared by exact match',
        codeDistinct(pooledCells, R, unitCount, 'nominal', exact),
        pooledUnits,
        raters,
        label,
      ),
      dimensions: names,
    },
  };
}

/**
 * Agreement of a team on a codebook: per dimension (at the level its kind calls for), per value
 * of the taxonomy and checklist, pooled, pairwise, with bootstrap intervals and the nominal
 * figures checked against the krippendorff package. Pure: the caller picks which labels count.
 */
export interface DbAgreementReport extends AgreementReport {
  /** What the figures were computed on, so a reader can tell runs apart. */
  selection: {
    includeDrafts: boolean;
    codebookVersion: string | null;
    annotators: string[];
    labels: number;
    /** Codebook versions among the labels used. */
    codebookVersions: string[];
    /** The project assigns entries: an annotator counts only on the entries assigned to them. */
    byAssignment: boolean;
    /**
     * Annotators with labels on entries not assigned to them: left out of the figures, unless the
     * lead included them (`included`). Counted with the selection's other limits (drafts, version).
     */
    unassigned: { annotator: string; labels: number; entries: number; included: boolean }[];
  };
}


/**
 * The cells of labels, as every report reads them: the raters (those named, else everyone in the
 * labels, in natural order) and each dimension's units x raters (`collectCells`), each gathered once.
 */
export function labelCells(labels: AgreementLabel[], annotators?: string[]): AgreementInput {
  const raters = annotators ?? [...new Set(labels.map((l) => l.annotator))].sort(compareIds);
  const wanted = new Set(raters);
  const raterIndex = new Map(raters.map((r, i) => [r, i]));
  const byDimension = groupByDimension(labels.filter((l) => wanted.has(l.annotator)));
  return onceEachDimension({ raters, cellsOf: (dim) => collectCells(dim, byDimension.get(dim.id) ?? [], raterIndex) });
}

/** The same input, each dimension's cells gathered on first use and kept (several figures read them). */
export function onceEachDimension(input: AgreementInput): AgreementInput {
  const cache = new Map<string, DimensionCells>();
  return {
    raters: input.raters,
    cellsOf: (dim) => {
      let c = cache.get(dim.id);
      if (!c) cache.set(dim.id, (c = input.cellsOf(dim)));
      return c;
    },
  };
}

export function buildAgreementReport(codebook: Codebook, labels: AgreementLabel[], options: AgreementOptions = {}): AgreementReport {
  return buildAgreementReportFrom(codebook, labelCells(labels, options.annotators), options);
}

/** `buildAgreementReport` from cells already gathered (the database gathers them without a label object each). */
export function buildAgreementReportFrom(codebook: Codebook, input: AgreementInput, options: AgreementOptions = {}): AgreementReport {
  const resamples = options.bootstrap ?? DEFAULT_RESAMPLES;
  const seed = options.seed ?? DEFAULT_SEED;
  const { raters, cellsOf } = onceEachDimension(input);
  const make = new FigureMaker(resamples, seed, options.cellUnits ?? true, options.onFigureData, options.primaryOnly ?? false, options.pairwise ?? true);
  const dims = options.dimension ? codebook.dimensions.filter((d) => d.id === options.dimension) : codebook.dimensions;
  const between = () => {
    if (options.shouldStop?.()) throw new Stopped();
  };
  const dimensions =
    options.pooledAlone && !options.dimension
      ? []
      : dims.map((d) => {
          between();
          return reportDimension(d, cellsOf(d), raters, make);
        });
  between();
  const pooled = options.dimension ? { pooled: null, pooledNominal: null } : reportPooled(codebook.dimensions, cellsOf, raters, make);
  make.bootstrap(options.onProgress, options.shouldStop);
  return {
    codebook: { id: codebook.id, version: codebook.version },
    raters,
    bootstrap: { resamples, seed },
    ...pooled,
    dimensions,
    crossCheck: make.checks,
  };
}

import { TREE_SEPARATOR, isEmptyValue, type LabelValue } from '../codebook/values.ts';
import type { Codebook, Dimension } from '../codebook/schema.ts';
import { buildCoincidence, alphaFromCoincidence, coincidenceTable } from './alpha.ts';
import { bootstrapAlpha, DEFAULT_RESAMPLES, DEFAULT_SEED } from './bootstrap.ts';
import { CROSS_CHECK_PACKAGE, CROSS_CHECK_TOLERANCE, figuresAgree, packageNominalAlpha } from './cross-check.ts';
import { pairwiseAgreement, type PairAgreement } from './pairwise.ts';
import { codeRatingMatrix, type CodedRatings, type RatingCell } from './ratings.ts';
import { cellKey, type AlphaInterval, type AlphaResult, type CellUnit, type CoincidenceTable } from './types.ts';
import { compareIds } from '../ids.ts';

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
  /** List the units behind each coincidence cell (`CoincidenceTable.cellUnits`; default true). */
  cellUnits?: boolean;
  /**
   * Only the figure that stands for each dimension (and the pooled MASI figure): no secondary
   * measures, no per-value figures, no pooled nominal figure. Drift computes one figure per week.
   */
  primaryOnly?: boolean;
}

/** An alpha with its bootstrap interval and, for nominal figures, the package's answer. */
export interface Figure extends AlphaResult {
  interval: AlphaInterval | null;
  crossCheck?: { theirs: number | null; agree: boolean } | { skipped: string };
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
}

export interface CrossCheckSummary {
  package: string;
  tolerance: number;
  /** Nominal figures computed by both. */
  checked: number;
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
  return { ...data, codes: data.codes.map((c) => (c < 0 ? c : remap[c])), values };
}

class FigureMaker {
  readonly checks: CrossCheckSummary = {
    package: CROSS_CHECK_PACKAGE,
    tolerance: CROSS_CHECK_TOLERANCE,
    checked: 0,
    skipped: 0,
    agree: true,
    disagreements: [],
  };
  constructor(
    private readonly resamples: number,
    private readonly seed: number,
    private readonly withCellUnits: boolean,
    /** Only the figures that stand for their dimension (AgreementOptions.primaryOnly). */
    readonly primaryOnly = false,
  ) {}

  /** The coincidence matrix as the report shows it; `units[u]` is what unit u of the data stands for. */
  private table(data: CodedRatings, values: CoincidenceTable['values'], units: readonly CellUnit[]): CoincidenceTable {
    const table = coincidenceTable(buildCoincidence(data), values);
    if (this.withCellUnits) table.cellUnits = cellUnitsOf(data, units);
    return table;
  }

  figure(name: string, data: CodedRatings): Figure {
    const result = alphaFromCoincidence(buildCoincidence(data), data.level, data.values);
    const fig: Figure = {
      ...result,
      interval: this.resamples > 0 ? bootstrapAlpha(data, { resamples: this.resamples, seed: this.seed }) : null,
    };
    if (data.level === 'nominal') {
      const V = data.values.keys.length;
      const cost = ((V * V) / 2) * data.unitCount * data.raterCount * data.raterCount;
      if (cost > CROSS_CHECK_BUDGET) {
        fig.crossCheck = { skipped: `too large for ${CROSS_CHECK_PACKAGE} (${V} distinct values x ${data.unitCount} units)` };
        this.checks.skipped++;
      } else {
        const theirs = packageNominalAlpha(data);
        const agree = figuresAgree(result.alpha, theirs);
        fig.crossCheck = { theirs, agree };
        this.checks.checked++;
        if (!agree) {
          this.checks.agree = false;
          this.checks.disagreements.push({ figure: name, ours: result.alpha, theirs });
        }
      }
    }
    return fig;
  }

  measure(
    name: string,
    id: string,
    description: string,
    data: CodedRatings,
    units: readonly CellUnit[],
    raters: string[],
    labelOf: (key: string) => string,
  ): Measure {
    return {
      id,
      description,
      figure: this.figure(`${name} ${id}`, data),
      pairwise: pairwiseAgreement(data, raters),
      coincidence: this.table(
        data,
        data.values.keys.map((k) => ({ id: k, label: labelOf(k) })),
        units,
      ),
    };
  }

  perValue(name: string, valueId: string, label: string, kind: ValueFigure['kind'], data: CodedRatings, units: readonly CellUnit[]): ValueFigure {
    return {
      valueId,
      label,
      kind,
      figure: this.figure(`${name} ${valueId}`, data),
      coincidence: this.table(
        data,
        data.values.keys.map((k) => ({ id: k, label: k })),
        units,
      ),
    };
  }
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

/** The cells of one dimension: units (entries with a label on it) x raters. */
interface DimensionCells {
  units: string[];
  /** cells[r][u]: the rater's value, or undefined when missing (no label, or an empty set). */
  cells: (LabelValue | undefined)[][];
}

/** Shared with the coefficient report, so every figure stands on the same units. */
export function collectCells(dim: Dimension, labels: AgreementLabel[], raterIndex: Map<string, number>): DimensionCells {
  const own = labels.filter((l) => l.dimension === dim.id && raterIndex.has(l.annotator));
  const units = [...new Set(own.map((l) => l.entryId))].sort(compareIds);
  const unitIndex = new Map(units.map((u, i) => [u, i]));
  const cells = [...raterIndex.keys()].map(() => new Array<LabelValue | undefined>(units.length).fill(undefined));
  for (const l of own) if (!isEmptyValue(l.value)) cells[raterIndex.get(l.annotator)!][unitIndex.get(l.entryId)!] = l.value;
  return { units, cells };
}

const asList = (v: LabelValue | undefined): string[] | undefined => (Array.isArray(v) ? v : typeof v === 'string' ? [v] : undefined);
const typeOf = (path: string) => path.split(TREE_SEPARATOR)[0];

function presence(cells: (LabelValue | undefined)[][], has: (v: LabelValue) => boolean): CodedRatings {
  const rows: RatingCell[][] = cells.map((row) => row.map((v) => (v === undefined ? null : has(v) ? 'present' : 'absent')));
  return orderValues(codeRatingMatrix(rows, 'nominal'), ['absent', 'present']);
}

function labelOfValue(dim: Dimension): (id: string) => string {
  const labels = new Map<string, string>();
  for (const t of dim.values) {
    labels.set(t.id, t.label);
    for (const s of t.children ?? []) labels.set(`${t.id}${TREE_SEPARATOR}${s.id}`, `${t.label} › ${s.label}`);
  }
  return (id) => labels.get(id) ?? id;
}

function reportDimension(dim: Dimension, labels: AgreementLabel[], raters: string[], make: FigureMaker): DimensionReport {
  const raterIndex = new Map(raters.map((r, i) => [r, i]));
  const { units, cells } = collectCells(dim, labels, raterIndex);
  const entries: CellUnit[] = units.map((entry) => ({ entry }));
  const labelOf = labelOfValue(dim);
  const setLabel = (key: string) => key.split('|').map(labelOf).join(', ');
  const out: DimensionReport = { id: dim.id, label: dim.label, kind: dim.kind, units: units.length, primary: null, measures: [], perValue: [], ignored: [] };
  const ids = dim.values.map((v) => v.id);

  switch (dim.kind) {
    case 'single': {
      const rows = cells.map((row) => row.map((v) => (typeof v === 'string' ? v : null)));
      out.measures.push(make.measure(dim.id, 'nominal', 'nominal alpha over the values', orderValues(codeRatingMatrix(rows, 'nominal'), ids), entries, raters, labelOf));
      out.primary = 'nominal';
      break;
    }
    case 'ordinal': {
      const rank = new Map(ids.map((id, i) => [id, i]));
      let unknown = 0;
      const rows = cells.map((row) =>
        row.map((v) => {
          if (v === undefined) return null;
          const r = typeof v === 'string' ? rank.get(v) : undefined;
          if (r === undefined) unknown++;
          return r ?? null;
        }),
      );
      if (unknown) out.ignored.push({ count: unknown, reason: 'value not on the codebook scale, so it has no rank' });
      const data = orderValues(codeRatingMatrix(rows, 'ordinal'), ids.map((_, i) => String(i)));
      out.measures.push(make.measure(dim.id, 'ordinal', 'ordinal alpha, in codebook order', data, entries, raters, (k) => labelOf(ids[Number(k)])));
      out.primary = 'ordinal';
      break;
    }
    case 'multi': {
      const rows = cells.map((row) => row.map((v) => asList(v) ?? null));
      for (const level of make.primaryOnly ? (['masi'] as const) : (['masi', 'jaccard'] as const))
        out.measures.push(make.measure(dim.id, level, `${level === 'masi' ? 'MASI' : 'Jaccard'} alpha over the sets`, codeRatingMatrix(rows, level), entries, raters, setLabel));
      out.primary = 'masi';
      break;
    }
    case 'tree': {
      const paths = cells.map((row) => row.map((v) => asList(v)));
      const typeRows = paths.map((row) => row.map((p) => (p ? [...new Set(p.map(typeOf))] : null)));
      const pathRows = paths.map((row) => row.map((p) => p ?? null));
      out.measures.push(make.measure(dim.id, 'masi-type', 'MASI alpha over the sets of types', codeRatingMatrix(typeRows, 'masi'), entries, raters, setLabel));
      out.primary = 'masi-type';
      if (make.primaryOnly) break;
      out.measures.push(make.measure(dim.id, 'masi-subtype', 'MASI alpha over the sets of type::subtype paths', codeRatingMatrix(pathRows, 'masi'), entries, raters, setLabel));
      // Every type and subtype of the codebook, then any the labels use that it does not know.
      const seen = new Set(paths.flat().flatMap((p) => p ?? []));
      const types = [...ids, ...[...new Set([...seen].map(typeOf))].filter((t) => !ids.includes(t))];
      for (const t of types)
        out.perValue.push(make.perValue(dim.id, t, labelOf(t), 'type', presence(cells, (v) => (asList(v) ?? []).some((p) => typeOf(p) === t)), entries));
      const subtypes = dim.values.flatMap((t) => (t.children ?? []).map((s) => `${t.id}${TREE_SEPARATOR}${s.id}`));
      for (const p of [...seen]) if (p.includes(TREE_SEPARATOR) && !subtypes.includes(p)) subtypes.push(p);
      for (const p of subtypes) out.perValue.push(make.perValue(dim.id, p, labelOf(p), 'subtype', presence(cells, (v) => (asList(v) ?? []).includes(p)), entries));
      break;
    }
    case 'checklist': {
      for (const item of make.primaryOnly ? [] : dim.values) {
        const rows = cells.map((row) =>
          row.map((v): RatingCell => (v && typeof v === 'object' && !Array.isArray(v) ? (v[item.id] === true ? 'present' : 'absent') : null)),
        );
        out.perValue.push(make.perValue(dim.id, item.id, item.label, 'item', orderValues(codeRatingMatrix(rows, 'nominal'), ['absent', 'present']), entries));
      }
      // One figure for the whole checklist: every entry x item is a unit.
      const itemRows: RatingCell[][] = cells.map((row) =>
        dim.values.flatMap((item) => row.map((v): RatingCell => (v && typeof v === 'object' && !Array.isArray(v) ? (v[item.id] === true ? 'present' : 'absent') : null))),
      );
      const entryItems: CellUnit[] = dim.values.flatMap((item) => units.map((entry) => ({ entry, part: item.id })));
      out.measures.push(
        make.measure(
          dim.id,
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
  }
  return out;
}

function reportPooled(
  dims: Dimension[],
  labels: AgreementLabel[],
  raters: string[],
  make: FigureMaker,
): { pooled: AgreementReport['pooled']; pooledNominal: AgreementReport['pooledNominal'] } {
  const raterIndex = new Map(raters.map((r, i) => [r, i]));
  const pooledDims = dims.filter((d) => POOLED_KINDS.has(d.kind));
  const setRows: RatingCell[][] = raters.map(() => []);
  const exactRows: RatingCell[][] = raters.map(() => []);
  const labelOfQualified = new Map<string, string>();
  const pooledUnits: CellUnit[] = [];
  for (const dim of pooledDims) {
    const { units, cells } = collectCells(dim, labels, raterIndex);
    for (const entry of units) pooledUnits.push({ entry, part: dim.id });
    const labelOf = labelOfValue(dim);
    for (let r = 0; r < raters.length; r++)
      for (let u = 0; u < units.length; u++) {
        const list = asList(cells[r][u]);
        const qualified = list?.map((id) => {
          const q = `${dim.id}:${id}`;
          labelOfQualified.set(q, `${dim.label}: ${labelOf(id)}`);
          return q;
        });
        setRows[r].push(qualified ?? null);
        // Sorted, so the same set always reads the same whatever order it was stored in.
        exactRows[r].push(qualified ? [...qualified].sort().join('|') : null);
      }
  }
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
        'masi',
        'MASI alpha, one unit per entry and categorical dimension (nominal for one-value dimensions)',
        codeRatingMatrix(setRows, 'masi'),
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
            'nominal',
            'nominal alpha, one unit per entry and categorical dimension, sets compared by exact match',
            codeRatingMatrix(exactRows, 'nominal'),
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


export function buildAgreementReport(codebook: Codebook, labels: AgreementLabel[], options: AgreementOptions = {}): AgreementReport {
  const resamples = options.bootstrap ?? DEFAULT_RESAMPLES;
  const seed = options.seed ?? DEFAULT_SEED;
  const raters = options.annotators ?? [...new Set(labels.map((l) => l.annotator))].sort(compareIds);
  const wanted = new Set(raters);
  const used = labels.filter((l) => wanted.has(l.annotator));
  const make = new FigureMaker(resamples, seed, options.cellUnits ?? true, options.primaryOnly ?? false);
  const dims = options.dimension ? codebook.dimensions.filter((d) => d.id === options.dimension) : codebook.dimensions;
  const dimensions = dims.map((d) => reportDimension(d, used, raters, make));
  const pooled = options.dimension ? { pooled: null, pooledNominal: null } : reportPooled(codebook.dimensions, used, raters, make);
  return {
    codebook: { id: codebook.id, version: codebook.version },
    raters,
    bootstrap: { resamples, seed },
    ...pooled,
    dimensions,
    crossCheck: make.checks,
  };
}

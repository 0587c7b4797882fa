/**
 * Drift: the figure that stands for the agreement (pooled MASI alpha, or one dimension's primary
 * measure) computed again on the entries of each week of labelling time, or of each batch of 50
 * entries in the order they were finished, with its bootstrap interval. A team that converges
 * climbs; one that drifts falls.
 *
 * Which time: an annotator's time on an entry is the time their machine recorded for their last
 * label on it (the label's own time, which packs and imported files carry); an entry's time is
 * the latest of its raters', when its last rating came in. That time only groups entries for
 * this chart: it orders nothing in the data.
 */
import type { Codebook, Dimension } from '../codebook/schema.ts';
import { badInput } from '../errors.ts';
import type { Provenance } from '../tables/provenance.ts';
import { DEFAULT_RESAMPLES, DEFAULT_SEED } from './bootstrap.ts';
import { sortIds } from '../ids.ts';
import { buildAgreementReportFrom, compareIds, labelCells, onceEachDimension, pickUnits, type AgreementInput, type AgreementLabel, type DbAgreementReport, type DimensionCells, type Figure } from './report.ts';

export const driftGroupings = ['week', 'batch'] as const;
export type DriftBy = (typeof driftGroupings)[number];

/** Entries per batch. */
export const BATCH_SIZE = 50;

export const DRIFT_TIME_NOTE =
  "Time: when the annotator's machine recorded their last label on the entry (packs and imported files carry that time); an entry counts when its last rater finished it. It groups entries for this chart only and orders nothing in the data.";

export interface DriftGroup {
  /** `2026-W10`, or `1` for the first batch. */
  key: string;
  /** How the group reads: "2026-W10 (2 Mar – 8 Mar)", "entries 1–50 (2 Mar – 19 Mar)". */
  label: string;
  /** The earliest and latest entry times in the group (ISO 8601). */
  from: string;
  to: string;
  entries: number;
  figure: Figure;
}

export interface DriftReport {
  by: DriftBy;
  batchSize: number;
  /** Which figure is followed: pooled, or a dimension's primary measure. */
  figure: { scope: string; measure: string; description: string };
  /** The same figure on every entry, for reference. */
  overall: Figure;
  groups: DriftGroup[];
  /** Entries whose labels carry no usable time, left out of the groups. */
  undated: number;
  raters: string[];
  bootstrap: { resamples: number; seed: number };
  time: string;
}

export interface DriftOptions {
  by: DriftBy;
  dimension?: string;
  annotators?: string[];
  bootstrap?: number;
  seed?: number;
  batchSize?: number;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const dayOf = (t: Date) => `${t.getUTCDate()} ${MONTHS[t.getUTCMonth()]}`;

/** The ISO 8601 week of a time in UTC: its year and week number (weeks start on Monday; week 1 holds the year's first Thursday). */
export function isoWeek(t: Date): { year: number; week: number; monday: Date } {
  const d = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate()));
  const weekday = (d.getUTCDay() + 6) % 7; // Monday 0 ... Sunday 6
  const monday = new Date(d.getTime() - weekday * 86_400_000);
  const thursday = new Date(monday.getTime() + 3 * 86_400_000);
  const year = thursday.getUTCFullYear();
  const jan1 = Date.UTC(year, 0, 1);
  const week = Math.floor((thursday.getTime() - jan1) / 86_400_000 / 7) + 1;
  return { year, week, monday };
}

/** Which entries have a time (ms since 1970), and which carry none. */
export interface EntryTimes {
  /** In the natural order of the entries' ids (`compareIds`): drift orders entries of the same time so. */
  times: Map<string, number>;
  /** The same, as two lists side by side: the entries with a time, in that order, and their times. */
  ids: string[];
  at: Float64Array;
  undated: Set<string>;
}

/** Each entry's time: the latest, over its raters, of each rater's latest label time on it. */
export function entryTimes(labels: AgreementLabel[]): EntryTimes {
  const ids = sortIds([...new Set(labels.map((l) => l.entryId))]);
  const rank = new Map(ids.map((id, k) => [id, k]));
  return latestTimes(labels.length, ids.length, (i) => rank.get(labels[i].entryId)!, (i) => labelTime(labels[i].time), (e) => ids[e]);
}

/** A label's time as `entryTimes` reads it: ms since 1970, NaN when it has none that parses. */
export const labelTime = (time: string | null | undefined): number => (time === undefined || time === null ? NaN : Date.parse(time));

/**
 * `entryTimes` of `count` labels, label i on entry `entryAt(i)` at `timeAt(i)` (`labelTime`): the
 * database hands them as columns. Entries are their ranks in the natural order of ids, below
 * `entries` (`idOf` names them), so the latest time of each is kept in an array rather than
 * looked up by its id at every label.
 */
export function latestTimes(count: number, entries: number, entryAt: (i: number) => number, timeAt: (i: number) => number, idOf: (entry: number) => string): EntryTimes {
  const latest = new Float64Array(entries).fill(-Infinity);
  const undated = new Uint8Array(entries);
  for (let i = 0; i < count; i++) {
    const t = timeAt(i);
    const entry = entryAt(i);
    if (!Number.isFinite(t)) undated[entry] = 1;
    else if (t > latest[entry]) latest[entry] = t;
  }
  // An entry with a dated label and an undated one is dated by what it has: its time is a lower bound, but it exists.
  let dated = 0;
  for (let e = 0; e < entries; e++) if (latest[e] > -Infinity) dated++;
  const ids = new Array<string>(dated).fill('');
  const at = new Float64Array(dated);
  const none = new Set<string>();
  for (let e = 0, k = 0; e < entries; e++)
    if (latest[e] > -Infinity) {
      ids[k] = idOf(e);
      at[k++] = latest[e];
    } else if (undated[e] === 1) none.add(idOf(e));
  // The map is made only when asked for (drift reads the lists).
  let times: Map<string, number> | undefined;
  return {
    get times() {
      return (times ??= new Map(ids.map((id, k) => [id, at[k]])));
    },
    ids,
    at,
    undated: none,
  };
}

function primaryFigure(report: ReturnType<typeof buildAgreementReportFrom>): { figure: Figure; scope: string; measure: string; description: string } | null {
  if (report.pooled) return { figure: report.pooled.figure, scope: 'pooled', measure: report.pooled.id, description: report.pooled.description };
  const d = report.dimensions[0];
  const m = d?.measures.find((x) => x.id === d.primary);
  return m ? { figure: m.figure, scope: d.id, measure: m.id, description: m.description } : null;
}

/**
 * The drift of the agreement figure over labelling time. Pure: the caller picks the labels (as
 * the agreement report counts them, with their times).
 */
export function buildDrift(codebook: Codebook, labels: AgreementLabel[], options: DriftOptions): DriftReport {
  const raters = options.annotators ?? [...new Set(labels.map((l) => l.annotator))].sort(compareIds);
  const wanted = new Set(raters);
  const dims = new Set(options.dimension ? [options.dimension] : codebook.dimensions.map((d) => d.id));
  const used = labels.filter((l) => wanted.has(l.annotator) && dims.has(l.dimension));
  return buildDriftFrom(codebook, labelCells(used, raters), entryTimes(used), options);
}

/**
 * `buildDrift` from the cells the reports read (the database gathers them from its columns) and
 * the times of the entries, worked out from the labels of the codebook's dimensions (the one asked for).
 */
export function buildDriftFrom(codebook: Codebook, input: AgreementInput, { ids, at, undated }: EntryTimes, options: DriftOptions): DriftReport {
  const resamples = options.bootstrap ?? DEFAULT_RESAMPLES;
  const seed = options.seed ?? DEFAULT_SEED;
  const batchSize = options.batchSize ?? BATCH_SIZE;
  const { raters } = input;
  // The figure as the labels alone give it: a lines dimension's units end at the last line anyone
  // pinned (the report's own figure also counts the lines of each text after it).
  const all = onceEachDimension({
    raters,
    cellsOf: (dim) => {
      const { units, cells } = input.cellsOf(dim);
      return { units, cells };
    },
  });
  const report = (cells: AgreementInput) =>
    buildAgreementReportFrom(codebook, cells, { annotators: raters, dimension: options.dimension, bootstrap: resamples, seed, cellUnits: false, primaryOnly: true, pooledAlone: true, pairwise: false });
  // The dimensions the figure reads.
  const read: Dimension[] = [];
  const overall = primaryFigure(
    report({
      raters,
      cellsOf: (dim) => {
        if (!read.includes(dim)) read.push(dim);
        return all.cellsOf(dim);
      },
    }),
  );
  if (!overall) throw badInput(`${options.dimension} has no alpha to follow over time (free text)`, { field: 'dimension' });

  // The entries by time, those of the same time in their natural order (as `ids` lists them).
  const byTime = Int32Array.from(ids.keys()).sort((a, b) => at[a] - at[b] || a - b);
  // Each group is a run of entries in that order: group k holds byTime[start[k]] up to byTime[start[k + 1]].
  const starts: number[] = [];
  const labels: ((from: Date, to: Date) => string)[] = [];
  const keys: string[] = [];
  if (options.by === 'week') {
    // Weeks follow time: a new one starts where an entry's week differs from the one before's (worked out once a day).
    let lastDay = NaN;
    for (let p = 0; p < byTime.length; p++) {
      const day = Math.floor(at[byTime[p]] / 86_400_000);
      if (day === lastDay) continue;
      lastDay = day;
      const w = isoWeek(new Date(at[byTime[p]]));
      const key = `${w.year}-W${String(w.week).padStart(2, '0')}`;
      if (key === keys[keys.length - 1]) continue;
      const sunday = new Date(w.monday.getTime() + 6 * 86_400_000);
      starts.push(p);
      keys.push(key);
      labels.push(() => `${key} (${dayOf(w.monday)} – ${dayOf(sunday)})`);
    }
  } else
    for (let p = 0; p < byTime.length; p += batchSize) {
      const count = Math.min(batchSize, byTime.length - p);
      starts.push(p);
      keys.push(String(p / batchSize + 1));
      labels.push((from, to) => `entries ${p + 1}–${p + count} (${dayOf(from)} – ${dayOf(to)})`);
    }
  starts.push(byTime.length);
  const groups = keys.length;

  // Each group's cells: its units of each dimension's cells, found in one pass over the units (a
  // study of 100,000 entries has 2,000 batches), in the order they stand there.
  const groupAt = new Int32Array(ids.length).fill(-1);
  for (let k = 0; k < groups; k++) for (let p = starts[k]; p < starts[k + 1]; p++) groupAt[byTime[p]] = k;
  // A unit's place among `ids`: both follow the natural order of ids, so it is most often found a
  // few places after the last unit's; else (a unit with no time, or lists in another order) looked up.
  let placeOf: Map<string, number> | undefined;
  const placeAfter = (id: string, from: number) => {
    for (let p = from; p < ids.length && p < from + 64; p++) if (ids[p] === id) return p;
    return (placeOf ??= new Map(ids.map((x, p) => [x, p]))).get(id) ?? -1;
  };
  const unitsByGroup = new Map<string, { start: Int32Array; units: Int32Array }>();
  /** A dimension's units by group: those of group k are units[start[k]] up to units[start[k + 1]], in the dimension's order. */
  const unitsOf = (dim: Dimension) => {
    let byGroup = unitsByGroup.get(dim.id);
    if (byGroup) return byGroup;
    const { units } = all.cellsOf(dim);
    const of = new Int32Array(units.length);
    const start = new Int32Array(groups + 1);
    for (let u = 0, next = 0; u < units.length; u++) {
      const place = placeAfter(units[u], next);
      if (place >= 0) next = place + 1;
      const g = place < 0 ? -1 : groupAt[place];
      of[u] = g;
      if (g >= 0) start[g + 1]++;
    }
    for (let k = 0; k < groups; k++) start[k + 1] += start[k];
    const next = start.slice(0, groups);
    const mine = new Int32Array(start[groups]);
    for (let u = 0; u < units.length; u++) if (of[u] >= 0) mine[next[of[u]]++] = u;
    unitsByGroup.set(dim.id, (byGroup = { start, units: mine }));
    return byGroup;
  };
  const holdsAll = (k: number, dim: Dimension) => {
    const { start } = unitsOf(dim);
    return start[k + 1] - start[k] === all.cellsOf(dim).units.length;
  };
  const cellsOfGroup = (k: number) => (dim: Dimension): DimensionCells => {
    // A group that holds every unit of the dimension reads its cells as they are.
    if (holdsAll(k, dim)) return all.cellsOf(dim);
    const { units, cells } = all.cellsOf(dim);
    const { start, units: byGroup } = unitsOf(dim);
    const mine = byGroup.subarray(start[k], start[k + 1]);
    return { units: Array.from(mine, (u) => units[u]), cells: pickUnits(cells, mine) };
  };
  // A group that holds every unit of each dimension the figure reads (all the entries were
  // labelled in one week) has the overall figure: the same cells give the same figure.
  const figureOf = (k: number) => (read.every((dim) => holdsAll(k, dim)) ? overall.figure : primaryFigure(report({ raters, cellsOf: cellsOfGroup(k) }))!.figure);

  return {
    by: options.by,
    batchSize,
    figure: { scope: overall.scope, measure: overall.measure, description: overall.description },
    overall: overall.figure,
    groups: keys.map((key, k) => {
      const from = new Date(at[byTime[starts[k]]]);
      const to = new Date(at[byTime[starts[k + 1] - 1]]);
      return { key, label: labels[k](from, to), from: from.toISOString(), to: to.toISOString(), entries: starts[k + 1] - starts[k], figure: figureOf(k) };
    }),
    undated: undated.size,
    raters,
    bootstrap: { resamples, seed },
    time: DRIFT_TIME_NOTE,
  };
}

/** The drift of a project, with what it was computed on. */
export interface DbDriftReport extends DriftReport {
  selection: DbAgreementReport['selection'];
  /** The app's version and a hash of the labels (the exports carry the same). */
  provenance: Provenance;
}

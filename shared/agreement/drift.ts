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
import { buildAgreementReportFrom, compareIds, labelCells, onceEachDimension, type AgreementInput, type AgreementLabel, type DbAgreementReport, type DimensionCells, type Figure } from './report.ts';

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
const day = (t: Date) => `${t.getUTCDate()} ${MONTHS[t.getUTCMonth()]}`;

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
  times: Map<string, number>;
  undated: Set<string>;
}

/** Each entry's time: the latest, over its raters, of each rater's latest label time on it. */
export function entryTimes(labels: AgreementLabel[]): EntryTimes {
  return latestTimes(labels.length, (i) => labels[i].entryId, (i) => labelTime(labels[i].time));
}

/** A label's time as `entryTimes` reads it: ms since 1970, NaN when it has none that parses. */
export const labelTime = (time: string | null | undefined): number => (time === undefined || time === null ? NaN : Date.parse(time));

/** `entryTimes` of `count` labels, label i on entry `entryAt(i)` at `timeAt(i)` (`labelTime`): the database hands them as columns. */
export function latestTimes(count: number, entryAt: (i: number) => string, timeAt: (i: number) => number): EntryTimes {
  const times = new Map<string, number>();
  const undated = new Set<string>();
  for (let i = 0; i < count; i++) {
    const t = timeAt(i);
    const entry = entryAt(i);
    if (!Number.isFinite(t)) {
      undated.add(entry);
      continue;
    }
    const before = times.get(entry);
    if (before === undefined || t > before) times.set(entry, t);
  }
  // An entry with a dated label and an undated one is dated by what it has: its time is a lower bound, but it exists.
  for (const e of times.keys()) undated.delete(e);
  return { times, undated };
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
export function buildDriftFrom(codebook: Codebook, input: AgreementInput, { times, undated }: EntryTimes, options: DriftOptions): DriftReport {
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
    buildAgreementReportFrom(codebook, cells, { annotators: raters, dimension: options.dimension, bootstrap: resamples, seed, cellUnits: false, primaryOnly: true, pooledAlone: true });
  const overall = primaryFigure(report(all));
  if (!overall) throw badInput(`${options.dimension} has no alpha to follow over time (free text)`, { field: 'dimension' });

  const ordered = [...times].sort((a, b) => a[1] - b[1] || compareIds(a[0], b[0]));
  const groups: { key: string; label: (from: Date, to: Date) => string; entries: [string, number][] }[] = [];
  if (options.by === 'week') {
    const byWeek = new Map<string, (typeof groups)[number]>();
    for (const e of ordered) {
      const w = isoWeek(new Date(e[1]));
      const key = `${w.year}-W${String(w.week).padStart(2, '0')}`;
      let g = byWeek.get(key);
      if (!g) {
        const sunday = new Date(w.monday.getTime() + 6 * 86_400_000);
        g = { key, label: () => `${key} (${day(w.monday)} – ${day(sunday)})`, entries: [] };
        byWeek.set(key, g);
        groups.push(g);
      }
      g.entries.push(e);
    }
  } else
    for (let i = 0; i < ordered.length; i += batchSize) {
      const slice = ordered.slice(i, i + batchSize);
      groups.push({ key: String(i / batchSize + 1), label: (from, to) => `entries ${i + 1}–${i + slice.length} (${day(from)} – ${day(to)})`, entries: slice });
    }

  // Each group's cells: its units of each dimension's cells, found in one pass over the units (a
  // study of 100,000 entries has 2,000 batches), in the order they stand there.
  const groupOf = new Map<string, number>();
  groups.forEach((g, k) => g.entries.forEach(([id]) => groupOf.set(id, k)));
  const unitsByGroup = new Map<string, number[][]>();
  const cellsOfGroup = (k: number) => (dim: Dimension): DimensionCells => {
    const { units, cells } = all.cellsOf(dim);
    let byGroup = unitsByGroup.get(dim.id);
    if (!byGroup) {
      unitsByGroup.set(dim.id, (byGroup = groups.map(() => [])));
      units.forEach((entry, u) => {
        const g = groupOf.get(entry);
        if (g !== undefined) byGroup![g].push(u);
      });
    }
    const mine = byGroup[k];
    return { units: mine.map((u) => units[u]), cells: cells.map((row) => mine.map((u) => row[u])) };
  };

  return {
    by: options.by,
    batchSize,
    figure: { scope: overall.scope, measure: overall.measure, description: overall.description },
    overall: overall.figure,
    groups: groups.map((g, k) => {
      const from = new Date(g.entries[0][1]);
      const to = new Date(g.entries[g.entries.length - 1][1]);
      return { key: g.key, label: g.label(from, to), from: from.toISOString(), to: to.toISOString(), entries: g.entries.length, figure: primaryFigure(report({ raters, cellsOf: cellsOfGroup(k) }))!.figure };
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

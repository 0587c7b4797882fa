import type { Codebook } from '../shared/codebook/index.ts';
import type { Dimension } from '../shared/codebook/schema.ts';
import { pinnedText } from '../shared/codebook/lines.ts';
import { findDimension, isEmptyValue, type LabelValue } from '../shared/codebook/values.ts';
import { compareIds } from '../shared/ids.ts';
import { buildAgreementReportFrom, knownDistinct, onceEachDimension, type AgreementInput, type AgreementLabel, type AgreementOptions, type CellUnitsWanted, type DbAgreementReport, type DimensionCells } from '../shared/agreement/report.ts';
import { latestTimes, type EntryTimes } from '../shared/agreement/drift.ts';
import { valueText, type NumberedLines } from '../shared/tables/provenance.ts';
import { badInput } from '../shared/errors.ts';
import { countsAs, standingOf } from './assignments.ts';
import type { Db } from './database.ts';
import { adoptKeptResult, currentForAgreement, currentWithTimes, ENTRIES_IN_ORDER, fromKeptColumns, keepsResult, type AgreementRows, type ForAgreement, type LogMark } from './data/agreement-rows.ts';
import { currentWithLabelTimes } from './data/label-times.ts';
import { openStore } from './data/index.ts';
import { TEXT_FIELDS } from './data/entries.ts';
import { labelsDigest, type LabelsDigest } from './provenance.ts';

export interface AgreementQuery {
  /** One dimension (id or label); the pooled figures are left out. */
  dimension?: string;
  bootstrap?: number;
  seed?: number;
  /** Count draft labels too (default: submitted entries only). */
  includeDrafts?: boolean;
  /** Only these annotators, any role (default: everyone with role 'annotator'). */
  annotators?: string[];
  /**
   * Also count these annotators' labels on entries not assigned to them (once the project assigns
   * entries, only an entry's assignees count on it by default).
   */
  includeUnassigned?: string[];
  /** Only labels recorded under this codebook version (default: all). */
  codebookVersion?: string;
  /** List the units behind each coincidence cell: every figure's (default), none, one figure's (`figureKey`), or one cell of one figure's. */
  cellUnits?: CellUnitsWanted;
  /** Only the figure that stands for each dimension and the pooled one (AgreementOptions.primaryOnly), without their pairwise tables: what a table of groups shows. */
  primaryOnly?: boolean;
  /** Only the pooled figures, without their pairwise tables (AgreementOptions.pooledAlone, pairwise): what a pooled cell's entries rest on. */
  pooledAlone?: boolean;
  /** Only these entries (external ids): a calibration round's. */
  entries?: ReadonlySet<string>;
}

export type { DbAgreementReport } from '../shared/agreement/report.ts';

/** The labels agreement counts, chosen once for every figure computed on them (alpha, coefficients, drift, coders). */
export interface AgreementSelection {
  codebook: Codebook;
  /** The dimension asked for, resolved to its id. */
  dimension?: string;
  /** The annotators named, in the order given (default: undefined, every counted annotator). */
  annotators?: string[];
  labels: AgreementLabel[];
  /** What DbAgreementReport['selection'] says, less the raters (the report names them). */
  selection: Omit<DbAgreementReport['selection'], 'annotators'>;
}

/** The labels agreement counts: indexes into `rows`, with each counted value parsed (by value index). */
interface CountedLabels {
  rows: AgreementRows;
  counted: Int32Array;
  parsed: (LabelValue | undefined)[];
}

/**
 * The one place that decides which labels agreement counts: walks the stored labels once and
 * keeps the counted ones. Submitted labels only (drafts on request); people with role
 * `annotator` unless `annotators` names others (naming a lead, the reference labels or a machine
 * coder is the lead's choice to count them); who counts on an entry is raterRule's answer
 * (db/assignments.ts), read here from each label's row; a round keeps its own entries.
 */
function walkCountedLabels(db: Db, query: AgreementQuery, opts: { times?: 'text'; read?: ForAgreement } = {}) {
  const store = openStore(db);
  const codebook = store.project.codebookIfAny();
  if (!codebook) throw badInput('this database has no project yet; import entries first');

  let dimension: string | undefined;
  if (query.dimension !== undefined) {
    const dim = findDimension(codebook, query.dimension);
    if (!dim) throw badInput(`unknown dimension "${query.dimension}" (known: ${codebook.dimensions.map((d) => d.id).join(', ')})`, { field: 'dimension' });
    dimension = dim.id;
  }

  const resolve = (names: string[], field: string) => {
    const rows = names.map((name) => {
      const row = store.annotators.byName(name.trim());
      if (!row) throw badInput(`unknown annotator "${name}"`, { field });
      return row;
    });
    return rows.filter((r, i) => rows.findIndex((x) => x.name === r.name) === i);
  };
  const named = query.annotators ? resolve(query.annotators, 'annotators') : undefined;
  const annotators = named?.map((a) => a.name);
  // An annotator named in `annotators` still counts only where assigned, unless also in `includeUnassigned`.
  const machines = new Set(store.annotators.machines());
  const include = [
    ...(query.includeUnassigned ? resolve(query.includeUnassigned, 'includeUnassigned') : []),
    ...(named ?? []).filter((a) => a.role !== 'annotator' || machines.has(a.name)),
  ];
  const included = new Set(include.map((a) => a.name));
  const byAssignment = store.assignments.any();
  // Every walk numbers the entries in their natural order: read once while nothing is written.
  const order = fromKeptColumns(db, ENTRIES_IN_ORDER, () => store.entries.inOrder());
  // The report's own read is kept between calls (the label objects carry each label's time as its text);
  // or what the caller read (the rows drift read again with their times).
  const { rows, submitted, assigned } = opts.read ?? (opts.times === 'text' ? currentWithTimes(db) : currentForAgreement(db));

  // Who each annotator is to agreement, worked out once: whether their labels are looked at, and
  // for a label on an entry assigned to them or not, whether it counts and whether it is listed
  // among the labels on entries not assigned to their author.
  const selected = annotators ? new Set(annotators) : undefined;
  type Rater = { name: string; submitted?: Uint8Array; assigned?: Uint8Array; counts: [boolean, boolean]; listed: [boolean, boolean] };
  const raters = new Map<number, Rater>();
  for (const a of store.annotators.all()) {
    if (selected ? !selected.has(a.name) : a.role !== 'annotator') continue;
    const machine = machines.has(a.name);
    const standing = (isAssigned: boolean) => standingOf(a.role, byAssignment, isAssigned, included.has(a.name), machine);
    const listed = (s: string) => a.role === 'annotator' && !machine && (s === 'not-assigned' || s === 'included');
    raters.set(a.id, {
      name: a.name,
      submitted: submitted.get(a.id),
      assigned: assigned.get(a.id),
      counts: [countsAs(standing(false)), countsAs(standing(true))],
      listed: [listed(standing(false)), listed(standing(true))],
    });
  }
  // By id, for the walk below (a gone row's annotator, -1, has none).
  const byId: (Rater | undefined)[] = [];
  for (const [id, r] of raters) byId[id] = r;
  const versionWanted = query.codebookVersion === undefined ? -1 : rows.versions.indexOf(query.codebookVersion);
  const dimensionWanted = dimension === undefined ? -1 : rows.dimensions.indexOf(dimension);
  let inRound: Uint8Array | undefined;
  if (query.entries) {
    inRound = new Uint8Array(order.reduce((m, [rowId]) => Math.max(m, rowId + 1), 0));
    for (const [rowId, extId] of order) if (query.entries.has(extId)) inRound[rowId] = 1;
  }

  const counted = new Int32Array(rows.count);
  let n = 0;
  const parsed: (LabelValue | undefined)[] = new Array(rows.values.length);
  const versionUsed = new Uint8Array(rows.versions.length);
  // Annotators' labels on entries not assigned to them: left out, or counted because the lead said so.
  const unassigned = new Map<string, { labels: number; entries: Set<number>; included: boolean }>();
  const nothing = (query.codebookVersion !== undefined && versionWanted < 0) || (dimension !== undefined && dimensionWanted < 0);
  for (let i = 0; i < rows.count && !nothing; i++) {
    const rater = byId[rows.annotator[i]];
    if (!rater) continue;
    const entry = rows.entry[i];
    if (!query.includeDrafts && rater.submitted?.[entry] !== 1) continue;
    if (versionWanted >= 0 && rows.version[i] !== versionWanted) continue;
    if (dimensionWanted >= 0 && rows.dimension[i] !== dimensionWanted) continue;
    if (inRound && inRound[entry] !== 1) continue;
    const isAssigned = rater.assigned?.[entry] === 1 ? 1 : 0;
    if (rater.listed[isAssigned]) {
      const u = unassigned.get(rater.name) ?? { labels: 0, entries: new Set<number>(), included: included.has(rater.name) };
      unassigned.set(rater.name, u);
      u.labels++;
      u.entries.add(entry);
    }
    if (!rater.counts[isAssigned]) continue;
    const v = rows.value[i];
    if (parsed[v] === undefined) {
      try {
        parsed[v] = JSON.parse(rows.values[v]) as LabelValue;
      } catch {
        throw badInput(`the stored label of ${rater.name} on ${order.find(([rowId]) => rowId === entry)?.[1]} is not JSON`, { field: rows.dimensions[rows.dimension[i]] });
      }
    }
    versionUsed[rows.version[i]] = 1;
    counted[n++] = i;
  }
  const people = new Map([...raters].map(([id, r]) => [id, r.name]));
  return {
    codebook,
    dimension,
    annotators,
    order,
    people,
    labels: { rows, counted: counted.subarray(0, n), parsed } satisfies CountedLabels,
    selection: {
      includeDrafts: query.includeDrafts ?? false,
      codebookVersion: query.codebookVersion ?? null,
      labels: n,
      codebookVersions: rows.versions.filter((_, k) => versionUsed[k] === 1).sort(),
      byAssignment,
      unassigned: [...unassigned]
        .map(([annotator, u]) => ({ annotator, labels: u.labels, entries: u.entries.size, included: u.included }))
        .sort((a, b) => (a.annotator < b.annotator ? -1 : a.annotator > b.annotator ? 1 : 0)),
    },
  };
}

/**
 * Agreement among the annotators' own labels: submitted ones (drafts on request), never the
 * adjudicated decisions. Who counts on an entry is `raterRule`'s answer: once the project
 * assigns entries, an annotator's labels count only on the entries assigned to them, and the
 * report lists the labels it left out. Reference labels (a published dataset), adjudicators'
 * labels and machine coders count only when named in `annotators`.
 */
export function agreementReport(db: Db, query: AgreementQuery = {}, hooks: ReportHooks = {}): DbAgreementReport {
  // Figures without intervals or the entries behind their cells rest on the labels alone: kept with them until anything is written.
  const keepable = keptReport(query) && !hooks.onProgress && !hooks.shouldStop && !hooks.onFigureData;
  return keepable ? fromKeptColumns(db, reportKey(query), () => makeReport(db, query, hooks)) : makeReport(db, query, hooks);
}

/** What a report's caller may follow or stop it by. */
type ReportHooks = Pick<AgreementOptions, 'onProgress' | 'shouldStop' | 'onFigureData'>;

function makeReport(db: Db, query: AgreementQuery, hooks: ReportHooks): DbAgreementReport {
  const { codebook, dimension, input, selection } = countedCells(db, query);
  const report = buildAgreementReportFrom(
    codebook,
    input,
    {
      bootstrap: query.bootstrap,
      seed: query.seed,
      dimension,
      cellUnits: query.cellUnits,
      primaryOnly: query.primaryOnly,
      ...(query.pooledAlone ? { pooledAlone: true } : {}),
      // A table of groups and a pooled cell's entries show no pairwise figures (a tenth of a report's time at 100k).
      ...(query.pooledAlone || query.primaryOnly ? { pairwise: false } : {}),
      onProgress: hooks.onProgress,
      shouldStop: hooks.shouldStop,
      onFigureData: hooks.onFigureData,
    },
  );
  const { includeDrafts, codebookVersion, ...rest } = selection;
  return { ...report, selection: { includeDrafts, codebookVersion, annotators: report.raters, ...rest } };
}

/** What a report kept with the labels is kept by: its selection and every option besides. */
const reportKey = (query: AgreementQuery) => `agreementReport\u0000${selectionKey(query)}\u0000${JSON.stringify([query.seed ?? null, query.primaryOnly ?? false, query.pooledAlone ?? false])}`;

/** The report the Agreement view opens with, on every counted label, without intervals. */
const VIEW_OPENS_WITH: AgreementQuery = { bootstrap: 0, cellUnits: false };

/** A report worked out ahead (in a worker), with the place in the event log of the labels it counted. */
export interface ReportAhead {
  report: DbAgreementReport;
  logMark: LogMark;
}

/**
 * A report worked out in a worker for the service to take over (`adoptReportAhead`), read in one
 * snapshot: by default the one the Agreement view opens with, ahead of it; or one a view asked for.
 */
export function reportAhead(db: Db, query: AgreementQuery = VIEW_OPENS_WITH): ReportAhead {
  return db.transaction(() => ({ logMark: openStore(db).events.newest(), report: agreementReport(db, query) }))();
}

/** Whether this connection holds a report (by default the one the Agreement view opens with), current: worked out here or taken over. */
export function reportInHand(db: Db, query: AgreementQuery = VIEW_OPENS_WITH): boolean {
  return keepsResult(db, reportKey(query));
}

/** Whether a report is kept with the labels once worked out (no intervals, no entries behind its cells), so that one worked out in a worker can be taken over. */
export const keptReport = (query: AgreementQuery): boolean => query.bootstrap === 0 && query.cellUnits === false;

/**
 * Keeps a report worked out ahead on another connection as if worked out here, when this
 * connection's labels stand where it does in the log and nothing was written since; the
 * Agreement view's first report of a session then computes nothing.
 */
export function adoptReportAhead(db: Db, ahead: ReportAhead, query: AgreementQuery = VIEW_OPENS_WITH): boolean {
  return adoptKeptResult(db, reportKey(query), ahead.report, ahead.logMark);
}

/** The labels agreement counts, as every report reads them: each dimension's cells, and what the hash and drift need of the labels. */
export interface CountedCells {
  codebook: Codebook;
  /** The dimension asked for, resolved to its id. */
  dimension?: string;
  /** The annotators named, in the order given (default: undefined, every counted annotator). */
  annotators?: string[];
  /** The raters (those named, else everyone with a counted label, in the natural order of names) and each dimension's units x raters, gathered once. */
  input: AgreementInput;
  /** What DbAgreementReport['selection'] says, less the raters (the report names them). */
  selection: AgreementSelection['selection'];
  /** The counted labels by number as the provenance hash reads them (shared/tables/provenance.ts), entries by their natural rank. */
  hashed(): NumberedLines;
  /** How many labels `hashed` numbers and the SHA-256 of their text, worked out once. */
  digest(): LabelsDigest;
  /** Each entry's time, from its counted labels on the codebook's dimensions (`times: true` only). */
  times(): EntryTimes;
}

/**
 * The labels agreement counts as cells, straight from the columns (no object per label): the
 * alpha report, the coefficients and drift all stand on these. Cells that hold the same stored
 * value hold the same parsed object, so a figure can work a value out once per distinct value.
 */
export function countedCells(db: Db, query: AgreementQuery = {}, opts: { times?: boolean } = {}): CountedCells {
  const key = `countedCells\u0000${selectionKey(query)}`;
  const kept = () => fromKeptColumns(db, key, () => cellsOfCounted(db, countedLabelColumns(db, query)));
  if (!opts.times) return kept();
  return db.transaction(() => {
    const counted = kept();
    const timed = currentWithLabelTimes(db);
    // The times of the kept rows the counted labels index; else (rows read again with their times) the labels counted on those.
    const own = timed.rows === counted.rows ? counted : cellsOfCounted(db, walkCountedLabels(db, query, { read: timed }));
    return { ...own, times: () => own.timesWith(timed.timeOf) };
  })();
}

/**
 * Everything the counted labels depend on in a query (not the bootstrap, nor which figures or
 * cells are listed): what `fromKeptColumns` keeps them by.
 */
function selectionKey(query: AgreementQuery): string {
  return JSON.stringify([
    query.dimension ?? null,
    query.includeDrafts ?? false,
    query.annotators ?? null,
    query.includeUnassigned ?? null,
    query.codebookVersion ?? null,
    query.entries ? [...query.entries].sort() : null,
  ]);
}

/** `CountedCells` of the labels walked, without times: those come with the rows drift reads (`timesWith`). */
function cellsOfCounted(db: Db, walked: ReturnType<typeof walkCountedLabels>): CountedCells & { rows: AgreementRows; timesWith(timeOf: Float64Array): EntryTimes } {
  const { codebook, dimension, annotators, order, people, labels, selection } = walked;
  const { rows, counted, parsed } = labels;
  // The counted labels of each dimension (by its index among the rows' dimensions): a bucket each.
  const dimensionStart = new Int32Array(rows.dimensions.length + 1);
  for (const i of counted) dimensionStart[rows.dimension[i] + 1]++;
  for (let d = 0; d < rows.dimensions.length; d++) dimensionStart[d + 1] += dimensionStart[d];
  const byDimension = new Int32Array(counted.length);
  const nextOfDimension = dimensionStart.slice(0, rows.dimensions.length);
  for (const i of counted) byDimension[nextOfDimension[rows.dimension[i]]++] = i;
  const rankOf = new Int32Array(order.reduce((m, [rowId]) => Math.max(m, rowId + 1), 0));
  order.forEach(([rowId], rank) => (rankOf[rowId] = rank));

  // Raters: those named, else everyone with a counted label, in the natural order of names.
  const ids = [...people.keys()];
  const withLabels = new Uint8Array(ids.reduce((m, id) => Math.max(m, id + 1), 0));
  for (const i of counted) withLabels[rows.annotator[i]] = 1;
  const raters = annotators ?? ids.filter((id) => withLabels[id] === 1).map((id) => people.get(id)!).sort(compareIds);
  const raterIndex = new Map(raters.map((r, i) => [r, i]));
  const raterOf = new Int32Array(withLabels.length).fill(-1);
  for (const [id, name] of people) raterOf[id] = raterIndex.get(name) ?? -1;
  const empty = parsed.map((v) => v !== undefined && isEmptyValue(v));
  /**
   * A dimension's units (entries with a counted label, in natural order) x raters, as
   * `collectCells` gives them. Each cell's stored value is placed first as a number, so the
   * distinct values (`distinctValues`: one parsed object per stored value) are numbered from
   * those rather than found again object by object.
   */
  const cellsOf = (dim: Dimension): DimensionCells => {
    const d = rows.dimensions.indexOf(dim.id);
    if (d < 0 || dimensionStart[d + 1] === dimensionStart[d]) return { units: [], cells: raters.map(() => []) };
    const own = byDimension.subarray(dimensionStart[d], dimensionStart[d + 1]);
    // Units in natural order: mark the ranks that have a label, then read them in order.
    const unitOf = new Int32Array(order.length).fill(-1);
    let U = 0;
    for (const i of own) {
      const rank = rankOf[rows.entry[i]];
      if (unitOf[rank] < 0) U++;
      unitOf[rank] = 0;
    }
    const units = new Array<string>(U).fill('');
    for (let rank = 0, u = 0; rank < order.length; rank++) if (unitOf[rank] === 0) units[(unitOf[rank] = u++)] = order[rank][1];
    const R = raters.length;
    // Each cell's stored value (-1: missing), rater by rater.
    const held = new Int32Array(R * U).fill(-1);
    for (const i of own) {
      const r = raterOf[rows.annotator[i]];
      const v = rows.value[i];
      if (r >= 0 && !empty[v]) held[r * U + unitOf[rankOf[rows.entry[i]]]] = v;
    }
    const distinctOf = new Int32Array(parsed.length).fill(-1);
    const distinct: LabelValue[] = [];
    const index = new Int32Array(R * U);
    const cells: (LabelValue | undefined)[][] = [];
    for (let r = 0, at = 0; r < R; r++) {
      // Made whole and filled (growing an array 100,000 long by push costs several times as much on a large heap).
      const row = new Array<LabelValue | undefined>(U).fill(undefined);
      for (let u = 0; u < U; u++, at++) {
        const v = held[at];
        if (v < 0) {
          index[at] = -1;
          continue;
        }
        if (distinctOf[v] < 0) distinctOf[v] = distinct.push(parsed[v]!) - 1;
        row[u] = parsed[v];
        index[at] = distinctOf[v];
      }
      cells.push(row);
    }
    knownDistinct(cells, { distinct, index });
    if (dim.kind !== 'lines') return { units, cells };
    // Each line of the text the dimension pins to is a unit: how many lines each entry's text has.
    const counts = openStore(db).entries.lineCountsOf(TEXT_FIELDS[pinnedText(dim)]);
    const rowOf = new Map(order.map(([rowId, extId]) => [extId, rowId]));
    return { units, cells, lines: units.map((u) => counts.get(rowOf.get(u)!) ?? 0) };
  };

  const hashed = (): NumberedLines => {
    const dims = new Map(codebook.dimensions.map((d) => [d.id, d]));
    // Each line after its entry, written once per annotator, dimension and stored value.
    const person = new Int32Array(withLabels.length);
    ids.forEach((id, k) => (person[id] = k));
    // Each annotator, dimension and stored value's rest, by one number: in an array while they are few enough.
    const keys = rows.values.length * rows.dimensions.length * people.size;
    const restOf = keys <= 1 << 22 ? new Int32Array(keys).fill(-1) : undefined;
    const restOfMany = new Map<number, number>();
    const rests: string[] = [];
    const entry = new Int32Array(counted.length);
    const rest = new Int32Array(counted.length);
    let n = 0;
    for (const i of counted) {
      const v = rows.value[i];
      if (empty[v]) continue;
      const a = rows.annotator[i];
      const d = rows.dimension[i];
      const key = (v * rows.dimensions.length + d) * people.size + person[a];
      let r = restOf ? restOf[key] : (restOfMany.get(key) ?? -1);
      if (r < 0) {
        const id = rows.dimensions[d];
        r = rests.push(`${people.get(a)}\t${id}\t${valueText(dims.get(id), parsed[v]!)}`) - 1;
        if (restOf) restOf[key] = r;
        else restOfMany.set(key, r);
      }
      entry[n] = rankOf[rows.entry[i]];
      rest[n++] = r;
    }
    return { entries: order.map(([, extId]) => extId), rests, entry: entry.subarray(0, n), rest: rest.subarray(0, n) };
  };

  const timesWith = (timeOf: Float64Array): EntryTimes => {
    const known = new Uint8Array(rows.dimensions.length);
    for (const d of codebook.dimensions) if (rows.dimensions.includes(d.id)) known[rows.dimensions.indexOf(d.id)] = 1;
    // (A loop: a typed array's `filter` takes many times as long on a million labels.)
    const dated = new Int32Array(counted.length);
    let n = 0;
    for (const i of counted) if (known[rows.dimension[i]] === 1) dated[n++] = i;
    // Entries by their rank in the natural order, as `latestTimes` numbers them.
    return latestTimes(n, order.length, (k) => rankOf[rows.entry[dated[k]]], (k) => timeOf[dated[k]], (rank) => order[rank][1]);
  };

  // Worked out once: every tab that shows a provenance hashes the same labels.
  let digest: LabelsDigest | undefined;
  const hashedDigest = () => (digest ??= labelsDigest(hashed()));
  const times = (): EntryTimes => {
    throw new Error('countedCells: the labels were counted without their times');
  };
  return { codebook, dimension, annotators, input: onceEachDimension({ raters, cellsOf }), selection, hashed, digest: hashedDigest, times, rows, timesWith };
}

/**
 * The labels agreement counts (see `agreementReport`), each with its entry, time and codebook
 * version, for the figures beside alpha. Naming a lead, the reference labels or a machine coder
 * in `annotators` counts them.
 */
export function selectAgreementLabels(db: Db, query: AgreementQuery = {}, { times = true }: { times?: boolean } = {}): AgreementSelection {
  const refs = openStore(db).entries.refs();
  // Without times the labels come from the columns kept between calls (or handed to a job's worker).
  const { codebook, dimension, annotators, people, labels: counted, selection } = walkCountedLabels(db, query, { times: times ? 'text' : undefined });
  const { rows, parsed } = counted;
  // In the order the report reads its units: entries in natural order, then annotators (compareIds),
  // then dimensions. Each is ranked once, and the labels sorted by one number made of the three.
  const entryAt = new Map(refs.map((e, rank) => [e.rowId, { ref: e, rank }]));
  const annotatorRank = new Map([...people.values()].sort(compareIds).map((name, k) => [name, k]));
  const rankOfAnnotator = new Map([...people].map(([id, name]) => [id, annotatorRank.get(name)!]));
  const dimensionOrder = rows.dimensions.map((d, k) => [d, k] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const dimensionRank = new Int32Array(rows.dimensions.length);
  dimensionOrder.forEach(([, k], rank) => (dimensionRank[k] = rank));
  const keyOf = (i: number) => (entryAt.get(rows.entry[i])!.rank * people.size + rankOfAnnotator.get(rows.annotator[i])!) * rows.dimensions.length + dimensionRank[rows.dimension[i]];
  // Sorted as numbers, key x count + row (under 2^53 up to some ten million entries), rather than as a million objects.
  const sorted = Float64Array.from(counted.counted, (i) => keyOf(i) * rows.count + i).sort();
  const labels: AgreementLabel[] = Array.from(sorted, (k) => {
    const i = k % rows.count;
    const e = entryAt.get(rows.entry[i])!.ref;
    return {
      entryId: e.id,
      annotator: people.get(rows.annotator[i])!,
      dimension: rows.dimensions[rows.dimension[i]],
      value: parsed[rows.value[i]]!,
      passed: e.passed,
      ...(rows.times ? { time: rows.times[i] } : {}),
      codebookVersion: rows.versions[rows.version[i]],
    };
  });
  return { codebook, dimension, annotators, labels, selection };
}

/**
 * The labels agreement counts (see `walkCountedLabels`) as indexes into the kept label columns,
 * with the entries in natural order and the annotators by id: for figures computed on the
 * columns (the coder and machine figures, db/coded-columns.ts) rather than on a label object each.
 */
export function countedLabelColumns(db: Db, query: AgreementQuery = {}): ReturnType<typeof walkCountedLabels> {
  // Every tab walks the same labels: walked once while nothing is written.
  return fromKeptColumns(db, `counted\u0000${selectionKey(query)}`, () => walkCountedLabels(db, query));
}

/**
 * What the Agreement view's report and tabs all stand on by default, worked out ahead of them in
 * a worker readied for them (db/jobs/worker.ts): the labels counted, every dimension's cells and
 * their provenance hash, kept with the columns (`fromKeptColumns`) until anything is written.
 */
export function countAhead(db: Db): void {
  const { codebook, input, digest } = countedCells(db, {});
  for (const dim of codebook.dimensions) input.cellsOf(dim);
  digest();
}

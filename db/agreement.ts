import type { Codebook } from '../shared/codebook/index.ts';
import type { Dimension } from '../shared/codebook/schema.ts';
import { pinnedText } from '../shared/codebook/lines.ts';
import { findDimension, isEmptyValue, type LabelValue } from '../shared/codebook/values.ts';
import { compareIds } from '../shared/ids.ts';
import { buildAgreementReportFrom, type AgreementLabel, type AgreementOptions, type DbAgreementReport, type DimensionCells } from '../shared/agreement/report.ts';
import { badInput } from '../shared/errors.ts';
import { countsAs, standingOf } from './assignments.ts';
import type { Db } from './database.ts';
import { openStore } from './data/index.ts';
import { TEXT_FIELDS } from './data/entries.ts';

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
  /** List the units behind each coincidence cell: every figure's (default), none, or one figure's (`figureKey`). */
  cellUnits?: boolean | string;
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

/** One counted label as the walk hands it over: entry row id, rater, dimension, value (parsed once per distinct text), version, time. */
type CountedLabel = (entryRowId: number, rater: string, dimension: string, value: LabelValue, version: string, updatedAt: string) => void;

/**
 * The one place that decides which labels agreement counts: walks the stored labels once and
 * hands each counted one to `visit`. Submitted labels only (drafts on request); people with role
 * `annotator` unless `annotators` names others (naming a lead, the reference labels or a machine
 * coder is the lead's choice to count them); who counts on an entry is raterRule's answer
 * (db/assignments.ts), read here from each label's row; a round keeps its own entries.
 */
function walkCountedLabels(db: Db, query: AgreementQuery, visit: CountedLabel) {
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

  const people = new Map(store.annotators.all().map((a) => [a.id, a]));
  const order = store.entries.inOrder();
  const extIdOf = new Map(order);

  const selected = annotators ? new Set(annotators) : undefined;
  const versions = new Set<string>();
  // Each distinct stored value is parsed once and shared: the report tells values apart by identity.
  const parsed = new Map<string, LabelValue>();
  let counted = 0;
  // Annotators' labels on entries not assigned to them: left out, or counted because the lead said so.
  const unassigned = new Map<string, { labels: number; entries: Set<number>; included: boolean }>();
  for (const [entryRowId, annotatorId, dim, json, version, assigned, updatedAt] of store.labels.forAgreementRows(!!query.includeDrafts)) {
    const a = people.get(annotatorId)!;
    if (selected ? !selected.has(a.name) : a.role !== 'annotator') continue;
    if (query.codebookVersion !== undefined && version !== query.codebookVersion) continue;
    if (dimension !== undefined && dim !== dimension) continue;
    if (query.entries && !query.entries.has(extIdOf.get(entryRowId)!)) continue;
    const machine = machines.has(a.name);
    const standing = standingOf(a.role, byAssignment, assigned === 1, included.has(a.name), machine);
    if (a.role === 'annotator' && !machine && (standing === 'not-assigned' || standing === 'included')) {
      const u = unassigned.get(a.name) ?? { labels: 0, entries: new Set<number>(), included: standing === 'included' };
      unassigned.set(a.name, u);
      u.labels++;
      u.entries.add(entryRowId);
    }
    if (!countsAs(standing)) continue;
    let value = parsed.get(json);
    if (value === undefined) {
      try {
        value = JSON.parse(json) as LabelValue;
      } catch {
        throw badInput(`the stored label of ${a.name} on ${extIdOf.get(entryRowId)} is not JSON`, { field: dim });
      }
      parsed.set(json, value);
    }
    versions.add(version);
    counted++;
    visit(entryRowId, a.name, dim, value, version, updatedAt);
  }
  return {
    codebook,
    dimension,
    annotators,
    order,
    selection: {
      includeDrafts: query.includeDrafts ?? false,
      codebookVersion: query.codebookVersion ?? null,
      labels: counted,
      codebookVersions: [...versions].sort(),
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
export function agreementReport(db: Db, query: AgreementQuery = {}, hooks: Pick<AgreementOptions, 'onProgress' | 'shouldStop'> = {}): DbAgreementReport {
  // The counted labels, per dimension: entry row id, rater name, value.
  const byDimension = new Map<string, { rows: number[]; raters: string[]; values: LabelValue[] }>();
  const { codebook, dimension, annotators, order, selection } = walkCountedLabels(db, query, (entryRowId, rater, dim, value) => {
    let d = byDimension.get(dim);
    if (!d) byDimension.set(dim, (d = { rows: [], raters: [], values: [] }));
    d.rows.push(entryRowId);
    d.raters.push(rater);
    d.values.push(value);
  });
  const rankOf = new Map(order.map(([rowId], i) => [rowId, i]));

  // Raters: those named, else everyone with a counted label, in the natural order of names.
  const raters = annotators ?? [...new Set([...byDimension.values()].flatMap((d) => [...new Set(d.raters)]))].sort(compareIds);
  const raterIndex = new Map(raters.map((r, i) => [r, i]));
  const empty = new Map<LabelValue, boolean>();
  const isEmpty = (v: LabelValue) => {
    let e = empty.get(v);
    if (e === undefined) empty.set(v, (e = isEmptyValue(v)));
    return e;
  };
  /** A dimension's units (entries with a counted label, in natural order) x raters, as `collectCells` gives them. */
  const cellsOf = (dim: Dimension): DimensionCells => {
    const d = byDimension.get(dim.id);
    if (!d) return { units: [], cells: raters.map(() => []) };
    // Units in natural order: mark the ranks that have a label, then read them in order.
    const unitOf = new Int32Array(order.length).fill(-1);
    const ranks = d.rows.map((id) => rankOf.get(id)!);
    for (const rank of ranks) unitOf[rank] = 0;
    const units: string[] = [];
    for (let rank = 0; rank < order.length; rank++) if (unitOf[rank] === 0) unitOf[rank] = units.push(order[rank][1]) - 1;
    const cells = raters.map(() => new Array<LabelValue | undefined>(units.length).fill(undefined));
    for (let i = 0; i < ranks.length; i++) {
      const r = raterIndex.get(d.raters[i]);
      if (r !== undefined && !isEmpty(d.values[i])) cells[r][unitOf[ranks[i]]] = d.values[i];
    }
    if (dim.kind !== 'lines') return { units, cells };
    // Each line of the text the dimension pins to is a unit: how many lines each entry's text has.
    const counts = openStore(db).entries.lineCountsOf(TEXT_FIELDS[pinnedText(dim)]);
    const rowOf = new Map(order.map(([rowId, extId]) => [extId, rowId]));
    return { units, cells, lines: units.map((u) => counts.get(rowOf.get(u)!) ?? 0) };
  };

  const report = buildAgreementReportFrom(
    codebook,
    { raters, cellsOf },
    { bootstrap: query.bootstrap, seed: query.seed, dimension, cellUnits: query.cellUnits, onProgress: hooks.onProgress, shouldStop: hooks.shouldStop },
  );
  const { includeDrafts, codebookVersion, ...rest } = selection;
  return { ...report, selection: { includeDrafts, codebookVersion, annotators: report.raters, ...rest } };
}

/**
 * The labels agreement counts (see `agreementReport`), each with its entry, time and codebook
 * version, for the figures beside alpha. Naming a lead, the reference labels or a machine coder
 * in `annotators` counts them.
 */
export function selectAgreementLabels(db: Db, query: AgreementQuery = {}): AgreementSelection {
  const entries = new Map(openStore(db).entries.refs().map((e) => [e.rowId, e]));
  const labels: AgreementLabel[] = [];
  const { codebook, dimension, annotators, selection } = walkCountedLabels(db, query, (entryRowId, annotator, dim, value, version, updatedAt) => {
    const e = entries.get(entryRowId)!;
    labels.push({ entryId: e.id, annotator, dimension: dim, value, passed: e.passed, time: updatedAt, codebookVersion: version });
  });
  // In the order the report reads its units: entries in natural order, then annotators, then dimensions.
  const rank = new Map([...entries.values()].map((e, i) => [e.id, i]));
  labels.sort((a, b) => rank.get(a.entryId)! - rank.get(b.entryId)! || compareIds(a.annotator, b.annotator) || (a.dimension < b.dimension ? -1 : a.dimension > b.dimension ? 1 : 0));
  return { codebook, dimension, annotators, labels, selection };
}

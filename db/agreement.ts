import type { Dimension } from '../shared/codebook/schema.ts';
import { findDimension, isEmptyValue, type LabelValue } from '../shared/codebook/values.ts';
import { compareIds } from '../shared/ids.ts';
import { buildAgreementReportFrom, type AgreementOptions, type DbAgreementReport, type DimensionCells } from '../shared/agreement/report.ts';
import { badInput } from '../shared/errors.ts';
import { countsAs, standingOf } from './assignments.ts';
import type { Db } from './database.ts';
import { openStore } from './data/index.ts';

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
}

export type { DbAgreementReport } from '../shared/agreement/report.ts';

/**
 * Agreement among the annotators' own labels: submitted ones (drafts on request), never the
 * adjudicated decisions. Who counts on an entry is `raterRule`'s answer: once the project
 * assigns entries, an annotator's labels count only on the entries assigned to them, and the
 * report lists the labels it left out. Reference labels (a published dataset) and adjudicators'
 * labels count only when named in `annotators`.
 */
export function agreementReport(db: Db, query: AgreementQuery = {}, hooks: Pick<AgreementOptions, 'onProgress' | 'shouldStop'> = {}): DbAgreementReport {
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
  // Naming a lead or the reference labels is the lead's choice to count them; an annotator named
  // in `annotators` still counts only where assigned, unless also in `includeUnassigned`.
  const include = [...(query.includeUnassigned ? resolve(query.includeUnassigned, 'includeUnassigned') : []), ...(named ?? []).filter((a) => a.role !== 'annotator')];
  // Who counts where is raterRule's answer (db/assignments.ts), read here from each label's row.
  const included = new Set(include.map((a) => a.name));
  const byAssignment = store.assignments.any();

  // Who is who, and where each entry stands in the natural order of ids.
  const people = new Map(store.annotators.all().map((a) => [a.id, a]));
  const order = store.entries.inOrder();
  const extIdOf = new Map(order.map(([rowId, extId]) => [rowId, extId]));
  const rankOf = new Map(order.map(([rowId], i) => [rowId, i]));

  const selected = annotators ? new Set(annotators) : undefined;
  const versions = new Set<string>();
  // Each distinct stored value is parsed once and shared: the report tells values apart by identity.
  const parsed = new Map<string, LabelValue>();
  // The counted labels, per dimension: entry rank, rater name, value.
  const byDimension = new Map<string, { ranks: number[]; raters: string[]; values: LabelValue[] }>();
  let counted = 0;
  // Annotators' labels on entries not assigned to them: left out, or counted because the lead said so.
  const unassigned = new Map<string, { labels: number; entries: Set<number>; included: boolean }>();
  for (const [entryRowId, annotatorId, dim, json, version, assigned] of store.labels.forAgreementRows(!!query.includeDrafts)) {
    const a = people.get(annotatorId)!;
    if (selected ? !selected.has(a.name) : a.role !== 'annotator') continue;
    if (query.codebookVersion !== undefined && version !== query.codebookVersion) continue;
    if (dimension !== undefined && dim !== dimension) continue;
    const standing = standingOf(a.role, byAssignment, assigned === 1, included.has(a.name));
    if (a.role === 'annotator' && (standing === 'not-assigned' || standing === 'included')) {
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
    let d = byDimension.get(dim);
    if (!d) byDimension.set(dim, (d = { ranks: [], raters: [], values: [] }));
    d.ranks.push(rankOf.get(entryRowId)!);
    d.raters.push(a.name);
    d.values.push(value);
  }

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
    for (const rank of d.ranks) unitOf[rank] = 0;
    const units: string[] = [];
    for (let rank = 0; rank < order.length; rank++) if (unitOf[rank] === 0) unitOf[rank] = units.push(order[rank][1]) - 1;
    const cells = raters.map(() => new Array<LabelValue | undefined>(units.length).fill(undefined));
    for (let i = 0; i < d.ranks.length; i++) {
      const r = raterIndex.get(d.raters[i]);
      if (r !== undefined && !isEmpty(d.values[i])) cells[r][unitOf[d.ranks[i]]] = d.values[i];
    }
    return { units, cells };
  };

  const report = buildAgreementReportFrom(
    codebook,
    { raters, cellsOf },
    { bootstrap: query.bootstrap, seed: query.seed, dimension, cellUnits: query.cellUnits, onProgress: hooks.onProgress, shouldStop: hooks.shouldStop },
  );
  return {
    ...report,
    selection: {
      includeDrafts: query.includeDrafts ?? false,
      codebookVersion: query.codebookVersion ?? null,
      annotators: report.raters,
      labels: counted,
      codebookVersions: [...versions].sort(),
      byAssignment,
      unassigned: [...unassigned]
        .map(([annotator, u]) => ({ annotator, labels: u.labels, entries: u.entries.size, included: u.included }))
        .sort((a, b) => (a.annotator < b.annotator ? -1 : a.annotator > b.annotator ? 1 : 0)),
    },
  };
}

import type { Codebook } from '../shared/codebook/index.ts';
import { findDimension, type LabelValue } from '../shared/codebook/values.ts';
import { buildAgreementReport, type AgreementLabel, type DbAgreementReport } from '../shared/agreement/report.ts';
import { badInput } from '../shared/errors.ts';
import { raterRule } from './assignments.ts';
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
  /** List the units behind each coincidence cell (default true; exports and the CLI leave them out). */
  cellUnits?: boolean;
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

/**
 * Agreement among the annotators' own labels: submitted ones (drafts on request), never the
 * adjudicated decisions. Who counts on an entry is `raterRule`'s answer: once the project
 * assigns entries, an annotator's labels count only on the entries assigned to them, and the
 * report lists the labels it left out. Reference labels (a published dataset) and adjudicators'
 * labels count only when named in `annotators`.
 */
export function agreementReport(db: Db, query: AgreementQuery = {}): DbAgreementReport {
  const { codebook, dimension, annotators, labels, selection } = selectAgreementLabels(db, query);
  const report = buildAgreementReport(codebook, labels, { bootstrap: query.bootstrap, seed: query.seed, annotators, dimension, cellUnits: query.cellUnits });
  const { includeDrafts, codebookVersion, ...rest } = selection;
  return { ...report, selection: { includeDrafts, codebookVersion, annotators: report.raters, ...rest } };
}

/**
 * The labels agreement counts (see `agreementReport`), with each label's time and codebook
 * version. Naming a lead, the reference labels or a machine coder in `annotators` counts them.
 */
export function selectAgreementLabels(db: Db, query: AgreementQuery = {}): AgreementSelection {
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
  // Naming a lead, the reference labels or a machine coder is the lead's choice to count them; an
  // annotator named in `annotators` still counts only where assigned, unless also in `includeUnassigned`.
  const machines = new Set(store.annotators.machines());
  const include = [
    ...(query.includeUnassigned ? resolve(query.includeUnassigned, 'includeUnassigned') : []),
    ...(named ?? []).filter((a) => a.role !== 'annotator' || machines.has(a.name)),
  ];
  const rule = raterRule(db, { include: include.map((a) => a.name) });

  const rows = store.labels.forAgreement();

  const selected = annotators ? new Set(annotators) : undefined;
  const versions = new Set<string>();
  const labels: AgreementLabel[] = [];
  // Annotators' labels on entries not assigned to them: left out, or counted because the lead said so.
  const unassigned = new Map<string, { labels: number; entries: Set<number>; included: boolean }>();
  for (const r of rows) {
    if (selected ? !selected.has(r.annotator) : r.role !== 'annotator') continue;
    if (r.status !== 'submitted' && !query.includeDrafts) continue;
    if (query.codebookVersion !== undefined && r.version !== query.codebookVersion) continue;
    if (dimension !== undefined && r.dimension !== dimension) continue;
    if (query.entries && !query.entries.has(r.entryId)) continue;
    const standing = rule.standing(r.entryRowId, r.annotator);
    if (r.role === 'annotator' && !machines.has(r.annotator) && (standing === 'not-assigned' || standing === 'included')) {
      const u = unassigned.get(r.annotator) ?? { labels: 0, entries: new Set<number>(), included: standing === 'included' };
      unassigned.set(r.annotator, u);
      u.labels++;
      u.entries.add(r.entryRowId);
    }
    if (!rule.counts(r.entryRowId, r.annotator)) continue;
    let value: LabelValue;
    try {
      value = JSON.parse(r.value) as LabelValue;
    } catch {
      throw badInput(`the stored label of ${r.annotator} on ${r.entryId} is not JSON`, { field: r.dimension });
    }
    versions.add(r.version);
    labels.push({
      entryId: r.entryId,
      annotator: r.annotator,
      dimension: r.dimension,
      value,
      passed: r.passed === null ? null : r.passed === 1,
      time: r.updatedAt,
      codebookVersion: r.version,
    });
  }

  return {
    codebook,
    dimension,
    annotators,
    labels,
    selection: {
      includeDrafts: query.includeDrafts ?? false,
      codebookVersion: query.codebookVersion ?? null,
      labels: labels.length,
      codebookVersions: [...versions].sort(),
      byAssignment: rule.byAssignment,
      unassigned: [...unassigned]
        .map(([annotator, u]) => ({ annotator, labels: u.labels, entries: u.entries.size, included: u.included }))
        .sort((a, b) => (a.annotator < b.annotator ? -1 : a.annotator > b.annotator ? 1 : 0)),
    },
  };
}

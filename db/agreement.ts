import { parseCodebook } from '../shared/codebook/index.ts';
import { findDimension, type LabelValue } from '../shared/codebook/values.ts';
import { buildAgreementReport, type AgreementLabel, type DbAgreementReport } from '../shared/agreement/report.ts';
import { badInput } from '../shared/errors.ts';
import type { Db } from './database.ts';

export interface AgreementQuery {
  /** One dimension (id or label); the pooled figures are left out. */
  dimension?: string;
  bootstrap?: number;
  seed?: number;
  /** Count draft labels too (default: submitted entries only). */
  includeDrafts?: boolean;
  /** Only these annotators, any role (default: everyone with role 'annotator'). */
  annotators?: string[];
  /** Only labels recorded under this codebook version (default: all). */
  codebookVersion?: string;
  /** List the units behind each coincidence cell (default true; exports and the CLI leave them out). */
  cellUnits?: boolean;
}

export type { DbAgreementReport } from '../shared/agreement/report.ts';

interface LabelRow {
  entryId: string;
  passed: number | null;
  annotator: string;
  role: string;
  dimension: string;
  value: string;
  version: string;
  status: string | null;
}

/**
 * Agreement among the annotators' own labels: submitted ones (drafts on request), never the
 * adjudicated decisions. Reference labels (a published dataset) and adjudicators' labels count
 * only when named in `annotators`.
 */
export function agreementReport(db: Db, query: AgreementQuery = {}): DbAgreementReport {
  const project = db.prepare('SELECT codebook_json FROM project WHERE id = 1').get() as { codebook_json: string } | undefined;
  if (!project) throw badInput('this database has no project yet; import entries first');
  const codebook = parseCodebook(JSON.parse(project.codebook_json), 'project codebook');

  let dimension: string | undefined;
  if (query.dimension !== undefined) {
    const dim = findDimension(codebook, query.dimension);
    if (!dim) throw badInput(`unknown dimension "${query.dimension}" (known: ${codebook.dimensions.map((d) => d.id).join(', ')})`, { field: 'dimension' });
    dimension = dim.id;
  }

  let annotators: string[] | undefined;
  if (query.annotators) {
    const find = db.prepare('SELECT name FROM annotator WHERE name = ?');
    annotators = query.annotators.map((name) => {
      const row = find.get(name.trim()) as { name: string } | undefined;
      if (!row) throw badInput(`unknown annotator "${name}"`, { field: 'annotators' });
      return row.name;
    });
    annotators = [...new Set(annotators)];
  }

  const rows = db
    .prepare(
      `SELECT e.ext_id AS entryId, e.passed AS passed, a.name AS annotator, a.role AS role, l.dimension AS dimension,
              l.value AS value, l.codebook_version AS version, s.status AS status
         FROM label l
         JOIN entry e ON e.id = l.entry_id
         JOIN annotator a ON a.id = l.annotator_id
         LEFT JOIN submission s ON s.entry_id = l.entry_id AND s.annotator_id = l.annotator_id
        ORDER BY e.id, a.name, l.dimension`,
    )
    .all() as LabelRow[];

  const named = annotators ? new Set(annotators) : undefined;
  const versions = new Set<string>();
  const labels: AgreementLabel[] = [];
  for (const r of rows) {
    if (named ? !named.has(r.annotator) : r.role !== 'annotator') continue;
    if (r.status !== 'submitted' && !query.includeDrafts) continue;
    if (query.codebookVersion !== undefined && r.version !== query.codebookVersion) continue;
    if (dimension !== undefined && r.dimension !== dimension) continue;
    let value: LabelValue;
    try {
      value = JSON.parse(r.value) as LabelValue;
    } catch {
      throw badInput(`the stored label of ${r.annotator} on ${r.entryId} is not JSON`, { field: r.dimension });
    }
    versions.add(r.version);
    labels.push({ entryId: r.entryId, annotator: r.annotator, dimension: r.dimension, value, passed: r.passed === null ? null : r.passed === 1 });
  }

  const report = buildAgreementReport(codebook, labels, { bootstrap: query.bootstrap, seed: query.seed, annotators, dimension, cellUnits: query.cellUnits });
  return {
    ...report,
    selection: {
      includeDrafts: query.includeDrafts ?? false,
      codebookVersion: query.codebookVersion ?? null,
      annotators: report.raters,
      labels: labels.length,
      codebookVersions: [...versions].sort(),
    },
  };
}

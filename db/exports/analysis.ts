import { openStore } from '../data/index.ts';
import { buildCoefficientReport } from '../../shared/agreement/coefficient-report.ts';
import type { DriftBy } from '../../shared/agreement/drift.ts';
import { compareIds, type AgreementLabel } from '../../shared/agreement/report.ts';
import { driftChartSvg, intervalChartSvg } from '../../shared/tables/charts.ts';
import { coefficientTables, driftTable, machineTables } from '../../shared/tables/coefficients.ts';
import { mimeTypes, type ExportFile, type ExportFormat, type ExportKind, type ExportResult } from '../../shared/tables/export-kinds.ts';
import { formatJson } from '../../shared/tables/formats.ts';
import { provenanceText, type Provenance } from '../../shared/tables/provenance.ts';
import { agreementRScript } from '../../shared/tables/r-script.ts';
import { csvWithProvenance, kAlphaCodes, kAlphaFiles, kAlphaNotes, longTable, wideTable, type RatingRow } from '../../shared/tables/ratings.ts';
import type { Table } from '../../shared/tables/table.ts';
import { coefficientReport, driftReport, machineReport } from '../agreement-figures.ts';
import { selectAgreementLabels, type AgreementQuery } from '../agreement.ts';
import type { Db } from '../database.ts';
import { provenanceOf } from '../provenance.ts';

/**
 * The analysis exports: every coefficient, drift, machine coders, the ratings in long and wide
 * form, the K-Alpha calculator's files and an R script. All stand on the labels the agreement
 * report counts (and the machine coders' labels where the file holds them), and each carries the
 * app's version and a SHA-256 of those labels.
 */

export type AnalysisKind = Extract<ExportKind, 'coefficients' | 'drift' | 'machine-coders' | 'ratings-long' | 'ratings-wide' | 'k-alpha' | 'r-script'>;
export const analysisKinds: readonly AnalysisKind[] = ['coefficients', 'drift', 'machine-coders', 'ratings-long', 'ratings-wide', 'k-alpha', 'r-script'];

export function isAnalysisKind(kind: ExportKind): kind is AnalysisKind {
  return (analysisKinds as readonly ExportKind[]).includes(kind);
}

export interface AnalysisArgs {
  includeDrafts?: boolean;
  bootstrap?: number;
  seed?: number;
  dimension?: string;
  by?: DriftBy;
}

/** The people's labels as agreement counts them, and every machine coder's under the same limits. */
function labelsOf(db: Db, args: AnalysisArgs) {
  const query: AgreementQuery = { includeDrafts: args.includeDrafts };
  const people = selectAgreementLabels(db, query);
  const names = openStore(db).annotators.machines();
  const machines = names.length ? selectAgreementLabels(db, { ...query, annotators: names }).labels : [];
  return { codebook: people.codebook, people: people.labels, machines, raters: [...new Set(people.labels.map((l) => l.annotator))].sort(compareIds) };
}

function ratingRows(people: AgreementLabel[], machines: AgreementLabel[]): RatingRow[] {
  const row = (kind: 'human' | 'machine') => (l: AgreementLabel): RatingRow => ({
    entry: l.entryId,
    annotator: l.annotator,
    kind,
    dimension: l.dimension,
    value: l.value,
    codebookVersion: l.codebookVersion ?? '',
    time: l.time ?? '',
  });
  return [...people.map(row('human')), ...machines.map(row('machine'))];
}

function text(name: string, format: ExportFormat, content: string): ExportFile {
  return { fileName: `${name}.${format}`, mimeType: mimeTypes[format], content, encoding: 'utf8' };
}

/**
 * Renders an analysis export. `tablesAs` prints tables in the table formats (shared with the
 * other exports); CSV here starts with the provenance line, JSON carries a `provenance` field.
 */
export function renderAnalysis(db: Db, kind: AnalysisKind, format: ExportFormat, args: AnalysisArgs, tablesAs: (format: ExportFormat, tables: Table[]) => string | Uint8Array): ExportResult {
  const { codebook, people, machines, raters } = labelsOf(db, args);
  const one = (file: ExportFile): ExportResult => ({ shape: 'file', file });
  const tables = (name: string, provenance: Provenance, ts: Table[], json: unknown, svg?: () => string): ExportResult => {
    if (format === 'json') return one(text(name, format, formatJson({ provenance, ...(json as object) })));
    if (format === 'svg' && svg) return one(text(name, format, svg()));
    if (format === 'csv') return one(text(name, format, ts.length === 1 ? csvWithProvenance(ts[0], provenance) : `# ${provenanceText(provenance)}\n${tablesAs('csv', ts) as string}`));
    const out = tablesAs(format, ts);
    return one(
      typeof out === 'string'
        ? text(name, format, out)
        : { fileName: `${name}.${format}`, mimeType: mimeTypes[format], content: Buffer.from(out).toString('base64'), encoding: 'base64' },
    );
  };

  switch (kind) {
    case 'coefficients': {
      // The report the Agreement view shows for the same choices, so its chart is these bytes.
      const { selection: _s, provenance, ...report } = coefficientReport(db, { includeDrafts: args.includeDrafts, bootstrap: args.bootstrap, seed: args.seed, dimension: args.dimension });
      return tables('coefficients', provenance, coefficientTables(report, provenance), report, () => intervalChartSvg(report, provenanceText(provenance)));
    }
    case 'drift': {
      const { selection: _s, provenance, ...report } = driftReport(db, { by: args.by ?? 'week', includeDrafts: args.includeDrafts, bootstrap: args.bootstrap, seed: args.seed, dimension: args.dimension });
      return tables(`drift-${report.by}`, provenance, [driftTable(report, provenance)], report, () => driftChartSvg(report, provenanceText(provenance)));
    }
    case 'machine-coders': {
      const report = machineReport(db, { includeDrafts: args.includeDrafts, bootstrap: args.bootstrap, seed: args.seed, dimension: args.dimension });
      const provenance = provenanceOf(codebook, kind, people, machines);
      return tables('machine-coders', provenance, machineTables(report, provenance), report);
    }
    case 'ratings-long': {
      const provenance = provenanceOf(codebook, kind, people, machines);
      const table = longTable(codebook, ratingRows(people, machines));
      if (format === 'json')
        return one(text('ratings-long', format, formatJson({ provenance, columns: table.columns.map((c) => c.key), rows: table.rows.map((r) => table.columns.map((c) => r.cells[c.key] ?? null)) })));
      return one(text('ratings-long', format, csvWithProvenance(table, provenance)));
    }
    case 'ratings-wide': {
      const provenance = provenanceOf(codebook, kind, people, machines);
      return one(text('ratings-wide', format, csvWithProvenance(wideTable(codebook, ratingRows(people, machines)), provenance)));
    }
    case 'k-alpha': {
      const provenance = provenanceOf(codebook, kind, people);
      // A dimension nobody rated has no file (the calculator takes no empty one).
      const files = kAlphaFiles(codebook, ratingRows(people, []), raters).filter((f) => f.units > 0);
      return {
        shape: 'files',
        folderName: 'k-alpha',
        files: [...files.map((f) => text(f.dimension, 'csv', f.content)), text('codes', 'csv', kAlphaCodes(files, provenance))],
        notes: kAlphaNotes(files, raters),
      };
    }
    case 'r-script': {
      const provenance = provenanceOf(codebook, kind, people);
      const report = buildCoefficientReport(codebook, people, { bootstrap: 0, annotators: raters, dimension: args.dimension });
      return one({ fileName: 'concord-agreement.r', mimeType: mimeTypes.r, content: agreementRScript({ codebook, report, longFile: 'ratings-long.csv', provenance }), encoding: 'utf8' });
    }
  }
}

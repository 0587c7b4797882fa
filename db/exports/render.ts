import { ConcordError, badInput } from '../../shared/errors.ts';
import { agreementTables } from '../../shared/tables/agreement.ts';
import { buildBugDistribution, bugDimension, bugDistributionTables } from '../../shared/tables/bug-distribution.ts';
import { buildCategoryDistribution, categoryDistributionCharts, categoryDistributionTables } from '../../shared/tables/category-distribution.ts';
import { checkExport, mimeTypes, type ExportFile, type ExportFormat, type ExportResult } from '../../shared/tables/export-kinds.ts';
import type { FinalEntry } from '../../shared/tables/final.ts';
import { formatCsv, formatJson, formatLatex, formatMarkdown } from '../../shared/tables/formats.ts';
import { labelsJson, labelsTable, type LabelsInput } from '../../shared/tables/labels.ts';
import { buildPassAt1, passAt1Tables, type ModelResult } from '../../shared/tables/pass-at-1.ts';
import { matrixDimensions, matrixLevel, reliabilityTable, type ReliabilityInput } from '../../shared/tables/reliability-matrix.ts';
import { formatBarChartsSvg } from '../../shared/tables/svg.ts';
import type { Table } from '../../shared/tables/table.ts';
import { writeXlsx } from '../../shared/tables/xlsx.ts';
import { entryConsensus, readStudy, type Study } from '../adjudication.ts';
import { agreementReport } from '../agreement.ts';
import type { Db } from '../database.ts';
import { dlbenchEntryText, entryFileName } from './dlbench.ts';

export type { ExportFile, ExportResult };

/**
 * Renders an export from the database. Deterministic: nothing here reads the clock, and every
 * list is in codebook order or code-point order of ids, so the same data gives the same bytes.
 */
export interface ExportArgs {
  kind: string;
  format?: string;
  /** labels: add each annotator's own value beside the final one. */
  perAnnotator?: boolean;
  /** reliability-matrix: the dimension (required for CSV, which holds one matrix). */
  dimension?: string;
  /** Count draft labels too (by default only submitted work counts). */
  includeDrafts?: boolean;
  /** agreement: bootstrap resamples and seed (the report's defaults otherwise). */
  bootstrap?: number;
  seed?: number;
}

function finalEntries(study: Study): FinalEntry[] {
  return study.entries.map((e) => ({
    id: e.id,
    passed: e.passed,
    finals: Object.fromEntries(entryConsensus(study, e).map((c) => [c.dimension, c.final])),
  }));
}

function modelResults(db: Db): ModelResult[] {
  return (
    db.prepare('SELECT e.ext_id, r.model, r.passed FROM model_result r JOIN entry e ON e.id = r.entry_id').all() as { ext_id: string; model: string; passed: number }[]
  ).map((r) => ({ entryId: r.ext_id, model: r.model, passed: r.passed === 1 }));
}

function tablesAs(format: ExportFormat, tables: Table[]): string | Uint8Array {
  switch (format) {
    case 'csv':
      return formatCsv(tables);
    case 'md':
      return formatMarkdown(tables);
    case 'tex':
      return formatLatex(tables);
    case 'xlsx':
      return writeXlsx(tables);
    default:
      throw new ConcordError('internal', `tables are not rendered as ${format}`);
  }
}

function file(name: string, format: ExportFormat, content: string | Uint8Array): ExportResult {
  return {
    shape: 'file',
    file:
      typeof content === 'string'
        ? { fileName: `${name}.${format}`, mimeType: mimeTypes[format], content, encoding: 'utf8' }
        : { fileName: `${name}.${format}`, mimeType: mimeTypes[format], content: Buffer.from(content).toString('base64'), encoding: 'base64' },
  };
}

function reliabilityInputs(study: Study, dimension?: string): ReliabilityInput[] {
  const dims = matrixDimensions(study.codebook.dimensions);
  const chosen = dimension === undefined ? dims : dims.filter((d) => d.id === dimension);
  if (dimension !== undefined && !chosen.length)
    throw badInput(`no reliability matrix for "${dimension}" (one of: ${dims.map((d) => d.id).join(', ')})`, { field: 'dimension' });
  return chosen.map((dim) => ({
    dimension: dim,
    annotators: study.annotators,
    units: study.entries
      // Where the dimension applies, and wherever it is labelled all the same (a conflict counts in alpha too).
      .filter((e) => !dim.appliesWhen || e.passed === dim.appliesWhen.passed || !!study.labels.get(e.rowId)?.get(dim.id)?.length)
      .map((e) => ({ id: e.id, values: study.labels.get(e.rowId)?.get(dim.id) ?? [] })),
  }));
}

export function renderExport(db: Db, args: ExportArgs): ExportResult {
  const { kind, format } = checkExport(args.kind, args.format);
  const study = readStudy(db, { includeDrafts: args.includeDrafts });
  const cb = study.codebook;

  switch (kind) {
    case 'labels': {
      const input: LabelsInput = {
        codebook: cb,
        annotators: study.annotators,
        entries: study.entries.map((e) => ({ id: e.id, passed: e.passed, consensus: entryConsensus(study, e) })),
      };
      if (format === 'json') return file('labels', format, formatJson(labelsJson(input, args.perAnnotator)));
      return file('labels', format, tablesAs(format, [labelsTable(input, args.perAnnotator)]));
    }
    case 'bug-distribution': {
      const dim = bugDimension(cb);
      const d = buildBugDistribution(cb, finalEntries(study), dim.id);
      if (format === 'json') return file('bug-distribution', format, formatJson(d));
      return file('bug-distribution', format, tablesAs(format, bugDistributionTables(d, dim.label)));
    }
    case 'category-distribution': {
      const d = buildCategoryDistribution(cb, finalEntries(study));
      if (format === 'json') return file('category-distribution', format, formatJson(d));
      if (format === 'svg') return file('category-distribution', format, formatBarChartsSvg(categoryDistributionCharts(d), 'Entries per category'));
      return file('category-distribution', format, tablesAs(format, categoryDistributionTables(d)));
    }
    case 'pass-at-1': {
      const results = modelResults(db);
      if (!results.length) throw badInput('no model results in this project: import them first (concord import <file> --format results)', { field: 'kind' });
      const p = buildPassAt1(cb, finalEntries(study), results);
      if (format === 'json') return file('pass-at-1', format, formatJson(p));
      return file('pass-at-1', format, tablesAs(format, passAt1Tables(p)));
    }
    case 'reliability-matrix': {
      if (format === 'csv') {
        const dims = matrixDimensions(cb.dimensions).map((d) => d.id);
        if (args.dimension === undefined)
          throw new ConcordError('usage', `a reliability matrix in CSV holds one dimension: add --dimension (one of: ${dims.join(', ')}), or use --format json for all`, {
            field: 'dimension',
          });
        const [input] = reliabilityInputs(study, args.dimension);
        return file(`reliability-matrix-${input.dimension.id}`, format, formatCsv([reliabilityTable(input)]));
      }
      const inputs = reliabilityInputs(study, args.dimension);
      const json = {
        raters: study.annotators,
        dimensions: inputs.map((input) => {
          const t = reliabilityTable(input);
          const units = t.columns.slice(1).map((c) => c.label);
          return {
            id: input.dimension.id,
            level: matrixLevel(input.dimension),
            units,
            rows: t.rows.map((r) => t.columns.slice(1).map((c) => (r.cells[c.key] === '' ? null : r.cells[c.key]))),
          };
        }),
      };
      return file(args.dimension ? `reliability-matrix-${args.dimension}` : 'reliability-matrix', format, formatJson(json));
    }
    case 'dlbench': {
      const finals = new Map(finalEntries(study).map((f) => [f.id, f]));
      const files = study.entries.map((e) => ({
        fileName: entryFileName(e.id),
        mimeType: mimeTypes.txt,
        content: dlbenchEntryText(cb, e, finals.get(e.id)!),
        encoding: 'utf8' as const,
      }));
      return { shape: 'folder', folderName: 'dlbench', files };
    }
    case 'agreement': {
      const report = agreementReport(db, {
        includeDrafts: args.includeDrafts,
        bootstrap: args.bootstrap,
        seed: args.seed,
        // Figures and counts only: which entries stand behind a cell is for the Agreement view.
        cellUnits: false,
      });
      if (format === 'json') return file('agreement', format, formatJson(report));
      return file('agreement', format, tablesAs(format, agreementTables(report)));
    }
  }
}

import { ConcordError, badInput } from '../../shared/errors.ts';
import { agreementTables } from '../../shared/tables/agreement.ts';
import type { LabelValue } from '../../shared/codebook/values.ts';
import { buildBugDistribution, bugDimension, bugDistributionCharts, bugDistributionTables } from '../../shared/tables/bug-distribution.ts';
import {
  buildCategoryDistribution,
  categoryDistributionCharts,
  categoryDistributionHeading,
  categoryDistributionTables,
  type CountedLabels,
} from '../../shared/tables/category-distribution.ts';
import { checkExport, mimeTypes, PREVIEW_ENTRIES, type ExportFile, type ExportFormat, type ExportKind, type ExportResult } from '../../shared/tables/export-kinds.ts';
import type { FinalEntry } from '../../shared/tables/final.ts';
import { formatCsv, formatJson, formatLatex, formatMarkdown } from '../../shared/tables/formats.ts';
import { buildPassAt1, passAt1Tables, type ModelResult } from '../../shared/tables/pass-at-1.ts';
import { matrixDimensions, matrixLevel, reliabilityTable, type ReliabilityInput } from '../../shared/tables/reliability-matrix.ts';
import { formatBarChartsSvg } from '../../shared/tables/svg.ts';
import type { Table } from '../../shared/tables/table.ts';
import { writeXlsx } from '../../shared/tables/xlsx.ts';
import { entryConsensus, readStudy, type Study } from '../adjudication.ts';
import { agreementReport } from '../agreement.ts';
import type { Db } from '../database.ts';
import { openStore, type AnnotatorRow } from '../data/index.ts';
import { PUBLISHED_ANNOTATOR } from '../import/index.ts';
import { isAnalysisKind, renderAnalysis } from './analysis.ts';
import { dlbenchRelease } from './dlbench.ts';
import { labelsPieces, labelsTableOf, type EntriesProgress, type LabelsTextFormat } from './labels.ts';
import { codebookLatex, codebookMarkdown } from '../../shared/tables/codebook.ts';
import { disagreementsTable, goldTable, roundsTable, type ReasonCount } from '../../shared/tables/study.ts';
import { formatTrendSvg } from '../../shared/tables/trend-chart.ts';
import { reasonsByEntry } from '../comments.ts';
import { revisingDimensions, textConsensus } from '../revisions.ts';
import { agreementGroups, goldAccuracy, roundEntries } from '../rounds.ts';

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
  /** category-distribution: count this annotator's labels (any role) instead of the final ones. */
  annotator?: string;
  /** dlbench: each entry's final rewrite of its prompt, where there is one, instead of the original. */
  revisedPrompts?: boolean;
  /** drift: per week of labelling time (default) or per batch of 50 entries; rounds: per calibration round (default) or per codebook version. */
  by?: 'week' | 'batch' | 'round' | 'version';
  /** gold, disagreements: only the entries of this round. */
  round?: string;
  /** labels: add these texts of each entry (fields the codebook shows) beside its labels. */
  fields?: string[];
  /** labels: the first entries only (PREVIEW_ENTRIES), said in the result's `partial`. */
  preview?: boolean;
}

/** Each entry's final values and the labels published with the release (the reference annotator's). */
function finalEntries(db: Db, study: Study): FinalEntry[] {
  const reference = openStore(db).annotators.byName(PUBLISHED_ANNOTATOR);
  const published = reference ? labelsOf(db, reference.id, true) : new Map<number, Map<string, LabelValue>>();
  return study.entries.map((e) => ({
    id: e.id,
    passed: e.passed,
    finals: Object.fromEntries(entryConsensus(study, e).map((c) => [c.dimension, c.final])),
    published: Object.fromEntries(published.get(e.rowId) ?? []),
  }));
}

/** One annotator's labels: entry row id -> dimension -> value; submitted work only, unless drafts count. */
function labelsOf(db: Db, annotatorId: number, includeDrafts: boolean): Map<number, Map<string, LabelValue>> {
  const rows = openStore(db).labels.finishedOf(annotatorId, includeDrafts);
  const out = new Map<number, Map<string, LabelValue>>();
  for (const r of rows) {
    const byDim = out.get(r.entry_id) ?? new Map<string, LabelValue>();
    out.set(r.entry_id, byDim);
    byDim.set(r.dimension, JSON.parse(r.value) as LabelValue);
  }
  return out;
}

/** The annotator a distribution counts, found by name whatever its case; unknown names are refused, naming who there is. */
function countedAnnotator(db: Db, name: string): AnnotatorRow {
  const store = openStore(db);
  const row = store.annotators.byName(name);
  if (row) return row;
  const known = store.annotators.names();
  throw badInput(`no annotator "${name}" in this project (${known.length ? `annotators: ${known.join(', ')}` : 'it has no annotators yet'})`, { field: 'annotator' });
}

/** What a category distribution counts: the final labels, or the labels of the annotator asked for (and the file's name says whose). */
function countedLabels(db: Db, study: Study, args: ExportArgs): { entries: FinalEntry[]; counted: CountedLabels; name: string } {
  if (args.annotator === undefined) return { entries: finalEntries(db, study), counted: { kind: 'final' }, name: 'category-distribution' };
  const who = countedAnnotator(db, args.annotator);
  const labels = labelsOf(db, who.id, !!args.includeDrafts);
  return {
    entries: study.entries.map((e) => ({ id: e.id, passed: e.passed, finals: Object.fromEntries(labels.get(e.rowId) ?? []) })),
    counted: { kind: 'annotator', annotator: who.name, role: who.role },
    name: `category-distribution-${who.name.replace(/[^A-Za-z0-9._-]+/g, '_')}`,
  };
}

/** The name under which each entry's own output is counted in pass@1 when its metadata names no model. */
const ENTRY_OUTPUTS = 'Entry outputs';
const OWN_OUTPUTS = "each entry's own output and whether it passed its tests (Taxonomy-Data's Result files, or the passed column of an entries file)";

/**
 * Results pass@1 is computed from: model results (import format 5), and each entry's own output
 * with its pass/fail (from Taxonomy-Data's Result files, or an entries file's `passed`), under
 * the model its metadata names or else as "Entry outputs".
 */
function passResults(db: Db, study: Study): { results: ModelResult[]; sources: Record<string, string> } {
  const imported: ModelResult[] = openStore(db).modelResults.all();
  const sources: Record<string, string> = {};
  for (const r of imported) sources[r.model] = 'model results imported with --format results';
  const own: ModelResult[] = [];
  for (const e of study.entries) {
    if (e.passed === null) continue;
    const named = e.metadata.model?.trim() || ENTRY_OUTPUTS;
    const model = named in sources && sources[named] !== OWN_OUTPUTS ? `${named} (entry outputs)` : named;
    sources[model] = OWN_OUTPUTS;
    own.push({ entryId: e.id, model, passed: e.passed });
  }
  return { results: [...imported, ...own], sources };
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

/** Every check of an export's arguments that needs no data: a refused export reads nothing. */
export function checkExportArgs(args: ExportArgs): { kind: ExportKind; format: ExportFormat } {
  const { kind, format } = checkExport(args.kind, args.format);
  if (args.annotator !== undefined && kind !== 'category-distribution')
    throw new ConcordError('usage', `--annotator counts one annotator's labels in category-distribution only, not in ${kind}`, { field: 'annotator' });
  if (args.fields?.length && kind !== 'labels') throw new ConcordError('usage', `--with-fields adds entries' texts to the labels export, not to ${kind}`, { field: 'fields' });
  if (args.revisedPrompts && kind !== 'dlbench') throw new ConcordError('usage', `--revised-prompts is for a Deep-Bench release (dlbench), not ${kind}`, { field: 'revisedPrompts' });
  if ((args.by === 'week' || args.by === 'batch') && kind !== 'drift') throw new ConcordError('usage', `--by groups the drift export only, not ${kind}`, { field: 'by' });
  if ((args.by === 'round' || args.by === 'version') && kind !== 'rounds') throw new ConcordError('usage', `--by ${args.by} groups the rounds export only, not ${kind}`, { field: 'by' });
  if (args.round !== undefined && kind !== 'gold' && kind !== 'disagreements')
    throw new ConcordError('usage', `--round narrows the gold and disagreements exports, not ${kind}`, { field: 'round' });
  return { kind, format };
}

export interface RenderOptions {
  /** labels: told after each slice how many entries are made (the download job's progress). */
  onProgress?: EntriesProgress;
}

export function renderExport(db: Db, args: ExportArgs, opts: RenderOptions = {}): ExportResult {
  const { kind, format } = checkExportArgs(args);
  if (isAnalysisKind(kind)) return renderAnalysis(db, kind, format, { ...args, by: args.by as 'week' | 'batch' | undefined }, tablesAs);
  // The labels are read a slice of entries at a time; agreement reads its own columns of labels.
  if (kind === 'labels') {
    // A preview (the Export view) holds the first entries only: the whole of a large study would
    // take seconds to make and tens of megabytes to send, and no one reads it on screen.
    const of = openStore(db).entries.count();
    const partial = args.preview && of > PREVIEW_ENTRIES ? { entries: PREVIEW_ENTRIES, of } : undefined;
    const labelsArgs = partial ? { ...args, firstEntries: partial.entries } : args;
    // In one read transaction, as the command line writes it: the slices read at different times see the same study.
    const made = db.transaction(() =>
      format === 'xlsx'
        ? file('labels', format, writeXlsx([labelsTableOf(db, labelsArgs, opts.onProgress)]))
        : file('labels', format, [...labelsPieces(db, labelsArgs, format as LabelsTextFormat, undefined, opts.onProgress)].join('')),
    )();
    return partial && made.shape === 'file' ? { ...made, partial } : made;
  }
  if (kind === 'agreement') {
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
  // These read what they count and no more: the whole study takes seconds to read at 100,000 entries.
  const codebook = openStore(db).project.codebook();
  switch (kind) {
    case 'codebook': {
      if (format === 'md') return file(`codebook-${codebook.id}`, format, codebookMarkdown(codebook));
      if (format === 'tex') return file(`codebook-${codebook.id}`, format, codebookLatex(codebook));
      return file(`codebook-${codebook.id}`, format, formatJson(codebook));
    }
    case 'rounds': {
      const by = args.by === 'version' ? 'version' : 'round';
      const groups = agreementGroups(db, { by, bootstrap: args.bootstrap, seed: args.seed, includeDrafts: args.includeDrafts });
      if (!groups.length) throw badInput(by === 'round' ? 'this project has no calibration rounds yet' : 'this project has no labels yet', { field: 'kind' });
      const name = by === 'round' ? 'alpha-per-round' : 'alpha-per-version';
      if (format === 'json') return file(name, format, formatJson({ by, groups }));
      if (format === 'svg') return file(name, format, formatTrendSvg(groups, by === 'round' ? "Krippendorff's alpha across calibration rounds" : "Krippendorff's alpha across codebook versions"));
      return file(name, format, tablesAs(format, [roundsTable(groups, by)]));
    }
    case 'gold': {
      const acc = goldAccuracy(db, { includeDrafts: args.includeDrafts, round: args.round });
      if (format === 'json') return file('gold-accuracy', format, formatJson(acc));
      return file('gold-accuracy', format, tablesAs(format, [goldTable(acc)]));
    }
    case 'disagreements': {
      const inRound = args.round === undefined ? null : roundEntries(db, args.round);
      const counts: ReasonCount[] = [...reasonsByEntry(db)]
        .filter(([entryId]) => !inRound || inRound.has(entryId))
        .flatMap(([entryId, m]) => [...m].map(([dimension, reason]) => ({ entryId, dimension, reason })));
      const table = disagreementsTable(codebook, counts);
      if (format === 'json') return file('disagreement-reasons', format, formatJson({ reasons: counts, table: table.rows.map((r) => r.cells) }));
      return file('disagreement-reasons', format, tablesAs(format, [table]));
    }
  }
  const study = readStudy(db, { includeDrafts: args.includeDrafts, prompts: kind === 'dlbench' });
  const cb = study.codebook;

  switch (kind) {
    case 'bug-distribution': {
      const dim = bugDimension(cb);
      const d = buildBugDistribution(cb, finalEntries(db, study), dim.id);
      if (format === 'json') return file('bug-distribution', format, formatJson(d));
      if (format === 'svg') return file('bug-distribution', format, formatBarChartsSvg(bugDistributionCharts(d, dim.label), `Distribution of ${dim.label.toLowerCase()}s`));
      return file('bug-distribution', format, tablesAs(format, bugDistributionTables(d, dim.label)));
    }
    case 'category-distribution': {
      const { entries, counted, name } = countedLabels(db, study, args);
      const d = buildCategoryDistribution(cb, entries, counted);
      if (format === 'json') return file(name, format, formatJson(d));
      if (format === 'svg') return file(name, format, formatBarChartsSvg(categoryDistributionCharts(d), categoryDistributionHeading(d)));
      return file(name, format, tablesAs(format, categoryDistributionTables(d)));
    }
    case 'pass-at-1': {
      const { results, sources } = passResults(db, study);
      if (!results.length)
        throw badInput('no results to compute pass@1 from: import Taxonomy-Data (its Result files say which outputs pass) or model results (concord import <file> --format results)', {
          field: 'kind',
        });
      const p = buildPassAt1({ codebook: cb, entries: finalEntries(db, study), results, sources, publishedBy: PUBLISHED_ANNOTATOR });
      if (format === 'json') return file('pass-at-1', format, formatJson(p));
      return file('pass-at-1', format, tablesAs(format, passAt1Tables(p, PUBLISHED_ANNOTATOR)));
    }
    case 'reliability-matrix': {
      if (format === 'xlsx') {
        const inputs = reliabilityInputs(study, args.dimension);
        return file(args.dimension ? `reliability-matrix-${args.dimension}` : 'reliability-matrix', format, writeXlsx(inputs.map(reliabilityTable)));
      }
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
      let entries = study.entries;
      let revised = 0;
      if (args.revisedPrompts) {
        const dim = revisingDimensions(study).find((d) => d.revises === 'prompt');
        if (!dim) throw badInput('this codebook has no dimension that rewrites the prompt (a text dimension with "revises": "prompt")', { field: 'revisedPrompts' });
        entries = study.entries.map((e) => {
          const final = textConsensus(study, e).find((c) => c.dimension === dim.id)?.final;
          if (typeof final !== 'string' || !final.trim()) return e;
          revised++;
          return { ...e, prompt: final };
        });
      }
      const release = dlbenchRelease(cb, entries, new Map(finalEntries(db, study).map((f) => [f.id, f])));
      const notes = args.revisedPrompts ? [...release.notes, `${revised} prompts are the team's final rewrites; the others are the original prompts.`] : release.notes;
      return { shape: 'folder', folderName: 'dlbench', ...release, notes };
    }
  }
}

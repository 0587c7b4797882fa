import { ConcordError } from '../errors.ts';

/** What `concord export` and the export dialog offer, and in which formats. */
export const exportKinds = [
  'labels',
  'bug-distribution',
  'category-distribution',
  'agreement',
  'pass-at-1',
  'reliability-matrix',
  'dlbench',
  'coefficients',
  'drift',
  'machine-coders',
  'ratings-long',
  'ratings-wide',
  'k-alpha',
  'r-script',
  'codebook',
  'rounds',
  'gold',
  'disagreements',
] as const;
export type ExportKind = (typeof exportKinds)[number];

export const exportFormats = ['csv', 'md', 'tex', 'json', 'xlsx', 'svg', 'txt', 'r'] as const;
export type ExportFormat = (typeof exportFormats)[number];

/**
 * The formats each kind is offered in: every tabular kind in every format that fits it. The
 * README's table of kinds and formats is checked against this (shared/tables/export-kinds.test.ts).
 */
export const formatsOf: Record<ExportKind, readonly ExportFormat[]> = {
  labels: ['csv', 'md', 'json', 'xlsx'],
  'bug-distribution': ['csv', 'md', 'tex', 'json', 'xlsx', 'svg'],
  'category-distribution': ['csv', 'md', 'tex', 'json', 'xlsx', 'svg'],
  agreement: ['csv', 'md', 'tex', 'json', 'xlsx'],
  'pass-at-1': ['csv', 'md', 'tex', 'json', 'xlsx'],
  'reliability-matrix': ['csv', 'json', 'xlsx'],
  // A folder of Deep-Bench entry files (format 1), one .txt per entry: its only format, and the default.
  dlbench: ['txt'],
  coefficients: ['csv', 'md', 'tex', 'json', 'xlsx', 'svg'],
  drift: ['csv', 'md', 'tex', 'json', 'xlsx', 'svg'],
  'machine-coders': ['csv', 'md', 'tex', 'json', 'xlsx'],
  // Analysis files: for pandas and R (a provenance line first), the K-Alpha calculator, and R itself.
  'ratings-long': ['csv', 'json'],
  'ratings-wide': ['csv'],
  'k-alpha': ['csv'],
  'r-script': ['r'],
  // The codebook as a paper's appendix: a document, or the codebook's own JSON.
  codebook: ['md', 'tex', 'json'],
  rounds: ['csv', 'md', 'tex', 'json', 'xlsx', 'svg'],
  gold: ['csv', 'md', 'tex', 'json', 'xlsx'],
  disagreements: ['csv', 'md', 'tex', 'json', 'xlsx'],
};

/** Why a kind is not offered in the formats it lacks, for the refusal. */
const whyNot: Record<ExportKind, string> = {
  labels: 'a row per entry and five columns per dimension is a dataset, not a table for a page or a chart',
  'bug-distribution': '',
  'category-distribution': '',
  agreement: 'figures with intervals are a table, not a bar chart',
  'pass-at-1': 'rates per model and category are a table, not a bar chart',
  'reliability-matrix': 'a column per unit is for programs (R, Python), not for a page',
  dlbench: 'it is a folder of Deep-Bench entry files, one .txt per entry',
  coefficients: '',
  drift: '',
  'machine-coders': 'a table of coders against the consensus is a table, not a chart',
  'ratings-long': 'one row per label is data for programs, not a page',
  'ratings-wide': 'one column per annotator is data for programs, not a page',
  'k-alpha': "it is the K-Alpha calculator's numeric CSV, a file per dimension",
  'r-script': 'it is an R script',
  codebook: 'a codebook is printed as a document for an appendix, or kept as its JSON; it is no table or chart',
  rounds: '',
  gold: 'accuracy per annotator is a table, not a chart',
  disagreements: 'counts of reasons per dimension are a table, not a chart',
};

export const mimeTypes: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
  tex: 'application/x-tex; charset=utf-8',
  json: 'application/json',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  svg: 'image/svg+xml',
  txt: 'text/plain; charset=utf-8',
  r: 'text/x-r; charset=utf-8',
};

export function isExportKind(s: string): s is ExportKind {
  return (exportKinds as readonly string[]).includes(s);
}

/** A usage error (exit 1) naming what is offered, for an unknown kind or a format a kind does not offer. */
export function checkExport(kind: string, format: string | undefined): { kind: ExportKind; format: ExportFormat } {
  if (!isExportKind(kind)) throw new ConcordError('usage', `unknown export "${kind}" (one of: ${exportKinds.join(', ')})`, { field: 'kind' });
  const offered = formatsOf[kind];
  // A folder of entry files has one format only; every other kind needs to be told.
  if (format === undefined || format === '') {
    if (offered.length === 1) return { kind, format: offered[0] };
    throw new ConcordError('usage', `choose a format for ${kind}: ${offered.join(', ')}`, { field: 'format' });
  }
  if (!(offered as readonly string[]).includes(format)) {
    const why = whyNot[kind] ? ` (${whyNot[kind]})` : '';
    throw new ConcordError('usage', `${kind} is exported as ${offered.join(', ')}, not "${format}"${why}`, { field: 'format' });
  }
  return { kind, format: format as ExportFormat };
}

export interface ExportFile {
  fileName: string;
  mimeType: string;
  /** Text, or base64 when `encoding` is base64 (XLSX). */
  content: string;
  encoding: 'utf8' | 'base64';
}

/** What a Deep-Bench release holds, and where each value came from (see db/exports/dlbench.ts). */
export interface DlbenchSummary {
  /** Entry files written. */
  written: number;
  /** Entries left out, each with the reason (an entry without a prompt cannot be read back). */
  skipped: { id: string; reason: string }[];
  /** Per dimension written (stage, task, data): how many values are the team's final, the published, or empty. */
  sources: { dimension: string; field: string; final: number; published: number; empty: number }[];
  /** Entries whose id is not a usable file name, written under an encoded name (the id read back is that name). */
  renamed: { id: string; fileName: string }[];
}

/** A preview of the labels export: its first `entries` entries of the study's `of`; the download holds them all. */
export interface ExportPartial {
  entries: number;
  of: number;
}

/** Entries a preview of the labels export shows: enough to read its shape, at any size of study. */
export const PREVIEW_ENTRIES = 100;

/**
 * One file; a folder of Deep-Bench entry files with a summary of what it holds; or a folder of
 * other files (the K-Alpha calculator's, one per dimension, with their codes).
 */
export type ExportResult =
  | { shape: 'file'; file: ExportFile; partial?: ExportPartial }
  | { shape: 'folder'; folderName: string; files: ExportFile[]; summary: DlbenchSummary; notes: string[] }
  | { shape: 'files'; folderName: string; files: ExportFile[]; notes: string[] };

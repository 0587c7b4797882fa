import { ConcordError } from '../errors.ts';

/** What `concord export` and the export dialog offer, and in which formats. */
export const exportKinds = ['labels', 'bug-distribution', 'category-distribution', 'agreement', 'pass-at-1', 'reliability-matrix', 'dlbench'] as const;
export type ExportKind = (typeof exportKinds)[number];

export const exportFormats = ['csv', 'md', 'tex', 'json', 'xlsx', 'svg', 'txt'] as const;
export type ExportFormat = (typeof exportFormats)[number];

export const formatsOf: Record<ExportKind, readonly ExportFormat[]> = {
  labels: ['csv', 'json', 'xlsx'],
  'bug-distribution': ['csv', 'md', 'tex', 'json'],
  'category-distribution': ['csv', 'md', 'tex', 'json', 'svg'],
  agreement: ['md', 'tex', 'json'],
  'pass-at-1': ['csv', 'md', 'tex', 'json'],
  'reliability-matrix': ['csv', 'json'],
  // A folder of Deep-Bench entry files (format 1).
  dlbench: ['txt'],
};

export const mimeTypes: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
  tex: 'application/x-tex; charset=utf-8',
  json: 'application/json',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  svg: 'image/svg+xml',
  txt: 'text/plain; charset=utf-8',
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
  if (!(offered as readonly string[]).includes(format))
    throw new ConcordError('usage', `${kind} is exported as ${offered.join(', ')}, not "${format}"`, { field: 'format' });
  return { kind, format: format as ExportFormat };
}

export interface ExportFile {
  fileName: string;
  mimeType: string;
  /** Text, or base64 when `encoding` is base64 (XLSX). */
  content: string;
  encoding: 'utf8' | 'base64';
}

/** One file, or a folder of files (dlbench). */
export type ExportResult = { shape: 'file'; file: ExportFile } | { shape: 'folder'; folderName: string; files: ExportFile[] };

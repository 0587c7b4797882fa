import type { ExportFormat, ExportKind } from '../../../shared/tables/export-kinds.ts';

/** What each export is for, as the export screen explains it. */
export const kindInfo: Record<ExportKind, { title: string; about: string }> = {
  labels: { title: 'Labels', about: 'The final value of every entry on every dimension, with how it was reached: the dataset release.' },
  'bug-distribution': { title: 'Bug distribution', about: 'Failures per bug type and subtype, laid out like the paper’s bug table.' },
  'category-distribution': {
    title: 'Category distribution',
    about: 'Entries per stage, task and input type, as tables or bar charts: from the final labels, or one annotator’s (the published ones too).',
  },
  agreement: { title: 'Agreement report', about: 'Krippendorff’s alpha per dimension with its interval and units, on the annotators’ own labels.' },
  'pass-at-1': { title: 'Pass@1', about: 'Share of entries each model passes, overall and per category, from model results and the entries’ own test results.' },
  'reliability-matrix': { title: 'Reliability matrix', about: 'Raters × units, to recompute alpha in R or Python.' },
  dlbench: { title: 'Deep-Bench release', about: 'A folder of Deep-Bench entry files carrying the final labels, and the published ones where there is none.' },
};

export const formatTitle: Record<ExportFormat, string> = {
  csv: 'CSV',
  md: 'Markdown',
  tex: 'LaTeX',
  json: 'JSON',
  xlsx: 'Excel',
  svg: 'SVG',
  txt: 'Entry files',
};

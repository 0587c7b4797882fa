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
  coefficients: {
    title: 'Agreement coefficients',
    about: 'Percent, Cohen, Fleiss, Conger, Gwet’s AC1, Brennan-Prediger and alpha with their intervals, pooled and per dimension; as tables or the interval chart.',
  },
  drift: { title: 'Drift', about: 'Alpha per week of labelling time or per batch of 50 entries, with intervals; as a table or the line chart.' },
  'machine-coders': { title: 'Machine coders', about: 'Each imported model against the human consensus: kappa, AC1, alpha, accuracy per category, the entries where it departs.' },
  'ratings-long': { title: 'Ratings, long', about: 'One row per label (entry, annotator, kind, dimension, value, codebook version, time), for pandas or R.' },
  'ratings-wide': { title: 'Ratings, wide', about: 'One row per entry and dimension, one column per annotator, for pandas or R.' },
  'k-alpha': { title: 'K-Alpha calculator', about: 'The calculator’s numeric files, one per dimension, with a list of what each code means.' },
  'r-script': { title: 'R script', about: 'Recomputes every coefficient from the long ratings file with irrCAC and irr, beside the app’s figures.' },
  codebook: { title: 'Codebook', about: 'Every dimension and value with its definition, when to use it and examples: an appendix for the paper.' },
  rounds: { title: 'Alpha per round', about: 'Krippendorff’s alpha per calibration round (or codebook version), as a table or a trend chart.' },
  gold: { title: 'Gold accuracy', about: 'Each annotator’s accuracy on the entries whose answer is known.' },
  disagreements: { title: 'Why we disagreed', about: 'The reasons chosen in adjudication (definition unclear, missed evidence, codebook gap, slip), counted per dimension.' },
};

export const formatTitle: Record<ExportFormat, string> = {
  csv: 'CSV',
  md: 'Markdown',
  tex: 'LaTeX',
  json: 'JSON',
  xlsx: 'Excel',
  svg: 'SVG',
  txt: 'Entry files',
  r: 'R',
};

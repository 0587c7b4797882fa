import type { Command } from '../command.ts';

/**
 * Every `concord` command, in the order `concord --help` lists them. A command's code is loaded
 * only when it runs, so a start pays for that command alone (the built command line has one
 * bundle per command: scripts/build.mjs).
 */
export interface CommandEntry {
  name: string;
  summary: string;
  load(): Promise<Command>;
}

export const commands: CommandEntry[] = [
  {
    name: 'import',
    summary: 'Import Deep-Bench entries, Taxonomy-Data results, JSONL/CSV entries, annotations or model results (all or nothing).',
    load: async () => (await import('./import.ts')).default,
  },
  {
    name: 'info',
    summary: 'Counts of a project: entries, failing entries, annotators, labels, decisions, and its codebook.',
    load: async () => (await import('./info.ts')).default,
  },
  {
    name: 'codebook',
    summary: 'List, show, export, import (publish) and diff codebooks and a project\'s codebook versions.',
    load: async () => (await import('./codebook.ts')).default,
  },
  {
    name: 'assign',
    summary: 'Assign entries to annotators: balanced and deterministic (keeps existing assignments), or by hand with --entry; --progress only reports.',
    load: async () => (await import('./assign.ts')).default,
  },
  {
    name: 'alpha',
    summary: "Krippendorff's alpha of a project (per dimension, per value, pooled, pairwise) or of a reliability matrix CSV.",
    load: async () => (await import('./alpha.ts')).default,
  },
  {
    name: 'agreement',
    summary: "Every agreement coefficient with its 95% interval (percent, Cohen, Fleiss, Conger, Gwet's AC1/AC2, Brennan-Prediger, alpha) of a project or a reliability matrix CSV.",
    load: async () => (await import('./agreement.ts')).default,
  },
  {
    name: 'decide',
    summary: 'Bulk adjudication: accept every majority proposal as the decision, undo the last decision, or show what is still open.',
    load: async () => (await import('./decide.ts')).default,
  },
  {
    name: 'export',
    summary: 'Final labels, bug and category distributions, agreement and its coefficients, drift, machine coders, pass@1, reliability matrices, analysis files (long, wide, K-Alpha, R) and Deep-Bench entry files.',
    load: async () => (await import('./export.ts')).default,
  },
  {
    name: 'pack',
    summary: 'Annotation packs: starter files for annotators, export their work, merge it back (any order, any number of times).',
    load: async () => (await import('./pack.ts')).default,
  },
  {
    name: 'backup',
    summary: 'List, take or restore backups of a project (one is taken before every pack import, every import that changes entries already there, and every restore).',
    load: async () => (await import('./backup.ts')).default,
  },
  {
    name: 'serve',
    summary: 'Open a project in the browser: serves the app on 127.0.0.1 and prints its URL (with the access token).',
    load: async () => (await import('./serve.ts')).default,
  },
  {
    name: 'bench',
    summary: 'Measures the app on the paths people use, each beside its peer (raw SQLite, the krippendorff package, plain JSON), on this machine.',
    load: async () => (await import('./bench.ts')).default,
  },
];

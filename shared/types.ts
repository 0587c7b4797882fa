import type { Codebook } from './codebook/schema.ts';
import type { LabelValue } from './codebook/values.ts';

/** Domain types shared by the service, the hosts and the renderer. */

export type AnnotatorRole = 'annotator' | 'adjudicator' | 'reference';

export interface Annotator {
  name: string;
  role: AnnotatorRole;
}

export type SubmissionStatus = 'todo' | 'draft' | 'submitted';

export interface EntryMetadata {
  repo?: string;
  function?: string;
  class?: string;
  model?: string;
  sourceFile?: string;
  groundTruthPath?: string;
  testCases?: string;
  [key: string]: string | undefined;
}

/** One row of the entry queue, as one annotator sees it. */
export interface EntrySummary {
  id: string;
  repo: string | null;
  function: string | null;
  passed: boolean | null;
  status: SubmissionStatus;
  /** This annotator's own labels, by dimension (never anyone else's). */
  labels: Record<string, LabelValue>;
}

export interface Entry {
  id: string;
  prompt: string;
  groundTruth: string;
  output: string;
  testLog: string;
  passed: boolean | null;
  failingTests: string[];
  metadata: EntryMetadata;
  contentHash: string;
}

/**
 * Whether an annotator's labels on an entry count in agreement and adjudication, and why:
 * - `assigned`: the entry is assigned to them;
 * - `no-assignments`: the project assigns no entries, so every annotator counts everywhere;
 * - `included`: not assigned, but the lead chose to count them (agreement only);
 * - `not-assigned`: the project assigns entries, and not this one to them;
 * - `not-a-rater`: a lead (adjudicator) or imported reference labels.
 */
export type RaterStanding = 'assigned' | 'no-assignments' | 'included' | 'not-assigned' | 'not-a-rater';

/** An entry with what one annotator has recorded on it. */
export interface EntryForAnnotator {
  entry: Entry;
  labels: Record<string, LabelValue>;
  note: string;
  status: SubmissionStatus;
  /** Whether this annotator's labels on this entry count (the label view says so when they do not). */
  standing: RaterStanding;
}

export interface ProjectCounts {
  entries: number;
  failingEntries: number;
  annotators: number;
  labels: number;
  decisions: number;
}

export interface ProjectInfo {
  name: string;
  codebook: { id: string; version: string; name: string };
  counts: ProjectCounts;
  schemaVersion: number;
}

export interface ProjectSnapshot {
  info: ProjectInfo;
  codebook: Codebook;
  annotators: Annotator[];
}

export const importFormats = ['dlbench', 'taxonomy-data', 'jsonl', 'csv', 'annotations', 'results'] as const;
export type ImportFormat = (typeof importFormats)[number];

export interface ImportWarning {
  file: string;
  line?: number;
  field?: string;
  message: string;
  /** What kind of warning it is; warnings of one kind are shown as one line (`ImportSummary.groups`). */
  kind?: string;
  /** The published value a warning is about (an unplaced value), as written in the file. */
  value?: string;
}

/** One line of an import summary: every warning of one kind, counted. */
export interface ImportWarningGroup {
  kind: string;
  count: number;
  /** The whole line, e.g. "289 entries have no published task: imported as General". */
  message: string;
}

/** A published value the codebook could not place, listed once with the files that hold it. */
export interface UnplacedValue {
  /** The head field it sat in: stage, task or data. */
  field: string;
  value: string;
  count: number;
  /** Entry file names, in import order. */
  files: string[];
  /** Where each entry keeps it, e.g. metadata.publishedTask. */
  metadataKey: string;
}

/**
 * A label on a dimension that does not apply to its entry (a bug on an output that passed):
 * imported, counted as the annotator's label, and listed for the lead to resolve.
 */
export interface ImportConflict {
  entryId: string;
  annotator: string;
  dimension: string;
  value: LabelValue;
  /** Why it conflicts, in words: "Bug applies only to failing outputs; the entry's output passed". */
  reason: string;
  file: string;
  line?: number;
}

export interface ImportSummary {
  format: ImportFormat;
  path: string;
  files: number;
  entriesCreated: number;
  entriesUpdated: number;
  labels: number;
  annotatorsCreated: number;
  modelResults: number;
  /** Every warning, one per file and problem (what `--json` prints in full). */
  warnings: ImportWarning[];
  /** The warnings as people read them: one line per kind, with a count. */
  groups: ImportWarningGroup[];
  /** Published values left unplaced (kept in each entry's metadata). */
  unplaced: UnplacedValue[];
  /** Labels that conflict with their entry's result; imported, for the lead to resolve. */
  conflicts: ImportConflict[];
}

export interface ImportProgress {
  /** `cancelled`: stopped while reading, when asked (`jobs.cancel`); nothing was written. */
  phase: 'reading' | 'writing' | 'done' | 'failed' | 'cancelled';
  done: number;
  total: number;
}

export interface ImportJob {
  jobId: string;
  progress: ImportProgress;
  summary?: ImportSummary;
  /** Set when the import was refused; nothing was written. */
  error?: { message: string; file?: string; line?: number; field?: string };
}

/** What a label change did, so the UI can show it and undo can reverse it. */
export interface LabelChange {
  entryId: string;
  dimension: string;
  value: LabelValue | null;
}

/* Team work: assignments, annotation packs, backups. */

/**
 * Backups of a project database, kept beside it in `<name>.backups/<time>-<reason>.db`.
 * Taken before every pack import or merge and before every restore.
 */
export interface BackupInfo {
  /** File name inside the backup folder; what `restore` takes. */
  name: string;
  /** When it was taken (ISO UTC). */
  time: string;
  size: number;
  reason: string;
}

export interface RestoreResult {
  restored: BackupInfo;
  /** The backup of the database as it was just before the restore (null when there was no file). */
  safety: BackupInfo | null;
}

export interface AutoAssignResult {
  perEntry: number;
  annotators: string[];
  annotatorsCreated: string[];
  /** Assignments added now (existing ones are kept). */
  added: number;
  /** Entries that already had perEntry or more of these annotators. */
  entriesAlreadyCovered: number;
  progress: AnnotatorProgress[];
}

export interface AnnotatorProgress {
  annotator: string;
  role: string;
  /** Entries assigned to this annotator (0 when the annotator has no assignments). */
  assigned: number;
  /** Entries in this annotator's queue: the assigned ones, or all when none are assigned. */
  queue: number;
  todo: number;
  draft: number;
  submitted: number;
}

export interface EntryAssignment {
  entryId: string;
  annotators: string[];
}

export interface PackExport {
  /** The pack's bytes, ready to save or download. */
  text: string;
  /** A file name to suggest in a save dialog or download. */
  fileName: string;
  counts: { entries: number; labels: number; cleared: number; notes: number; submissions: number };
}

export interface PackImportSummary {
  packs: { name: string; annotator: string; entries: number; labels: number; notes: number; submissions: number }[];
  /** Labels given a new value. */
  labelsSet: number;
  /** Labels removed because a newer pack cleared them. */
  labelsCleared: number;
  notesSet: number;
  submissionsSet: number;
  /** Records whose value was already there and only got a newer time (or a tombstone's time). */
  retimed: number;
  annotatorsCreated: string[];
  /** False when every pack was already merged: nothing was written, no backup was taken. */
  changed: boolean;
  backup: BackupInfo | null;
}

/** A starter file made for one annotator, ready to save. */
export interface StarterFile {
  /** The annotator as the project spells their name. */
  annotator: string;
  fileName: string;
  /** The SQLite database's bytes, base64-encoded. */
  base64: string;
  entries: number;
  labels: number;
}

import type { CodebookChange } from './codebook/diff.ts';
import type { Codebook } from './codebook/schema.ts';
import type { LabelValue } from './codebook/values.ts';

/** Domain types shared by the service, the hosts and the renderer. */

export type AnnotatorRole = 'annotator' | 'adjudicator' | 'reference';

/** A person, or a model whose labels were imported (`concord import --machine <name>`). */
export type AnnotatorKind = 'human' | 'machine';

export interface Annotator {
  name: string;
  role: AnnotatorRole;
  /** Machine coders stay out of the human figures unless the lead names them (absent: human). */
  kind?: AnnotatorKind;
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
  /** Every named text of the entry by stored name (prompt, ground_truth, output, test_log, or any other: code, trace ...); empty ones absent. */
  fields: Record<string, string>;
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
 * - `not-a-rater`: a lead (adjudicator), imported reference labels, or a machine coder (its labels
 *   count in agreement only when the lead names it).
 */
export type RaterStanding = 'assigned' | 'no-assignments' | 'included' | 'not-assigned' | 'not-a-rater';

/**
 * One annotator's own part of an entry: their labels, note, status and standing on it. A label, note or
 * status write answers with it, after its commit: the entry itself, which no such write changes,
 * is not sent again (with its texts it is most of an entry's bytes, and a label's round trip).
 */
export interface OwnPart {
  entryId: string;
  labels: Record<string, LabelValue>;
  note: string;
  status: SubmissionStatus;
  /** Whether this annotator's labels on this entry count (the label view says so when they do not). */
  standing: RaterStanding;
}

/** An entry as one annotator sees it: the entry, with their own part of it. */
export interface EntryForAnnotator extends Omit<OwnPart, 'entryId'> {
  entry: Entry;
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

/** An imported label that was not written: the annotator's own label (or clearing) in Concord is newer than any file. */
export interface ImportKept {
  entryId: string;
  annotator: string;
  dimension: string;
  /** What the project keeps (null: the annotator cleared the label). */
  kept: LabelValue | null;
  /** What the file said. */
  file: LabelValue;
  source: string;
  line?: number;
}

/** An entry whose content an import replaced, keeping the earlier content as a version (`--new-version`). */
export interface ImportNewVersion {
  entryId: string;
  /** The entry's version number now (the first import is version 1). */
  version: number;
  /** The fields that changed: prompt, groundTruth, output, passed. */
  fields: string[];
  /** Labels made on the earlier content: flagged for review. */
  flagged: number;
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
  /** The machine coders whose labels this import carried (`--machine`); absent when none. */
  machines?: string[];
  /** Labels the file held that were not written, the project's newer ones kept. */
  kept: ImportKept[];
  /** Entries whose content changed, recorded as new versions (only with `newVersion`). */
  newVersions: ImportNewVersion[];
  /** The backup taken first: an import that changes anything about an entry already here is backed up. */
  backup: BackupInfo | null;
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
  /** `damaged`: empty, cut short, interrupted while taken, or not a database; it cannot be restored. */
  status: 'ok' | 'damaged';
  /** What is wrong with a damaged backup, in words. */
  problem?: string;
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

/** A pack written straight to a file (`packs.exportFile`): where, and what it holds. */
export type PackFileExport = Omit<PackExport, 'text'>;

export interface PackImportSummary {
  /** `signed`: false for a version 1 pack merged on the lead's word (--trust-unsigned). */
  packs: { name: string; annotator: string; signed: boolean; entries: number; labels: number; notes: number; submissions: number }[];
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
  /** Labels merged that were made on an earlier version of their entry's content: flagged for review. */
  flagged: number;
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

/* Any study: the codebook's history, re-review, calibration rounds, gold answers, comments. */

/** One revision of the codebook: what changed, who changed it and whether it made a new version. */
export interface CodebookRevisionInfo {
  revision: number;
  version: string;
  /** The first revision of its version (a change of meaning), not a rewording within one. */
  newVersion: boolean;
  at: string;
  by: string;
  note: string;
  /** The calibration round this change followed, when the lead said so. */
  round: string | null;
  changes: CodebookChange[];
}

/** How much rests on a value (or, with `value` null, a whole dimension): what retiring it would move. */
export interface CodebookUsage {
  dimension: string;
  value: string | null;
  labels: number;
  decisions: number;
  gold: number;
}

/** A value leaving the codebook that labels, decisions or gold answers hold: the lead says where they go. */
export interface NeedsDestination {
  dimension: string;
  value: string;
  label: string;
  labels: number;
  decisions: number;
  gold: number;
  /** The destination given, if any (null: removed from the labels). */
  to?: string | null;
}

/** What publishing a codebook would do, without doing it. */
export interface CodebookPreview {
  /** The version it would have. */
  version: string;
  newVersion: boolean;
  changes: CodebookChange[];
  needsDestination: NeedsDestination[];
  /** Labels that would be listed for re-review. */
  reviews: number;
  /** Why it cannot be published as it is (empty when it can). */
  problems: string[];
}

export interface CodebookPublishResult {
  revision: CodebookRevisionInfo;
  moved: { labels: number; decisions: number; gold: number };
  /** Labels listed for re-review. */
  reviews: number;
}

/** A label made under an older meaning, to look at again. */
export interface ReviewItem {
  entryId: string;
  annotator: string;
  dimension: string;
  /** The version whose change asks for it. */
  version: string;
  reason: string;
  since: string;
  /** The label as it is now (null: the change removed it). */
  value: LabelValue | null;
  labelVersion: string | null;
}

/** A page of the lead's re-review list: every open item, by annotator then entry, `offset` on. */
export interface ReviewPage {
  /** How many items are open in all. */
  total: number;
  /** How many each annotator has open, by name. */
  byAnnotator: { annotator: string; open: number }[];
  offset: number;
  items: ReviewItem[];
}

export interface RoundInfo {
  name: string;
  note: string;
  createdBy: string;
  createdAt: string;
  closedBy: string | null;
  closedAt: string | null;
  entries: number;
  /** Codebook revisions published after this round (its follow-up). */
  followedBy: { revision: number; version: string }[];
}

export interface GoldAnswer {
  entryId: string;
  dimension: string;
  value: LabelValue;
  setBy: string;
  setAt: string;
}

/** Each annotator's accuracy on the gold answers: exact agreement with the known value. */
export interface GoldAccuracy {
  goldEntries: number;
  dimensions: { id: string; label: string; items: number }[];
  annotators: {
    annotator: string;
    items: number;
    correct: number;
    accuracy: number | null;
    byDimension: Record<string, { items: number; correct: number; accuracy: number | null }>;
  }[];
}

/** Agreement of one group of labels: a calibration round, or a codebook version. */
export interface AgreementGroup {
  group: string;
  /** round: closed or open; version: its first revision. */
  detail: string;
  entries: number;
  labels: number;
  pooled: { alpha: number | null; low: number | null; high: number | null; units: number } | null;
  dimensions: { id: string; label: string; measure: string; alpha: number | null; low: number | null; high: number | null; units: number }[];
}

export const disagreementReasons = ['definition-unclear', 'missed-evidence', 'codebook-gap', 'slip'] as const;
export type DisagreementReason = (typeof disagreementReasons)[number];
export const disagreementReasonText: Record<DisagreementReason, string> = {
  'definition-unclear': 'Definition unclear',
  'missed-evidence': 'Missed evidence',
  'codebook-gap': 'Codebook gap',
  slip: 'Slip',
};

export interface EntryComment {
  id: number;
  entryId: string;
  author: string;
  text: string;
  at: string;
}

/** A text dimension's rewrites of one entry (the prompt), and the final one if decided. */
export interface RevisionProposals {
  dimension: string;
  label: string;
  /** The text they rewrite, as the entry holds it. */
  original: string;
  proposals: { annotator: string; text: string }[];
  final: { text: string; decidedBy: string | null; at: string; method: string } | null;
}

/** What the adjudicator sees beside the labels: everyone's comments, the reasons recorded, the rewrites. */
export interface EntryDiscussion {
  entryId: string;
  comments: EntryComment[];
  reasons: { dimension: string; reason: DisagreementReason; setBy: string }[];
  revisions: RevisionProposals[];
  gold: GoldAnswer[];
  rounds: string[];
}

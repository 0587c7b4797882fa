import { z } from 'zod';
import type { DbAgreementReport } from './agreement/report.ts';
import type { DbCoefficientReport } from './agreement/coefficient-report.ts';
import type { DbCoderReport } from './agreement/coders.ts';
import type { DbDriftReport } from './agreement/drift.ts';
import type { DbMachineReport } from './agreement/machines.ts';
import type { CellUnit } from './agreement/types.ts';
import { adjudicationArgs, exportArgs } from './consensus/api-args.ts';
import type { DimensionConsensus, QueueItem } from './consensus/consensus.ts';
import type { AcceptMajoritiesResult, AdjudicationEntry, AdjudicationSummary, QueuePage, UndoResult } from './consensus/results.ts';
import type { ExportResult } from './tables/export-kinds.ts';
import type { Codebook } from './codebook/schema.ts';
import type { LabelValue } from './codebook/values.ts';
import type {
  AgreementGroup,
  CodebookPreview,
  CodebookPublishResult,
  CodebookRevisionInfo,
  CodebookUsage,
  EntryComment,
  EntryDiscussion,
  GoldAccuracy,
  GoldAnswer,
  ReviewItem,
  ReviewPage,
  RevisionProposals,
  RoundInfo,
  Annotator,
  AnnotatorProgress,
  AutoAssignResult,
  BackupInfo,
  EntryAssignment,
  PackExport,
  PackImportSummary,
  RestoreResult,
  StarterFile,
  EntryForAnnotator,
  EntrySummary,
  ImportJob,
  ImportSummary,
  LabelChange,
  OwnPart,
  ProjectInfo,
  SubmissionStatus,
} from './types.ts';
import { disagreementReasons, importFormats } from './types.ts';
import { fieldMappingSchema } from './field-mapping.ts';
import { fieldName } from './codebook/field-schema.ts';
import type { CodebookChange } from './codebook/diff.ts';
import { ConcordError } from './errors.ts';

/**
 * The whole API, declared once: method name -> argument schema and result type. The service in
 * db/ implements it; Electron IPC, the HTTP server and the renderer's clients are generated from
 * this table, so a method exists everywhere or nowhere.
 */

const annotatorName = z
  .string()
  // One spelling of a name: "é" typed as one character or as e + accent is the same person.
  .normalize('NFC')
  .trim()
  .min(1, 'an annotator needs a name')
  .max(80)
  .regex(/^[^\u0000-\u001f]+$/, 'names cannot contain control characters');
const entryId = z.string().min(1).max(1000);
const dimensionId = z.string().min(1).max(100);

export const entryFilterSchema = z.object({
  status: z.enum(['todo', 'draft', 'submitted']).optional(),
  passed: z.boolean().optional(),
  /** Entries whose own label on `dimension` contains `value` (an id, or a tree path). */
  label: z.object({ dimension: dimensionId, value: z.string().min(1) }).optional(),
  /** Case-insensitive substring of the id, repository or function name; or words that begin words of the entry's texts. */
  search: z.string().max(200).optional(),
  /** Only entries with a label of this annotator listed for re-review (made under an older meaning). */
  review: z.boolean().optional(),
  /** Only the entries of this calibration round. */
  round: z.string().min(1).max(100).optional(),
});
export type EntryFilter = z.infer<typeof entryFilterSchema>;

import { DEFAULT_QUEUE_PAGE, MAX_QUEUE_PAGE } from './consensus/api-args.ts';
import { MAX_REVIEW_PAGE } from './queue-page.ts';
/** Entries per queue page when a call does not say, and the most one page holds (the adjudication queue pages alike). */
export { DEFAULT_QUEUE_PAGE, MAX_QUEUE_PAGE };

/** One page of an annotator's queue (`entries.page`). */
export interface EntryPage {
  rows: EntrySummary[];
  /** Entries the whole filtered queue lists, and how many of them this annotator submitted. */
  total: number;
  submitted: number;
  /** Position of the first row in the queue. */
  offset: number;
  /** Position of the entry asked for with `around` (null when the queue does not list it, or none was asked for). */
  index: number | null;
  /**
   * With `withFirst`: the page's first entry as `entries.get` gives it (null on an empty page), so
   * that an app opening on the start of its queue shows it without a second round trip.
   */
  first?: EntryForAnnotator | null;
}

/** One entry of the event log (the audit trail), as `events.list` returns it. */
export interface EventRecord {
  id: number;
  /** ISO 8601 UTC. */
  at: string;
  actor: string;
  /** `label.set`, `label.undo`, `decision.set`, `pack.merge`, ... */
  kind: string;
  entryId: string | null;
  dimension: string | null;
  /** What the write replaced and what it wrote, as logged (parsed JSON; null when none). */
  before: unknown;
  after: unknown;
  /** The event this one undoes. */
  reverts: number | null;
}

export interface EventPage {
  /** Newest first. */
  events: EventRecord[];
  /** Pass as `before` for the next, older page; null when there is none. */
  nextBefore: number | null;
}

/**
 * The lead's methods show everyone's labels (or change the whole project), so they name who is
 * asking; the door (shared/door.ts) answers them only for an adjudicator. Labelling stays blind.
 */
const asLead = { as: annotatorName };

const roundName = z.string().trim().min(1, 'a round needs a name').max(100);
/** A codebook of the project's history: by revision number or by version (its last revision). */
const codebookRef = z.object({ revision: z.number().int().min(1).optional(), version: z.string().min(1).max(50).optional() });
const valuePath = z.string().min(1).max(300);
/** What the codebook editor publishes: the draft, where the labels of values that leave go, declared splits, wording-only edits. */
const codebookDraft = {
  codebook: z.record(z.string(), z.unknown()),
  remap: z.array(z.object({ dimension: dimensionId, from: valuePath, to: valuePath.nullable() })).max(10_000).optional(),
  splits: z.array(z.object({ dimension: dimensionId, value: valuePath, into: z.array(valuePath).min(1).max(100) })).max(1000).optional(),
  wordingOnly: z.array(z.string().max(500)).max(10_000).optional(),
  note: z.string().max(10_000).optional(),
  round: roundName.optional(),
};

/**
 * Which labels the agreement figures count, and how they are resampled: the same arguments for
 * the alpha report and every figure beside it, so they always stand on the same labels.
 */
const agreementSelection = {
  ...asLead,
  dimension: dimensionId.optional(),
  bootstrap: z.number().int().min(0).max(100_000).optional(),
  seed: z.number().int().optional(),
  includeDrafts: z.boolean().optional(),
  annotators: z.array(annotatorName).max(100).optional(),
  /** Also count these annotators on entries not assigned to them (see `selection.unassigned`). */
  includeUnassigned: z.array(annotatorName).max(100).optional(),
  codebookVersion: z.string().max(50).optional(),
};

/** What an agreement report is asked with: the selection, a calibration round's entries only, and whether to list each cell's units. */
const agreementArgs = z.object({
  ...agreementSelection,
  /** Only the entries of this calibration round. */
  round: roundName.optional(),
  /** List the units behind each coincidence cell (default true; the command line leaves them out, and so does the app: it asks `agreement.cell`). */
  cellUnits: z.boolean().optional(),
});

/** Alpha per calibration round or per codebook version. */
const groupsArgs = z.object({
  ...asLead,
  by: z.enum(['round', 'version']),
  bootstrap: z.number().int().min(0).max(10_000).optional(),
  seed: z.number().int().optional(),
  includeDrafts: z.boolean().optional(),
});

/** An agreement report being computed off the request thread. */
export interface AgreementJob {
  jobId: string;
  /** `reading` the labels, then the `bootstrap` (done and total count resamples); then done, failed or cancelled. */
  progress: { phase: 'starting' | 'reading' | 'bootstrap' | 'done' | 'failed' | 'cancelled'; done: number; total: number };
  report?: DbAgreementReport;
  error?: { message: string };
}

/** The Agreement view's tabs beside the alpha report, each one of the `agreement.*` methods below. */
export type FigureKind = 'coefficients' | 'coders' | 'drift' | 'machines';

/** What each tab's report is. */
export interface FigureReports {
  coefficients: DbCoefficientReport;
  coders: DbCoderReport;
  drift: DbDriftReport;
  machines: DbMachineReport;
}

/** One tab's report being computed off the request thread (`agreement.startFigures`). */
export interface FiguresJob {
  jobId: string;
  /** `reading` the labels, then `computing` the figures and their intervals; then done, failed or cancelled. */
  progress: { phase: 'starting' | 'reading' | 'computing' | 'done' | 'failed' | 'cancelled'; done: number; total: number };
  figures?: FigureKind;
  report?: FigureReports[FigureKind];
  error?: { message: string };
}

/** The entries behind one cell of a coder's matrix, being listed off the request thread (`agreement.coderCell`). */
export interface CoderCellJob {
  jobId: string;
  progress: { phase: 'starting' | 'computing' | 'done' | 'failed' | 'cancelled'; done: number; total: number };
  /** In natural id order, once done. */
  entries?: string[];
  error?: { message: string };
}

/** Alpha per round or per version with bootstrap intervals, computed off the request thread (`agreement.groupsStart`). */
export interface GroupsJob {
  jobId: string;
  /** The `bootstrap` of the groups' figures (done and total count resamples, of all figures); then done, failed or cancelled. */
  progress: { phase: 'starting' | 'bootstrap' | 'done' | 'failed' | 'cancelled'; done: number; total: number };
  /** The groups: their figures at once, with their intervals once the job is done. */
  groups: AgreementGroup[];
  error?: { message: string };
}

/** A whole export file being made off the request thread (`exports.start`), for the Export view to show or download. */
export interface ExportJob {
  jobId: string;
  /** `making` the file (the labels count entries made of all: done, total; other kinds say no count); then done, failed or cancelled. */
  progress: { phase: 'starting' | 'making' | 'done' | 'failed' | 'cancelled'; done: number; total: number };
  /**
   * Once done: the export (an ExportResult) as JSON text, handed over in this many pieces
   * (`exports.piece`, each at most EXPORT_PIECE_CHARS), so that no one answer holds tens of
   * megabytes while annotators wait behind it. The service lets the text go once its last piece is taken.
   */
  pieces?: number;
  error?: { message: string };
}

/** Characters of an export's JSON text handed over in one `exports.piece`. */
export const EXPORT_PIECE_CHARS = 2_000_000;

/** Declares a method: `method<Result>()(argumentSchema)`. */
function method<R>() {
  return <A extends z.ZodType>(args: A) => ({ args, result: undefined as unknown as R });
}

/** What an export takes: its kind and format, and what each kind may ask for. */
const exportRenderArgs = exportArgs.render.extend({
  ...asLead,
  /** dlbench: write each entry's final revised prompt where there is one, instead of the original. */
  revisedPrompts: z.boolean().optional(),
  /** drift: per week (default) or per batch of 50 entries; rounds: per calibration round (default) or per codebook version. */
  by: z.enum(['week', 'batch', 'round', 'version']).optional(),
  /** gold, disagreements: only the entries of this round. */
  round: roundName.optional(),
  /** labels: add these texts of each entry (field names the codebook shows), beside its labels. */
  fields: z.array(fieldName).max(32).optional(),
  /** labels: only the first entries (PREVIEW_ENTRIES), for the Export view to show at any size of study; the download asks for all. */
  preview: z.boolean().optional(),
});

export const api = {
  /** Name, codebook and counts of the open project. */
  'project.info': method<ProjectInfo>()(z.object({})),
  'project.codebook': method<Codebook>()(z.object({})),
  'project.annotators': method<Annotator[]>()(z.object({})),
  /** Adds an annotator (or returns the existing one of that name). */
  'project.addAnnotator': method<Annotator>()(z.object({ name: annotatorName, role: z.enum(['annotator', 'adjudicator']).optional() })),

  /** The queue of one annotator, filtered. Only that annotator's labels are included. */
  'entries.list': method<EntrySummary[]>()(z.object({ annotator: annotatorName, filter: entryFilterSchema.optional() })),
  /**
   * One page of the queue of one annotator, filtered, in the natural order of ids: `offset` and
   * `limit`, or the page holding the entry `around`. Only that annotator's labels are included.
   * `withFirst` adds the page's first entry, whole (`first`).
   */
  'entries.page': method<EntryPage>()(
    z.object({
      annotator: annotatorName,
      filter: entryFilterSchema.optional(),
      offset: z.number().int().min(0).optional(),
      limit: z.number().int().min(1).max(MAX_QUEUE_PAGE).optional(),
      around: entryId.optional(),
      withFirst: z.boolean().optional(),
    }),
  ),
  'entries.get': method<EntryForAnnotator>()(z.object({ annotator: annotatorName, id: entryId })),

  /** Sets (or, with null, clears) one label; one transaction, one event. Answers with the annotator's part of the entry, as the three writes here do. */
  'labels.set': method<OwnPart>()(z.object({ annotator: annotatorName, entryId, dimension: dimensionId, value: z.unknown() })),
  /** Reverts this annotator's most recent label change that is not yet undone. */
  'labels.undo': method<LabelChange | null>()(z.object({ annotator: annotatorName })),
  'labels.setNote': method<OwnPart>()(z.object({ annotator: annotatorName, entryId, text: z.string().max(100_000) })),
  'labels.setStatus': method<OwnPart>()(z.object({ annotator: annotatorName, entryId, status: z.enum(['draft', 'submitted']) })),

  /** Starts an import of a file or folder on this machine; poll `imports.status`. */
  'imports.start': method<ImportJob>()(
    z.object({ path: z.string().min(1).max(4096), format: z.enum(importFormats).optional(), newVersion: z.boolean().optional(), mapping: fieldMappingSchema.optional() }),
  ),
  /** The columns of a JSONL or CSV file on this machine (every key of every line, the CSV header), for the import dialog's field mapping. */
  'imports.columns': method<{ columns: string[] }>()(z.object({ path: z.string().min(1).max(4096) })),
  'imports.status': method<ImportJob>()(z.object({ jobId: z.string().min(1).max(100) })),
  /** Asks a job started here (an import, an agreement report) to stop; an import that is already writing finishes. */
  'jobs.cancel': method<{ cancelled: boolean }>()(z.object({ jobId: z.string().min(1).max(100) })),
  /**
   * Imports a file or folder on this machine and answers with the summary once it is written
   * (the command line's import; `as` is recorded as the actor). `maps` place published values the
   * codebook cannot (Deep-Bench entry files only).
   */
  'imports.run': method<ImportSummary>()(
    z.object({
      ...asLead,
      path: z.string().min(1).max(4096),
      format: z.enum(importFormats).optional(),
      /** Keep an entry whose content changed as a new version (its labels flagged for review) instead of refusing the import. */
      newVersion: z.boolean().optional(),
      maps: z
        .array(z.object({ dimension: z.string().min(1).max(100), published: z.string().min(1).max(1000), value: z.string().min(1).max(200) }))
        .max(1000)
        .optional(),
      /** The annotations file holds these machine coders' labels (a model's), not people's. */
      machines: z.array(annotatorName).max(100).optional(),
      /** Which columns of a JSONL or CSV file hold the entries' ids and named texts. */
      mapping: fieldMappingSchema.optional(),
    }),
  ),

  /** Balanced, deterministic assignment of each entry to `perEntry` annotators (existing ones kept). */
  'assignments.auto': method<AutoAssignResult>()(
    z.object({ ...asLead, perEntry: z.number().int().min(1).max(50).optional(), annotators: z.array(annotatorName).min(1).max(200).optional() }),
  ),
  /** Assigns these entries, by hand, to exactly these annotators. */
  'assignments.set': method<EntryAssignment[]>()(z.object({ ...asLead, entryIds: z.array(entryId).min(1).max(100_000), annotators: z.array(annotatorName).max(200) })),
  'assignments.list': method<EntryAssignment[]>()(z.object({})),
  /** Assigned, to do, draft and submitted per annotator (the lead's overview). */
  'assignments.progress': method<AnnotatorProgress[]>()(z.object({ annotator: annotatorName.optional() })),

  /** One annotator's labels, notes and submissions as a deterministic pack file. */
  'packs.export': method<PackExport>()(z.object({ as: annotatorName, annotator: annotatorName })),
  /** A starter project file for one annotator (their entries, no one else's labels), as base64 bytes. */
  'packs.starter': method<StarterFile>()(z.object({ ...asLead, annotator: annotatorName })),
  /**
   * Merges packs (the later label by its logical clock wins), after a backup; all packs are checked
   * before anything is written, signatures included. `trustUnsigned` merges version 1 packs (made
   * before packs were signed) on the caller's word, which the event log records.
   */
  'packs.import': method<PackImportSummary>()(
    z.object({
      ...asLead,
      packs: z.array(z.object({ name: z.string().min(1).max(255), text: z.string().max(50_000_000) })).min(1).max(100),
      trustUnsigned: z.boolean().optional(),
    }),
  ),
  'backups.list': method<BackupInfo[]>()(z.object(asLead)),
  'backups.create': method<BackupInfo>()(z.object(asLead)),
  /** Puts a backup back in place (the current state is backed up first). */
  'backups.restore': method<RestoreResult>()(z.object({ ...asLead, name: z.string().min(1).max(255) })),

  /**
   * The event log, newest first, a page at a time (`before`: the previous page's `nextBefore`).
   * `kind` is a kind or a family (`label` for label.set and label.undo); `entrySearch` matches part of an id.
   */
  'events.list': method<EventPage>()(
    z.object({
      ...asLead,
      entryId: entryId.optional(),
      entrySearch: z.string().max(200).optional(),
      actor: z.string().max(80).optional(),
      kind: z.string().max(100).optional(),
      before: z.number().int().min(1).optional(),
      limit: z.number().int().min(1).max(1000).optional(),
    }),
  ),

  /** Entries with open disagreements, most split first (of one calibration round, if named). */
  'adjudication.queue': method<QueueItem[]>()(adjudicationArgs.queue.extend({ ...asLead, round: roundName.optional() })),
  /** One page of that queue (or the page holding `around`), with the queue's length (of one calibration round, if named). */
  'adjudication.queuePage': method<QueuePage>()(adjudicationArgs.queuePage.extend({ ...asLead, round: roundName.optional() })),
  'adjudication.summary': method<AdjudicationSummary>()(adjudicationArgs.summary.extend(asLead)),
  /** Every annotator's value per dimension (names can be hidden), the proposal and the status. */
  'adjudication.entry': method<AdjudicationEntry>()(adjudicationArgs.entry.extend(asLead)),
  /** Records a final value (null removes the decision); overriding a majority needs a rationale. */
  'adjudication.decide': method<DimensionConsensus>()(adjudicationArgs.decide.extend(asLead)),
  'adjudication.acceptMajorities': method<AcceptMajoritiesResult>()(adjudicationArgs.acceptMajorities.extend(asLead)),
  'adjudication.undo': method<UndoResult | null>()(adjudicationArgs.undo.extend(asLead)),

  /** One export as bytes to save or download (deterministic: same data, same bytes). */
  'exports.render': method<ExportResult>()(exportRenderArgs),
  /**
   * The same export, whole, made off the request thread (at 100,000 entries it takes seconds):
   * answers at once with a job; poll `exports.job`, stop it with `jobs.cancel`, then take its
   * pieces (`exports.piece`, 0 to pieces - 1) and parse their joined text.
   */
  'exports.start': method<ExportJob>()(exportRenderArgs.omit({ preview: true })),
  'exports.job': method<ExportJob>()(z.object({ ...asLead, jobId: z.string().min(1).max(100) })),
  'exports.piece': method<{ text: string }>()(z.object({ ...asLead, jobId: z.string().min(1).max(100), index: z.number().int().min(0).max(1_000_000) })),

  /** Krippendorff's alpha on the annotators' own labels (never on decisions). */
  'agreement.report': method<DbAgreementReport>()(agreementArgs),
  /**
   * The same report computed off the request thread (the bootstrap of a large study takes
   * seconds): answers at once with a job; poll `agreement.job`, stop it with `jobs.cancel`.
   */
  'agreement.start': method<AgreementJob>()(agreementArgs),
  'agreement.job': method<AgreementJob>()(z.object({ ...asLead, jobId: z.string().min(1).max(100) })),
  /** The entries behind one cell of one figure's coincidence matrix (the report leaves them out unless asked). */
  'agreement.cell': method<CellUnit[]>()(
    agreementArgs.extend({
      figure: z.union([
        z.object({ scope: z.literal('pooled'), measure: z.string().min(1).max(100) }),
        z.object({ scope: z.literal('dimension'), dimension: dimensionId, measure: z.string().min(1).max(100) }),
        z.object({ scope: z.literal('value'), dimension: dimensionId, valueId: z.string().min(1).max(1000) }),
      ]),
      row: z.number().int().min(0).max(100_000),
      col: z.number().int().min(0).max(100_000),
    }),
  ),
  /**
   * Every chance-corrected coefficient (percent, Cohen, Fleiss, Conger, Gwet's AC1/AC2,
   * Brennan-Prediger, alpha) with its 95% interval, pooled and per dimension, on the labels the
   * alpha report counts. Its own call: resampling every figure takes seconds.
   */
  'agreement.coefficients': method<DbCoefficientReport>()(
    z.object({ ...agreementSelection, weights: z.enum(['ordinal', 'quadratic', 'linear']).optional(), categories: z.enum(['all', 'first']).optional() }),
  ),
  /** Each annotator against the final labels and against the majority of the others: confusion matrices, precision, recall, kappa. */
  'agreement.coders': method<DbCoderReport>()(z.object(agreementSelection)),
  /**
   * Lists the entries behind one cell of a coder's matrix (the Coders tab's report leaves them
   * out): the coder's category `row` against the reference's `col`, by id. Off the request thread,
   * as the tab is (it reads every counted label): follow it with `agreement.coderCellJob`.
   */
  'agreement.coderCell': method<CoderCellJob>()(
    z.object({
      ...agreementSelection,
      dimension: dimensionId,
      coder: annotatorName,
      reference: z.enum(['final', 'others']),
      row: z.string().min(1).max(10_000),
      col: z.string().min(1).max(10_000),
    }),
  ),
  /** The agreement figure per week of labelling time, or per batch of 50 entries as they were finished. */
  'agreement.drift': method<DbDriftReport>()(z.object({ ...agreementSelection, by: z.enum(['week', 'batch']) })),
  /** Every machine coder against the human consensus, each person against the others beside them. */
  'agreement.machines': method<DbMachineReport>()(z.object(agreementSelection)),
  /**
   * One of the four reports above computed off the request thread (at 100,000 entries each takes
   * seconds, its bootstrap minutes): answers at once with a job; poll `agreement.figuresJob`, stop
   * it with `jobs.cancel`. The arguments are the report's own, `figures` names which.
   */
  'agreement.startFigures': method<FiguresJob>()(
    z.object({
      ...agreementSelection,
      figures: z.enum(['coefficients', 'coders', 'drift', 'machines']),
      /** The coefficients' weights for ordinal dimensions. */
      weights: z.enum(['ordinal', 'quadratic', 'linear']).optional(),
      /** Drift's grouping (drift needs it). */
      by: z.enum(['week', 'batch']).optional(),
      /** The coefficients' per-category figures: of every dimension (default), or of the first that has any. */
      categories: z.enum(['all', 'first']).optional(),
    }),
  ),
  'agreement.figuresJob': method<FiguresJob>()(z.object({ ...asLead, jobId: z.string().min(1).max(100) })),
  'agreement.coderCellJob': method<CoderCellJob>()(z.object({ ...asLead, jobId: z.string().min(1).max(100) })),
  /** Alpha per calibration round, or per codebook version: the trend across rounds. */
  'agreement.groups': method<AgreementGroup[]>()(groupsArgs),
  /**
   * The same groups, their figures at once and their intervals from a job off the request thread
   * (a bootstrap takes seconds on a large study): poll `agreement.groupsJob`, stop it with `jobs.cancel`.
   */
  'agreement.groupsStart': method<GroupsJob>()(groupsArgs),
  'agreement.groupsJob': method<GroupsJob>()(z.object({ ...asLead, jobId: z.string().min(1).max(100) })),

  /* The codebook: its history, the editor, what rests on each value. */
  /** Every revision of the codebook, oldest first, with what changed. */
  'codebook.history': method<CodebookRevisionInfo[]>()(z.object({})),
  /** A codebook of the history (by revision or version); the one in use without either. */
  'codebook.get': method<Codebook>()(codebookRef),
  /** What changed between two codebooks of the history. */
  'codebook.diff': method<CodebookChange[]>()(z.object({ from: codebookRef, to: codebookRef })),
  /** How many labels, decisions and gold answers hold each value: what retiring it would move. */
  'codebook.usage': method<CodebookUsage[]>()(z.object(asLead)),
  /** What publishing a draft would do (changes, version, destinations needed), without doing it. */
  'codebook.preview': method<CodebookPreview>()(z.object({ ...asLead, ...codebookDraft })),
  /** Publishes a draft: a new version if meaning changed, labels moved where told and listed for re-review. */
  'codebook.publish': method<CodebookPublishResult>()(z.object({ ...asLead, ...codebookDraft })),

  /** One annotator's labels made under an older meaning, to look at again (with `entryId`, that entry's alone). */
  'reviews.list': method<ReviewItem[]>()(z.object({ annotator: annotatorName, entryId: entryId.optional() })),
  /**
   * Everyone's labels listed for re-review (the lead's list), a page at a time: a change of
   * meaning at 100,000 entries lists tens of thousands.
   */
  'reviews.all': method<ReviewPage>()(z.object({ ...asLead, offset: z.number().int().min(0).optional(), limit: z.number().int().min(1).max(MAX_REVIEW_PAGE).optional() })),
  /** Keeps a label listed for re-review as it is under the current codebook. */
  'labels.confirm': method<ReviewItem[]>()(z.object({ annotator: annotatorName, entryId, dimension: dimensionId })),

  /* Calibration rounds and gold answers. */
  'rounds.list': method<RoundInfo[]>()(z.object({})),
  /** A round of the entries named, or of a seeded random sample of entries in no round yet (or of all). */
  'rounds.create': method<RoundInfo>()(
    z.object({
      ...asLead,
      name: roundName,
      note: z.string().max(10_000).optional(),
      entryIds: z.array(entryId).max(100_000).optional(),
      sample: z.object({ size: z.number().int().min(1).max(100_000), seed: z.number().int().optional(), fromAll: z.boolean().optional() }).optional(),
    }),
  ),
  /** Closes a round, or (open) opens it again. */
  'rounds.close': method<RoundInfo>()(z.object({ ...asLead, name: roundName, open: z.boolean().optional() })),
  'gold.list': method<GoldAnswer[]>()(z.object(asLead)),
  /** The known answer of an entry per dimension (null removes one), its final values (`fromFinal`), or one person's labels. */
  'gold.set': method<GoldAnswer[]>()(
    z.object({
      ...asLead,
      entryId,
      values: z.record(z.string(), z.unknown()).optional(),
      fromFinal: z.boolean().optional(),
      /** Take these labels of the entry as its known answers (the lead labels a gold entry in the Label view). */
      fromLabelsOf: annotatorName.optional(),
    }),
  ),
  /** Each annotator's accuracy on the gold answers (of one round, if named). */
  'gold.accuracy': method<GoldAccuracy>()(z.object({ ...asLead, round: roundName.optional(), includeDrafts: z.boolean().optional() })),

  /* Comments: each author's own while labelling; everyone's in adjudication. */
  'comments.list': method<EntryComment[]>()(z.object({ annotator: annotatorName, entryId })),
  'comments.add': method<EntryComment[]>()(z.object({ annotator: annotatorName, entryId, text: z.string().min(1).max(10_000) })),
  'comments.delete': method<EntryComment[]>()(z.object({ annotator: annotatorName, id: z.number().int().min(1) })),
  /** Everyone's comments on an entry, the reasons recorded, the rewrites and gold answers: beside the adjudication grid. */
  'adjudication.discussion': method<EntryDiscussion>()(z.object({ ...asLead, entryId, hideNames: z.boolean().optional() })),
  /** Why the annotators disagreed on a dimension ('' for the entry): definition unclear, missed evidence, codebook gap, slip. */
  'adjudication.setReason': method<EntryDiscussion['reasons']>()(
    z.object({ ...asLead, entryId, dimension: z.string().max(100), reason: z.enum(disagreementReasons).nullable() }),
  ),
  /** The final rewrite of an entry's text: one annotator's, or the adjudicator's own (null: none). */
  'adjudication.decideRevision': method<RevisionProposals>()(
    z.object({ ...asLead, entryId, dimension: dimensionId, text: z.string().max(1_000_000).nullable(), decidedBy: annotatorName }),
  ),
} as const;

export type Api = typeof api;

export type MethodName = keyof Api;
export type ArgsOf<M extends MethodName> = z.input<Api[M]['args']>;
export type ResultOf<M extends MethodName> = Api[M]['result'];
export const methodNames = Object.keys(api) as MethodName[];

/** The typed surface every client offers: `client.call('entries.get', {...})`. */
export interface ApiClient {
  call<M extends MethodName>(method: M, args: ArgsOf<M>): Promise<ResultOf<M>>;
}

/** Methods that wait on I/O outside one transaction (SQLite's backup API, reading files to import), or on a worker (a report). */
export type AsyncMethodName = 'backups.restore' | 'imports.run' | 'imports.columns' | 'agreement.report' | 'agreement.groupsStart';

/** The service's implementation, behind the door: every other method answers synchronously (one SQLite transaction). */
export type SyncApiHandlers = { [M in Exclude<MethodName, AsyncMethodName>]: (args: z.output<Api[M]['args']>) => ResultOf<M> } & {
  [M in AsyncMethodName]: (args: z.output<Api[M]['args']>) => Promise<ResultOf<M>>;
};

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(api, name);
}

/** Checks arguments that crossed a process boundary; the error names the offending field. */
export function parseArgs<M extends MethodName>(name: M, raw: unknown): z.output<Api[M]['args']> {
  const r = api[name].args.safeParse(raw ?? {});
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new ConcordError('bad-input', `${name}: ${issue.message}`, { field: issue.path.join('.') || undefined });
  }
  return r.data as z.output<Api[M]['args']>;
}

export type { LabelValue, SubmissionStatus };

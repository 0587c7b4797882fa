import { randomUUID } from 'node:crypto';
import { checkPinnedLines } from './lines.ts';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_QUEUE_PAGE, EXPORT_PIECE_CHARS, type AgreementJob, type ExportJob, type CoderCellJob, type FiguresJob, type GroupsJob, type EntryFilter, type EntryPage, type SyncApiHandlers } from '../shared/api.ts';
import { figureKey, type DbAgreementReport } from '../shared/agreement/report.ts';
import type { AlphaInterval } from '../shared/agreement/types.ts';
import { cellKey } from '../shared/agreement/types.ts';
import { openDoor, type ApiDoor, type Caller, type DoorArgs } from '../shared/door.ts';
import {
  appliesIfNote,
  canonicalLabelValue,
  dimensionApplies,
  findDimension,
  isEmptyValue,
  type Codebook,
  type Dimension,
  type LabelValue,
} from '../shared/codebook/index.ts';
import { ConcordError, badInput } from '../shared/errors.ts';
import { conflictReason } from '../shared/consensus/consensus.ts';
import type { AgreementGroup, Annotator, AnnotatorRole, EntryForAnnotator, EntrySummary, ImportFormat, ImportJob, ImportProgress, ImportSummary, LabelChange, OwnPart, PackFileExport, ProjectInfo } from '../shared/types.ts';
import { Cancelled, jobRunner, type JobProgress, type RunningJob } from './jobs/runner.ts';
import { now, schemaVersion, withDatabaseErrorsExplained, type Db } from './database.ts';
import { openStore, type EntryRef, type OwnRecord, type QueueQuery, type QueueRow } from './data/index.ts';
import { adoptColumns, columnsToHand, keptToHand, saveKeptColumns, type HandedColumns } from './data/agreement-rows.ts';
import { listEvents } from './events.ts';
import { adoptReportAhead, agreementReport, keptReport, reportInHand, type AgreementQuery, type ReportAhead } from './agreement.ts';
import { coderCellEntries, coderReport, coefficientReport, driftReport, figureReport, machineReport } from './agreement-figures.ts';
import type { FiguresRequest, JobRequest } from './jobs/protocol.ts';
import { adoptConsensus, forgetConsensus } from './adjudication.ts';
import type { ConsensusSeed } from './consensus-index.ts';
import { assignmentProgress, autoAssign, listAssignments, raterStanding, setAssignments } from './assignments.ts';
import { backupDatabase, listBackups, restoreBackup } from './backup.ts';
import { consensusHandlers } from './exports/handlers.ts';
import { admitAnnotatorName, labellerNamed, setOwnLabel, setOwnRecord } from './labels.ts';
import { exportPack, importPacks, writePackFile, writeStarter } from './packs/index.ts';
import { columnsOfFile, runImport } from './import/index.ts';
import { adjudicationQueue, adjudicationQueuePage } from './adjudication.ts';
import { codebookAt, codebookHistory, codebookUsage, diffHistory, previewCodebook, publishCodebook } from './codebook-edit.ts';
import { addComment, deleteComment, entryDiscussion, ownComments, setReason } from './comments.ts';
import { confirmReview, reviewPage, reviewsOf } from './reviews.ts';
import { decideRevision } from './revisions.ts';
import { checkExportArgs, renderExport } from './exports/render.ts';
import { writeExportFile } from './exports/stream.ts';
import { agreementGroups, closeRound, createRound, goldAccuracy, groupFigures, groupIntervals, listGold, listRounds, roundEntries, setGold, withIntervals, type GroupFigures, type GroupsQuery } from './rounds.ts';
export { contentHash } from './import/index.ts';

/**
 * The API contract implemented on one SQLite database, behind its one door (shared/door.ts):
 * `service.call(method, args, caller)`. Hosts add nothing but transport.
 */
/**
 * Writes a pack or a one-file export straight to `out` as it is made, after the door's checks of
 * the method that would answer with it (`packs.export`, `exports.render`): for the command line
 * alone. No host exposes it, since it writes wherever it is told.
 */
export interface FileWriters {
  pack(args: DoorArgs<'packs.export'> & { out: string }, caller: Caller): PackFileExport;
  export(args: DoorArgs<'exports.render'> & { out: string }, caller: Caller): { file: string };
}

export type Service = ApiDoor & { close(): void; readonly db: Db; readonly writeFile: FileWriters };

/** Creates the project row on a fresh database; an existing project is left as it is. */
export function ensureProject(db: Db, name: string, codebook: Codebook): void {
  const store = openStore(db);
  if (store.project.exists()) return;
  store.transaction(() => {
    store.project.insert({ name, codebookJson: JSON.stringify(codebook), createdAt: now() });
    store.events.append({ actor: 'system', kind: 'project.create', after: { name, codebook: `${codebook.id}@${codebook.version}` } });
  });
}

/** When the labels are read ahead (`ServiceOptions.readAhead` true): once the first screen is up, not competing with it. */
const READ_AHEAD_MS = 2000;

/** Entries indexed for search in one slice after an import: some 10 ms of the request thread (3.2 KB entries). */
const TEXT_INDEX_SLICE = 250;

export interface ServiceOptions {
  /** The better_sqlite3.node the host runs with (Electron's own build), for the extra connections backups and starter files open. */
  nativeBinding?: string;
  /** Told how an `imports.run` is getting on (the command line prints it). */
  onImportProgress?: (p: ImportProgress) => void;
  /** Run imports and agreement jobs off the request thread, in workers (default: yes, for a project file). */
  workers?: boolean;
  /** Where the worker script is (a bundled host builds its own; db/jobs/runner.ts knows the default). */
  workerUrl?: URL;
  /**
   * For the app's hosts, where a person opens views (not the command line): read every label into
   * the columns agreement and adjudication stand on, in a worker, soon after opening (or this many
   * ms after), and take them over, so that the lead's first Agreement or Adjudicate view of the
   * session need not read them (seconds at 100,000 entries); and have workers ready with those
   * columns as the Agreement report is asked for, for its bootstrap and its tabs.
   */
  readAhead?: true | number;
}

/** An import's progress as its worker tells it, in the import's own phases. */
function importProgress(p: JobProgress, last: ImportProgress): ImportProgress {
  // The job ends when its result (or error) is in, not when the worker says it is done.
  if (!['reading', 'writing'].includes(p.phase)) return last;
  return { phase: p.phase as ImportProgress['phase'], done: p.done, total: p.total };
}

/** A job followed by polling: its id, how far it got, and its error if it failed or was cancelled. */
type FollowedJob = { jobId: string; progress: { phase: string; done: number; total: number }; error?: { message: string } };
const SETTLED = ['done', 'failed', 'cancelled'];
/** Settled jobs kept for polling, of each kind. */
const JOBS_KEPT = 32;
/** Finished export files held until they are collected. */
const EXPORT_FILES_HELD = 3;

export function createService(db: Db, opts: ServiceOptions = {}): Service {
  const native = opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {};
  const jobs = new Map<string, ImportJob>();
  const agreementJobs = new Map<string, AgreementJob>();
  const figureJobs = new Map<string, FiguresJob>();
  const coderCellJobs = new Map<string, CoderCellJob>();
  const groupsJobs = new Map<string, GroupsJob>();
  const exportJobs = new Map<string, ExportJob>();
  /** Each finished export job's file as JSON text, until its last piece is taken. */
  const exportTexts = new Map<string, string>();
  /** Jobs running (or run) in a worker, and how each brings its job's state up to date. */
  const workers = new Map<string, { running: RunningJob; sync: () => void }>();

  /**
   * Keeps a job for polling. Of each kind, every running job and the newest settled ones are kept:
   * a project open for days must not hold every report it ever computed.
   */
  function remember<J extends FollowedJob>(jobs: Map<string, J>, job: J): void {
    jobs.set(job.jobId, job);
    for (const [id, old] of jobs) {
      if (jobs.size <= JOBS_KEPT) break;
      if (!SETTLED.includes(old.progress.phase)) continue;
      jobs.delete(id);
      workers.delete(id);
      exportTexts.delete(id);
    }
  }

  /**
   * Starts a job the lead follows by polling: in a worker when the project is a file (`request`),
   * otherwise on this thread once the call has answered (`inline`, told its progress). `done`
   * takes the result into the job; a failure, or a cancel, is said in it.
   */
  function startJob<J extends FollowedJob>(
    jobs: Map<string, J>,
    job: J,
    work: { request: JobRequest; inline: (onProgress: (done: number, total: number) => void) => unknown; done: (result: unknown) => void; phase?: string },
  ): J {
    const fail = (e: unknown) => {
      job.error = { message: (e as Error).message };
      job.progress = { ...job.progress, phase: e instanceof Cancelled ? 'cancelled' : 'failed' };
    };
    const finish = (result: unknown) => {
      work.done(result);
      job.progress = { ...job.progress, phase: 'done' };
    };
    if (onFile()) {
      const running = runner.run(work.request);
      job.jobId = running.id;
      // Until the worker has begun, a total known here (a bootstrap's resamples) stays.
      const sync = () => void (job.progress = { ...job.progress, ...running.progress, total: running.progress.total || job.progress.total } as J['progress']);
      workers.set(running.id, { running, sync });
      running.done.then(finish, fail);
    } else
      setImmediate(() => {
        try {
          finish(work.inline((done, total) => (job.progress = { ...job.progress, phase: work.phase ?? 'bootstrap', done, total } as J['progress'])));
        } catch (e) {
          fail(e);
        }
      });
    remember(jobs, job);
    return { ...job };
  }

  /** A followed job as it stands now, brought up to date with its worker. */
  function jobIn<J extends FollowedJob>(jobs: Map<string, J>, jobId: string, what: string): J {
    const job = jobs.get(jobId);
    if (!job) throw new ConcordError('not-found', `no ${what} ${jobId}`, { field: 'jobId' });
    workers.get(jobId)?.sync();
    return { ...job };
  }
  const runner = jobRunner({ file: db.name, nativeBinding: opts.nativeBinding, workerUrl: opts.workerUrl });
  // A worker opens the project file itself; a database in memory has none to open.
  const onFile = () => opts.workers !== false && db.name !== '' && db.name !== ':memory:' && existsSync(db.name);
  const store = openStore(db);
  let codebook = store.project.codebook();
  const readsAhead = () => opts.readAhead !== undefined && onFile();
  /** Whether the labels were read ahead yet (on opening, they are once the first screen is up). */
  let readAheadBegun = false;
  /** The labels read in a worker and taken over, unless this connection holds them already. */
  const readAhead = () => {
    readAheadBegun = true;
    if (!db.open || columnsToHand(db)) return;
    runner
      .run({ kind: 'columns' })
      .done.then((handed) => {
        // Unless a call read them here meanwhile; a write since then the log brings them up to date from.
        if (db.open && handed && !columnsToHand(db)) adoptColumns(db, handed as HandedColumns);
        // Then every entry's consensus, worked out in the same worker from them: the session's first adjudication queue and summary;
        // then the report the Agreement view opens with: the session's first one.
        if (!db.open) return;
        return runner
          .run({ kind: 'consensus' })
          .done.then((seed) => db.open && adoptConsensus(db, seed as ConsensusSeed))
          .then(() => db.open && runner.run({ kind: 'report' }).done.then((ahead) => db.open && adoptReportAhead(db, ahead as ReportAhead)));
      })
      // A file that cannot be read is said by the call that needs it.
      .catch(() => {});
  };
  if (readsAhead()) setTimeout(readAhead, opts.readAhead === true ? READ_AHEAD_MS : opts.readAhead).unref();

  /**
   * A report without intervals that is not kept, worked out in a worker that holds the label
   * columns, and taken over: the request thread stays free for labels meanwhile, and the worker's
   * code is warm from the reports it made before (a session's first report on the request thread,
   * right after a label write, took about twice as long at 100,000 entries). Only where the app's
   * hosts keep the columns here; undefined when it cannot be taken over (a write came between, the
   * worker failed): the caller works it out here.
   */
  async function reportOffThread(query: AgreementQuery): Promise<DbAgreementReport | undefined> {
    if (!readsAhead() || !keptReport(query) || reportInHand(db, query)) return undefined;
    // Handed as they stand: the worker brings them up to date from the log while this thread does the same with its own.
    const handed = keptToHand(db);
    if (!handed) return undefined;
    const job = runner.run({ kind: 'viewReport', args: query, columns: handed });
    if (!columnsToHand(db)) {
      // Only a full read brings them up to date: the caller's report does it (the worker's could not be taken over).
      job.cancel();
      job.done.catch(() => {});
      return undefined;
    }
    try {
      const ahead = (await job.done) as ReportAhead;
      // (Brought up to date from the log again: taken over only if nothing was written since the worker read.)
      if (db.open && columnsToHand(db) && adoptReportAhead(db, ahead, query)) return ahead.report;
    } catch {
      // An error of the query itself the caller meets again, said as it says it.
    }
    return undefined;
  }

  /**
   * The figures of alpha per round or version (`groupFigures`), worked out in a worker that holds
   * the label columns, as a view's report is (`reportOffThread`): the Codebook and Rounds views
   * ask for them as they open. Undefined where the columns are not kept here, or the worker
   * failed: the caller works them out here (and meets an error of the query itself there).
   */
  async function groupFiguresOffThread(query: GroupsQuery): Promise<GroupFigures | undefined> {
    const handed = readsAhead() ? keptToHand(db) : undefined;
    if (!handed) return undefined;
    try {
      return (await runner.run({ kind: 'groupFigures', args: query, columns: handed }).done) as GroupFigures;
    } catch {
      return undefined;
    }
  }

  /**
   * After a write the log cannot say label by label (an import, automatic assignments, a codebook
   * published), or one too large to follow from it (a pack merged): the labels the app held no
   * longer say what the file holds. They are read again, as on opening, before the lead asks
   * (unless the first read ahead is still to come, or the log brings them up to date after all).
   */
  const readAgainAhead = () => {
    if (readAheadBegun && readsAhead()) readAhead();
  };

  /**
   * The search index of the entries an import listed for it (db/data/entries.ts, indexPending),
   * built after the import a slice at a time, between requests, so that none waits long behind
   * it. Not while an import writes in a worker (its transaction holds the file): that import
   * starts it again when it ends. A search meanwhile indexes the rest itself.
   */
  let indexing = false;
  const importing = () => [...jobs.values()].some((j) => !SETTLED.includes(j.progress.phase));
  const indexPendingTexts = () => {
    if (indexing) return;
    indexing = true;
    const slice = () => {
      if (db.open && !importing()) {
        try {
          if (store.entries.indexPending(TEXT_INDEX_SLICE) > 0) return void setTimeout(slice, 0).unref();
        } catch {
          // A busy or unwritable file: the entries stay listed, for the next search or the next opening.
        }
      }
      indexing = false;
    };
    setTimeout(slice, 0).unref();
  };
  // A command-line import leaves them to whoever opens the project next; the app's hosts index them once the first screen is up.
  if (opts.readAhead !== undefined) setTimeout(indexPendingTexts, opts.readAhead === true ? READ_AHEAD_MS : opts.readAhead).unref();

  function annotatorRow(name: string): { id: number; name: string; role: AnnotatorRole } {
    const row = store.annotators.byName(name);
    if (!row) throw new ConcordError('not-found', `unknown annotator "${name}": add yourself first`, { field: 'annotator' });
    return row;
  }

  function entryRef(extId: string): EntryRef {
    const ref = store.entries.ref(extId);
    if (!ref) throw new ConcordError('not-found', `unknown entry "${extId}"`, { field: 'entryId' });
    return ref;
  }

  function dimension(id: string): Dimension {
    const d = codebook.dimensions.find((x) => x.id === id);
    if (!d) throw badInput(`unknown dimension "${id}" (this codebook has ${codebook.dimensions.map((x) => x.id).join(', ')})`, { field: 'dimension' });
    return d;
  }

  /** An annotator's labels, note, status and standing on an entry. */
  function ownOf(entry: EntryRef, annotatorId: number, annotatorName: string): Omit<OwnPart, 'entryId'> {
    const labels: Record<string, LabelValue> = {};
    for (const r of store.labels.ofEntry(entry.rowId, annotatorId)) labels[r.dimension] = JSON.parse(r.value);
    const note = store.labels.own('note', entry.rowId, annotatorId)?.value ?? '';
    const status = (store.labels.own('submission', entry.rowId, annotatorId)?.value ?? 'todo') as OwnPart['status'];
    return { labels, note, status, standing: raterStanding(db, entry.rowId, annotatorName) };
  }

  function forAnnotator(entry: EntryRef, annotatorId: number, annotatorName: string): EntryForAnnotator {
    return { entry: store.entries.entry(entry.rowId), ...ownOf(entry, annotatorId, annotatorName) };
  }

  /** What a label, note or status write answers with: the annotator's part of the entry, not the entry again. */
  function ownPart(entry: EntryRef, annotatorId: number, annotatorName: string): OwnPart {
    return { entryId: entry.id, ...ownOf(entry, annotatorId, annotatorName) };
  }

  /** An annotator's queue as the data layer pages it: their assigned entries (all when they have none), filtered. */
  function queueQuery(annotatorId: number, filter: EntryFilter | undefined): QueueQuery {
    const search = filter?.search?.trim();
    return {
      annotatorId,
      assignedOnly: store.assignments.anyOf(annotatorId),
      status: filter?.status,
      passed: filter?.passed,
      label: filter?.label,
      search: search || undefined,
      review: filter?.review || undefined,
      // A calibration round's entries.
      only: filter?.round ? [...roundEntries(db, filter.round)] : undefined,
    };
  }

  /** Queue rows with the annotator's own labels. */
  function summaries(annotatorId: number, rows: QueueRow[]): EntrySummary[] {
    const labelsByEntry = new Map<number, Record<string, LabelValue>>();
    for (const r of store.labels.ofAnnotatorOn(annotatorId, rows.map((x) => x.id))) {
      const m = labelsByEntry.get(r.entry_id) ?? {};
      m[r.dimension] = JSON.parse(r.value);
      labelsByEntry.set(r.entry_id, m);
    }
    return rows.map((r) => ({
      id: r.ext_id,
      repo: r.repo,
      function: r.fn,
      passed: r.passed === null ? null : r.passed === 1,
      status: r.status ?? 'todo',
      labels: labelsByEntry.get(r.id) ?? {},
    }));
  }

  function writeOwn(table: OwnRecord, annotator: string, entryId: string, value: string): OwnPart {
    const a = labellerNamed(store, annotator);
    const entry = entryRef(entryId);
    store.transaction(() => setOwnRecord(store, table, entry, a, value));
    return ownPart(entry, a.id, a.name);
  }

  const handlers: SyncApiHandlers = {
    'project.info': (): ProjectInfo => {
      return {
        name: store.project.name()!,
        codebook: { id: codebook.id, version: codebook.version, name: codebook.name },
        counts: {
          entries: store.entries.count(),
          failingEntries: store.entries.countFailing(),
          annotators: store.annotators.count(),
          labels: store.labels.count(),
          decisions: store.decisions.count(),
        },
        schemaVersion: schemaVersion(db),
      };
    },

    'project.codebook': () => codebook,

    'project.annotators': (): Annotator[] => store.annotators.listed(),

    'project.addAnnotator': ({ name, role }): Annotator => {
      const existing = store.annotators.byName(name);
      if (existing) return { name: existing.name, role: existing.role };
      admitAnnotatorName(store, name);
      const r = role ?? 'annotator';
      store.transaction(() => {
        store.annotators.insert(name, r, now());
        store.events.append({ actor: name, kind: 'annotator.create', after: { name, role: r } });
      });
      return { name, role: r };
    },

    'entries.list': ({ annotator, filter }): EntrySummary[] => {
      const a = annotatorRow(annotator);
      return summaries(a.id, store.entries.queuePage(queueQuery(a.id, filter), 0, -1));
    },

    'entries.page': ({ annotator, filter, offset, limit, around, withFirst }): EntryPage => {
      const a = annotatorRow(annotator);
      const q = queueQuery(a.id, filter);
      const size = limit ?? DEFAULT_QUEUE_PAGE;
      const index = around === undefined ? -1 : store.entries.queueIndexOf(q, around);
      const start = index >= 0 ? index - (index % size) : (offset ?? 0);
      const { total, submitted } = store.entries.queueCounts(q);
      const rows = summaries(a.id, store.entries.queuePage(q, start, size));
      const page: EntryPage = { rows, total, submitted, offset: start, index: index >= 0 ? index : null };
      if (withFirst) page.first = rows.length ? forAnnotator(entryRef(rows[0].id), a.id, a.name) : null;
      return page;
    },

    'entries.get': ({ annotator, id }) => {
      const a = annotatorRow(annotator);
      return forAnnotator(entryRef(id), a.id, a.name);
    },

    'labels.set': ({ annotator, entryId, dimension: dimId, value }) => {
      const a = labellerNamed(store, annotator);
      const entry = entryRef(entryId);
      const dim = dimension(dimId);
      const canonical = value === null || value === undefined ? null : canonicalLabelValue(dim, value);
      const stored = canonical === null || isEmptyValue(canonical) ? null : canonical;
      checkPinnedLines(store, dim, entry.rowId, stored);
      if (stored !== null && !dimensionApplies(dim, entry)) throw badInput(conflictReason(dim, entry.passed), { field: 'dimension' });
      if (stored !== null && dim.appliesIf) {
        const own: Record<string, LabelValue> = {};
        for (const r of store.labels.ofEntry(entry.rowId, a.id)) own[r.dimension] = JSON.parse(r.value);
        if (!dimensionApplies(dim, entry, own)) throw badInput(`${dim.label} ${appliesIfNote(codebook, dim)}`, { field: 'dimension' });
      }
      store.transaction(() => setOwnLabel(store, { entry, annotator: a, dimension: dim.id, value: stored, codebookVersion: codebook.version }));
      return ownPart(entry, a.id, a.name);
    },

    'labels.undo': ({ annotator }): LabelChange | null => {
      const a = labellerNamed(store, annotator);
      return store.transaction(() => {
        const last = store.events.lastLabelChange(a.name);
        if (!last) return null;
        const entry = entryRef(last.entry_ext_id);
        const dim = dimension(last.dimension);
        const before = last.before === null ? null : (JSON.parse(last.before) as LabelValue | null);
        setOwnLabel(store, { entry, annotator: a, dimension: dim.id, value: before, codebookVersion: codebook.version, reverts: last.id });
        return { entryId: entry.id, dimension: dim.id, value: before };
      });
    },

    'labels.setNote': ({ annotator, entryId, text }) => writeOwn('note', annotator, entryId, text),

    'labels.setStatus': ({ annotator, entryId, status }) => writeOwn('submission', annotator, entryId, status),

    'imports.start': ({ path, format, newVersion, mapping }): ImportJob => {
      const job: ImportJob = { jobId: randomUUID(), progress: { phase: 'reading', done: 0, total: 0 } };
      const finish = (result: Promise<ImportSummary>) =>
        result
          .then((summary) => {
            job.summary = summary;
            job.progress = { ...job.progress, phase: 'done' };
            codebook = store.project.codebook();
            readAgainAhead();
          })
          .catch((e: unknown) => {
            const where = e instanceof ConcordError ? e.where : undefined;
            job.error = { message: (e as Error).message, ...where };
            job.progress = { ...job.progress, phase: e instanceof Cancelled ? 'cancelled' : 'failed' };
          })
          // What an import listed for the search index, and what waited while it wrote.
          .finally(indexPendingTexts);
      if (onFile()) {
        // Off the request thread: a worker reads, checks and writes on its own connection.
        const running = runner.run({ kind: 'import', args: { path, format: format as ImportFormat | undefined, newVersion, mapping, actor: 'import' } });
        job.jobId = running.id;
        workers.set(running.id, { running, sync: () => (job.progress = importProgress(running.progress, job.progress)) });
        void finish(running.done as Promise<ImportSummary>);
      } else void finish(runImport(db, path, { format: format as ImportFormat | undefined, newVersion, mapping, actor: 'import', onProgress: (p) => (job.progress = p) }));
      remember(jobs, job);
      return { ...job };
    },

    'jobs.cancel': ({ jobId }) => {
      const w = workers.get(jobId);
      if (!w) throw new ConcordError('not-found', `no job ${jobId}`, { field: 'jobId' });
      const active = !['done', 'failed', 'cancelled'].includes(w.running.progress.phase);
      if (active) w.running.cancel();
      return { cancelled: active };
    },

    'agreement.start': ({ round, ...args }): AgreementJob => {
      const query = { ...args, entries: round === undefined ? undefined : roundEntries(db, round) };
      const job: AgreementJob = { jobId: randomUUID(), progress: { phase: 'starting', done: 0, total: 0 } };
      return startJob(agreementJobs, job, {
        request: { kind: 'agreement', args: query, columns: columnsToHand(db) },
        inline: (onProgress) => agreementReport(db, query, { onProgress }),
        done: (report) => (job.report = report as DbAgreementReport),
      });
    },
    'agreement.job': ({ jobId }): AgreementJob => jobIn(agreementJobs, jobId, 'agreement job'),

    'agreement.startFigures': ({ figures, ...query }): FiguresJob => {
      if (figures === 'drift' && !query.by) throw badInput('drift is grouped by week or by batch: say which', { field: 'by' });
      const request = { figures, query } as FiguresRequest;
      const job: FiguresJob = { jobId: randomUUID(), figures, progress: { phase: 'starting', done: 0, total: 0 } };
      return startJob(figureJobs, job, {
        request: { kind: 'figures', args: request, columns: columnsToHand(db) },
        inline: () => figureReport(db, request),
        done: (report) => (job.report = report as FiguresJob['report']),
      });
    },
    'agreement.figuresJob': ({ jobId }): FiguresJob => jobIn(figureJobs, jobId, 'figures job'),

    'agreement.cell': ({ figure, row, col, round, ...args }) => {
      const query = { ...args, entries: round === undefined ? undefined : roundEntries(db, round) };
      // Only what the figure rests on: its dimension's labels, or for a pooled figure every label and that figure alone.
      const pooled = figure.scope === 'pooled';
      const report = agreementReport(db, {
        ...query,
        bootstrap: 0,
        dimension: pooled ? undefined : figure.dimension,
        // The one cell asked for: a pooled figure's cells hold hundreds of thousands of units between them.
        cellUnits: { figure: figureKey(figure), cell: cellKey(row, col) },
        ...(pooled ? { pooledAlone: true, primaryOnly: figure.measure !== 'nominal' } : {}),
      });
      const table =
        figure.scope === 'pooled'
          ? (figure.measure === 'nominal' ? report.pooledNominal : report.pooled)?.coincidence
          : figure.scope === 'dimension'
            ? report.dimensions.find((d) => d.id === figure.dimension)?.measures.find((m) => m.id === figure.measure)?.coincidence
            : report.dimensions.find((d) => d.id === figure.dimension)?.perValue.find((v) => v.valueId === figure.valueId)?.coincidence;
      if (!table) throw new ConcordError('not-found', 'no such figure in this report', { field: 'figure' });
      return table.cellUnits?.[cellKey(row, col)] ?? [];
    },

    'assignments.auto': (args) => {
      const result = autoAssign(db, args);
      readAgainAhead();
      return result;
    },
    'assignments.set': (args) => setAssignments(db, args),
    'assignments.list': () => listAssignments(db),
    'assignments.progress': (args) => assignmentProgress(db, args),

    'packs.export': (args) => exportPack(db, args),
    'packs.starter': ({ annotator }) => {
      // Written to a scratch folder, handed over as bytes (browser mode downloads them), then removed.
      const dir = mkdtempSync(join(tmpdir(), 'concord-starter-'));
      try {
        const file = join(dir, 'starter.db');
        const r = writeStarter(db, { annotator, out: file }, native);
        const name = r.annotator.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'annotator';
        return { annotator: r.annotator, fileName: `${name}.concord.db`, base64: readFileSync(file).toString('base64'), entries: r.entries, labels: r.labels };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    'packs.import': ({ as, packs, trustUnsigned }) => {
      const result = importPacks(db, packs, { trustUnsigned, actor: as });
      // A coder's whole laptop merged rewrites more than the log can bring the labels held up to date with.
      if (result.changed) readAgainAhead();
      return result;
    },
    'backups.list': () => listBackups(db.name),
    'backups.create': () => backupDatabase(db, 'manual'),
    'backups.restore': async ({ name }) => {
      // The backup API writes through the live file's journal, so this connection stays valid;
      // only what the service caches from the database must be read again.
      const result = await restoreBackup(db.name, name, native);
      forgetConsensus(db);
      codebook = store.project.codebook();
      return result;
    },

    'events.list': (args) => listEvents(db, args),

    ...consensusHandlers(db),

    'agreement.coefficients': (query) => coefficientReport(db, query),
    'agreement.coders': (query) => coderReport(db, query),
    'agreement.coderCell': ({ coder, reference, row, col, ...query }): CoderCellJob => {
      const cell = { dimension: query.dimension, coder, reference, row, col };
      const job: CoderCellJob = { jobId: randomUUID(), progress: { phase: 'starting', done: 0, total: 0 } };
      // It reads every counted label (and the consensus of every entry): seconds at 100,000 entries, in a worker.
      return startJob(coderCellJobs, job, {
        request: { kind: 'coderCell', args: { query, cell }, columns: columnsToHand(db) },
        inline: () => coderCellEntries(db, query, cell),
        done: (entries) => (job.entries = entries as string[]),
        phase: 'computing',
      });
    },
    'agreement.coderCellJob': ({ jobId }): CoderCellJob => jobIn(coderCellJobs, jobId, 'coder cell job'),
    'agreement.drift': (query) => driftReport(db, query),
    'agreement.machines': (query) => machineReport(db, query),
    'agreement.report': async ({ round, ...rest }) => {
      const query = { ...rest, entries: round === undefined ? undefined : roundEntries(db, round) };
      const report = (await reportOffThread(query)) ?? agreementReport(db, query);
      // In the app, the Agreement view opens with this report and its tabs' jobs follow: workers get ready for them meanwhile,
      // once the report is on its way (each takes the label columns over on its own thread).
      if (readsAhead()) setImmediate(() => db.open && runner.ready(columnsToHand(db)));
      return report;
    },
    'agreement.groups': (args) => agreementGroups(db, args),
    'agreement.groupsStart': async (query): Promise<GroupsJob> => {
      // The figures first (what one report without bootstrap takes per group: in a worker that holds the labels
      // where the app's hosts keep them, else here); their intervals after, off the request thread.
      const made = (await groupFiguresOffThread(query)) ?? groupFigures(db, query);
      const resamples = query.bootstrap ?? 500;
      const job: GroupsJob = { jobId: randomUUID(), progress: { phase: 'starting', done: 0, total: made.figures.length * resamples }, groups: made.groups };
      const args = { figures: made.figures.map((f) => f.data), resamples, seed: query.seed };
      if (resamples === 0 || !made.figures.length) {
        job.progress = { ...job.progress, phase: 'done' };
        remember(groupsJobs, job);
        return { ...job };
      }
      return startJob(groupsJobs, job, {
        request: { kind: 'intervals', args },
        inline: (onProgress) => groupIntervals(args.figures, { ...args, onProgress }),
        done: (intervals) => {
          job.groups = withIntervals(made, intervals as AlphaInterval[]);
          job.progress = { ...job.progress, done: job.progress.total };
        },
      });
    },
    'agreement.groupsJob': ({ jobId }): GroupsJob => jobIn(groupsJobs, jobId, 'agreement groups job'),

    'adjudication.queue': ({ round, ...args }) => {
      const queue = adjudicationQueue(db, args);
      if (round === undefined) return queue;
      const inRound = roundEntries(db, round);
      return queue.filter((q) => inRound.has(q.entryId));
    },
    'adjudication.queuePage': ({ round, ...args }) => adjudicationQueuePage(db, { ...args, only: round === undefined ? undefined : roundEntries(db, round) }),
    // The export's `by` also groups alpha per round or per version (rounds), beside drift's week or batch.
    'exports.render': (args) => renderExport(db, args),
    'exports.start': (args): ExportJob => {
      checkExportArgs(args); // a refused export is said at once, and starts nothing
      const job: ExportJob = { jobId: randomUUID(), progress: { phase: 'starting', done: 0, total: 0 } };
      return startJob(exportJobs, job, {
        request: { kind: 'export', args, columns: columnsToHand(db) },
        inline: (onProgress) => JSON.stringify(renderExport(db, args, { onProgress })),
        done: (text) => {
          exportTexts.set(job.jobId, text as string);
          // Files no one collected are let go, the oldest first, once a few newer ones are held.
          for (const id of exportTexts.keys()) if (exportTexts.size > EXPORT_FILES_HELD) exportTexts.delete(id);
          job.pieces = Math.max(1, Math.ceil((text as string).length / EXPORT_PIECE_CHARS));
        },
        phase: 'making',
      });
    },
    'exports.job': ({ jobId }): ExportJob => jobIn(exportJobs, jobId, 'export job'),
    'exports.piece': ({ jobId, index }) => {
      const job = jobIn(exportJobs, jobId, 'export job');
      const text = exportTexts.get(jobId);
      if (!job.pieces || text === undefined) throw new ConcordError('not-found', `export job ${jobId} holds no file (not done, its last piece was taken, or it was let go for newer files: start it again)`, { field: 'jobId' });
      if (index >= job.pieces) throw badInput(`export job ${jobId} has ${job.pieces} pieces`, { field: 'index' });
      // Let go once the last piece is taken: a file of tens of megabytes is not kept for nothing.
      if (index === job.pieces - 1) exportTexts.delete(jobId);
      return { text: text.slice(index * EXPORT_PIECE_CHARS, (index + 1) * EXPORT_PIECE_CHARS) };
    },
    'adjudication.discussion': (args) => entryDiscussion(db, args),
    'adjudication.setReason': (args) => setReason(db, args),
    'adjudication.decideRevision': (args) => decideRevision(db, args),

    'codebook.history': () => codebookHistory(db),
    'codebook.get': (ref) => codebookAt(db, ref),
    'codebook.diff': ({ from, to }) => diffHistory(db, from, to),
    'codebook.usage': () => codebookUsage(db),
    'codebook.preview': (args) => previewCodebook(db, args),
    'codebook.publish': (args) => {
      const result = publishCodebook(db, args);
      codebook = store.project.codebook();
      readAgainAhead();
      return result;
    },

    'reviews.list': ({ annotator, entryId }) => reviewsOf(db, annotator, entryId),
    'reviews.all': ({ offset, limit }) => reviewPage(db, { offset, limit }),
    'labels.confirm': (args) => confirmReview(db, args),

    'rounds.list': () => listRounds(db),
    'rounds.create': (args) => createRound(db, args),
    'rounds.close': (args) => closeRound(db, args),
    'gold.list': () => listGold(db),
    'gold.set': (args) => setGold(db, args),
    'gold.accuracy': (args) => goldAccuracy(db, args),

    'comments.list': (args) => ownComments(db, args),
    'comments.add': (args) => addComment(db, args),
    'comments.delete': (args) => deleteComment(db, args),

    'imports.run': async ({ as, path, format, maps, machines, newVersion, mapping }) => {
      const summary = await runImport(db, path, { format, maps, machines, newVersion, mapping, actor: as, onProgress: opts.onImportProgress });
      codebook = store.project.codebook();
      indexPendingTexts();
      return summary;
    },

    'imports.columns': async ({ path }) => ({ columns: await columnsOfFile(path) }),

    'imports.status': ({ jobId }): ImportJob => {
      const job = jobs.get(jobId);
      if (!job) throw new ConcordError('not-found', `no import job ${jobId}`, { field: 'jobId' });
      workers.get(jobId)?.sync();
      return { ...job };
    },
  };

  const door = openDoor(handlers, (name) => store.annotators.byName(name)?.role);
  // A full disk, a read-only or busy file, damage found mid-way: one sentence naming the file, whichever host asks.
  const call: ApiDoor['call'] = (method, args, caller) => withDatabaseErrorsExplained(db.name, () => door.call(method, args, caller));
  const check: ApiDoor['check'] = (method, args, caller) => door.check(method, args, caller);
  const writeFile: FileWriters = {
    pack: ({ out, ...args }, caller) => withDatabaseErrorsExplained(db.name, () => writePackFile(db, { annotator: check('packs.export', args, caller).annotator, out })),
    export: ({ out, ...args }, caller) => withDatabaseErrorsExplained(db.name, () => writeExportFile(db, { ...check('exports.render', args, caller), out })),
  };
  return {
    call,
    check,
    close: () => {
      runner.close();
      // What this session brought up to date, for the next to take over.
      saveKeptColumns(db);
      db.close();
    },
    db,
    writeFile,
  };
}

export { findDimension };

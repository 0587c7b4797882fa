import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SyncApiHandlers } from '../shared/api.ts';
import { openDoor, type ApiDoor } from '../shared/door.ts';
import {
  appliesIfNote,
  canonicalLabelValue,
  dimensionApplies,
  findDimension,
  isEmptyValue,
  TREE_SEPARATOR,
  type Codebook,
  type Dimension,
  type LabelValue,
} from '../shared/codebook/index.ts';
import { ConcordError, badInput } from '../shared/errors.ts';
import { compareIds } from '../shared/ids.ts';
import { conflictReason } from '../shared/consensus/consensus.ts';
import type { Annotator, AnnotatorRole, EntryForAnnotator, EntrySummary, ImportFormat, ImportJob, ImportProgress, LabelChange, ProjectInfo } from '../shared/types.ts';
import { now, schemaVersion, withDatabaseErrorsExplained, type Db } from './database.ts';
import { openStore, type EntryRef, type OwnRecord } from './data/index.ts';
import { listEvents } from './events.ts';
import { agreementReport } from './agreement.ts';
import { coderReport, coefficientReport, driftReport, machineReport } from './agreement-figures.ts';
import { assignedEntryIds, assignmentProgress, autoAssign, listAssignments, raterRule, setAssignments } from './assignments.ts';
import { backupDatabase, listBackups, restoreBackup } from './backup.ts';
import { consensusHandlers } from './exports/handlers.ts';
import { admitAnnotatorName, labellerNamed, setOwnLabel, setOwnRecord } from './labels.ts';
import { exportPack, importPacks, writeStarter } from './packs/index.ts';
import { runImport } from './import/index.ts';
import { adjudicationQueue } from './adjudication.ts';
import { codebookAt, codebookHistory, codebookUsage, diffHistory, previewCodebook, publishCodebook } from './codebook-edit.ts';
import { addComment, deleteComment, entryDiscussion, ownComments, setReason } from './comments.ts';
import { allReviews, confirmReview, entriesToReview, reviewsOf } from './reviews.ts';
import { decideRevision } from './revisions.ts';
import { renderExport } from './exports/render.ts';
import { agreementGroups, closeRound, createRound, goldAccuracy, listGold, listRounds, roundEntries, setGold } from './rounds.ts';
export { contentHash } from './import/index.ts';

/**
 * The API contract implemented on one SQLite database, behind its one door (shared/door.ts):
 * `service.call(method, args, caller)`. Hosts add nothing but transport.
 */
export type Service = ApiDoor & { close(): void; readonly db: Db };

/** Creates the project row on a fresh database; an existing project is left as it is. */
export function ensureProject(db: Db, name: string, codebook: Codebook): void {
  const store = openStore(db);
  if (store.project.exists()) return;
  store.transaction(() => {
    store.project.insert({ name, codebookJson: JSON.stringify(codebook), createdAt: now() });
    store.events.append({ actor: 'system', kind: 'project.create', after: { name, codebook: `${codebook.id}@${codebook.version}` } });
  });
}

/** Whether a label value holds `wanted` (an id, or a tree type that matches its subtypes too). */
function labelHolds(value: LabelValue, wanted: string): boolean {
  if (typeof value === 'string') return value === wanted;
  if (Array.isArray(value)) return value.some((v) => v === wanted || v.startsWith(wanted + TREE_SEPARATOR));
  return value[wanted] === true;
}

export interface ServiceOptions {
  /** The better_sqlite3.node the host runs with (Electron's own build), for the extra connections backups and starter files open. */
  nativeBinding?: string;
  /** Told how an `imports.run` is getting on (the command line prints it). */
  onImportProgress?: (p: ImportProgress) => void;
}

export function createService(db: Db, opts: ServiceOptions = {}): Service {
  const native = opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {};
  const jobs = new Map<string, ImportJob>();
  const store = openStore(db);
  let codebook = store.project.codebook();

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

  function forAnnotator(entry: EntryRef, annotatorId: number, annotatorName: string): EntryForAnnotator {
    const labels: Record<string, LabelValue> = {};
    for (const r of store.labels.ofEntry(entry.rowId, annotatorId)) labels[r.dimension] = JSON.parse(r.value);
    const note = store.labels.own('note', entry.rowId, annotatorId)?.value ?? '';
    const status = (store.labels.own('submission', entry.rowId, annotatorId)?.value ?? 'todo') as EntryForAnnotator['status'];
    return { entry: store.entries.entry(entry.rowId), labels, note, status, standing: raterRule(db).standing(entry.rowId, annotatorName) };
  }

  function writeOwn(table: OwnRecord, annotator: string, entryId: string, value: string): EntryForAnnotator {
    const a = labellerNamed(store, annotator);
    const entry = entryRef(entryId);
    store.transaction(() => setOwnRecord(store, table, entry, a, value));
    return forAnnotator(entry, a.id, a.name);
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
      const rows = store.entries.queue(a.id).sort((x, y) => compareIds(x.ext_id, y.ext_id));
      const labelsByEntry = new Map<number, Record<string, LabelValue>>();
      for (const r of store.labels.ofAnnotator(a.id)) {
        const m = labelsByEntry.get(r.entry_id) ?? {};
        m[r.dimension] = JSON.parse(r.value);
        labelsByEntry.set(r.entry_id, m);
      }
      const search = filter?.search?.trim().toLowerCase();
      // An annotator with assignments sees only those entries; without any, the whole project.
      const assigned = assignedEntryIds(db, a.name);
      const toReview = filter?.review ? entriesToReview(db, a.id) : undefined;
      const inRound = filter?.round ? roundEntries(db, filter.round) : undefined;
      const out: EntrySummary[] = [];
      for (const r of rows) {
        if (assigned && !assigned.has(r.ext_id)) continue;
        const summary: EntrySummary = {
          id: r.ext_id,
          repo: r.repo,
          function: r.fn,
          passed: r.passed === null ? null : r.passed === 1,
          status: r.status ?? 'todo',
          labels: labelsByEntry.get(r.id) ?? {},
        };
        if (filter?.status && summary.status !== filter.status) continue;
        if (filter?.passed !== undefined && summary.passed !== filter.passed) continue;
        if (filter?.label) {
          const v = summary.labels[filter.label.dimension];
          if (v === undefined || !labelHolds(v, filter.label.value)) continue;
        }
        if (search && ![summary.id, summary.repo ?? '', summary.function ?? ''].some((s) => s.toLowerCase().includes(search))) continue;
        if (toReview && !toReview.has(summary.id)) continue;
        if (inRound && !inRound.has(summary.id)) continue;
        out.push(summary);
      }
      return out;
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
      if (stored !== null && !dimensionApplies(dim, entry)) throw badInput(conflictReason(dim, entry.passed), { field: 'dimension' });
      if (stored !== null && dim.appliesIf) {
        const own: Record<string, LabelValue> = {};
        for (const r of store.labels.ofEntry(entry.rowId, a.id)) own[r.dimension] = JSON.parse(r.value);
        if (!dimensionApplies(dim, entry, own)) throw badInput(`${dim.label} ${appliesIfNote(codebook, dim)}`, { field: 'dimension' });
      }
      store.transaction(() => setOwnLabel(store, { entry, annotator: a, dimension: dim.id, value: stored, codebookVersion: codebook.version }));
      return forAnnotator(entry, a.id, a.name);
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

    'imports.start': ({ path, format, newVersion }): ImportJob => {
      const job: ImportJob = { jobId: randomUUID(), progress: { phase: 'reading', done: 0, total: 0 } };
      jobs.set(job.jobId, job);
      runImport(db, path, { format: format as ImportFormat | undefined, newVersion, actor: 'import', onProgress: (p) => (job.progress = p) })
        .then((summary) => {
          job.summary = summary;
          job.progress = { ...job.progress, phase: 'done' };
          codebook = store.project.codebook();
        })
        .catch((e: unknown) => {
          const where = e instanceof ConcordError ? e.where : undefined;
          job.error = { message: (e as Error).message, ...where };
          job.progress = { ...job.progress, phase: 'failed' };
        });
      return { ...job };
    },

    'assignments.auto': (args) => autoAssign(db, args),
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
    'packs.import': ({ as, packs, trustUnsigned }) => importPacks(db, packs, { trustUnsigned, actor: as }),
    'backups.list': () => listBackups(db.name),
    'backups.create': () => backupDatabase(db, 'manual'),
    'backups.restore': async ({ name }) => {
      // The backup API writes through the live file's journal, so this connection stays valid;
      // only what the service caches from the database must be read again.
      const result = await restoreBackup(db.name, name, native);
      codebook = store.project.codebook();
      return result;
    },

    'events.list': (args) => listEvents(db, args),

    ...consensusHandlers(db),

    'agreement.coefficients': (query) => coefficientReport(db, query),
    'agreement.coders': (query) => coderReport(db, query),
    'agreement.drift': (query) => driftReport(db, query),
    'agreement.machines': (query) => machineReport(db, query),
    'agreement.report': ({ round, ...query }) => agreementReport(db, { ...query, entries: round === undefined ? undefined : roundEntries(db, round) }),
    'agreement.groups': (args) => agreementGroups(db, args),

    'adjudication.queue': ({ round, ...args }) => {
      const queue = adjudicationQueue(db, args);
      if (round === undefined) return queue;
      const inRound = roundEntries(db, round);
      return queue.filter((q) => inRound.has(q.entryId));
    },
    // The export's `by` also groups alpha per round or per version (rounds), beside drift's week or batch.
    'exports.render': (args) => renderExport(db, args),
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
      return result;
    },

    'reviews.list': ({ annotator }) => reviewsOf(db, annotator),
    'reviews.all': () => allReviews(db),
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

    'imports.run': async ({ as, path, format, maps, machines, newVersion }) => {
      const summary = await runImport(db, path, { format, maps, machines, newVersion, actor: as, onProgress: opts.onImportProgress });
      codebook = store.project.codebook();
      return summary;
    },

    'imports.status': ({ jobId }): ImportJob => {
      const job = jobs.get(jobId);
      if (!job) throw new ConcordError('not-found', `no import job ${jobId}`, { field: 'jobId' });
      return { ...job };
    },
  };

  const door = openDoor(handlers, (name) => store.annotators.byName(name)?.role);
  // A full disk, a read-only or busy file, damage found mid-way: one sentence naming the file, whichever host asks.
  const call: ApiDoor['call'] = (method, args, caller) => withDatabaseErrorsExplained(db.name, () => door.call(method, args, caller));
  return { call, close: () => db.close(), db };
}

export { findDimension };

import type { EntryRow } from './entry-row.ts';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { leadMethods, type SyncApiHandlers } from '../shared/api.ts';
import {
  canonicalLabelValue,
  dimensionApplies,
  findDimension,
  isEmptyValue,
  parseCodebook,
  TREE_SEPARATOR,
  type Codebook,
  type Dimension,
  type LabelValue,
} from '../shared/codebook/index.ts';
import { ConcordError, badInput } from '../shared/errors.ts';
import { conflictReason } from '../shared/consensus/consensus.ts';
import type {
  Annotator,
  AnnotatorRole,
  Entry,
  EntryForAnnotator,
  EntrySummary,
  ImportFormat,
  ImportJob,
  LabelChange,
  ProjectInfo,
  SubmissionStatus,
} from '../shared/types.ts';
import { now, schemaVersion, type Db } from './database.ts';
import { appendEvent, listEvents } from './events.ts';
import { agreementReport } from './agreement.ts';
import { coderReport, coefficientReport, driftReport, machineReport } from './agreement-figures.ts';
import { annotatorKinds } from './data/annotator-kinds.ts';
import { assignedEntryIds, assignmentProgress, autoAssign, listAssignments, raterRule, setAssignments } from './assignments.ts';
import { backupDatabase, listBackups, restoreBackup } from './backup.ts';
import { consensusHandlers } from './exports/handlers.ts';
import { exportPack, importPacks, writeStarter } from './packs/index.ts';
import { runImport } from './import/index.ts';
export { contentHash } from './import/index.ts';

/** The API contract implemented on one SQLite database. Hosts add nothing but transport. */
export type Service = SyncApiHandlers & { close(): void; readonly db: Db };

/** Creates the project row on a fresh database; an existing project is left as it is. */
export function ensureProject(db: Db, name: string, codebook: Codebook): void {
  const exists = db.prepare('SELECT 1 FROM project WHERE id = 1').get();
  if (exists) return;
  db.transaction(() => {
    db.prepare('INSERT INTO project (id, name, codebook_json, created_at) VALUES (1, ?, ?, ?)').run(name, JSON.stringify(codebook), now());
    appendEvent(db, { actor: 'system', kind: 'project.create', after: { name, codebook: `${codebook.id}@${codebook.version}` } });
  })();
}

export function readCodebook(db: Db): Codebook {
  const row = db.prepare('SELECT codebook_json FROM project WHERE id = 1').get() as { codebook_json: string } | undefined;
  if (!row) throw new ConcordError('not-found', 'this database holds no Concord project');
  return parseCodebook(JSON.parse(row.codebook_json), 'project codebook');
}

function toEntry(r: EntryRow): Entry {
  return {
    id: r.ext_id,
    prompt: r.prompt,
    groundTruth: r.ground_truth,
    output: r.output,
    testLog: r.test_log,
    passed: r.passed === null ? null : r.passed === 1,
    failingTests: JSON.parse(r.failing_tests),
    metadata: JSON.parse(r.metadata),
    contentHash: r.content_hash,
  };
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
}

export function createService(db: Db, opts: ServiceOptions = {}): Service {
  const native = opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {};
  const jobs = new Map<string, ImportJob>();
  let codebook = readCodebook(db);

  const q = {
    annotator: db.prepare('SELECT id, name, role FROM annotator WHERE name = ?'),
    entry: db.prepare('SELECT * FROM entry WHERE ext_id = ?'),
    labelsOf: db.prepare('SELECT dimension, value FROM label WHERE entry_id = ? AND annotator_id = ?'),
    label: db.prepare('SELECT value FROM label WHERE entry_id = ? AND annotator_id = ? AND dimension = ?'),
    noteOf: db.prepare('SELECT text FROM note WHERE entry_id = ? AND annotator_id = ?'),
    statusOf: db.prepare('SELECT status FROM submission WHERE entry_id = ? AND annotator_id = ?'),
  };

  function annotatorRow(name: string): { id: number; name: string; role: AnnotatorRole } {
    const row = q.annotator.get(name) as { id: number; name: string; role: AnnotatorRole } | undefined;
    if (!row) throw new ConcordError('not-found', `unknown annotator "${name}": add yourself first`, { field: 'annotator' });
    return row;
  }

  /** An annotator who labels through the app (reference labels come only from imports). */
  function labellerRow(name: string) {
    const a = annotatorRow(name);
    if (a.role === 'reference') throw new ConcordError('forbidden', `"${name}" holds imported reference labels and cannot label in the app`, { field: 'annotator' });
    return a;
  }

  function entryRow(extId: string): EntryRow {
    const row = q.entry.get(extId) as EntryRow | undefined;
    if (!row) throw new ConcordError('not-found', `unknown entry "${extId}"`, { field: 'entryId' });
    return row;
  }

  function dimension(id: string): Dimension {
    const d = codebook.dimensions.find((x) => x.id === id);
    if (!d) throw badInput(`unknown dimension "${id}" (this codebook has ${codebook.dimensions.map((x) => x.id).join(', ')})`, { field: 'dimension' });
    return d;
  }

  function forAnnotator(entry: EntryRow, annotatorId: number, annotatorName: string): EntryForAnnotator {
    const labels: Record<string, LabelValue> = {};
    for (const r of q.labelsOf.all(entry.id, annotatorId) as { dimension: string; value: string }[]) labels[r.dimension] = JSON.parse(r.value);
    const note = (q.noteOf.get(entry.id, annotatorId) as { text: string } | undefined)?.text ?? '';
    const status = ((q.statusOf.get(entry.id, annotatorId) as { status: SubmissionStatus } | undefined)?.status ?? 'todo') as SubmissionStatus;
    return { entry: toEntry(entry), labels, note, status, standing: raterRule(db).standing(entry.id, annotatorName) };
  }

  /** Writes one label (or clears it) and logs it; returns false when nothing changed. */
  function writeLabel(entry: EntryRow, annotator: { id: number; name: string }, dim: Dimension, value: LabelValue | null, kind: string, reverts?: number): boolean {
    const beforeRow = q.label.get(entry.id, annotator.id, dim.id) as { value: string } | undefined;
    const before = beforeRow ? (JSON.parse(beforeRow.value) as LabelValue) : null;
    if (JSON.stringify(before) === JSON.stringify(value)) return false;
    const at = now();
    if (value === null) db.prepare('DELETE FROM label WHERE entry_id = ? AND annotator_id = ? AND dimension = ?').run(entry.id, annotator.id, dim.id);
    else
      db.prepare(
        `INSERT INTO label (entry_id, annotator_id, dimension, value, codebook_version, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (entry_id, annotator_id, dimension) DO UPDATE SET value = excluded.value, codebook_version = excluded.codebook_version, updated_at = excluded.updated_at`,
      ).run(entry.id, annotator.id, dim.id, JSON.stringify(value), codebook.version, at);
    db.prepare(`INSERT INTO submission (entry_id, annotator_id, status, updated_at) VALUES (?, ?, 'draft', ?) ON CONFLICT DO NOTHING`).run(entry.id, annotator.id, at);
    appendEvent(db, { actor: annotator.name, kind, entryId: entry.ext_id, dimension: dim.id, before, after: value, reverts, at });
    return true;
  }

  /** One annotator's note on an entry, or its submission status: written and logged when it changes. */
  const ownRecords = {
    note: { column: 'text', empty: '', kind: 'note.set', read: q.noteOf },
    submission: { column: 'status', empty: 'todo', kind: 'submission.set', read: q.statusOf },
  } as const;
  function writeOwn(table: keyof typeof ownRecords, annotator: string, entryId: string, value: string): EntryForAnnotator {
    const a = labellerRow(annotator);
    const entry = entryRow(entryId);
    const { column, empty, kind, read } = ownRecords[table];
    db.transaction(() => {
      const before = (read.get(entry.id, a.id) as Record<string, string> | undefined)?.[column] ?? empty;
      if (before === value) return;
      const at = now();
      db.prepare(
        `INSERT INTO ${table} (entry_id, annotator_id, ${column}, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (entry_id, annotator_id) DO UPDATE SET ${column} = excluded.${column}, updated_at = excluded.updated_at`,
      ).run(entry.id, a.id, value, at);
      appendEvent(db, { actor: a.name, kind, entryId: entry.ext_id, before, after: value, at });
    })();
    return forAnnotator(entry, a.id, a.name);
  }

  const handlers: SyncApiHandlers = {
    'project.info': (): ProjectInfo => {
      const row = db.prepare('SELECT name FROM project WHERE id = 1').get() as { name: string };
      const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
      return {
        name: row.name,
        codebook: { id: codebook.id, version: codebook.version, name: codebook.name },
        counts: {
          entries: count('SELECT COUNT(*) AS n FROM entry'),
          failingEntries: count('SELECT COUNT(*) AS n FROM entry WHERE passed = 0'),
          annotators: count('SELECT COUNT(*) AS n FROM annotator'),
          labels: count('SELECT COUNT(*) AS n FROM label'),
          decisions: count('SELECT COUNT(*) AS n FROM decision'),
        },
        schemaVersion: schemaVersion(db),
      };
    },

    'project.codebook': () => codebook,

    'project.annotators': (): Annotator[] => {
      const kinds = annotatorKinds(db).kinds();
      // A machine coder says so; a person is a person by default.
      return (db.prepare('SELECT name, role FROM annotator ORDER BY role, name COLLATE NOCASE').all() as Annotator[]).map((a) => (kinds.get(a.name) === 'machine' ? { ...a, kind: 'machine' } : a));
    },

    'project.addAnnotator': ({ name, role }): Annotator => {
      const existing = q.annotator.get(name) as Annotator | undefined;
      if (existing) return { name: existing.name, role: existing.role };
      const r = role ?? 'annotator';
      db.transaction(() => {
        db.prepare('INSERT INTO annotator (name, role, created_at) VALUES (?, ?, ?)').run(name, r, now());
        appendEvent(db, { actor: name, kind: 'annotator.create', after: { name, role: r } });
      })();
      return { name, role: r };
    },

    'entries.list': ({ annotator, filter }): EntrySummary[] => {
      const a = annotatorRow(annotator);
      const rows = db
        .prepare(
          `SELECT e.id, e.ext_id, e.passed, json_extract(e.metadata, '$.repo') AS repo, json_extract(e.metadata, '$.function') AS fn,
                  s.status
           FROM entry e LEFT JOIN submission s ON s.entry_id = e.id AND s.annotator_id = ?
           ORDER BY e.ext_id`,
        )
        .all(a.id) as { id: number; ext_id: string; passed: 0 | 1 | null; repo: string | null; fn: string | null; status: SubmissionStatus | null }[];
      const labelsByEntry = new Map<number, Record<string, LabelValue>>();
      for (const r of db.prepare('SELECT entry_id, dimension, value FROM label WHERE annotator_id = ?').all(a.id) as {
        entry_id: number;
        dimension: string;
        value: string;
      }[]) {
        const m = labelsByEntry.get(r.entry_id) ?? {};
        m[r.dimension] = JSON.parse(r.value);
        labelsByEntry.set(r.entry_id, m);
      }
      const search = filter?.search?.trim().toLowerCase();
      // An annotator with assignments sees only those entries; without any, the whole project.
      const assigned = assignedEntryIds(db, a.name);
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
        out.push(summary);
      }
      return out;
    },

    'entries.get': ({ annotator, id }) => {
      const a = annotatorRow(annotator);
      return forAnnotator(entryRow(id), a.id, a.name);
    },

    'labels.set': ({ annotator, entryId, dimension: dimId, value }) => {
      const a = labellerRow(annotator);
      const entry = entryRow(entryId);
      const dim = dimension(dimId);
      const canonical = value === null || value === undefined ? null : canonicalLabelValue(dim, value);
      const stored = canonical === null || isEmptyValue(canonical) ? null : canonical;
      if (stored !== null && !dimensionApplies(dim, { passed: entry.passed === null ? null : entry.passed === 1 }))
        throw badInput(conflictReason(dim, entry.passed === null ? null : entry.passed === 1), { field: 'dimension' });
      db.transaction(() => writeLabel(entry, a, dim, stored, 'label.set'))();
      return forAnnotator(entry, a.id, a.name);
    },

    'labels.undo': ({ annotator }): LabelChange | null => {
      const a = labellerRow(annotator);
      return db.transaction(() => {
        const last = db
          .prepare(
            `SELECT id, entry_ext_id, dimension, before FROM event
             WHERE actor = ? AND kind = 'label.set'
               AND id NOT IN (SELECT reverts FROM event WHERE kind = 'label.undo' AND reverts IS NOT NULL)
             ORDER BY id DESC LIMIT 1`,
          )
          .get(a.name) as { id: number; entry_ext_id: string; dimension: string; before: string | null } | undefined;
        if (!last) return null;
        const entry = entryRow(last.entry_ext_id);
        const dim = dimension(last.dimension);
        const before = last.before === null ? null : (JSON.parse(last.before) as LabelValue | null);
        if (!writeLabel(entry, a, dim, before, 'label.undo', last.id))
          appendEvent(db, { actor: a.name, kind: 'label.undo', entryId: entry.ext_id, dimension: dim.id, before, after: before, reverts: last.id });
        return { entryId: entry.ext_id, dimension: dim.id, value: before };
      })();
    },

    'labels.setNote': ({ annotator, entryId, text }) => writeOwn('note', annotator, entryId, text),

    'labels.setStatus': ({ annotator, entryId, status }) => writeOwn('submission', annotator, entryId, status),

    'imports.start': ({ path, format }): ImportJob => {
      const job: ImportJob = { jobId: randomUUID(), progress: { phase: 'reading', done: 0, total: 0 } };
      jobs.set(job.jobId, job);
      runImport(db, path, { format: format as ImportFormat | undefined, actor: 'import', onProgress: (p) => (job.progress = p) })
        .then((summary) => {
          job.summary = summary;
          job.progress = { ...job.progress, phase: 'done' };
          codebook = readCodebook(db);
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
        return { fileName: `${name}.concord.db`, base64: readFileSync(file).toString('base64'), entries: r.entries, labels: r.labels };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    'packs.import': ({ packs }) => importPacks(db, packs),
    'backups.list': () => listBackups(db.name),
    'backups.create': () => backupDatabase(db, 'manual'),
    'backups.restore': async ({ name }) => {
      // The backup API writes through the live file's journal, so this connection stays valid;
      // only what the service caches from the database must be read again.
      const result = await restoreBackup(db.name, name, native);
      codebook = readCodebook(db);
      return result;
    },

    'events.list': (args) => listEvents(db, args),

    ...consensusHandlers(db),

    'agreement.report': (query) => agreementReport(db, query),
    'agreement.coefficients': (query) => coefficientReport(db, query),
    'agreement.coders': (query) => coderReport(db, query),
    'agreement.drift': (query) => driftReport(db, query),
    'agreement.machines': (query) => machineReport(db, query),

    'imports.status': ({ jobId }): ImportJob => {
      const job = jobs.get(jobId);
      if (!job) throw new ConcordError('not-found', `no import job ${jobId}`, { field: 'jobId' });
      return { ...job };
    },
  };

  /** The lead's methods answer only an adjudicator: that is what keeps labelling blind. */
  function requireLead(name: string, method: string): void {
    const a = q.annotator.get(name) as { role: AnnotatorRole } | undefined;
    if (a?.role !== 'adjudicator')
      throw new ConcordError('forbidden', `${method} is for the lead of the study (an adjudicator); "${name}" sees only their own labels`, { field: 'as' });
  }
  const gated = handlers as unknown as Record<string, (args: { as: string; annotator?: string }) => unknown>;
  for (const m of leadMethods) {
    const inner = gated[m];
    gated[m] = (args) => {
      requireLead(args.as, m);
      return inner(args);
    };
  }
  const exportOwnPack = gated['packs.export'];
  gated['packs.export'] = (args) => {
    // Annotators export their own pack; only the lead exports someone else's.
    if (args.as.toLowerCase() !== args.annotator?.toLowerCase()) requireLead(args.as, 'exporting another annotator\'s pack');
    return exportOwnPack(args);
  };

  return Object.assign(handlers, { close: () => db.close(), db });
}

export { findDimension };

import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appCall } from '../../test/helpers/service.ts';
import type { AgreementJob, FiguresJob, GroupsJob } from '../../shared/api.ts';
import type { ImportJob } from '../../shared/types.ts';
import { callerOfRequest, FILE_OWNER } from '../../shared/door.ts';
import { callPatiently } from '../../cli/server.ts';
import { agreementReport, reportInHand } from '../agreement.ts';
import { adjudicationQueue, adjudicationSummary, consensusInHand } from '../adjudication.ts';
import { coderReport, coefficientReport, driftReport, machineReport } from '../agreement-figures.ts';
import { agreementGroups } from '../rounds.ts';
import { dumpTables } from '../../test/helpers/import-project.ts';
import { writeDeepBenchLike } from '../import/synthetic.ts';
import { openProject } from '../project.ts';
import { openDatabase } from '../database.ts';
import { columnsToHand, currentForAgreement } from '../data/agreement-rows.ts';
import type { Service } from '../service.ts';
import { exportPack } from '../packs/export.ts';
import type { Pack } from '../packs/format.ts';
import { giveTestKey, signedIn } from '../../test/helpers/pack-project.ts';

// Imports, agreement reports and alpha per round or version started from the app run in a worker thread with its own
// connection, so the thread that answers requests keeps answering; they say how far they got and
// stop when asked.
const dir = mkdtempSync(join(tmpdir(), 'concord-jobs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const until = async (check: () => boolean, what: string, ms = 60_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};
const settled = (phase: string) => ['done', 'failed', 'cancelled'].includes(phase);

/** Polls an Agreement tab's job, as the view does, until it settles. */
async function figuresSettled(s: Service, job: FiguresJob): Promise<FiguresJob> {
  while (!settled(job.progress.phase)) {
    await new Promise((r) => setTimeout(r, 5));
    job = appCall(s, 'agreement.figuresJob', { as: 'lead', jobId: job.jobId });
  }
  return job;
}

describe('an import started from the app', () => {
  let big: ReturnType<typeof writeDeepBenchLike>;
  beforeAll(() => {
    big = writeDeepBenchLike(join(dir, 'big'), { entries: 3000, results: 0, failing: 0, seed: 5 });
  });

  it('runs in a worker: labels are written while it reads, and it ends with the summary an import here gives', async () => {
    // As browser mode holds it: the connection waits briefly for the lock, the server tries again (cli/server.ts).
    const s = await openProject(join(dir, 'worker.db'), { seedDemo: true, busyTimeoutMs: 50 });
    appCall(s, 'project.addAnnotator', { name: 'ana' });
    const first = appCall(s, 'entries.page', { annotator: 'ana', limit: 1 }).rows[0].id;
    let job: ImportJob = appCall(s, 'imports.start', { path: big.dlbenchDir });
    const phases = new Set<string>();
    let writesWhileReading = 0;
    while (!settled(job.progress.phase)) {
      phases.add(job.progress.phase);
      // The request thread answers label writes while the worker reads (and, once it writes, as soon as it is done).
      const reading = job.progress.phase === 'reading';
      await callPatiently(s, 'labels.set', { annotator: 'ana', entryId: first, dimension: 'stage', value: writesWhileReading % 2 ? 'training' : 'inference' }, callerOfRequest({}));
      if (reading) writesWhileReading++;
      await new Promise((r) => setTimeout(r, 2));
      job = appCall(s, 'imports.status', { jobId: job.jobId });
    }
    expect(job.error).toBeUndefined();
    expect(job.progress.phase).toBe('done');
    expect(phases.has('reading')).toBe(true);
    expect(writesWhileReading).toBeGreaterThan(3);
    expect(job.summary).toMatchObject({ format: 'dlbench', entriesCreated: 3000 });
    expect(appCall(s, 'project.info', {}).counts.entries).toBe(33 + 3000);
    // The same import run here, on a copy of the project as it was, writes the same summary.
    const here = await openProject(join(dir, 'here.db'), { seedDemo: true, workers: false });
    const summary = await here.call('imports.run', { path: big.dlbenchDir }, FILE_OWNER);
    expect({ ...job.summary, warnings: job.summary!.warnings.length }).toEqual({ ...summary, warnings: summary.warnings.length });
    s.close();
    here.close();
  });

  it('stops while it reads when cancelled, and writes nothing', async () => {
    const s = await openProject(join(dir, 'cancel.db'), { seedDemo: true });
    const before = dumpTables(s.db);
    let job: ImportJob = appCall(s, 'imports.start', { path: big.dlbenchDir });
    await until(() => (job = appCall(s, 'imports.status', { jobId: job.jobId })).progress.phase === 'reading' && job.progress.done > 0, 'the import to read');
    expect(appCall(s, 'jobs.cancel', { jobId: job.jobId })).toEqual({ cancelled: true });
    await until(() => settled((job = appCall(s, 'imports.status', { jobId: job.jobId })).progress.phase), 'the import to stop');
    expect(job.progress.phase).toBe('cancelled');
    expect(job.summary).toBeUndefined();
    expect(dumpTables(s.db)).toEqual(before);
    expect(appCall(s, 'jobs.cancel', { jobId: job.jobId })).toEqual({ cancelled: false });
    s.close();
  });
});

describe('an agreement report with its bootstrap', () => {
  let s: Service;
  beforeAll(async () => {
    s = await openProject(join(dir, 'agreement.db'), { seedDemo: true });
    appCall(s, 'project.addAnnotator', { name: 'lead', role: 'adjudicator' });
  });
  afterAll(() => s.close());

  it('is computed in a worker with its progress, and is the report asked for directly', async () => {
    let job: AgreementJob = appCall(s, 'agreement.start', { as: 'lead', bootstrap: 200, seed: 4 });
    const seen: AgreementJob['progress'][] = [];
    while (!settled(job.progress.phase)) {
      seen.push(job.progress);
      await new Promise((r) => setTimeout(r, 5));
      job = appCall(s, 'agreement.job', { as: 'lead', jobId: job.jobId });
    }
    expect(job.progress.phase).toBe('done');
    const boot = seen.filter((p) => p.phase === 'bootstrap');
    expect(boot.length).toBeGreaterThan(0);
    expect(boot.every((p, i) => p.total > 0 && p.done <= p.total && (i === 0 || p.done >= boot[i - 1].done))).toBe(true);
    expect(job.report).toEqual(agreementReport(s.db, { bootstrap: 200, seed: 4 }));
  });

  it('stops when cancelled, and only the lead may ask for it', async () => {
    let job: AgreementJob = appCall(s, 'agreement.start', { as: 'lead', bootstrap: 100_000 });
    await until(() => (job = appCall(s, 'agreement.job', { as: 'lead', jobId: job.jobId })).progress.phase === 'bootstrap', 'the bootstrap to start');
    expect(appCall(s, 'jobs.cancel', { jobId: job.jobId })).toEqual({ cancelled: true });
    await until(() => settled((job = appCall(s, 'agreement.job', { as: 'lead', jobId: job.jobId })).progress.phase), 'the job to stop', 20_000);
    expect(job.progress.phase).toBe('cancelled');
    expect(job.report).toBeUndefined();
    appCall(s, 'project.addAnnotator', { name: 'ana' });
    expect(() => appCall(s, 'agreement.start', { as: 'ana' })).toThrow(/lead/);
  });
});

describe("the Agreement view's other tabs", () => {
  let s: Service;
  beforeAll(async () => {
    s = await openProject(join(dir, 'figures.db'), { seedDemo: true });
    appCall(s, 'project.addAnnotator', { name: 'lead', role: 'adjudicator' });
  });
  afterAll(() => s.close());

  const finish = (job: FiguresJob) => figuresSettled(s, job);

  it('are computed in a worker, each the report asked for directly, while the request thread answers', async () => {
    const q = { bootstrap: 50, seed: 3 };
    const jobs = {
      coefficients: appCall(s, 'agreement.startFigures', { as: 'lead', figures: 'coefficients', ...q }),
      coders: appCall(s, 'agreement.startFigures', { as: 'lead', figures: 'coders', ...q }),
      drift: appCall(s, 'agreement.startFigures', { as: 'lead', figures: 'drift', by: 'batch', ...q }),
      machines: appCall(s, 'agreement.startFigures', { as: 'lead', figures: 'machines', ...q }),
    };
    // Answered at once, before any report is in.
    expect(Object.values(jobs).every((j) => j.report === undefined && !settled(j.progress.phase))).toBe(true);
    expect(appCall(s, 'project.info', {}).counts.entries).toBe(33);
    const done = await Promise.all(Object.values(jobs).map(finish));
    expect(done.map((j) => [j.progress.phase, j.error])).toEqual(done.map(() => ['done', undefined]));
    const [coefficients, coders, drift, machines] = done.map((j) => j.report);
    expect(coefficients).toEqual(coefficientReport(s.db, q));
    // The tabs' reports leave out the entries behind each cell (the Coders tab asks for a cell's when it opens).
    expect(coders).toEqual(coderReport(s.db, q, { cellEntries: false }));
    expect(drift).toEqual(driftReport(s.db, { ...q, by: 'batch' }));
    expect(machines).toEqual(machineReport(s.db, q, { cellEntries: false, peopleAlone: false }));
  });

  it("list the entries behind a cell of a coder's matrix in a worker too, as the full coder report lists them", async () => {
    const full = coderReport(s.db, { bootstrap: 0 });
    const comparisons = full.dimensions.flatMap((d) => d.comparisons.map((c) => ({ dimension: d.id, c })));
    const cells = comparisons.flatMap(({ dimension, c }) => Object.entries(c.cellEntries!).map(([key, entries]) => ({ dimension, c, key, entries })));
    const { dimension, c, key, entries } = cells.find((x) => x.c.reference === 'final' && x.entries.length > 1)!;
    const [row, col] = key.split(',').map((k) => c.categories[Number(k)].id);
    let job = appCall(s, 'agreement.coderCell', { as: 'lead', dimension, coder: c.coder, reference: 'final', row, col });
    // Answered at once, before the entries are listed.
    expect([job.entries, settled(job.progress.phase)]).toEqual([undefined, false]);
    expect(appCall(s, 'project.info', {}).counts.entries).toBe(33);
    await until(() => settled((job = appCall(s, 'agreement.coderCellJob', { as: 'lead', jobId: job.jobId })).progress.phase), "the cell's entries");
    expect(job.error).toBeUndefined();
    expect(job.entries).toEqual(entries);
  });

  it('stop when cancelled, and only the lead may ask for them', async () => {
    let job = appCall(s, 'agreement.startFigures', { as: 'lead', figures: 'coders', bootstrap: 100_000 });
    await until(() => (job = appCall(s, 'agreement.figuresJob', { as: 'lead', jobId: job.jobId })).progress.phase === 'computing', 'the report to start');
    expect(appCall(s, 'jobs.cancel', { jobId: job.jobId })).toEqual({ cancelled: true });
    job = await finish(job);
    expect(job.progress.phase).toBe('cancelled');
    expect(job.report).toBeUndefined();
    appCall(s, 'project.addAnnotator', { name: 'ana' });
    expect(() => appCall(s, 'agreement.startFigures', { as: 'ana', figures: 'drift', by: 'week' })).toThrow(/lead/);
  });
});

describe("a job's worker", () => {
  it('does not check the whole file again: its process checked it when it opened the project', async () => {
    const file = join(dir, 'checked.db');
    const s = await openProject(file, { seedDemo: true });
    appCall(s, 'project.addAnnotator', { name: 'lead', role: 'adjudicator' });
    // A page no figure reads (the search index's) overwritten on disk after the project was opened:
    // only SQLite's check of every page would find it, and that check takes seconds at 100,000 entries.
    s.db.pragma('wal_checkpoint(TRUNCATE)');
    const page = (s.db.prepare("SELECT rootpage FROM sqlite_master WHERE name = 'entry_text_data'").get() as { rootpage: number }).rootpage;
    const pageSize = s.db.pragma('page_size', { simple: true }) as number;
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, (page - 1) * pageSize);
    closeSync(fd);
    expect(() => openDatabase(file)).toThrow(/damaged/);
    const job = await figuresSettled(s, appCall(s, 'agreement.startFigures', { as: 'lead', figures: 'coefficients', bootstrap: 0 }));
    expect(job.error).toBeUndefined();
    expect(job.report).toEqual(coefficientReport(s.db, { bootstrap: 0 }));
    s.close();
  });
});

describe('a report started as a job', () => {
  type Probe = { kind: string; labelRowsHanded: number | null; labelRowsHeld: number | null; thread: number };
  // As the app's hosts open a project (workers readied for the Agreement view), the read ahead itself not within these tests.
  const probe = async (name: string) => {
    const s = await openProject(join(dir, name), { seedDemo: true, readAhead: 600_000, workerUrl: new URL('../../test/helpers/job-probe-worker.mjs', import.meta.url) });
    appCall(s, 'project.addAnnotator', { name: 'lead', role: 'adjudicator' });
    return s;
  };
  const coders = (s: Service) => appCall(s, 'agreement.startFigures', { as: 'lead', figures: 'coders', bootstrap: 0 });

  it('runs in a worker kept between jobs, which holds the label columns the service keeps (taken over itself when readied) and is handed none again', async () => {
    const s = await probe('handed.db');
    const threads = new Set<number>();
    const handed = async () => {
      const probed = (await figuresSettled(s, coders(s))).report as unknown as Probe;
      threads.add(probed.thread);
      return probed;
    };
    // The report, and the next request as it comes: once the report is on its way, when the workers have been readied.
    const report = async () => {
      await appCall(s, 'agreement.report', { as: 'lead', bootstrap: 0 });
      await new Promise((r) => setImmediate(r));
    };
    const first = await handed();
    expect(first).toMatchObject({ kind: 'figures', labelRowsHanded: null, labelRowsHeld: null });
    expect(await handed()).toEqual(first);
    // The Agreement view opens with the report: the waiting workers (two: its bootstrap takes one) take its columns over themselves, ahead of the tabs.
    await report();
    const labels = () => s.db.prepare('SELECT count(*) FROM label').pluck().get() as number;
    const ready = await handed();
    expect(ready).toMatchObject({ kind: 'figures', labelRowsHanded: null, labelRowsHeld: labels() });
    // A label written: the service brings its columns up to date where they are, the worker its own from the log; nothing is handed again.
    const entry = appCall(s, 'entries.page', { annotator: 'lead', limit: 1 }).rows[0].id;
    appCall(s, 'labels.set', { annotator: 'lead', entryId: entry, dimension: 'stage', value: 'training' });
    await report();
    // (The probe remembers the rows it was handed: one fewer than now.)
    expect(await handed()).toEqual({ ...ready, labelRowsHeld: labels() - 1 });
    // Automatic assignments name no entry: the service reads every label again, and the workers take those new columns over again.
    appCall(s, 'assignments.auto', { as: 'lead', perEntry: 2 });
    await report();
    expect(await handed()).toEqual({ ...ready, labelRowsHeld: labels() });
    // Five jobs, two workers in all.
    expect(threads.size).toBe(2);
    s.close();
  });

  it('readies no worker for the command line (no read-ahead): the job after a report is handed the columns itself', async () => {
    const s = await openProject(join(dir, 'cli.db'), { seedDemo: true, workerUrl: new URL('../../test/helpers/job-probe-worker.mjs', import.meta.url) });
    appCall(s, 'project.addAnnotator', { name: 'lead', role: 'adjudicator' });
    await appCall(s, 'agreement.report', { as: 'lead', bootstrap: 0 });
    const labels = s.db.prepare('SELECT count(*) FROM label').pluck().get() as number;
    expect((await figuresSettled(s, coders(s))).report).toMatchObject({ labelRowsHanded: labels });
    s.close();
  });

  it('runs beside another in a second worker, and in a new one once a cancel ended its worker', async () => {
    const s = await probe('two.db');
    const [a, b] = [coders(s), coders(s)];
    const [ra, rb] = [(await figuresSettled(s, a)).report as unknown as Probe, (await figuresSettled(s, b)).report as unknown as Probe];
    expect(ra.thread).not.toBe(rb.thread);
    // Cancelled at once: a tab's figures have no point to stop at, so its worker ends.
    const c = coders(s);
    expect(appCall(s, 'jobs.cancel', { jobId: c.jobId })).toEqual({ cancelled: true });
    expect((await figuresSettled(s, c)).progress.phase).toBe('cancelled');
    const threads = new Set<number>();
    for (let k = 0; k < 3; k++) threads.add(((await figuresSettled(s, coders(s))).report as unknown as Probe).thread);
    // The two workers kept are used again, one of them the one left when the cancelled one ended.
    expect(threads.size).toBe(1);
    expect([ra.thread, rb.thread]).toContain([...threads][0]);
    s.close();
  });

  it('are kept for polling while they run and among the newest settled ones, so that a project open for days holds no pile of old reports', async () => {
    const s = await probe('kept-jobs.db');
    const cell = (coder: string) => appCall(s, 'agreement.coderCell', { as: 'lead', dimension: 'stage', coder, reference: 'final', row: 'training', col: 'training' });
    const settledCell = async (coder: string) => {
      let job = cell(coder);
      while (!settled(job.progress.phase)) {
        await new Promise((r) => setTimeout(r, 5));
        job = appCall(s, 'agreement.coderCellJob', { as: 'lead', jobId: job.jobId });
      }
      return job.jobId;
    };
    // The probe never answers for "hold": a job still running, kept however old it is.
    const running = cell('hold');
    const ids: string[] = [];
    for (let k = 0; k < 40; k++) ids.push(await settledCell('ana'));
    expect(appCall(s, 'agreement.coderCellJob', { as: 'lead', jobId: running.jobId }).progress.phase).toBe('starting');
    // The 31 newest settled ones beside it; the older ones are gone.
    for (const id of ids.slice(0, 9)) expect(() => appCall(s, 'agreement.coderCellJob', { as: 'lead', jobId: id })).toThrow(/no coder cell job/);
    for (const id of ids.slice(9)) expect(appCall(s, 'agreement.coderCellJob', { as: 'lead', jobId: id }).progress.phase).toBe('done');
    s.close();
  });

  it('count, for every worker, the jobs the lead waits on while they run (a bootstrap gives way to them)', async () => {
    const s = await probe('waited-on.db');
    const seen = async (job: ReturnType<typeof coders>) => ((await figuresSettled(s, job)).report as unknown as Probe & { waitedOn: number }).waitedOn;
    const figuresSeen = () => seen(coders(s));
    // A tab's figures alone: itself.
    expect(await figuresSeen()).toBe(1);
    // Beside a cell's entries still running (the probe never answers for "hold"): both.
    const held = appCall(s, 'agreement.coderCell', { as: 'lead', dimension: 'stage', coder: 'hold', reference: 'final', row: 'training', col: 'training' });
    expect(await figuresSeen()).toBe(2);
    // Once that one is cancelled (its worker ended): itself again, even for a job sent at once, which
    // the worker reads while the main thread is still busy (no promise reaction has run).
    expect(appCall(s, 'jobs.cancel', { jobId: held.jobId })).toEqual({ cancelled: true });
    const next = coders(s);
    for (const busyUntil = Date.now() + 300; Date.now() < busyUntil; );
    expect(await seen(next)).toBe(1);
    // A report's bootstrap is not waited on.
    const boot = appCall(s, 'agreement.start', { as: 'lead' }) as AgreementJob;
    while (!settled((appCall(s, 'agreement.job', { as: 'lead', jobId: boot.jobId }) as AgreementJob).progress.phase)) await new Promise((r) => setTimeout(r, 5));
    expect(((appCall(s, 'agreement.job', { as: 'lead', jobId: boot.jobId }) as AgreementJob).report as unknown as { waitedOn: number }).waitedOn).toBe(0);
    s.close();
  });

  it('gives, from a worker kept between jobs, the figures of the labels as they are now', async () => {
    const s = await openProject(join(dir, 'kept.db'), { seedDemo: true });
    appCall(s, 'project.addAnnotator', { name: 'lead', role: 'adjudicator' });
    await appCall(s, 'agreement.report', { as: 'lead', bootstrap: 0 });
    const tab = async () => (await figuresSettled(s, coders(s))).report;
    const before = await tab();
    expect(before).toEqual(coderReport(s.db, { bootstrap: 0 }, { cellEntries: false }));
    // Labels changed after the worker took the columns over: it reads them from the log, not from the service.
    const [ana, ben] = ['ana', 'ben'].map((name) => s.db.prepare('SELECT id FROM annotator WHERE name = ?').pluck().get(name));
    const row = s.db.prepare("SELECT e.ext_id AS entry, l.value FROM label l JOIN entry e ON e.id = l.entry_id WHERE l.annotator_id = ? AND l.dimension = 'stage' AND l.value != (SELECT value FROM label WHERE entry_id = l.entry_id AND annotator_id = ? AND dimension = 'stage') LIMIT 1").get(ana, ben) as { entry: string; value: string };
    const benValue = JSON.parse(s.db.prepare("SELECT value FROM label WHERE entry_id = (SELECT id FROM entry WHERE ext_id = ?) AND annotator_id = ? AND dimension = 'stage'").pluck().get(row.entry, ben) as string);
    appCall(s, 'labels.set', { annotator: 'ana', entryId: row.entry, dimension: 'stage', value: benValue });
    const after = await tab();
    expect(after).toEqual(coderReport(s.db, { bootstrap: 0 }, { cellEntries: false }));
    expect(after).not.toEqual(before);
    s.close();
  });
});

describe('the labels read ahead as the app opens a project', () => {
  /** The demo project, opened as the app's hosts open it (reading ahead at once), with a lead. */
  const openedAhead = async (name: string) => {
    const file = join(dir, name);
    (await openProject(file, { seedDemo: true })).close();
    const s = await openProject(file, { readAhead: 0 });
    appCall(s, 'project.addAnnotator', { name: 'lead', role: 'adjudicator' });
    return { file, s };
  };

  it('are read in a worker and taken over, so that the first report of the session reads none, and it is the report a fresh connection gives', async () => {
    const { file, s } = await openedAhead('ahead.db');
    await until(() => columnsToHand(s.db) !== undefined, 'the labels to be read ahead');
    expect(currentForAgreement(s.db).sync).toBe('unchanged');
    const fresh = openDatabase(file);
    expect(await appCall(s, 'agreement.report', { as: 'lead', bootstrap: 0 })).toEqual(agreementReport(fresh, { bootstrap: 0 }));
    fresh.close();
    s.close();
    // Without it, the first call reads them all.
    const plain = await openProject(file);
    await new Promise((r) => setTimeout(r, 50));
    expect(columnsToHand(plain.db)).toBeUndefined();
    expect(currentForAgreement(plain.db).sync).toBe('rebuilt');
    plain.close();
  });

  /** As the project is before the session opens it: the demo, and what a case adds to it. */
  type Case = { before?: (s: Service) => Promise<void>; write: (s: Service) => unknown };
  it.each<[string, Case]>([
    [
      'an import the app ran',
      {
        write: async (s) => {
          // A new coder's labels on every entry: an import the log records as one change naming no entry.
          const labels = join(dir, 'ahead-import.jsonl');
          const ids = s.db.prepare('SELECT ext_id FROM entry ORDER BY id').pluck().all() as string[];
          writeFileSync(labels, ids.map((id, k) => `${JSON.stringify({ entry_id: id, annotator: 'eve', dimension: 'stage', value: k % 2 ? 'training' : 'inference' })}\n`).join(''));
          let job: ImportJob = appCall(s, 'imports.start', { path: labels, format: 'annotations' });
          while (!settled(job.progress.phase)) {
            await new Promise((r) => setTimeout(r, 5));
            job = appCall(s, 'imports.status', { jobId: job.jobId });
          }
          expect(job.summary).toMatchObject({ labels: ids.length, annotatorsCreated: 1 });
        },
      },
    ],
    ['automatic assignments', { write: (s) => appCall(s, 'assignments.auto', { as: 'lead', perEntry: 2 }) }],
    [
      'a codebook published with a value renamed',
      {
        write: (s) => {
          const codebook = appCall(s, 'project.codebook', {});
          const renamed = { ...codebook, dimensions: codebook.dimensions.map((d, k) => (k === 0 ? { ...d, values: d.values.map((v, j) => (j === 0 ? { ...v, label: `${v.label} (renamed)` } : v)) } : d)) };
          appCall(s, 'codebook.publish', { as: 'lead', codebook: renamed });
        },
      },
    ],
    [
      "a pack merged that rewrites a coder's stage on 1,500 entries",
      {
        // 1,500 entries more, each with ana's stage: more rows than the log brings the labels held up to date with.
        before: async (s) => {
          const ids = Array.from({ length: 1500 }, (_, k) => `more${k}`);
          const entries = join(dir, 'ahead-pack-entries.jsonl');
          const labels = join(dir, 'ahead-pack-labels.jsonl');
          writeFileSync(entries, ids.map((id) => `${JSON.stringify({ id, prompt: `prompt ${id}`, output: `output ${id}` })}\n`).join(''));
          writeFileSync(labels, ids.map((id) => `${JSON.stringify({ entry_id: id, annotator: 'ana', dimension: 'stage', value: 'training' })}\n`).join(''));
          await s.call('imports.run', { path: entries, format: 'jsonl' }, FILE_OWNER);
          await s.call('imports.run', { path: labels, format: 'annotations' }, FILE_OWNER);
        },
        write: (s) => {
          // ana's laptop, later: every stage she gave is now the other one, signed as her file signs it.
          giveTestKey(s.db, 'ana');
          const exported = JSON.parse(exportPack(s.db, { annotator: 'ana' }).text) as Pack;
          const labels = exported.labels.map((l) => (l.dimension === 'stage' && l.value !== null ? { ...l, value: l.value === 'training' ? 'inference' : 'training', clock: l.clock + 1 } : l));
          const rewritten = labels.filter((l, k) => l !== exported.labels[k]).length;
          expect(rewritten).toBeGreaterThan(1500);
          expect(appCall(s, 'packs.import', { as: 'lead', packs: [{ name: 'ana.pack', text: signedIn(s.db, { ...exported, labels }) }] })).toMatchObject({ changed: true, labelsSet: rewritten });
        },
      },
    ],
  ])('are read again, as on opening, after %s (which the log does not say label by label, or not in few enough rows): the first report after it reads none', async (what, { before, write }) => {
    const file = join(dir, `ahead-${what.replace(/\W+/g, '-')}.db`);
    const seeded = await openProject(file, { seedDemo: true });
    await before?.(seeded);
    seeded.close();
    const s = await openProject(file, { readAhead: 0 });
    appCall(s, 'project.addAnnotator', { name: 'lead', role: 'adjudicator' });
    await until(() => columnsToHand(s.db) !== undefined, 'the labels to be read ahead');
    await write(s);
    await until(() => columnsToHand(s.db) !== undefined, `the labels to be read again after ${what}`, 20_000);
    expect(currentForAgreement(s.db).sync).toBe('unchanged');
    const fresh = openDatabase(file);
    expect(await appCall(s, 'agreement.report', { as: 'lead', bootstrap: 0 })).toEqual(agreementReport(fresh, { bootstrap: 0 }));
    fresh.close();
    s.close();
  });

  it("are followed by every entry's consensus, worked out in the same worker and taken over: the session's first adjudication queue and summary build nothing", async () => {
    const { file, s } = await openedAhead('ahead-consensus.db');
    // Nothing asked on this connection: what it holds came from the worker.
    await until(() => consensusInHand(s.db), "the consensus to be worked out ahead");
    const fresh = openDatabase(file);
    const same = () => {
      expect(appCall(s, 'adjudication.queue', { as: 'lead' })).toEqual(adjudicationQueue(fresh));
      expect(appCall(s, 'adjudication.summary', { as: 'lead' })).toEqual(adjudicationSummary(fresh));
    };
    same();
    // A write after it was taken over is read from the log, as ever.
    const entry = appCall(s, 'entries.page', { annotator: 'ana', limit: 1 }).rows[0].id;
    appCall(s, 'labels.set', { annotator: 'ana', entryId: entry, dimension: 'stage', value: 'evaluation-metrics' });
    same();
    fresh.close();
    s.close();
  });

  it("are followed by the report the Agreement view opens with, worked out in the same worker and taken over: the session's first report works out nothing, and a write lets it go", async () => {
    const { file, s } = await openedAhead('ahead-report.db');
    // Nothing asked on this connection: what it holds came from the worker.
    await until(() => reportInHand(s.db), 'the report to be worked out ahead');
    const fresh = openDatabase(file);
    const asked = { as: 'lead', bootstrap: 0, cellUnits: false } as const;
    const first = await appCall(s, 'agreement.report', asked);
    expect(first).toEqual(agreementReport(fresh, { bootstrap: 0, cellUnits: false }));
    expect(await appCall(s, 'agreement.report', asked)).toBe(first);
    // A label written: the report kept is let go, and the next one counts the label.
    const entry = appCall(s, 'entries.page', { annotator: 'ana', limit: 1 }).rows[0].id;
    appCall(s, 'labels.set', { annotator: 'ana', entryId: entry, dimension: 'stage', value: 'evaluation-metrics' });
    expect(reportInHand(s.db)).toBe(false);
    const after = await appCall(s, 'agreement.report', asked);
    expect(after).not.toEqual(first);
    expect(after).toEqual(agreementReport(fresh, { bootstrap: 0, cellUnits: false }));
    fresh.close();
    s.close();
  });

  it('are worked out again after a write in a worker that holds them, and taken over, the request thread free meanwhile; a write while the worker works is counted all the same', async () => {
    const { file, s } = await openedAhead('off-thread.db');
    await until(() => reportInHand(s.db), 'the report to be worked out ahead');
    const fresh = openDatabase(file);
    const asked = { as: 'lead', bootstrap: 0, cellUnits: false } as const;
    const entry = appCall(s, 'entries.page', { annotator: 'ana', limit: 1 }).rows[0].id;
    appCall(s, 'labels.set', { annotator: 'ana', entryId: entry, dimension: 'stage', value: 'evaluation-metrics' });
    let answered = false;
    const report = appCall(s, 'agreement.report', asked).then((r) => ((answered = true), r));
    // Not answered once everything the request thread had to do is done (every microtask run): the worker answers.
    for (let i = 0; i < 20; i++) await Promise.resolve();
    expect(answered).toBe(false);
    expect(await report).toEqual(agreementReport(fresh, { bootstrap: 0, cellUnits: false }));
    // Taken over, as if worked out here: asked again, it is the same.
    expect(reportInHand(s.db)).toBe(true);
    expect(await appCall(s, 'agreement.report', asked)).toBe(await report);
    // A label written right after the report is asked for (before or after the worker read): the answer counts it.
    appCall(s, 'labels.set', { annotator: 'ana', entryId: entry, dimension: 'stage', value: 'training' });
    const meanwhile = appCall(s, 'agreement.report', asked);
    appCall(s, 'labels.set', { annotator: 'ana', entryId: entry, dimension: 'task', value: 'regression' });
    expect(await meanwhile).toEqual(agreementReport(fresh, { bootstrap: 0, cellUnits: false }));
    // A round's report, or one dimension's, alike; one with its intervals is worked out as a job of its own (agreement.start).
    appCall(s, 'rounds.create', { as: 'lead', name: 'pilot', entryIds: [entry] });
    expect(await appCall(s, 'agreement.report', { ...asked, round: 'pilot' })).toEqual(agreementReport(fresh, { bootstrap: 0, cellUnits: false, entries: new Set([entry]) }));
    expect(await appCall(s, 'agreement.report', { ...asked, dimension: 'task' })).toEqual(agreementReport(fresh, { bootstrap: 0, cellUnits: false, dimension: 'task' }));
    fresh.close();
    s.close();
  });

  it('give alpha per round or version worked out in a worker that holds them, the request thread free meanwhile, as worked out here', async () => {
    const { file, s } = await openedAhead('groups-off-thread.db');
    await until(() => columnsToHand(s.db) !== undefined, 'the labels to be read ahead');
    appCall(s, 'rounds.create', { as: 'lead', name: 'pilot', sample: { size: 12, seed: 2 } });
    const entry = appCall(s, 'entries.page', { annotator: 'ana', limit: 1 }).rows[0].id;
    appCall(s, 'labels.set', { annotator: 'ana', entryId: entry, dimension: 'stage', value: 'evaluation-metrics' });
    const fresh = openDatabase(file);
    for (const by of ['round', 'version'] as const) {
      let answered = false;
      const job = appCall(s, 'agreement.groupsStart', { as: 'lead', by, bootstrap: 0 }).then((j) => ((answered = true), j));
      // Not answered once everything the request thread had to do is done (every microtask run): the worker answers.
      for (let i = 0; i < 20; i++) await Promise.resolve();
      expect(answered).toBe(false);
      const groups = (await job).groups;
      expect(groups.length).toBeGreaterThan(0);
      expect(groups).toEqual(agreementGroups(fresh, { by, bootstrap: 0 }));
    }
    fresh.close();
    s.close();
  });
});

describe("the Agreement view's tabs in the worker that read the labels ahead", () => {
  it('give, from what it counted and read ahead (the cells, their hash, the times), the reports a fresh connection gives, before and after a write', async () => {
    const file = join(dir, 'ahead-tabs.db');
    (await openProject(file, { seedDemo: true })).close();
    const s = await openProject(file, { readAhead: 0 });
    appCall(s, 'project.addAnnotator', { name: 'lead', role: 'adjudicator' });
    await until(() => columnsToHand(s.db) !== undefined, 'the labels to be read ahead');
    await appCall(s, 'agreement.report', { as: 'lead', bootstrap: 0 });
    // (The next request as the hosts take it: a second worker was readied meanwhile, and took the columns over itself.)
    await new Promise((r) => setImmediate(r));
    const tabs = async () => {
      const asked = [
        { figures: 'coefficients', bootstrap: 0, categories: 'first' },
        { figures: 'drift', bootstrap: 0, by: 'week' },
        { figures: 'coders', bootstrap: 0 },
      ] as const;
      const out: unknown[] = [];
      for (const args of asked) out.push((await figuresSettled(s, appCall(s, 'agreement.startFigures', { as: 'lead', ...args }))).report);
      // Two at once: one of them in the worker that took the columns over itself.
      const codersTab = () => appCall(s, 'agreement.startFigures', { as: 'lead', figures: 'coders', bootstrap: 0 });
      const [a, b] = [codersTab(), codersTab()];
      out.push((await figuresSettled(s, a)).report, (await figuresSettled(s, b)).report);
      return out;
    };
    const fresh = () => {
      const db = openDatabase(file);
      const out = [
        coefficientReport(db, { bootstrap: 0, categories: 'first' }),
        driftReport(db, { bootstrap: 0, by: 'week' }),
        coderReport(db, { bootstrap: 0 }, { cellEntries: false }),
      ];
      db.close();
      return [...out, out[2], out[2]];
    };
    expect(await tabs()).toEqual(fresh());
    const entry = appCall(s, 'entries.page', { annotator: 'ana', limit: 1 }).rows[0].id;
    appCall(s, 'labels.set', { annotator: 'ana', entryId: entry, dimension: 'stage', value: 'evaluation-metrics' });
    expect(await tabs()).toEqual(fresh());
    s.close();
  });
});

describe('alpha per round or per version with their bootstraps', () => {
  let s: Service;
  beforeAll(async () => {
    s = await openProject(join(dir, 'groups.db'), { seedDemo: true });
    appCall(s, 'project.addAnnotator', { name: 'lead', role: 'adjudicator' });
    appCall(s, 'rounds.create', { as: 'lead', name: 'pilot', sample: { size: 12, seed: 2 } });
    appCall(s, 'rounds.create', { as: 'lead', name: 'round 2', sample: { size: 12, seed: 3 } });
  });
  afterAll(() => s.close());

  it('are computed in a worker with their progress, and are the groups asked for directly', async () => {
    for (const by of ['round', 'version'] as const) {
      let job: GroupsJob = await appCall(s, 'agreement.groupsStart', { as: 'lead', by, bootstrap: 150, seed: 4 });
      // The figures at once, without their intervals.
      expect(job.groups).toEqual(agreementGroups(s.db, { by, bootstrap: 0 }));
      const seen: GroupsJob['progress'][] = [];
      while (!settled(job.progress.phase)) {
        seen.push(job.progress);
        await new Promise((r) => setTimeout(r, 5));
        job = appCall(s, 'agreement.groupsJob', { as: 'lead', jobId: job.jobId });
      }
      expect(job.error).toBeUndefined();
      expect(job.progress.phase).toBe('done');
      const boot = seen.filter((p) => p.phase === 'bootstrap');
      expect(boot.length).toBeGreaterThan(0);
      expect(boot.every((p, i) => p.total > 0 && p.done <= p.total && (i === 0 || p.done >= boot[i - 1].done))).toBe(true);
      expect(job.groups).toEqual(agreementGroups(s.db, { by, bootstrap: 150, seed: 4 }));
      expect(job.groups!.length).toBeGreaterThan(0);
      expect(job.groups!.every((g) => g.pooled?.low !== null)).toBe(true);
    }
  });

  it('stop when cancelled, and only the lead may ask for them', async () => {
    let job: GroupsJob = await appCall(s, 'agreement.groupsStart', { as: 'lead', by: 'round', bootstrap: 10_000 });
    await until(() => (job = appCall(s, 'agreement.groupsJob', { as: 'lead', jobId: job.jobId })).progress.phase === 'bootstrap', 'the bootstrap to start');
    expect(appCall(s, 'jobs.cancel', { jobId: job.jobId })).toEqual({ cancelled: true });
    await until(() => settled((job = appCall(s, 'agreement.groupsJob', { as: 'lead', jobId: job.jobId })).progress.phase), 'the job to stop', 20_000);
    expect(job.progress.phase).toBe('cancelled');
    // The figures stay; no interval was filled in.
    expect(job.groups).toEqual(agreementGroups(s.db, { by: 'round', bootstrap: 0 }));
    appCall(s, 'project.addAnnotator', { name: 'ana' });
    expect(() => appCall(s, 'agreement.groupsStart', { as: 'ana', by: 'round' })).toThrow(/lead/);
    expect(() => appCall(s, 'agreement.groupsJob', { as: 'lead', jobId: 'nope' })).toThrow(/no agreement groups job/);
  });
});

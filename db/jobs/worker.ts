import { parentPort, workerData } from 'node:worker_threads';
import { serializeError } from '../../shared/errors.ts';
import { Stopped } from '../../shared/agreement/report.ts';
import { agreementReport, countAhead, reportAhead } from '../agreement.ts';
import { coderCellEntries, figureReport } from '../agreement-figures.ts';
import { consensusSeed } from '../adjudication.ts';
import { openDatabase, type Db } from '../database.ts';
import { adoptColumns, currentToHand } from '../data/agreement-rows.ts';
import { currentWithLabelTimes } from '../data/label-times.ts';
import { renderExport } from '../exports/render.ts';
import { groupFigures, groupIntervals } from '../rounds.ts';
import { runImport } from '../import/index.ts';
import { givingWay } from './give-way.ts';
import type { JobMessage, JobOrder, JobProgress, JobRequest, ReadiedMessage, WorkerStart } from './protocol.ts';

/**
 * A worker thread's side of jobs (db/jobs/runner.ts starts it and asks for them one at a time):
 * opens the project file on its own connection when a job first needs it (a bootstrap of figures
 * already made needs none) and keeps it, with the label columns that connection holds, for the
 * jobs that follow; says how far a job got, and stops when asked (between files while an import
 * reads, between resamples of a bootstrap). An import that has begun writing finishes its
 * transaction: all or nothing, as always.
 */
const start = workerData as WorkerStart;
const waitedOn = new Int32Array(start.waitedOn);
let connection: Db | undefined;
const db = () => (connection ??= openDatabase(start.file, { ...(start.nativeBinding ? { nativeBinding: start.nativeBinding } : {}), checkedAlready: true }));

async function run(request: JobRequest, stop: Int32Array, progress: (p: JobProgress) => void): Promise<unknown> {
  const shouldStop = () => Atomics.load(stop, 0) === 1;
  // Figures already made come with their coded ratings: their bootstrap needs no database.
  if (request.kind === 'intervals')
    return groupIntervals(request.args.figures, { ...request.args, onProgress: (done, total) => progress({ phase: 'bootstrap', done, total }), shouldStop: givingWay(waitedOn, shouldStop) });
  if (request.kind === 'columns') {
    progress({ phase: 'reading', done: 0, total: 0 });
    const columns = currentToHand(db());
    // Once they are handed back, what the Agreement view's tabs read of them besides, kept with this worker's columns.
    setImmediate(() => readyForTabs(true));
    return columns;
  }
  if (request.kind === 'consensus') {
    progress({ phase: 'reading', done: 0, total: 0 });
    return consensusSeed(db());
  }
  if (request.kind === 'report') {
    progress({ phase: 'computing', done: 0, total: 0 });
    return reportAhead(db());
  }
  // A report's bootstrap gives way before it begins too (it stays 'starting'): its reading and first figures
  // took a core for a second from the tab the lead had just opened beside it.
  if (request.kind === 'agreement' && givingWay(waitedOn, shouldStop)()) throw new Stopped();
  if (request.kind !== 'import' && request.columns) adoptColumns(db(), request.columns);
  if (request.kind === 'groupFigures') {
    progress({ phase: 'computing', done: 0, total: 0 });
    return groupFigures(db(), request.args);
  }
  if (request.kind === 'viewReport') {
    progress({ phase: 'computing', done: 0, total: 0 });
    return reportAhead(db(), request.args);
  }
  if (request.kind === 'agreement') {
    progress({ phase: 'reading', done: 0, total: 0 });
    return agreementReport(db(), request.args, { onProgress: (done, total) => progress({ phase: 'bootstrap', done, total }), shouldStop: givingWay(waitedOn, shouldStop) });
  }
  if (request.kind === 'export') {
    // The whole file, as the command line writes it; the labels say how many entries are made.
    // As JSON text, made here: the request thread only hands its pieces over.
    progress({ phase: 'making', done: 0, total: 0 });
    return JSON.stringify(renderExport(db(), { ...request.args, preview: false }, { onProgress: (done, total) => progress({ phase: 'making', done, total }) }));
  }
  if (request.kind === 'figures') {
    progress({ phase: 'computing', done: 0, total: 0 });
    return figureReport(db(), request.args);
  }
  if (request.kind === 'coderCell') {
    progress({ phase: 'computing', done: 0, total: 0 });
    return coderCellEntries(db(), request.args.query, request.args.cell);
  }
  const { path, format, maps, newVersion, mapping, actor } = request.args;
  try {
    return await runImport(db(), path, {
      format,
      maps,
      newVersion,
      mapping,
      actor,
      onProgress: (p) => {
        if (p.phase === 'reading' && shouldStop()) throw new Stopped();
        progress(p);
      },
    });
  } finally {
    // An import's worker ends with it: its connection is closed first.
    connection?.close();
    connection = undefined;
  }
}

/** Opens the connection ahead of the jobs to come. */
function openAhead(): void {
  try {
    db();
  } catch {
    // Only ahead of need: the job that needs the file says what is wrong with it.
  }
}

/**
 * Works out ahead what the Agreement view's tabs read (`countAhead`; with `times`, drift's label
 * times too), between jobs: a job asked for meanwhile waits, and finds it done.
 */
function readyForTabs(times: boolean): void {
  try {
    if (times) currentWithLabelTimes(db());
    countAhead(db());
  } catch {
    // Only ahead of need: the job that needs it says what is wrong.
  }
}

// One order at a time: the runner sends the next only once this one has answered.
parentPort!.on('message', (order: JobOrder) => {
  // After what the last job left for after its answer (a setImmediate of its own, which runs first: this
  // message can be taken before it, when the runner answers the job's answer at once).
  if (order.type === 'end')
    return void setImmediate(() => {
      connection?.close();
      process.exit(0);
    });
  if (order.type === 'ready') {
    // The Agreement view opens: the labels taken over here (saved beside the file and brought up to date, else read),
    // and counted as its tabs will count them.
    // (A worker that holds them already brings them up to date, and counts them again, only when a tab asks.)
    if (!order.takeColumns) return void openAhead();
    readyForTabs(false);
    parentPort!.postMessage({ type: 'readied' } satisfies ReadiedMessage);
    return;
  }
  const post = (m: JobMessage) => parentPort!.postMessage({ ...m, id: order.id });
  run(order.request, new Int32Array(order.stop), (p) => post({ type: 'progress', progress: p })).then(
    (value) => post({ type: 'result', value }),
    (e: unknown) => post({ type: 'error', error: serializeError(e), cancelled: e instanceof Stopped }),
  );
});

import { parentPort, workerData } from 'node:worker_threads';
import { serializeError } from '../../shared/errors.ts';
import { Stopped } from '../../shared/agreement/report.ts';
import { agreementReport } from '../agreement.ts';
import { coderCellEntries, figureReport } from '../agreement-figures.ts';
import { openDatabase } from '../database.ts';
import { adoptColumns } from '../data/agreement-rows.ts';
import { renderExport } from '../exports/render.ts';
import { groupIntervals } from '../rounds.ts';
import { runImport } from '../import/index.ts';
import type { JobMessage, JobProgress, JobStart } from './protocol.ts';

/**
 * A worker thread's side of a job (db/jobs/runner.ts starts it): opens the project file on its own
 * connection (a bootstrap of figures already made needs none), runs the job, says how far it got, and stops when asked (between files while an
 * import reads, between resamples of a bootstrap). An import that has begun writing finishes its
 * transaction: all or nothing, as always.
 */
const start = workerData as JobStart;
const stop = new Int32Array(start.stop);
const shouldStop = () => Atomics.load(stop, 0) === 1;
const post = (m: JobMessage) => parentPort!.postMessage(m);
const progress = (p: JobProgress) => post({ type: 'progress', progress: p });

async function run(): Promise<unknown> {
  const { request } = start;
  // Figures already made come with their coded ratings: their bootstrap needs no database.
  if (request.kind === 'intervals') return groupIntervals(request.args.figures, { ...request.args, onProgress: (done, total) => progress({ phase: 'bootstrap', done, total }), shouldStop });
  const db = openDatabase(start.file, { ...(start.nativeBinding ? { nativeBinding: start.nativeBinding } : {}), checkedAlready: true });
  try {
    if (request.kind !== 'import' && request.columns) adoptColumns(db, request.columns);
    if (request.kind === 'agreement') {
      progress({ phase: 'reading', done: 0, total: 0 });
      return agreementReport(db, request.args, { onProgress: (done, total) => progress({ phase: 'bootstrap', done, total }), shouldStop });
    }
    if (request.kind === 'export') {
      // The whole file, as the command line writes it; the labels say how many entries are made.
      // As JSON text, made here: the request thread only hands its pieces over.
      progress({ phase: 'making', done: 0, total: 0 });
      return JSON.stringify(renderExport(db, { ...request.args, preview: false }, { onProgress: (done, total) => progress({ phase: 'making', done, total }) }));
    }
    if (request.kind === 'figures') {
      progress({ phase: 'computing', done: 0, total: 0 });
      return figureReport(db, request.args);
    }
    if (request.kind === 'coderCell') {
      progress({ phase: 'computing', done: 0, total: 0 });
      return coderCellEntries(db, request.args.query, request.args.cell);
    }
    const { path, format, maps, newVersion, mapping, actor } = request.args;
    return await runImport(db, path, {
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
    db.close();
  }
}

run().then(
  (value) => post({ type: 'result', value }),
  (e: unknown) => post({ type: 'error', error: serializeError(e), cancelled: e instanceof Stopped }),
);

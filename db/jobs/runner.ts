import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { ConcordError, deserializeError } from '../../shared/errors.ts';
import type { JobMessage, JobProgress, JobRequest, JobStart } from './protocol.ts';

export type { JobProgress, JobRequest } from './protocol.ts';

/**
 * Starts a job in a worker thread, so the thread that answers requests (browser mode's server,
 * Electron's main process) keeps answering while it runs. The worker is db/jobs/worker.ts: from
 * the sources through a small loader, or the bundle a build puts beside the app's own
 * (`job-worker.mjs`, next to the bundle this module was built into).
 */
export function workerUrl(): URL {
  const here = import.meta.url;
  return /\.ts$/.test(here) ? new URL('./worker-loader.mjs', here) : new URL('./job-worker.mjs', here);
}

export interface RunningJob {
  readonly id: string;
  /** How far it got; `phase` is the job's own ('reading', 'writing', 'bootstrap'...), then done, failed or cancelled. */
  progress: JobProgress;
  /** Settles with the result, or rejects with the job's error (a cancelled job's says so, `cancelled` set). */
  readonly done: Promise<unknown>;
  cancel(): void;
}

/** A job that was asked to stop and did. */
export class Cancelled extends ConcordError {
  readonly cancelled = true;
  constructor() {
    super('conflict', 'cancelled');
  }
}

export function runJob(request: JobRequest, target: { file: string; nativeBinding?: string; workerUrl?: URL }): RunningJob {
  const stop = new SharedArrayBuffer(4);
  const start: JobStart = { request, file: target.file, nativeBinding: target.nativeBinding, stop };
  const worker = new Worker(target.workerUrl ?? workerUrl(), { workerData: start });
  let hardStop = () => {};
  const job: RunningJob = {
    id: randomUUID(),
    progress: { phase: 'starting', done: 0, total: 0 },
    done: new Promise((resolve, reject) => {
      let settled = false;
      const settle = (f: () => void) => {
        if (settled) return;
        settled = true;
        f();
        void worker.terminate();
      };
      hardStop = () => settle(() => reject(new Cancelled()));
      worker.on('message', (m: JobMessage) => {
        if (m.type === 'progress') job.progress = m.progress;
        else if (m.type === 'result') settle(() => resolve(m.value));
        else settle(() => reject(m.cancelled ? new Cancelled() : deserializeError(m.error)));
      });
      worker.on('error', (e) => settle(() => reject(new ConcordError('internal', `the worker failed: ${e.message}`))));
      worker.on('exit', (code) => settle(() => reject(new ConcordError('internal', `the worker stopped (exit ${code}) before it finished`))));
    }),
    cancel: () => {
      Atomics.store(new Int32Array(stop), 0, 1);
      // A figure report, a cell's entries or an export only reads, and has no point to stop at between its steps: its worker is ended.
      if (request.kind === 'figures' || request.kind === 'coderCell' || request.kind === 'export') hardStop();
    },
  };
  job.done.then(
    () => (job.progress = { ...job.progress, phase: 'done' }),
    (e) => (job.progress = { ...job.progress, phase: e instanceof Cancelled ? 'cancelled' : 'failed' }),
  );
  return job;
}

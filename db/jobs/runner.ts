import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { ConcordError, deserializeError } from '../../shared/errors.ts';
import type { HandedColumns } from '../data/agreement-rows.ts';
import type { JobMessage, JobOrder, JobProgress, JobRequest, ReadiedMessage, WorkerStart } from './protocol.ts';

export type { JobProgress, JobRequest } from './protocol.ts';

/**
 * Runs jobs in worker threads, so the thread that answers requests (browser mode's server,
 * Electron's main process) keeps answering while they run. The worker is db/jobs/worker.ts: from
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

export interface JobTarget {
  file: string;
  nativeBinding?: string;
  workerUrl?: URL;
}

export interface JobRunner {
  run(request: JobRequest): RunningJob;
  /**
   * Has workers that only read ready before they are asked for: started, their connection open
   * and holding the label columns, current as `columns` (the service's) are. The Agreement view
   * asks for them as it opens (its bootstrap runs in one), so a tab's figures need not wait for a
   * thread to start and take the columns over. A worker that does not hold them takes them on its
   * own thread: copying a large project's columns to it held the request thread for a few hundred
   * ms, which the lead's next click waited out.
   */
  ready(columns: HandedColumns | undefined): void;
  /** Ends every worker (a job still running rejects). */
  close(): void;
}

/** Workers kept between the jobs that only read: at most this many wait idle... */
const IDLE_KEPT = 2;
/** ...and none longer than this, so a project left open gives their memory back. */
const IDLE_MS = 5 * 60_000;

/** A tab's figures, a cell's entries, a report or alpha per group a view asked for: jobs the lead waits on. */
const waitedOnKind = (request: JobRequest) => request.kind === 'figures' || request.kind === 'coderCell' || request.kind === 'viewReport' || request.kind === 'groupFigures';

/** A worker thread and the job it runs now, if any. */
interface Thread {
  worker: Worker;
  /** The job it runs now: its id, and what the worker's messages about it do. */
  current?: { id: string; onMessage: (m: JobMessage) => void; onEnd: (e: Error) => void };
  /** The kept columns it was last handed (the service's own object: handed again only once that is replaced). */
  handed?: object;
  /** How many times it was asked to take the columns over ahead of a job (`ready`) and has not yet: a job sent now waits until it has. */
  readying: number;
  /** When it last ran a job the lead waits on (a count of them): those jobs keep to the worker whose code for them is compiled. */
  lastWaitedOn?: number;
  idle?: ReturnType<typeof setTimeout>;
  ended: boolean;
}

/**
 * The service's jobs: an import in a worker of its own, ended with it (it writes, and is rare);
 * the jobs that only read (an agreement report, a tab's figures, a cell's entries, intervals, an
 * export file) in workers kept between jobs, each keeping its connection and the label columns
 * it holds up to date from the event log as the service's do. A job that is cancelled and has
 * no point to stop at ends its worker; the next starts another.
 */
export function jobRunner(target: JobTarget): JobRunner {
  // How many jobs the lead waits on run now (WorkerStart.waitedOn).
  const waitedOn = new Int32Array(new SharedArrayBuffer(4));
  let waitedOnJobs = 0;
  const idle: Thread[] = [];
  const all = new Set<Thread>();

  function start(): Thread {
    const data: WorkerStart = { file: target.file, nativeBinding: target.nativeBinding, waitedOn: waitedOn.buffer as SharedArrayBuffer };
    const thread: Thread = { worker: new Worker(target.workerUrl ?? workerUrl(), { workerData: data }), ended: false, readying: 0 };
    all.add(thread);
    const broke = (e: Error) => {
      thread.current?.onEnd(e);
      end(thread);
    };
    thread.worker.on('message', (m: (JobMessage & { id: string }) | ReadiedMessage) => {
      if (m.type === 'readied') thread.readying--;
      else if (m.id === thread.current?.id) thread.current.onMessage(m);
    });
    thread.worker.on('error', (e) => broke(new ConcordError('internal', `the worker failed: ${e.message}`)));
    thread.worker.on('exit', (code) => broke(new ConcordError('internal', `the worker stopped (exit ${code}) before it finished`)));
    return thread;
  }

  function dropIdle(thread: Thread) {
    const at = idle.indexOf(thread);
    if (at >= 0) idle.splice(at, 1);
    if (thread.idle) clearTimeout(thread.idle);
    thread.idle = undefined;
  }

  /**
   * A job done, its worker waits for the next (unreferenced: an idle worker keeps no process alive).
   * With as many waiting already, one of them or this one ends: one that holds no label columns,
   * else the one that has waited longest, not this one, whose columns are the freshest and code
   * warm (a tab asked for right after a write's report went to an older worker, which brought its
   * columns up to date and counted them again first).
   */
  function rest(thread: Thread) {
    thread.current = undefined;
    if (thread.ended) return;
    if (idle.length >= IDLE_KEPT) {
      const leaving = [...idle, thread].find((t) => t.handed === undefined) ?? idle[0];
      end(leaving);
      if (leaving === thread) return;
    }
    thread.worker.unref();
    thread.idle = setTimeout(() => end(thread), IDLE_MS);
    thread.idle.unref();
    idle.push(thread);
  }

  /**
   * Ends a worker. One with no job is asked to end itself, so that what it does after its last
   * answer (saving the label columns it read, db/data/agreement-rows.ts) is done first; one in the
   * middle of a job, or any when the project closes, is stopped at once.
   */
  function end(thread: Thread, now = thread.current !== undefined) {
    if (thread.ended) return;
    thread.ended = true;
    thread.current = undefined;
    all.delete(thread);
    dropIdle(thread);
    if (now) void thread.worker.terminate();
    else thread.worker.postMessage({ type: 'end' } satisfies JobOrder);
  }

  /**
   * The idle worker a job that only reads takes, if any: the one that waited least, so that one
   * worker stays busy and warm and another idle ends in time. A tab's figures or a cell's entries,
   * which the lead waits on: of those that hold label columns and have finished taking them over
   * (and counting them), the one that ran such a job last (its code for them compiled), else the
   * one that waited least; then one still taking them over; then any. The intervals of figures
   * already made read no labels: one that holds none, so that those that counted them stay free
   * for the tabs (else a new one).
   */
  function idleFor(request: JobRequest): Thread | undefined {
    if (request.kind === 'intervals') return idle.find((t) => t.handed === undefined);
    if (!waitedOnKind(request)) return idle.at(-1);
    const holding = idle.filter((t) => t.handed !== undefined);
    const counted = holding.filter((t) => t.readying === 0);
    const warm = counted.reduce<Thread | undefined>((best, t) => ((t.lastWaitedOn ?? 0) > (best?.lastWaitedOn ?? 0) ? t : best), undefined);
    return warm ?? counted.at(-1) ?? holding.at(-1) ?? idle.at(-1);
  }

  /** Hands a worker the columns, unless it holds them already (kept up to date from the log since). */
  function columnsFor(thread: Thread, columns: HandedColumns | undefined): HandedColumns | undefined {
    if (!columns || thread.handed === columns.data) return undefined;
    thread.handed = columns.data;
    return columns;
  }

  return {
    run(request) {
      const reads = request.kind !== 'import';
      const thread = (reads && idleFor(request)) || start();
      dropIdle(thread);
      thread.worker.ref();
      const stop = new SharedArrayBuffer(4);
      const order = {
        type: 'job',
        id: randomUUID(),
        request: 'columns' in request ? { ...request, columns: columnsFor(thread, request.columns) } : request,
        stop,
      } satisfies JobOrder;
      // A tab's figures or a cell's entries, which the lead waits on: a bootstrap gives way while they run.
      // Counted down the moment the job settles, not in a promise reaction after it, so that a job
      // sent right after a cancel is not counted beside the one cancelled.
      let counted = waitedOnKind(request);
      if (counted) {
        thread.lastWaitedOn = ++waitedOnJobs;
        Atomics.add(waitedOn, 0, 1);
      }
      const uncount = () => {
        if (!counted) return;
        counted = false;
        Atomics.sub(waitedOn, 0, 1);
        Atomics.notify(waitedOn, 0);
      };
      let hardStop = () => {};
      const job: RunningJob = {
        id: order.id,
        progress: { phase: 'starting', done: 0, total: 0 },
        done: new Promise((fulfil, fail) => {
          const resolve = (value: unknown) => (uncount(), fulfil(value));
          const reject = (e: unknown) => (uncount(), fail(e));
          const settle = (f: () => void, fine: boolean) => {
            if (thread.current?.id !== order.id) return;
            f();
            if (fine && reads) rest(thread);
            else end(thread);
          };
          hardStop = () => settle(() => reject(new Cancelled()), false);
          thread.current = {
            id: order.id,
            onMessage: (m) => {
              if (m.type === 'progress') job.progress = m.progress;
              else if (m.type === 'result') {
                // Columns read ahead stay with the worker that read them: the service takes over the same ones.
                if (request.kind === 'columns') thread.handed = (m.value as HandedColumns | undefined)?.data;
                settle(() => resolve(m.value), true);
              }
              // A job that failed or stopped between its steps leaves its worker as sound as it found it.
              else settle(() => reject(m.cancelled ? new Cancelled() : deserializeError(m.error)), true);
            },
            onEnd: (e) => reject(e),
          };
        }),
        cancel: () => {
          Atomics.store(new Int32Array(stop), 0, 1);
          // A figure report, a cell's entries or an export only reads, and has no point to stop at between its steps: its worker is ended.
          if (waitedOnKind(request) || request.kind === 'export') hardStop();
        },
      };
      job.done.then(
        () => (job.progress = { ...job.progress, phase: 'done' }),
        (e) => (job.progress = { ...job.progress, phase: e instanceof Cancelled ? 'cancelled' : 'failed' }),
      );
      thread.worker.postMessage(order);
      return job;
    },

    ready(columns) {
      // As many as are kept idle: the Agreement view runs its bootstrap in one while a tab asks for another.
      while (idle.length < IDLE_KEPT) rest(start());
      for (const thread of idle) {
        // It takes them itself: a job sent to it later is handed none (columnsFor), as for one it was handed.
        const takeColumns = columnsFor(thread, columns) !== undefined;
        if (takeColumns) thread.readying++;
        thread.worker.postMessage({ type: 'ready', takeColumns } satisfies JobOrder);
      }
    },

    close() {
      for (const thread of [...all]) {
        thread.current?.onEnd(new ConcordError('internal', 'the project was closed before the job finished'));
        end(thread, true);
      }
    },
  };
}

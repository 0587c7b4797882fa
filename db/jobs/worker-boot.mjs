// The job worker's entry once built (scripts/build.mjs bundles this file as job-worker.mjs): it
// runs the worker's own bundle, job-worker.cjs beside it, through V8's code cache kept beside
// that, as the command line runs its bundles: a thread then starts in about two thirds of the
// time. A thread that found no cache writes it once its first order is handled, so that what that
// compiled is in it too (a thread is often stopped, not ended, when its project closes).
import { parentPort } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { loadBuilt } from '../load-built.mjs';

const { keep } = loadBuilt(fileURLToPath(new URL('./job-worker.cjs', import.meta.url)));
parentPort?.once('message', () => setImmediate(keep));

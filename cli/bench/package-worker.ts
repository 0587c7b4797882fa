import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { packageRoot } from '../paths.ts';

/**
 * The krippendorff package recomputing alpha on resamples of the same units, in a worker thread
 * that is stopped when its time is up: the package's coincidence matrix walks every unit for
 * every pair of values, so one resample of a large pooled figure can take minutes. Gives the
 * resamples finished and the time they took; none finished means the time ran out first.
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { alpha } = require(workerData.packagePath);
const { rows, seed, limitMs, maxDraws } = workerData;
let state = seed >>> 0;
const rand = () => { state = (state + 0x6d2b79f5) >>> 0; let t = state; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
const resample = (m) => { const n = m[0].length; const pick = Array.from({ length: n }, () => Math.floor(rand() * n)); return alpha(m.map((row) => pick.map((u) => row[u]))); };
resample(rows.map((row) => row.slice(0, 1000)));
const t = performance.now();
let draws = 0;
do { resample(rows); draws++; parentPort.postMessage({ draws, ms: performance.now() - t }); } while (draws < maxDraws && performance.now() - t < limitMs);
`;

export async function packageResamples(rows: (string | undefined)[][], opts: { limitMs: number; maxDraws: number; seed: number }): Promise<{ draws: number; ms: number }> {
  const packagePath = createRequire(join(packageRoot, 'package.json')).resolve('krippendorff');
  const worker = new Worker(WORKER, { eval: true, workerData: { rows, packagePath, seed: opts.seed, limitMs: opts.limitMs, maxDraws: opts.maxDraws } });
  let last = { draws: 0, ms: 0 };
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    // Stopped once its time is up even in the middle of a resample (warm-up included).
    const timer = setTimeout(() => void worker.terminate(), opts.limitMs + 100_000);
    worker.on('message', (m: { draws: number; ms: number }) => (last = m));
    worker.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    worker.on('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  return last.draws ? last : { draws: 0, ms: performance.now() - started };
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openProject } from '../project.ts';
import type { JobMessage, JobOrder, WorkerStart } from './protocol.ts';

/**
 * The job worker itself (db/jobs/worker.ts, from the sources) on a small project, the count of
 * jobs the lead waits on held by this test as the runner holds it: a report's bootstrap sent while
 * one runs reads nothing and says nothing until it is over.
 */
const dir = mkdtempSync(join(tmpdir(), 'concord-gives-way-'));
const file = join(dir, 'demo.db');
beforeAll(async () => (await openProject(file, { seedDemo: true })).close());
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A worker with the count of waited-on jobs at `running`, sent a report's bootstrap; what it says, as it says it; the worker ended after `test`. */
async function bootstrapBeside(running: number, test: (boot: Awaited<ReturnType<typeof started>>) => Promise<void>): Promise<void> {
  const boot = await started(running);
  try {
    await test(boot);
  } finally {
    await boot.end();
  }
}

/** The worker started, and sent the bootstrap. */
async function started(running: number) {
  const waitedOn = new Int32Array(new SharedArrayBuffer(4));
  Atomics.store(waitedOn, 0, running);
  const stop = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(new URL('./worker-loader.mjs', import.meta.url), { workerData: { file, waitedOn: waitedOn.buffer as SharedArrayBuffer } satisfies WorkerStart });
  const said: (JobMessage & { id: string })[] = [];
  const answered = new Promise<JobMessage>((resolve) =>
    worker.on('message', (m: JobMessage & { id: string }) => {
      said.push(m);
      if (m.type !== 'progress') resolve(m);
    }),
  );
  worker.postMessage({ type: 'job', id: 'boot', request: { kind: 'agreement', args: { bootstrap: 20, cellUnits: false } }, stop: stop.buffer as SharedArrayBuffer } satisfies JobOrder);
  return { waitedOn, stop, said, answered, end: () => worker.terminate() };
}

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("a report's bootstrap in the job worker, beside a job the lead waits on", () => {
  it('begins at once when none runs', () =>
    bootstrapBeside(0, async (boot) => {
      expect((await boot.answered).type).toBe('result');
      expect(boot.said[0]).toMatchObject({ type: 'progress', progress: { phase: 'reading' } });
    }), 60_000);

  it('does not begin while one runs (no reading, no progress), and begins once it is over', () =>
    bootstrapBeside(1, async (boot) => {
      // Time enough for the worker to start and, were it not giving way, to read and resample the demo's labels.
      await settle(3000);
      expect(boot.said).toEqual([]);
      Atomics.sub(boot.waitedOn, 0, 1);
      Atomics.notify(boot.waitedOn, 0);
      const answer = await boot.answered;
      expect(answer.type).toBe('result');
      expect(boot.said[0]).toMatchObject({ type: 'progress', progress: { phase: 'reading' } });
      expect((answer as { value: { bootstrap: { resamples: number } } }).value.bootstrap.resamples).toBe(20);
    }), 60_000);

  it('stops while it waits, when asked to, having read nothing', () =>
    bootstrapBeside(1, async (boot) => {
      await settle(1000);
      Atomics.store(boot.stop, 0, 1);
      expect(await boot.answered).toMatchObject({ type: 'error', cancelled: true });
      expect(boot.said.filter((m) => m.type === 'progress')).toEqual([]);
    }), 60_000);
});

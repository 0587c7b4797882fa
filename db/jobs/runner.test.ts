import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { HandedColumns } from '../data/agreement-rows.ts';
import { jobRunner, type JobRequest, type JobRunner } from './runner.ts';

// The probe worker does no work: it says which thread answered and what it was handed.
const probeUrl = new URL('../../test/helpers/job-probe-worker.mjs', import.meta.url);
type Probe = { kind: string; labelRowsHanded: number | null; labelRowsHeld: number | null; thread: number };

/** A project file of 5 labels: what a worker readied ahead of a job reads its columns from (the probe: their count). */
const dir = mkdtempSync(join(tmpdir(), 'concord-runner-'));
const file = join(dir, 'five-labels.db');
const fileDb = new Database(file);
fileDb.exec('CREATE TABLE label (value TEXT); INSERT INTO label VALUES (1), (2), (3), (4), (5);');
fileDb.close();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Columns as a service hands them (7 rows, so that they are told from the file's 5); the probe reads only their row count. */
const columns = (count: number) => ({ codebook: '', logMark: undefined, data: { rows: { count } }, dead: 0 }) as unknown as HandedColumns;
const intervals: JobRequest = { kind: 'intervals', args: { figures: [], resamples: 10 } };
const figures = (c: HandedColumns): JobRequest => ({ kind: 'figures', args: { figures: 'coders', query: {} }, columns: c });
const bootstrap = (c: HandedColumns): JobRequest => ({ kind: 'agreement', args: {}, columns: c });

/** A runner of probe workers for one test, its workers ended after it. */
async function withRunner(test: (runner: JobRunner) => Promise<void>): Promise<void> {
  const runner = jobRunner({ file, workerUrl: probeUrl });
  try {
    await test(runner);
  } finally {
    runner.close();
  }
}

describe('the workers a job runner keeps between jobs', () => {
  it('are readied without the columns copied to them from the request thread: each takes them from the project file itself, and a job after is handed none', () =>
    withRunner(async (runner) => {
      const held = columns(7);
      runner.ready(held);
      const [tab, boot] = (await Promise.all([runner.run(figures(held)).done, runner.run(bootstrap(held)).done])) as Probe[];
      expect(tab).toMatchObject({ labelRowsHanded: null, labelRowsHeld: 5 });
      expect(boot).toMatchObject({ labelRowsHanded: null, labelRowsHeld: 5 });
      // Readied again with the same columns (brought up to date where they are): nothing to take again.
      runner.ready(held);
      expect(await runner.run(figures(held)).done).toMatchObject({ labelRowsHanded: null, labelRowsHeld: 5 });
      // Columns read again on the request thread (a new object): the workers take them over again themselves.
      const reread = columns(7);
      runner.ready(reread);
      expect(await runner.run(figures(reread)).done).toMatchObject({ labelRowsHanded: null, labelRowsHeld: 5 });
    }));

  it('leave those that hold the label columns to the tabs: the intervals of figures already made (no labels read) take one that holds none', () =>
    withRunner(async (runner) => {
      const held = columns(7);
      // The Agreement view opens: two workers readied with the columns.
      runner.ready(held);
      const groups = (await runner.run(intervals).done) as Probe;
      expect(groups.labelRowsHeld).toBeNull();
      // Both readied workers are still free: a tab's figures and the report's bootstrap each take one, handed nothing.
      const [tab, boot] = (await Promise.all([runner.run(figures(held)).done, runner.run(bootstrap(held)).done])) as Probe[];
      expect(tab).toMatchObject({ labelRowsHanded: null, labelRowsHeld: 5 });
      expect(boot).toMatchObject({ labelRowsHanded: null, labelRowsHeld: 5 });
      expect(new Set([groups.thread, tab.thread, boot.thread]).size).toBe(3);
    }));

  it("give a tab's figures a worker that has taken the columns over, not one still taking them, though asked for before the report's bootstrap", () =>
    withRunner(async (runner) => {
      // A worker that was handed the labels by a job (no tab), and rested holding them...
      const first = columns(7);
      const ahead = (await runner.run(bootstrap(first)).done) as Probe;
      expect(ahead.labelRowsHanded).toBe(7);
      // ...then the Agreement view opens: a second is started and takes them over, and rests last.
      runner.ready(first);
      // The tab takes the one that has them already, though asked for first.
      const tab = runner.run(figures(first)).done as Promise<Probe>;
      const boot = (await runner.run(bootstrap(first)).done) as Probe;
      expect((await tab).thread).toBe(ahead.thread);
      expect(boot.thread).not.toBe(ahead.thread);
    }));

  it('end one more than they keep once its job is done, after the work it left for after its answer, not in the middle of it', () =>
    withRunner(async (runner) => {
      // Three jobs at once: three workers; two are kept when they are done, the third is ended.
      const afterFiles = [0, 1, 2].map((k) => join(dir, `after-${k}`));
      const jobs = afterFiles.map((after) => runner.run({ kind: 'export', args: { after } } as unknown as JobRequest).done as Promise<Probe>);
      expect(new Set((await Promise.all(jobs)).map((p) => p.thread)).size).toBe(3);
      const until = performance.now() + 10_000;
      while (!afterFiles.every((f) => existsSync(f)) && performance.now() < until) await new Promise((r) => setTimeout(r, 20));
      expect(afterFiles.filter((f) => existsSync(f))).toEqual(afterFiles);
    }));

  it("keep the worker that has just answered the lead, not one that holds no columns or waited longer: a tab asked for right after a write's report goes to the worker that made it", () =>
    withRunner(async (runner) => {
      const held = columns(7);
      // The Agreement view opens: two workers readied with the columns.
      runner.ready(held);
      // The report after a write, taking a while in one of them...
      const report = runner.run({ kind: 'viewReport', args: { answerAfterMs: 400 }, columns: held } as unknown as JobRequest).done as Promise<Probe>;
      // ...while the report's bootstrap takes the other, and the intervals of alpha per version (no labels) a third, which holds none:
      // both done and waiting before the report is.
      await Promise.all([runner.run(bootstrap(held)).done, runner.run(intervals).done]);
      const made = await report;
      // Two were waiting already: the one that holds no columns ended, not the one that made the report.
      const tab = (await runner.run(figures(held)).done) as Probe;
      expect(tab.thread).toBe(made.thread);
    }));

  it("keep the lead's tabs to the worker that ran the last one (its code for them compiled), once others are readied and rested", () =>
    withRunner(async (runner) => {
      const held = columns(7);
      const tab = (await runner.run(figures(held)).done) as Probe;
      // The Agreement view opens: a second worker readied; the report's bootstrap runs in it and it rests last.
      runner.ready(held);
      const boot = (await runner.run(bootstrap(held)).done) as Probe;
      expect(boot.thread).not.toBe(tab.thread);
      expect(boot.labelRowsHeld).toBe(5);
      for (let k = 0; k < 3; k++) expect(((await runner.run(figures(held)).done) as Probe).thread).toBe(tab.thread);
    }));
});

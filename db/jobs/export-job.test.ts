import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appCall } from '../../test/helpers/service.ts';
import type { ExportJob } from '../../shared/api.ts';
import type { ExportResult } from '../../shared/tables/export-kinds.ts';
import { FILE_OWNER } from '../../shared/door.ts';
import { writeStudyFiles } from '../../cli/bench/project.ts';
import { renderExport } from '../exports/render.ts';
import { writeExportFile } from '../exports/stream.ts';
import { dumpTables } from '../../test/helpers/import-project.ts';
import { openProject } from '../project.ts';
import type { Service } from '../service.ts';

// The Export view's whole file (its download, or any export but the labels' preview) is made by a
// job in a worker with its own connection: the request thread keeps answering labelling meanwhile,
// the job says how many entries are made, stops when cancelled, and its file is the one the
// command line writes.
const dir = mkdtempSync(join(tmpdir(), 'concord-export-job-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const settled = (phase: string) => ['done', 'failed', 'cancelled'].includes(phase);
const until = async (check: () => boolean, what: string, ms = 60_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
};

/** Entries labelled by three annotators: several slices of the labels export (2,000 entries each). */
const ENTRIES = 7000;
let s: Service;

beforeAll(async () => {
  const files = await writeStudyFiles(join(dir, 'files'), ENTRIES);
  // A folder of its own, to see that a cancelled job leaves no file in it.
  mkdirSync(join(dir, 'project'));
  s = await openProject(join(dir, 'project', 'study.db'));
  await s.call('imports.run', { path: files.entries, format: 'jsonl' }, FILE_OWNER);
  await s.call('imports.run', { path: files.labels, format: 'annotations' }, FILE_OWNER);
  appCall(s, 'project.addAnnotator', { name: 'lead', role: 'adjudicator' });
}, 120_000);
afterAll(() => s?.close());

/** The file a finished job holds: its pieces taken in turn, joined and parsed. */
function fileOf(job: ExportJob): ExportResult {
  let text = '';
  for (let index = 0; index < job.pieces!; index++) text += appCall(s, 'exports.piece', { as: 'lead', jobId: job.jobId, index }).text;
  return JSON.parse(text) as ExportResult;
}

/** Follows a job to its end, noting each progress seen and how many label writes were answered while it was making the file. */
async function follow(job: ExportJob, between?: () => void): Promise<{ job: ExportJob; seen: ExportJob['progress'][]; answered: number }> {
  const seen: ExportJob['progress'][] = [];
  let answered = 0;
  while (!settled(job.progress.phase)) {
    seen.push(job.progress);
    if (between && job.progress.phase === 'making') {
      between();
      answered++;
    }
    await new Promise((r) => setTimeout(r, 2));
    job = appCall(s, 'exports.job', { as: 'lead', jobId: job.jobId });
  }
  return { job, seen, answered };
}

describe('an export made by a job', () => {
  it('is the whole file renderExport makes, byte for byte the command line’s, with its entries counted as they are made', async () => {
    const entry = appCall(s, 'entries.page', { annotator: 'ana', limit: 1 }).rows[0].id;
    let flip = 0;
    const write = () => void appCall(s, 'labels.set', { annotator: 'ana', entryId: entry, dimension: 'stage', value: flip++ % 2 ? 'training' : 'inference' });
    for (const args of [
      { kind: 'labels', format: 'csv' },
      { kind: 'labels', format: 'json', perAnnotator: true },
      { kind: 'labels', format: 'xlsx' },
    ] as const) {
      // A label write lands before each job, so its file is the study as it stands then.
      write();
      const started = appCall(s, 'exports.start', { as: 'lead', ...args });
      expect(started.pieces).toBeUndefined();
      const { job, seen } = await follow(started);
      expect(job.error).toBeUndefined();
      expect(job.progress.phase).toBe('done');
      const result = fileOf(job);
      expect(result).toEqual(renderExport(s.db, args));
      // The command line's file, written as it is made.
      const out = join(dir, `cli.${args.format}`);
      writeExportFile(s.db, { ...args, out });
      const f = result.shape === 'file' ? result.file : null;
      expect(f && Buffer.from(f.content, f.encoding === 'base64' ? 'base64' : 'utf8').equals(readFileSync(out))).toBe(true);
      // Counted in entries, never backwards, up to all of them.
      const counted = seen.filter((p) => p.phase === 'making' && p.total > 0);
      expect(counted.length).toBeGreaterThan(0);
      expect(counted.every((p, i) => p.total === ENTRIES && p.done <= p.total && (i === 0 || p.done >= counted[i - 1].done))).toBe(true);
      // Handed over once, then let go.
      expect(() => appCall(s, 'exports.piece', { as: 'lead', jobId: job.jobId, index: 0 })).toThrow(/holds no file/);
    }
    // A file larger than one piece, joined whole again (its text cut wherever a piece ends).
    const { job: big } = await follow(appCall(s, 'exports.start', { as: 'lead', kind: 'ratings-long', format: 'json' }));
    expect(big.pieces).toBeGreaterThan(1);
    expect(fileOf(big)).toEqual(renderExport(s.db, { kind: 'ratings-long', format: 'json' }));
    // Any other kind too: a folder of files, and a table counted from the whole study.
    for (const args of [{ kind: 'k-alpha' }, { kind: 'category-distribution', format: 'md' }] as const) {
      const { job } = await follow(appCall(s, 'exports.start', { as: 'lead', ...args }));
      expect(job.progress.phase).toBe('done');
      expect(fileOf(job)).toEqual(renderExport(s.db, args));
    }
  }, 240_000);

  it('leaves the request thread answering label writes while it makes the file', async () => {
    const entry = appCall(s, 'entries.page', { annotator: 'ben', limit: 1 }).rows[0].id;
    let flip = 0;
    const { job, answered } = await follow(appCall(s, 'exports.start', { as: 'lead', kind: 'labels', format: 'md', perAnnotator: true }), () =>
      appCall(s, 'labels.set', { annotator: 'ben', entryId: entry, dimension: 'stage', value: flip++ % 2 ? 'training' : 'inference' }),
    );
    expect(job.progress.phase).toBe('done');
    expect(answered).toBeGreaterThan(3);
  }, 120_000);

  it('stops when cancelled, and leaves nothing: no file, no result, the project as it was', async () => {
    const before = dumpTables(s.db);
    const files = readdirSync(join(dir, 'project')).sort();
    let job = appCall(s, 'exports.start', { as: 'lead', kind: 'labels', format: 'xlsx', perAnnotator: true });
    // Cancelled mid-way, once some of the entries are made.
    await until(() => {
      job = appCall(s, 'exports.job', { as: 'lead', jobId: job.jobId });
      return job.progress.done > 0 || settled(job.progress.phase);
    }, 'the export to be under way');
    expect(job.progress.done).toBeLessThan(job.progress.total);
    expect(appCall(s, 'jobs.cancel', { jobId: job.jobId })).toEqual({ cancelled: true });
    await until(() => settled((job = appCall(s, 'exports.job', { as: 'lead', jobId: job.jobId })).progress.phase), 'the job to stop');
    expect(job.progress.phase).toBe('cancelled');
    expect(job.pieces).toBeUndefined();
    expect(() => appCall(s, 'exports.piece', { as: 'lead', jobId: job.jobId, index: 0 })).toThrow(/holds no file/);
    expect(appCall(s, 'jobs.cancel', { jobId: job.jobId })).toEqual({ cancelled: false });
    expect(dumpTables(s.db)).toEqual(before);
    expect(readdirSync(join(dir, 'project')).sort()).toEqual(files);
  }, 120_000);

  it('holds the files no one collected only until a few newer ones are made, the oldest let go first', async () => {
    const made: ExportJob[] = [];
    const asked = [{ kind: 'k-alpha' }, { kind: 'category-distribution', format: 'md' }, { kind: 'k-alpha' }, { kind: 'category-distribution', format: 'csv' }] as const;
    for (const args of asked) made.push((await follow(appCall(s, 'exports.start', { as: 'lead', ...args }))).job);
    expect(made.every((j) => j.progress.phase === 'done')).toBe(true);
    expect(() => appCall(s, 'exports.piece', { as: 'lead', jobId: made[0].jobId, index: 0 })).toThrow(/let go for newer files/);
    for (const k of [1, 2, 3]) expect(fileOf(made[k])).toEqual(renderExport(s.db, asked[k]));
  }, 120_000);

  it('is refused at once for an export that cannot be made, and only the lead may ask for it', () => {
    expect(() => appCall(s, 'exports.start', { as: 'lead', kind: 'labels', format: 'svg' })).toThrow(/labels is exported as/);
    expect(() => appCall(s, 'exports.start', { as: 'ana', kind: 'labels', format: 'csv' })).toThrow(/lead/);
    expect(() => appCall(s, 'exports.job', { as: 'lead', jobId: 'nope' })).toThrow(/no export job/);
  });
});

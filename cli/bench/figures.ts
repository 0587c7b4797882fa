import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openProject } from '../../db/project.ts';
import { writeDeepBenchLike } from '../../db/import/synthetic.ts';
import { FILE_OWNER } from '../../shared/door.ts';
import { browserFigures } from './browser.ts';
import { cliPeakRss, cliStart } from './cli-figures.ts';
import { describeMachine, figure, loadAverage, scaleName, timed, type BenchFigure, type BenchResult } from './measure.ts';
import { buildProject, fileBytes, openRaw, type BenchProject } from './project.ts';
import { serviceFigures } from './service-figures.ts';

export type { BenchFigure, BenchResult } from './measure.ts';

/**
 * `concord bench`: every figure on the path a user's action takes, each beside its peer on the
 * same data in the same run. A run builds studies of the sizes asked for (100,000 entries by
 * default; `--scale`: 1,000, 10,000 and 100,000; `--quick`: 10,000) through the app's own
 * import, then measures the service through its door, browser mode in Chromium, and the command
 * line as processes of their own. Timings are printed, never asserted.
 */
export interface BenchOptions {
  /** Study sizes, smallest first; the last is the main one. */
  scales: number[];
  quick: boolean;
  /** Measure in Chromium (default true). */
  browser?: boolean;
  /** Measure the command line's start and memory (default true). */
  cli?: boolean;
  /** How long the whole report's bootstrap may run before it is cancelled and reported unmeasured. */
  bootstrapLimitMs?: number;
  progress?: (message: string) => void;
}

export function scalesOf(opts: { quick?: boolean; scale?: boolean }): number[] {
  if (opts.quick) return [10_000];
  return opts.scale ? [1000, 10_000, 100_000] : [100_000];
}

export async function runBench(opts: BenchOptions): Promise<BenchResult> {
  const say = opts.progress ?? (() => {});
  const machine = describeMachine();
  const figures: Record<string, BenchFigure> = {};
  const unmeasured: Record<string, string> = {};
  const add = (r: { figures: Record<string, BenchFigure>; unmeasured: Record<string, string> }) => {
    Object.assign(figures, r.figures);
    Object.assign(unmeasured, r.unmeasured);
  };
  const dir = mkdtempSync(join(tmpdir(), 'concord-bench-'));
  const projects: BenchProject[] = [];
  try {
    // The Deep-Bench release as it ships: 520 entry files and 490 Taxonomy-Data results.
    say('a Deep-Bench-sized release: import through the door vs a raw insert of the same rows');
    figures.import_dlbench_ms = await dlbenchImport(dir);

    // A 520-entry study too, for the entry switch at Deep-Bench's size.
    const sizes = [...new Set([520, ...opts.scales])].sort((a, b) => a - b);
    for (const n of sizes) {
      const p = await buildProject(join(dir, String(n)), n, say);
      projects.push(p);
      if (opts.scales.includes(n)) add(await serviceFigures(p, { quick: opts.quick, say, bootstrapLimitMs: opts.bootstrapLimitMs }));
    }

    const main = projects[projects.length - 1];
    if (opts.browser !== false) add(await browserFigures(projects, { say, presses: opts.quick ? 20 : 60, labelWriteScale: main.n }));
    if (opts.cli !== false) {
      say('the command line: start-up, as a new process');
      figures.cli_start_ms = cliStart(opts.quick ? 5 : 10);
      for (const p of projects) p.service.close();
      for (const p of projects) if (opts.scales.includes(p.n)) figures[`cli_peak_rss_mb_${scaleName(p.n)}`] = cliPeakRss(p.n, p.file, p.files, say);
    }
  } finally {
    for (const p of projects) if (p.service.db.open) p.service.close();
    rmSync(dir, { recursive: true, force: true });
  }
  for (const [name, reason] of Object.entries(unmeasured)) say(`not measured: ${name}: ${reason}`);
  return {
    machine: { ...machine, load_average_end: loadAverage(), scales: opts.scales.join(', '), date: new Date().toISOString() },
    figures,
    ...(Object.keys(unmeasured).length ? { unmeasured } : {}),
  };
}

/** A Deep-Bench release (entry files, then Taxonomy-Data) imported as `concord import` does, against a raw insert of the rows it made. */
async function dlbenchImport(dir: string): Promise<BenchFigure> {
  const set = writeDeepBenchLike(join(dir, 'release'), { seed: 1 });
  const file = join(dir, 'release.db');
  const service = await openProject(file);
  const imported = await timed(async () => {
    await service.call('imports.run', { path: set.dlbenchDir }, FILE_OWNER);
    await service.call('imports.run', { path: set.taxonomyDir }, FILE_OWNER);
  });
  const rows = service.db
    .prepare(
      `SELECT e.ext_id, e.passed, e.metadata, ${['prompt', 'ground_truth', 'output', 'test_log']
        .map((f) => `(SELECT text FROM entry_field WHERE entry_id = e.id AND name = '${f}') AS ${f}`)
        .join(', ')} FROM entry e`,
    )
    .all() as Record<string, string | number | null>[];
  service.close();
  const raw = openRaw(join(dir, 'release-raw.db'));
  const insert = raw.prepare('INSERT INTO entry (ext_id, prompt, ground_truth, output, test_log, passed, metadata) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const peer = await timed(() => raw.transaction(() => rows.forEach((r) => insert.run(r.ext_id, r.prompt, r.ground_truth, r.output, r.test_log, r.passed, r.metadata)))());
  fileBytes(raw, join(dir, 'release-raw.db'));
  raw.close();
  return figure({
    value: imported.ms,
    unit: 'ms',
    peer: 'raw better-sqlite3 insert of the entry rows the import made',
    peer_value: peer.ms,
    note: `${set.ids.length} Deep-Bench entry files and ${set.resultIds.length} Taxonomy-Data results read, checked and written (two imports)`,
  });
}

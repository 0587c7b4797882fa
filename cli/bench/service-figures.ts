import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { alpha as packageAlpha } from 'krippendorff';
import { bootstrapAlpha } from '../../shared/agreement/bootstrap.ts';
import { CROSS_CHECK_PACKAGE } from '../../shared/agreement/cross-check.ts';
import { buildAgreementReportFrom, figureKey, type DimensionCells } from '../../shared/agreement/report.ts';
import type { CodedRatings } from '../../shared/agreement/ratings.ts';
import { deepBenchCodebook } from '../../shared/codebook/deep-bench.ts';
import type { LabelValue } from '../../shared/codebook/values.ts';
import type { Codebook } from '../../shared/codebook/index.ts';
import type { CodebookPreview, CodebookPublishResult, ReviewPage } from '../../shared/types.ts';
import type { EntryPage, FiguresJob } from '../../shared/api.ts';
import { DEFAULT_QUEUE_PAGE } from '../../shared/queue-page.ts';
import type { ExportResult } from '../../shared/tables/export-kinds.ts';
import type { Caller } from '../../shared/door.ts';
import type { Service } from '../../db/service.ts';
import { openProject } from '../../db/project.ts';
import { PAGE_SIZE } from '../../db/database.ts';
import { columnsToHand } from '../../db/data/agreement-rows.ts';
import { savedColumnsBeside } from '../../db/data/saved-columns.ts';
import { consensusInHand } from '../../db/adjudication.ts';
import { reportInHand } from '../../db/agreement.ts';
import { packageResamples } from './package-worker.ts';
import { packageRoot } from '../paths.ts';
import { openRaw } from './project.ts';
import { figure, median, quantile, scaleName, sideBySide, timed, type BenchFigure } from './measure.ts';
import type { BenchProject, ImportRound } from './project.ts';

/**
 * Figures of the service at one scale, each on the path the app takes: a call through the
 * service's door as browser mode and Electron make it (the lead named in the request), with its
 * peer on the same rows in the same run.
 */
const LEAD: Caller = { kind: 'named', name: 'lead' };
const ANNOTATOR: Caller = { kind: 'named', name: 'ana' };

export interface ServiceFigureOptions {
  quick: boolean;
  say: (m: string) => void;
  /** How long the whole report's bootstrap may run before it is cancelled (default 10 minutes). */
  bootstrapLimitMs?: number;
  /** How long a lead's view may take to show before it is stopped (default 2 minutes). */
  viewLimitMs?: number;
}

/** The figures measured, and for each one that could not be, the reason. */
export async function serviceFigures(p: BenchProject, opts: ServiceFigureOptions): Promise<{ figures: Record<string, BenchFigure>; unmeasured: Record<string, string> }> {
  const k = scaleName(p.n);
  const s = p.service;
  const db = s.db;
  const out: Record<string, BenchFigure> = {};
  const unmeasured: Record<string, string> = {};
  const few = p.n >= 100_000 ? 3 : 5;
  s.call('project.addAnnotator', { name: 'lead', role: 'adjudicator' }, { kind: 'anonymous' });

  // Each ratio a round's own (the app and its peer one right after the other); the figure, their median.
  const rounds = p.imports;
  const byRound = (f: (r: ImportRound) => number) => rounds.map(f);
  const medianMs = (xs: number[]) => `${Math.round(median(xs))} ms`;
  const eachRound = (xs: number[]) => `each round's: ${xs.map((x) => x.toFixed(2)).join(', ')}`;
  const entryRatios = byRound((r) => r.rawEntriesMs / r.entriesWriteMs);
  const floorRatios = byRound((r) => r.rawEntriesMs / r.floorEntriesMs);
  /** The same ratio against the raw peer given a project's page size, as a note (the goal is against SQLite's own). */
  const samePages = (raw: (r: ImportRound) => number, app: (r: ImportRound) => number) =>
    `against the raw peer with a project's ${PAGE_SIZE / 1024} KiB pages rather than SQLite's own 4 KiB (${medianMs(byRound(raw))}): ${median(byRound((r) => raw(r) / app(r))).toFixed(2)} x its speed`;
  out[`import_${k}_ratio_vs_raw`] = figure(
    {
      value: median(entryRatios),
      unit: 'x raw speed',
      peer: "raw better-sqlite3 insert of the same entry rows, ms (the app: the import's writing phase)",
      peer_value: median(byRound((r) => r.rawEntriesMs)),
      goal: '>= 0.5',
      note: `the median of ${rounds.length} rounds, each the import into a new project and its peer one right after the other (${eachRound(entryRatios)}); medians: app writing phase ${medianMs(byRound((r) => r.entriesWriteMs))}, whole import (reading and checking the file too) ${medianMs(byRound((r) => r.entriesImportMs))}; the search index of the entries, built after the import between requests (a search meanwhile indexes the rest first): ${medianMs(byRound((r) => r.entriesIndexMs))} more; its floor, the same writing code given the entries parsed ahead (the file not read again): ${medianMs(byRound((r) => r.floorEntriesMs))} (${median(floorRatios).toFixed(2)} x raw speed; ${eachRound(floorRatios)}); ${samePages((r) => r.rawSamePagesEntriesMs, (r) => r.entriesWriteMs)}`,
    },
    { atLeast: 0.5 },
  );
  const labelRatios = byRound((r) => r.rawLabelsMs / r.labelsWriteMs);
  out[`labels_import_${k}_ratio_vs_raw`] = figure(
    {
      value: median(labelRatios),
      unit: 'x raw speed',
      peer: `raw better-sqlite3 insert of the same ${p.labels} label rows, ms (the app: the import's writing phase)`,
      peer_value: median(byRound((r) => r.rawLabelsMs)),
      goal: '>= 0.5',
      note: `the median of ${rounds.length} rounds, as the entries import's (${eachRound(labelRatios)}); medians: app writing phase ${medianMs(byRound((r) => r.labelsWriteMs))} (labels, submissions, assignments, the import's event), whole import ${medianMs(byRound((r) => r.labelsImportMs))}; ${samePages((r) => r.rawSamePagesLabelsMs, (r) => r.labelsWriteMs)}`,
    },
    { atLeast: 0.5 },
  );
  out[`db_size_${k}_ratio_vs_raw`] = figure(
    {
      value: p.bytes / p.rawBytes,
      unit: 'x raw size',
      peer: 'bytes of a raw better-sqlite3 database of the same entries and labels',
      peer_value: p.rawBytes,
      // The issue's goal is the file at 100,000 entries: in a small one a project's fixed tables and 16 KiB pages weigh more.
      goal: p.n >= 100_000 ? '<= 1.3' : undefined,
      note: `project file ${p.bytes} bytes (texts as named fields, search index, natural order, submissions, assignments, event log)`,
    },
    p.n >= 100_000 ? { atMost: 1.3 } : undefined,
  );

  // The agreement report as the Agreement view asks for it first: no bootstrap, no cell entries.
  opts.say(`${k}: agreement report (no bootstrap) vs reading its label rows in SQL`);
  const labelRows = db.prepare(
    `SELECT l.entry_id, l.annotator_id, l.dimension, l.value FROM label l JOIN submission s ON s.entry_id = l.entry_id AND s.annotator_id = l.annotator_id WHERE s.status = 'submitted'`,
  );
  let reportBytes = 0;
  let rowBytes = 0;
  // The report keeps the labels it read between calls (db/data/agreement-rows.ts): its first call
  // in a process reads them all, and the one right after a label write reads that entry again.
  const firstReport = await timed(() => s.call('agreement.report', { bootstrap: 0, cellUnits: false }, LEAD));
  const firstPeer = await timed(() => labelRows.all());
  out[`agreement_report_first_${k}_ms`] = figure({
    value: firstReport.ms,
    unit: 'ms',
    peer: 'SQL: the same submitted label rows, read (first time too)',
    peer_value: firstPeer.ms,
    note: 'the first report of a process: every label read; later ones read only what the event log says changed',
  });
  // As the app's hosts open a project: the labels read ahead in a worker soon after opening
  // (ServiceOptions.readAhead), every entry's consensus and this report worked out there after
  // them, then the lead's first report of the session.
  const firstEntry = db.prepare('SELECT ext_id FROM entry ORDER BY id LIMIT 1').pluck().get() as string;
  /** A turn of `sideBySide`: ana's label on the first entry set to the next of `values` (not timed), then `call` timed into `times`. */
  const afterALabel = (service: Service, dimension: string, values: string[], times: number[], call: () => Promise<unknown>) => async (turn: number) => {
    service.call('labels.set', { annotator: 'ana', entryId: firstEntry, dimension, value: values[turn % values.length] }, ANNOTATOR);
    const t = performance.now();
    await call();
    times.push(performance.now() - t);
  };
  const ahead = await openProject(db.name, { readAhead: true });
  try {
    const opened = performance.now();
    await readAhead(ahead, 'labels');
    const labelsInHand = performance.now() - opened;
    await readAhead(ahead, 'report');
    const inHand = performance.now() - opened;
    const first = await timed(() => ahead.call('agreement.report', { bootstrap: 0, cellUnits: false }, LEAD));
    out[`agreement_report_first_read_ahead_${k}_ms`] = figure({
      value: first.ms,
      unit: 'ms',
      peer: 'SQL: the same submitted label rows, read (first time too)',
      peer_value: firstPeer.ms,
      note: `the first report of a process opened as the app's hosts open it: the labels read ahead in a worker from 2 s after opening, in hand ${labelsInHand.toFixed(0)} ms after opening, then every entry's consensus and this report worked out there, in hand ${inHand.toFixed(0)} ms after opening; a lead who opens Agreement sooner waits for the report worked out on the request thread from the labels, or for the read too (agreement_report_first)`,
    });
    const afterWriteMs: number[] = [];
    const afterWrite = await sideBySide(
      afterALabel(ahead, 'stage', ['training', 'inference'], afterWriteMs, () => ahead.call('agreement.report', { bootstrap: 0, cellUnits: false }, LEAD)),
      () => labelRows.all(),
      { runs: few, warmup: 1 },
    );
    out[`agreement_report_after_write_${k}_ms`] = figure({
      value: median(afterWriteMs.slice(1)),
      unit: 'ms',
      peer: 'SQL: the same submitted label rows, read',
      peer_value: median(afterWrite.peer),
      note: "the report right after an annotator's label write (the write not timed), in a project opened as the app's hosts open it: the changed entry is read again, and the report worked out in a worker that holds the labels (the request thread free meanwhile) and taken over",
    });
  } finally {
    ahead.close();
  }
  const report = await sideBySide(
    async () => (reportBytes = JSON.stringify(await s.call('agreement.report', { bootstrap: 0, cellUnits: false }, LEAD)).length),
    () => (rowBytes = JSON.stringify(labelRows.all()).length),
    { runs: few, warmup: 1 },
  );
  out[`agreement_report_${k}_ms`] = figure(
    {
      value: median(report.ours),
      unit: 'ms',
      peer: 'SQL: the same submitted label rows, read',
      peer_value: median(report.peer),
      goal: p.n >= 100_000 ? '<= 2000' : undefined,
      note: 'the view opened again with nothing written in between: the report kept with the labels it counted, made JSON as the server sends it; the first call and the call after a write (the report worked out again) are figures of their own',
    },
    p.n >= 100_000 ? { atMost: 2000 } : undefined,
  );
  out[`agreement_report_${k}_bytes`] = figure(
    { value: reportBytes, unit: 'bytes', peer: 'plain JSON.stringify of the label rows it rests on', peer_value: rowBytes, goal: p.n >= 100_000 ? '<= 2 MB' : undefined },
    p.n >= 100_000 ? { atMost: 2 * 2 ** 20 } : undefined,
  );

  // The intervals: the whole report's bootstrap as the view computes it, in a worker, polled.
  // A job that runs past its time is cancelled and said so, never given a number.
  if (opts.quick && p.n > 1000) unmeasured[`agreement_bootstrap_${k}_ms`] = 'left out by --quick (it takes minutes at this size)';
  else {
    opts.say(`${k}: the report's bootstrap of 1,000 resamples per figure, in a worker (agreement.start), polled as the view does`);
    const limitMs = opts.bootstrapLimitMs ?? 600_000;
    const job = await timed(async () => {
      const started = performance.now();
      let j = s.call('agreement.start', { bootstrap: 1000, cellUnits: false }, LEAD);
      while (!['done', 'failed', 'cancelled'].includes(j.progress.phase)) {
        if (performance.now() - started > limitMs) {
          s.call('jobs.cancel', { jobId: j.jobId }, LEAD);
          return { ...j, overTime: true };
        }
        await new Promise((r) => setTimeout(r, 200));
        j = s.call('agreement.job', { jobId: j.jobId }, LEAD);
      }
      return { ...j, overTime: false };
    });
    const name = `agreement_bootstrap_${k}_ms`;
    if (job.value.overTime)
      unmeasured[name] = `the job was still running after ${limitMs / 1000} s (${job.value.progress.done} of ${job.value.progress.total} done) and was cancelled`;
    else if (job.value.progress.phase !== 'done') unmeasured[name] = `the job ended ${job.value.progress.phase}: ${job.value.error?.message ?? 'no message'}`;
    else
      out[name] = figure({
        value: job.ms,
        unit: 'ms',
        peer: 'the same report without bootstrap (ms), on the request thread',
        peer_value: median(report.ours),
        note: `every figure's interval (${job.value.report?.dimensions.reduce((n, d) => n + d.measures.length + d.perValue.length, 2)} figures); labelling is answered meanwhile`,
      });
  }

  // Alpha on the app's own path (the Agreement view's one dimension: agreement.report through the
  // door, right after a label written on another dimension, so that the report kept is let go and
  // its labels counted and computed again) against the package given the same labels read in SQL;
  // and the computing alone, both on the same cells.
  opts.say(`${k}: alpha of one dimension through the door vs SQL and ${CROSS_CHECK_PACKAGE}; the pooled bootstrap`);
  let ours = 0;
  let theirs = 0;
  const alphaMs: number[] = [];
  const alpha = await sideBySide(
    afterALabel(s, 'task', ['classification', 'regression'], alphaMs, async () => {
      ours = (await s.call('agreement.report', { dimension: 'stage', bootstrap: 0, cellUnits: false }, LEAD)).dimensions[0].measures[0].figure.alpha!;
    }),
    () => {
      const rows = dimensionCells(db, 'stage').cells.map((row) => row.map((v) => (typeof v === 'string' ? v : undefined)));
      theirs = packageAlpha(rows);
    },
    { runs: opts.quick ? 3 : few, warmup: 1 },
  );
  // The computing alone, on cells already read: the report's code against the package's.
  const cells = dimensionCells(db, 'stage');
  const raters = cells.cells.map((_, r) => `r${r}`);
  const packageRows = cells.cells.map((row) => row.map((v) => (typeof v === 'string' ? v : undefined)));
  const computing = await sideBySide(
    () => buildAgreementReportFrom(deepBenchCodebook, { raters, cellsOf: () => cells }, { dimension: 'stage', bootstrap: 0, cellUnits: false }),
    () => packageAlpha(packageRows),
    { runs: opts.quick ? 3 : few, warmup: 1 },
  );
  out[`alpha_${k}_speedup_vs_krippendorff`] = figure({
    value: median(alpha.peer) / median(alphaMs.slice(1)),
    unit: 'x',
    peer: `SQL: the same labels read, then ${CROSS_CHECK_PACKAGE} (ms)`,
    peer_value: median(alpha.peer),
    note: `the app: agreement.report for the stage dimension through the door, no bootstrap, right after an annotator's label on another dimension (the write not timed; the label columns brought up to date from the log, the labels counted again; coding, coincidence, pairwise, the cross-check sample), ${median(alphaMs.slice(1)).toFixed(1)} ms; the computing alone on cells already read: the report's ${median(computing.ours).toFixed(1)} ms, the package's ${median(computing.peer).toFixed(1)} ms (${(median(computing.peer) / median(computing.ours)).toFixed(2)}x); |difference| ${Math.abs(ours - theirs).toExponential(1)}`,
  });

  const pooled = pooledData(db);
  const resamples = 1000;
  // Both sides warmed up alike, one resample each before the clock (the package's on the first
  // 1,000 units, in its worker).
  bootstrapAlpha(pooled.data, { resamples: 1, seed: 2 });
  const boot = await timed(() => bootstrapAlpha(pooled.data, { resamples, seed: 1 }));
  // The package recomputing alpha on each resample of the same units: timed for up to 20 s (and
  // stopped 100 s later if its first resample has not ended), the mean multiplied to 1,000.
  // (--quick: up to 5 s and 5 resamples, so that the whole run stays under two minutes.)
  const peerBoot = await packageResamples(pooled.rows, opts.quick ? { limitMs: 5_000, maxDraws: 5, seed: 1 } : { limitMs: 20_000, maxDraws: 20, seed: 1 });
  out[`bootstrap_1000x${k}_ms`] = bootstrapFigure(boot.ms, peerBoot, { resamples, units: pooled.data.unitCount, raters: pooled.data.raterCount, goal: p.n >= 100_000 });

  // Adjudication as a meeting uses it: open an entry, decide it, the queue and summary again.
  opts.say(`${k}: adjudication: the first queue, then open and decide entries, each followed by the queue and summary`);
  const cold = await timed(() => s.call('adjudication.queuePage', { limit: 100 }, LEAD));
  const allLabels = db.prepare('SELECT entry_id, annotator_id, dimension, value FROM label');
  const coldPeer = await timed(() => allLabels.all());
  out[`adjudication_queue_first_${k}_ms`] = figure({
    value: cold.ms,
    unit: 'ms',
    peer: 'SQL: every label row, read',
    peer_value: coldPeer.ms,
    note: 'the first queue a process answers reads the whole study into its consensus index; later ones read what changed',
  });
  // As the app's hosts open a project: every entry's consensus worked out ahead, in the worker that read the labels ahead, and taken over.
  const aheadQueue = await openProject(db.name, { readAhead: true });
  try {
    const opened = performance.now();
    await readAhead(aheadQueue, 'consensus');
    const inHand = performance.now() - opened;
    const first = await timed(() => aheadQueue.call('adjudication.queuePage', { limit: 100 }, LEAD));
    out[`adjudication_queue_first_read_ahead_${k}_ms`] = figure({
      value: first.ms,
      unit: 'ms',
      peer: 'SQL: every label row, read',
      peer_value: coldPeer.ms,
      note: `the first queue of a process opened as the app's hosts open it: every entry's consensus worked out ahead in the worker that read the labels (from 2 s after opening), in hand ${inHand.toFixed(0)} ms after opening; a lead who opens Adjudicate sooner waits for it (adjudication_queue_first)`,
    });
  } finally {
    aheadQueue.close();
  }
  const open = cold.value.items.slice(0, 40);
  const entryRows = db.prepare('SELECT l.dimension, l.value, l.annotator_id FROM label l WHERE l.entry_id = (SELECT id FROM entry WHERE ext_id = ?)');
  // Opening an entry, the Adjudicate view asks for its grid and for the discussion beside it.
  const opened = await sideBySide(
    (i) => {
      s.call('adjudication.entry', { entryId: open[i % open.length].entryId }, LEAD);
      s.call('adjudication.discussion', { entryId: open[i % open.length].entryId, hideNames: true }, LEAD);
    },
    (i) => entryRows.all(open[i % open.length].entryId),
    { runs: Math.min(20, open.length), warmup: 2 },
  );
  out[`adjudication_open_${k}_ms`] = figure(
    {
      value: median(opened.ours),
      unit: 'ms',
      peer: "SQL: the entry's label rows, read",
      peer_value: median(opened.peer),
      goal: '<= 20',
      note: 'both calls the view makes on opening an entry: its grid (adjudication.entry) and its discussion (adjudication.discussion)',
    },
    { atMost: 20 },
  );
  const raw = openRaw(`${p.rawFile}.decisions`);
  raw.exec('CREATE TABLE decision (entry_id INTEGER, dimension TEXT, value TEXT, decided_at TEXT, PRIMARY KEY (entry_id, dimension)); CREATE TABLE event (id INTEGER PRIMARY KEY, at TEXT, kind TEXT, after TEXT)');
  const insertDecision = raw.prepare('INSERT OR REPLACE INTO decision VALUES (?, ?, ?, ?)');
  const insertEvent = raw.prepare('INSERT INTO event (at, kind, after) VALUES (?, ?, ?)');
  const rawDecide = raw.transaction((i: number) => {
    const at = new Date().toISOString();
    insertDecision.run(i, 'stage', '"training"', at);
    insertEvent.run(at, 'decision.set', '"training"');
  });
  const decisions = open.slice(0, Math.min(15, open.length));
  const decideTimes: number[] = [];
  const refresh: number[] = [];
  const refreshPeer: number[] = [];
  const decidePeer: number[] = [];
  const pageRows = db.prepare('SELECT l.entry_id, l.dimension, l.value FROM label l WHERE l.entry_id IN (SELECT id FROM entry ORDER BY sort_key LIMIT 100)');
  await sideBySide(
    (i) => {
      const item = decisions[i % decisions.length];
      const dim = item.open[0].dimension;
      const entry = s.call('adjudication.entry', { entryId: item.entryId }, LEAD);
      const c = entry.dimensions.find((d) => d.dimension === dim)!;
      const value = c.proposal ?? c.values[0].value;
      const t = performance.now();
      s.call('adjudication.decide', { entryId: item.entryId, dimension: dim, value, rationale: 'bench', decidedBy: 'lead' }, LEAD);
      decideTimes.push(performance.now() - t);
      const r = performance.now();
      s.call('adjudication.queuePage', { around: item.entryId, limit: 100 }, LEAD);
      s.call('adjudication.summary', {}, LEAD);
      refresh.push(performance.now() - r);
    },
    (i) => {
      const t = performance.now();
      rawDecide(i + 1);
      decidePeer.push(performance.now() - t);
      const r = performance.now();
      pageRows.all();
      refreshPeer.push(performance.now() - r);
    },
    { runs: decisions.length - 2, warmup: 2 },
  );
  raw.close();
  // The decide call alone: the grid had the entry open already (its opening is the figure above).
  out[`adjudication_decide_${k}_ms`] = figure(
    { value: median(decideTimes.slice(2)), unit: 'ms', peer: 'raw better-sqlite3: a decision row and an event row in one transaction', peer_value: median(decidePeer.slice(2)), goal: '<= 20' },
    { atMost: 20 },
  );
  out[`adjudication_queue_${k}_ms`] = figure(
    { value: median(refresh.slice(2)), unit: 'ms', peer: 'SQL: the label rows of the first 100 entries, read', peer_value: median(refreshPeer.slice(2)), goal: '<= 200', note: 'after a decision: one queue page and the summary' },
    { atMost: 200 },
  );

  // The lead's queue and summary right after an annotator's label write: the index reads what changed.
  // The last of the open entries read (the first ones were decided above).
  const written = open.slice(-10);
  if (!written.length) unmeasured[`adjudication_queue_after_label_${k}_ms`] = 'no open entry to write a label on';
  else {
    const afterWrite: number[] = [];
    const peer = await sideBySide(
      (i) => {
        s.call('labels.set', { annotator: 'ana', entryId: written[i % written.length].entryId, dimension: 'stage', value: i % 2 ? 'training' : 'inference' }, ANNOTATOR);
        const r = performance.now();
        s.call('adjudication.queuePage', { limit: 100 }, LEAD);
        s.call('adjudication.summary', {}, LEAD);
        afterWrite.push(performance.now() - r);
      },
      () => pageRows.all(),
      { runs: 8, warmup: 2 },
    );
    out[`adjudication_queue_after_label_${k}_ms`] = figure({
      value: median(afterWrite.slice(2)),
      unit: 'ms',
      peer: 'SQL: the label rows of the first 100 entries, read',
      peer_value: median(peer.peer),
      note: "right after an annotator's label write: one queue page and the summary",
    });
  }

  // The label queue: a page, and searches by id, repository, function and words of the texts.
  // A search's matches are found once and kept until anything is written: each timed call
  // searches for something other than the call before it, so each finds its matches afresh.
  opts.say(`${k}: the label queue: searches by id, repo, function and text vs a SQL LIKE on the id`);
  const id = `e${Math.max(1, Math.floor(p.n * 0.42))}`;
  const searches = [id, 'tensorkit', 'compute_batch', 'normalize the tensor'];
  const kinds = ['id', 'repo', 'function', 'text'];
  const search = (i: number) => s.call('entries.page', { annotator: 'ana', filter: { search: searches[i % searches.length] }, limit: 100 }, ANNOTATOR);
  const firstSearch = await timed(() => search(3));
  const like = db.prepare("SELECT id FROM entry WHERE ext_id LIKE ? ESCAPE '\\'");
  const searched = await sideBySide(search, () => like.all(`%${id}%`), { runs: searches.length * 3, warmup: searches.length });
  const ofKind = (times: number[], kind: number) => median(times.filter((_, i) => i % searches.length === kind));
  // The cold paths beside it: the same search again with nothing written (its matches kept), and right after a label write (found again).
  const searchKept: number[] = [];
  for (let i = 0; i < 3; i++) searchKept.push((await timed(() => search(3))).ms);
  const searchAfterWrite: number[] = [];
  for (let i = 0; i < 3; i++) {
    s.call('labels.set', { annotator: 'ana', entryId: id, dimension: 'stage', value: i % 2 ? 'training' : 'inference' }, ANNOTATOR);
    searchAfterWrite.push((await timed(() => search(3))).ms);
  }
  out[`queue_search_${k}_ms`] = figure(
    {
      value: median(searched.ours),
      unit: 'ms',
      peer: 'SQL: LIKE on the entry id',
      peer_value: median(searched.peer),
      goal: '<= 100',
      note:
        `searches (median each): ${searches.map((x, i) => `"${x}" (${kinds[i]}) ${ofKind(searched.ours, i).toFixed(1)} ms`).join(', ')}; p95 ${quantile(searched.ours, 0.95).toFixed(1)} ms; ` +
        `"${searches[3]}": first search of the process ${firstSearch.ms.toFixed(1)} ms, again with nothing written ${median(searchKept).toFixed(1)} ms (its matches kept), right after a label write ${median(searchAfterWrite).toFixed(1)} ms`,
    },
    { atMost: 100 },
  );
  const firstPage = await sideBySide(
    () => s.call('entries.page', { annotator: 'ana', limit: 100 }, ANNOTATOR),
    () => db.prepare('SELECT id, ext_id, passed FROM entry ORDER BY sort_key LIMIT 100').all(),
    { runs: 10, warmup: 2 },
  );
  out[`queue_page_${k}_ms`] = figure(
    { value: median(firstPage.ours), unit: 'ms', peer: 'SQL: the first 100 entry rows in order', peer_value: median(firstPage.peer), goal: '<= 200' },
    { atMost: 200 },
  );

  // An export of the labels, against plain JSON of the same rows.
  opts.say(`${k}: export labels (json) vs JSON.stringify of the same rows`);
  const exportRows = db.prepare('SELECT e.ext_id, a.name, l.dimension, l.value FROM label l JOIN entry e ON e.id = l.entry_id JOIN annotator a ON a.id = l.annotator_id');
  const exported = await sideBySide(
    () => s.call('exports.render', { kind: 'labels', format: 'json' }, LEAD),
    () => JSON.stringify(exportRows.all()),
    { runs: opts.quick ? 1 : p.n >= 100_000 ? 2 : 3, warmup: 1 },
  );
  out[`export_${k}_ratio_vs_json`] = figure({
    value: median(exported.peer) / median(exported.ours),
    unit: 'x json speed',
    peer: 'plain JSON.stringify of the label rows read in SQL, ms',
    peer_value: median(exported.peer),
    note: `the export (final values per entry and dimension): ${median(exported.ours).toFixed(0)} ms`,
  });

  // The Export view's Download of the labels (its default format): a job in a worker makes the whole
  // file, polled as the view polls it, from the start to the file's bytes in hand. Meanwhile a
  // timer on the request thread notes how late it ever ran: how long a request would have waited.
  opts.say(`${k}: the Export view's download (the whole labels file, made by a job) beside the same JSON peer`);
  const downloads: { ms: number; stall: number; bytes: number }[] = [];
  for (let turn = 0; turn < 1 + (opts.quick ? 1 : 2); turn++) {
    let last = performance.now();
    let stall = 0;
    const tick = setInterval(() => {
      const now = performance.now();
      stall = Math.max(stall, now - last - 10);
      last = now;
    }, 10);
    const t = performance.now();
    let job = s.call('exports.start', { kind: 'labels', format: 'csv' }, LEAD);
    while (!['done', 'failed', 'cancelled'].includes(job.progress.phase)) {
      await new Promise((r) => setTimeout(r, 50));
      job = s.call('exports.job', { jobId: job.jobId }, LEAD);
    }
    if (!job.pieces) throw new Error(`the labels download ended ${job.progress.phase}: ${job.error?.message ?? 'no file'}`);
    let text = '';
    for (let index = 0; index < job.pieces; index++) text += s.call('exports.piece', { jobId: job.jobId, index }, LEAD).text;
    const result = JSON.parse(text) as ExportResult;
    const ms = performance.now() - t;
    clearInterval(tick);
    if (result.shape !== 'file') throw new Error('the labels download is no file');
    if (turn > 0) downloads.push({ ms, stall, bytes: Buffer.byteLength(result.file.content) });
  }
  out[`export_download_${k}_ms`] = figure({
    value: median(downloads.map((d) => d.ms)),
    unit: 'ms',
    peer: 'plain JSON.stringify of the label rows read in SQL, ms (as export_ratio_vs_json)',
    peer_value: median(exported.peer),
    note: `the whole labels CSV (${downloads[0].bytes} bytes) made by a job in a worker, from exports.start to the file in hand (its pieces taken and parsed); the request thread's longest wait meanwhile ${Math.max(...downloads.map((d) => d.stall)).toFixed(0)} ms`,
  });

  opts.say(`${k}: the lead's other views, each as it opens, in a process of their own, vs reading every label row in SQL`);
  const views = await leadViewsInOwnProcess(db.name, opts.viewLimitMs ?? 120_000);
  const slowest = [...views].sort((a, b) => b.ms - a.ms)[0];
  out[`lead_views_${k}_ms`] = figure(
    {
      value: slowest.ms,
      unit: 'ms',
      peer: 'SQL: every label row, read',
      peer_value: (await timed(() => allLabels.all())).ms,
      goal: '<= 1000',
      note: `the slowest view the lead opens (${slowest.view}); each view until what it shows first is there: ${views.map((v) => `${v.view} ${v.over ? `over ${v.ms.toFixed(0)} ms (stopped)` : `${v.ms.toFixed(0)} ms`}`).join(', ')}`,
    },
    { atMost: 1000 },
  );

  opts.say(
    `${k}: the Codebook view's publish (a definition changed: a new version, its labels listed for review) on a copy of the project, vs the same review rows written in SQL; then an annotator's label queue filtered to Re-review`,
  );
  const published = await publishFigure(p);
  out[`codebook_publish_${k}_ms`] = published.publish;
  out[`queue_review_${k}_ms`] = published.review;
  return { figures: out, unmeasured };
}

/** The codebook with its first value's definition changed, as the lead edits it in the Codebook view: a change of meaning. */
function definitionChanged(codebook: Codebook): Codebook {
  return { ...codebook, dimensions: codebook.dimensions.map((d, k) => (k === 0 && d.values.length ? { ...d, values: d.values.map((v, j) => (j === 0 ? { ...v, definition: `${v.definition ?? ''} Also when it is measured.` } : v)) } : d)) };
}

/**
 * The lead publishes a codebook whose first value's definition changed: a new version, every
 * label holding that value listed for review. On a copy of the project (publishing changes it),
 * opened as the app opens it, after the publish dialog has counted them (codebook.preview, as
 * it does at every edit). Beside it, the peer: the same review rows written in plain SQL, one
 * statement, rolled back.
 */
async function publishFigure(p: BenchProject): Promise<{ publish: BenchFigure; review: BenchFigure }> {
  const copy = join(dirname(p.file), 'publish.db');
  // The file alone holds everything once its write-ahead log is folded in.
  p.service.db.pragma('wal_checkpoint(TRUNCATE)');
  copyFileSync(p.file, copy);
  const s = await openProject(copy);
  try {
    const call = (method: string, args: object) => s.call(method as never, args as never, LEAD) as unknown;
    const codebook = call('project.codebook', {}) as Codebook;
    const draft = definitionChanged(codebook);
    const counted = (call('codebook.preview', { codebook: draft }) as CodebookPreview).reviews;
    const published = await timed(() => call('codebook.publish', { codebook: draft, note: 'bench' }) as CodebookPublishResult);
    // Then the Re-review tab lists them: its first page.
    const listed = await timed(() => call('reviews.all', {}) as ReviewPage);
    const [dimension, value] = [codebook.dimensions[0].id, JSON.stringify(codebook.dimensions[0].values[0].id)];
    const insert = s.db.prepare(`INSERT OR REPLACE INTO label_review (entry_id, annotator_id, dimension, version, reason, created_at) SELECT entry_id, annotator_id, dimension, 'peer', 'peer', 'peer' FROM label WHERE dimension = ? AND value = ?`);
    s.db.exec('BEGIN');
    const peer = await timed(() => insert.run(dimension, value).changes);
    s.db.exec('ROLLBACK');
    const publish = figure({
      value: published.ms,
      unit: 'ms',
      peer: 'SQL: the same review rows (every label holding the value) written in one statement, ms',
      peer_value: peer.ms,
      note: `${published.value.reviews} labels listed for review (the dialog counted ${counted}; the peer wrote ${peer.value}), version ${published.value.revision.version}, committed; the Re-review tab's first page of them (${listed.value.items.length} of ${listed.value.total}) then took ${listed.ms.toFixed(0)} ms`,
    });

    // An annotator's label queue filtered to Re-review, its first page as the label view asks it:
    // right after the publish, then right after each of three labels she makes again (each closes
    // a flag, so the entries with one open are found afresh), then asked again with nothing written.
    const reviewPage = () => s.call('entries.page', { annotator: 'ana', filter: { review: true }, limit: DEFAULT_QUEUE_PAGE }, ANNOTATOR) as EntryPage;
    const found = [await timed(reviewPage)];
    const stage = codebook.dimensions[0];
    for (let i = 0; i < 3; i++) {
      const entry = found[0].value.rows[i].id;
      s.call('labels.set', { annotator: 'ana', entryId: entry, dimension: stage.id, value: stage.values[1 + (i % 2)].id }, ANNOTATOR);
      found.push(await timed(reviewPage));
    }
    const kept: number[] = [];
    for (let i = 0; i < 3; i++) kept.push((await timed(reviewPage)).ms);
    const ana = s.db.prepare("SELECT id FROM annotator WHERE name = 'ana'").pluck().get() as number;
    const flags = s.db.prepare('SELECT DISTINCT entry_id FROM label_review WHERE annotator_id = ?').pluck();
    const peerFlags = await timed(() => flags.all(ana));
    const review = figure(
      {
        value: median(found.map((f) => f.ms)),
        unit: 'ms',
        peer: "SQL: the entries of the annotator's flags, read (open or not)",
        peer_value: peerFlags.ms,
        goal: '<= 200',
        note: `ana's label queue filtered to Re-review (${found[0].value.total} entries, ${peerFlags.value.length} with a flag), its first page with its counts: right after the publish ${found[0].ms.toFixed(0)} ms; right after each of three labels made again ${found
          .slice(1)
          .map((f) => `${f.ms.toFixed(0)} ms`)
          .join(', ')} (median of the four: the value); asked again with nothing written ${median(kept).toFixed(1)} ms (the entries kept)`,
      },
      { atMost: 200 },
    );
    return { publish, review };
  } finally {
    s.close();
    for (const end of ['', '-wal', '-shm', '.label-columns', '.backups']) rmSync(copy + end, { recursive: true, force: true });
  }
}

export type LeadView = { view: string; ms: number; over?: boolean };

/**
 * Waits until a service opened with `readAhead` holds what it reads ahead, in the order it comes: the labels, the consensus
 * worked out from them, the report the Agreement view opens with. A read ahead that never arrives (it once did not, after a
 * command-line import) stops the bench, saying what was missing, rather than leaving it waiting.
 */
export async function readAhead(s: Service, upTo: 'labels' | 'consensus' | 'report', limitMs = 300_000): Promise<void> {
  const held = () => ({ labels: columnsToHand(s.db) !== undefined, consensus: consensusInHand(s.db), report: reportInHand(s.db) });
  const inHand = () => {
    const h = held();
    return h.labels && (upTo === 'labels' || h.consensus) && (upTo !== 'report' || h.report);
  };
  const until = performance.now() + limitMs;
  while (!inHand()) {
    if (performance.now() > until) throw new Error(`the read ahead of ${s.db.name} did not arrive in ${limitMs / 1000} s (held: ${JSON.stringify(held())})`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * `leadViewsOf` in a process of its own (`concord bench --lead-views FILE`), as the app holds one
 * project: this process also holds the bench's own service with its kept labels and consensus,
 * and on a heap that large its collector made the views half as slow again.
 */
async function leadViewsInOwnProcess(file: string, limitMs: number): Promise<LeadView[]> {
  const child = spawn(process.execPath, [join(packageRoot, 'cli', 'concord.js'), 'bench', '--lead-views', file, '--view-limit-ms', String(limitMs)], { cwd: packageRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (status !== 0) throw new Error(`the lead's views (concord bench --lead-views) exited ${status}: ${err.trim()}`);
  return JSON.parse(out) as LeadView[];
}

/**
 * The lead's views (`leadViews`) on a project opened as the app's hosts open it, once what they
 * read ahead is in hand: the labels, every entry's consensus and the report worked out from them.
 */
export async function leadViewsOf(file: string, limitMs: number): Promise<LeadView[]> {
  const app = await openProject(file, { readAhead: true });
  try {
    await readAhead(app, 'report');
    return await leadViews(app, limitMs);
  } finally {
    app.close();
  }
}

/**
 * The views the lead opens besides Agreement's report and Adjudicate (figures of their own), each
 * timed as the app opens it: the calls its store makes on opening, one after the other as the
 * service answers them, and for what is computed in the background (an Agreement tab), until its
 * first figures are there. Intervals that fill in later are not waited for; a view still not shown
 * after `limitMs` is stopped and said to be over it.
 */
export async function leadViews(s: Service, limitMs: number): Promise<LeadView[]> {
  const call = (method: string, args: object) => s.call(method as never, args as never, LEAD) as unknown;
  const opened: LeadView[] = [];
  const view = async (name: string, open: () => unknown) => opened.push({ view: name, ms: (await timed(open)).ms });
  // The intervals' bootstraps these views start run on in the background: stopped before the tabs are timed.
  const started: string[] = [];
  const groups = async (by: 'round' | 'version') => started.push(((await call('agreement.groupsStart', { by, bootstrap: 200 })) as { jobId: string }).jobId);
  await view('Codebook', async () => {
    call('codebook.history', {});
    call('codebook.usage', {});
    call('reviews.all', {});
    call('rounds.list', {});
    await groups('version');
  });
  await view('Codebook: the publish dialog, a definition changed', () => {
    call('codebook.preview', { codebook: definitionChanged(call('project.codebook', {}) as Codebook) });
  });
  await view('Rounds', async () => {
    call('rounds.list', {});
    await groups('round');
    call('gold.accuracy', {});
  });
  await view('Team', () => {
    call('assignments.progress', {});
    call('backups.list', {});
  });
  await view('Activity', () => call('events.list', {}));
  await view('Export', () => {
    call('exports.render', { kind: 'labels', format: 'csv', preview: true });
    call('adjudication.summary', {});
  });
  const settled = (phase: string) => ['done', 'failed', 'cancelled'].includes(phase);
  for (const jobId of started) if (!settled((call('agreement.groupsJob', { jobId }) as { progress: { phase: string } }).progress.phase)) s.call('jobs.cancel', { jobId }, LEAD);
  // A tab asked for right after the report, as the view asks: timed from the report's answer, so that what the
  // service does before it takes the next request (readying workers) counts too.
  const tab = async (service: Service, name: FiguresJob['figures'], view: string, t = performance.now()) => {
    const ask = (method: string, args: object) => service.call(method as never, args as never, LEAD) as FiguresJob;
    // As the store asks: drift by week, the coefficients with the first dimension's per-category figures.
    let job = ask('agreement.startFigures', { figures: name, bootstrap: 0, ...(name === 'drift' ? { by: 'week' } : {}), ...(name === 'coefficients' ? { categories: 'first' } : {}) });
    while (!job.report && !settled(job.progress.phase) && performance.now() - t < limitMs) {
      await new Promise((r) => setTimeout(r, 50));
      job = ask('agreement.figuresJob', { jobId: job.jobId });
    }
    const ms = performance.now() - t;
    if (job.error) throw new Error(`the Agreement view's ${name} tab failed: ${job.error.message}`);
    if (!settled(job.progress.phase)) service.call('jobs.cancel', { jobId: job.jobId }, LEAD);
    opened.push({ view, ms, ...(job.report ? {} : { over: true }) });
  };
  // As the lead meets them after the report, which the Agreement view opens with (timed as agreement_report),
  // and beside the bootstrap of its intervals, which the view starts next and which runs on meanwhile:
  // the service keeps the report's label columns and has workers ready with them...
  // (Asked for as the view asks, the bootstrap too: the entries behind a cell come when the lead opens one.)
  await call('agreement.report', { bootstrap: 0, cellUnits: false });
  let answered = performance.now();
  // (The next request, as the app's hosts take it: once the report is on its way, after the workers were readied.)
  await new Promise((r) => setImmediate(r));
  const bootstrap = (call('agreement.start', { cellUnits: false }) as { jobId: string }).jobId;
  await tab(s, 'coefficients', 'Agreement: coefficients', answered);
  for (const name of ['coders', 'drift', 'machines'] as const) await tab(s, name, `Agreement: ${name}`);
  // A cell of the pooled figure opened: the entries behind it.
  await view('Agreement: the entries behind a cell of the pooled figure', () => call('agreement.cell', { figure: { scope: 'pooled', measure: 'masi' }, row: 0, col: 1 }));
  if (!settled((call('agreement.job', { jobId: bootstrap }) as { progress: { phase: string } }).progress.phase)) s.call('jobs.cancel', { jobId: bootstrap }, LEAD);
  // ...right after a label write (the worker kept between jobs brings its columns up to date from the log)...
  const first = s.call('entries.page', { annotator: 'ana', limit: 1 }, ANNOTATOR).rows[0].id;
  // (A value other than the one there, so that something is written however often the views are timed on a file.)
  const stage = s.call('entries.get', { annotator: 'ana', id: first }, ANNOTATOR).labels.stage === 'training' ? 'inference' : 'training';
  s.call('labels.set', { annotator: 'ana', entryId: first, dimension: 'stage', value: stage }, ANNOTATOR);
  // (The report the view opened with was worked out ahead; this one is the session's first worked out on the request thread.)
  await view('Agreement: the report right after a label write', () => call('agreement.report', { bootstrap: 0, cellUnits: false }));
  answered = performance.now();
  // (The next request, as after the first report.)
  await new Promise((r) => setImmediate(r));
  await tab(s, 'coders', 'Agreement: coders, right after a label write', answered);
  // ...and as the first call of a process, where nothing is kept yet: its worker takes over the columns an
  // earlier session saved beside the file (db/data/saved-columns.ts; this session's read ahead saved them)...
  // (A project too small to have them saved has only the second.)
  for (const saved of existsSync(savedColumnsBeside(s.db.name)) ? [true, false] : [false]) {
    // ...or, with none saved (the first session after an import, a codebook edit), reads every label itself.
    if (!saved) rmSync(savedColumnsBeside(s.db.name), { force: true });
    const fresh = await openProject(s.db.name);
    try {
      await tab(fresh, 'machines', `Agreement: machines, first call of a process, ${saved ? 'taking over the columns an earlier session saved' : 'none saved (every label read)'}`);
    } finally {
      fresh.close();
    }
  }
  return opened;
}

/**
 * The pooled figure's 1,000 resamples against the package's: its time per resample over the
 * resamples it finished, multiplied to as many. A package that finished none in its time gives a
 * lower bound, said so: the time it ran, multiplied alike (the app's own time is measured all the same).
 */
export function bootstrapFigure(ms: number, peer: { draws: number; ms: number }, of: { resamples: number; units: number; raters: number; goal: boolean }): BenchFigure {
  const what = `${CROSS_CHECK_PACKAGE} recomputing alpha on each resample of the same units`;
  return figure(
    {
      value: ms,
      unit: 'ms',
      peer: peer.draws
        ? `${what}, measured on ${peer.draws} and multiplied to ${of.resamples} (ms)`
        : `at least: ${what}; its first had not finished after ${(peer.ms / 1000).toFixed(0)} s when it was stopped, that time multiplied to ${of.resamples} (ms, a lower bound)`,
      peer_value: peer.draws ? (peer.ms / peer.draws) * of.resamples : peer.ms * of.resamples,
      goal: of.goal ? '<= 10000' : undefined,
      note: `the pooled MASI figure the report shows first, computed as the report's worker computes it: ${of.units} units (entry x dimension) x ${of.raters} raters; the package on the same units, each set read as one value`,
    },
    of.goal ? { atMost: 10_000 } : undefined,
  );
}

/** A dimension's cells as the report takes them, read straight from the database. */
function dimensionCells(db: BenchProject['service']['db'], dimension: string): DimensionCells {
  const rows = db
    .prepare(
      `SELECT e.ext_id, l.annotator_id, l.value FROM label l JOIN entry e ON e.id = l.entry_id
       JOIN submission s ON s.entry_id = l.entry_id AND s.annotator_id = l.annotator_id AND s.status = 'submitted'
       WHERE l.dimension = ? ORDER BY e.sort_key`,
    )
    .all(dimension) as { ext_id: string; annotator_id: number; value: string }[];
  const units = [...new Set(rows.map((r) => r.ext_id))];
  const unitOf = new Map(units.map((u, i) => [u, i]));
  const raterIds = [...new Set(rows.map((r) => r.annotator_id))].sort((a, b) => a - b);
  const parsed = new Map<string, LabelValue>();
  const cells = raterIds.map(() => new Array<LabelValue | undefined>(units.length).fill(undefined));
  for (const r of rows) {
    let v = parsed.get(r.value);
    if (v === undefined) parsed.set(r.value, (v = JSON.parse(r.value) as LabelValue));
    cells[raterIds.indexOf(r.annotator_id)][unitOf.get(r.ext_id)!] = v;
  }
  return { units, cells };
}

/**
 * The pooled figure's coded data exactly as the report builds it (read through the report itself),
 * and the same cells as the package takes them (each set written as one value, as nominal).
 */
function pooledData(db: BenchProject['service']['db']) {
  const dims = deepBenchCodebook.dimensions.filter((d) => d.kind === 'single' || d.kind === 'tree');
  const parts = new Map(dims.map((d) => [d.id, dimensionCells(db, d.id)]));
  const R = parts.get(dims[0].id)!.cells.length;
  const raters = Array.from({ length: R }, (_, r) => `r${r}`);
  let data: CodedRatings | undefined;
  buildAgreementReportFrom(
    deepBenchCodebook,
    { raters, cellsOf: (d) => parts.get(d.id) ?? { units: [], cells: raters.map(() => []) } },
    { bootstrap: 0, cellUnits: false, onFigureData: (key, d) => key === figureKey({ scope: 'pooled', measure: 'masi' }) && (data = d) },
  );
  const rows: (string | undefined)[][] = raters.map(() => []);
  for (const d of dims)
    for (let r = 0; r < R; r++)
      for (const v of parts.get(d.id)!.cells[r] ?? []) rows[r].push(v === undefined ? undefined : `${d.id}:${Array.isArray(v) ? [...v].sort().join('|') : String(v)}`);
  return { data: data!, rows };
}

import { formatsOf, type ExportFormat, type ExportKind, type ExportResult } from '../../shared/tables/export-kinds.ts';
import { api } from './client.ts';
import { describeError } from './session-slice.ts';
import { matrixDimensions } from '../../shared/tables/reliability-matrix.ts';
import type { AppState, Slice } from './types.ts';

export interface ExportOptions {
  /** labels: each annotator's own value beside the final one. */
  perAnnotator: boolean;
  /** reliability-matrix: one dimension (CSV holds one matrix), or every one (JSON). */
  dimension: string | null;
  /** Count draft labels too; by default only submitted work counts. */
  includeDrafts: boolean;
  /** category-distribution: count this annotator's labels (the published reference too); null counts the final labels. */
  annotator: string | null;
  /** dlbench: the team's final rewrite of each prompt where there is one. */
  revisedPrompts: boolean;
  /** drift: per week of labelling time or per batch of 50 entries. */
  by: 'week' | 'batch';
  /** rounds: alpha per calibration round or per codebook version. */
  roundsBy: 'round' | 'version';
}

export interface ExportSlice {
  exportKind: ExportKind;
  exportFormat: ExportFormat;
  exportOptions: ExportOptions;
  exportResult: ExportResult | null;
  /** What the result was rendered from, so a stale preview is never downloaded by mistake. */
  exportResultFor: string | null;
  exportBusy: boolean;
  /** Any export but the labels' preview is made whole by a job off the request thread: how far it got (the labels count entries; others say no count), since when. */
  exportMaking: ExportMaking | null;
  /** The whole labels export being made for a download, after a preview of its first entries. */
  exportSaving: ExportMaking | null;
  /** The last export made for the preview was cancelled: nothing to show until it is made again. */
  exportCancelled: boolean;
  exportError: string | null;
  /** Values still waiting for a decision (majority or split): they leave a final value empty. */
  exportUndecided: number | null;
  /** Of those, decided values whose labels changed since the decision (their final value is the old decision). */
  exportStale: number | null;
  setExportKind(kind: ExportKind): void;
  setExportFormat(format: ExportFormat): void;
  setExportOptions(patch: Partial<ExportOptions>): void;
  renderCurrentExport(): Promise<void>;
  /** The current export, whole: the preview itself when it was whole, else made now by a job (a large study's takes seconds); null if cancelled. */
  wholeExport(): Promise<ExportResult | null>;
  /** Stops the job making the preview, or the download. */
  cancelExport(which: 'preview' | 'download'): Promise<void>;
}

/** A job making an export: entries made of all (total 0 when the kind counts none), and when it began. */
export interface ExportMaking {
  done: number;
  total: number;
  since: number;
}

/** Figure exports that take one dimension, or all of them (the pooled figure). */
export const dimensionKinds: ReadonlySet<ExportKind> = new Set(['coefficients', 'drift', 'machine-coders', 'r-script']);

/** The request the current choices make; also the key that says whether a result is current. */
export function exportRequest(s: Pick<ExportSlice, 'exportKind' | 'exportFormat' | 'exportOptions'>) {
  const o = s.exportOptions;
  return {
    kind: s.exportKind,
    format: s.exportFormat,
    ...(s.exportKind === 'labels' && o.perAnnotator ? { perAnnotator: true } : {}),
    ...((s.exportKind === 'reliability-matrix' || dimensionKinds.has(s.exportKind)) && o.dimension ? { dimension: o.dimension } : {}),
    ...(s.exportKind === 'drift' ? { by: o.by } : {}),
    ...(s.exportKind === 'category-distribution' && o.annotator ? { annotator: o.annotator } : {}),
    ...(s.exportKind === 'dlbench' && o.revisedPrompts ? { revisedPrompts: true } : {}),
    ...(s.exportKind === 'rounds' && o.roundsBy === 'version' ? { by: 'version' as const } : {}),
    ...(o.includeDrafts ? { includeDrafts: true } : {}),
    // The labels of a large study are shown a first page at a time; the download asks for all of them.
    ...(s.exportKind === 'labels' ? { preview: true } : {}),
  };
}

/** Whether the preview is asked for directly: only the labels' is, a first page made at once at any size of study. */
const previewedDirectly = (req: ReturnType<typeof exportRequest>) => req.preview === true;

/** Why the current choices cannot be rendered yet, or null. */
export function exportBlocker(s: Pick<ExportSlice, 'exportKind' | 'exportFormat' | 'exportOptions'>): string | null {
  if (s.exportKind === 'reliability-matrix' && s.exportFormat === 'csv' && !s.exportOptions.dimension)
    return 'A CSV holds one reliability matrix: choose a dimension (or JSON for all of them).';
  return null;
}

let renderSeq = 0;
/** The jobs making the preview and the download, to cancel when asked (or when newer choices replace the preview). */
const exportJobs: Record<'preview' | 'download', string | null> = { preview: null, download: null };
/** How long to wait before asking a job how far it got: soon at first (a small study's export takes a moment), then every 200 ms. */
const pollDelay = (turn: number) => Math.min(200, 25 * 2 ** turn);
const settled = (phase: string) => ['done', 'failed', 'cancelled'].includes(phase);

/** A CSV holds one reliability matrix: start it on the codebook's first dimension that has one. */
function withMatrixDimension(s: AppState, kind: ExportKind, format: ExportFormat): ExportOptions {
  const o = s.exportOptions;
  if (kind !== 'reliability-matrix' || format !== 'csv' || o.dimension || !s.codebook) return o;
  return { ...o, dimension: matrixDimensions(s.codebook.dimensions)[0]?.id ?? null };
}

export const createExportSlice: Slice<ExportSlice> = (set, get) => {
  /**
   * Makes the whole export in a job off the request thread (any export may take seconds at
   * 100,000 entries, and the annotators' requests must not wait on it), following its progress in
   * `field`. Null when it was cancelled, or `current` says a newer request took over.
   */
  async function makeWhole(req: ReturnType<typeof exportRequest>, which: 'preview' | 'download', current: () => boolean): Promise<ExportResult | null> {
    const field = which === 'preview' ? 'exportMaking' : 'exportSaving';
    const { preview: _preview, ...args } = req;
    const as = get().me ?? '';
    if (exportJobs[which]) void api().call('jobs.cancel', { jobId: exportJobs[which] }).catch(() => {});
    const since = Date.now();
    set({ [field]: { done: 0, total: 0, since } });
    let job = await api().call('exports.start', { ...args, as });
    exportJobs[which] = job.jobId;
    for (let turn = 0; !settled(job.progress.phase); turn++) {
      if (!current()) return null;
      set({ [field]: { done: job.progress.done, total: job.progress.total, since } });
      await new Promise((r) => setTimeout(r, pollDelay(turn)));
      job = await api().call('exports.job', { as, jobId: job.jobId });
    }
    if (exportJobs[which] === job.jobId) exportJobs[which] = null;
    if (job.progress.phase === 'failed' && current()) throw new Error(job.error?.message ?? 'the export failed');
    if (!job.pieces) return null;
    // Taken a piece at a time, all of them even if no longer wanted: the service lets the file go with its last piece.
    let text = '';
    for (let index = 0; index < job.pieces; index++) text += (await api().call('exports.piece', { as, jobId: job.jobId, index })).text;
    return current() ? (JSON.parse(text) as ExportResult) : null;
  }

  return {
  exportKind: 'labels',
  exportFormat: formatsOf.labels[0],
  exportOptions: { perAnnotator: false, dimension: null, includeDrafts: false, annotator: null, by: 'week', revisedPrompts: false, roundsBy: 'round' },
  exportResult: null,
  exportResultFor: null,
  exportBusy: false,
  exportMaking: null,
  exportSaving: null,
  exportCancelled: false,
  exportError: null,
  exportUndecided: null,
  exportStale: null,

  setExportKind(kind) {
    const offered = formatsOf[kind];
    const format = offered.includes(get().exportFormat) ? get().exportFormat : offered[0];
    set({ exportKind: kind, exportFormat: format, exportOptions: withMatrixDimension(get(), kind, format) });
    void get().renderCurrentExport();
  },

  setExportFormat(format) {
    const kind = get().exportKind;
    if (!formatsOf[kind].includes(format)) return;
    set({ exportFormat: format, exportOptions: withMatrixDimension(get(), kind, format) });
    void get().renderCurrentExport();
  },

  setExportOptions(patch) {
    set((s) => ({ exportOptions: { ...s.exportOptions, ...patch } }));
    void get().renderCurrentExport();
  },

  async renderCurrentExport() {
    const s = get();
    const blocker = exportBlocker(s);
    const req = exportRequest(s);
    const key = JSON.stringify(req);
    const seq = ++renderSeq;
    // Newer choices replace the preview being made; a download goes on.
    if (exportJobs.preview) void api().call('jobs.cancel', { jobId: exportJobs.preview }).catch(() => {});
    exportJobs.preview = null;
    if (blocker) {
      set({ exportResult: null, exportResultFor: null, exportError: blocker, exportBusy: false, exportMaking: null, exportCancelled: false });
      return;
    }
    set({ exportBusy: true, exportError: null, exportMaking: null, exportCancelled: false });
    const current = () => seq === renderSeq;
    try {
      const [result, summary] = await Promise.all([
        previewedDirectly(req) ? api().call('exports.render', { ...req, as: get().me ?? '' }) : makeWhole(req, 'preview', current),
        api().call('adjudication.summary', { as: get().me ?? '', includeDrafts: s.exportOptions.includeDrafts || undefined }),
      ]);
      if (!current()) return;
      const stale = summary.dimensions.reduce((n, d) => n + (d.stale ?? 0), 0);
      const undecided = summary.dimensions.reduce((n, d) => n + d.counts.majority + d.counts['needs-decision'], 0) + stale;
      set({
        exportResult: result,
        exportResultFor: result ? key : null,
        exportBusy: false,
        exportMaking: null,
        exportCancelled: !result,
        exportUndecided: undecided,
        exportStale: stale,
      });
    } catch (e) {
      if (!current()) return;
      set({ exportResult: null, exportResultFor: null, exportError: describeError(e), exportBusy: false, exportMaking: null });
    }
  },

  async wholeExport() {
    const s = get();
    const req = exportRequest(s);
    const result = s.exportResultFor === JSON.stringify(req) ? s.exportResult : null;
    if (!result || result.shape !== 'file' || !result.partial) return result;
    set({ exportError: null });
    // The download goes on whatever the lead looks at meanwhile; a second Download replaces it.
    const mine = ++downloadSeq;
    try {
      return await makeWhole(req, 'download', () => mine === downloadSeq);
    } catch (e) {
      set({ exportError: describeError(e) });
      return null;
    } finally {
      if (mine === downloadSeq) set({ exportSaving: null });
    }
  },

  async cancelExport(which) {
    const jobId = exportJobs[which];
    if (jobId) await api().call('jobs.cancel', { jobId });
  },
  };
};

let downloadSeq = 0;

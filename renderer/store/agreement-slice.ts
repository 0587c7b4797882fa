import type { DbAgreementReport } from '../../shared/agreement/report.ts';
import type { DbCoefficientReport } from '../../shared/agreement/coefficient-report.ts';
import type { CategoryCoefficients } from '../../shared/agreement/coefficient-table.ts';
import { coderCellKey, type DbCoderReport, type Reference } from '../../shared/agreement/coders.ts';
import type { DbDriftReport, DriftBy } from '../../shared/agreement/drift.ts';
import type { DbMachineReport } from '../../shared/agreement/machines.ts';
import type { CoefficientKey } from '../views/agreement/coefficients.ts';
import type { MeasureRef } from '../views/agreement/cell-entries.ts';
import { cellKey } from '../../shared/agreement/types.ts';
import { DEFAULT_RESAMPLES } from '../../shared/agreement/bootstrap.ts';
import { keepRef, pick, refKey } from '../views/agreement/select.ts';
import { api } from './client.ts';
import { describeError } from './session-slice.ts';
import type { Slice } from './types.ts';

/** What the lead asks the report for; null leaves a choice to the service (its defaults). */
export interface AgreementQuery {
  includeDrafts: boolean;
  /** null: the service's default set (everyone with the annotator role). */
  annotators: string[] | null;
  /** Annotators also counted on entries not assigned to them (the lead adds them back). */
  includeUnassigned: string[];
  bootstrap: number | null;
  seed: number | null;
  /** null: labels made under any codebook version. */
  codebookVersion: string | null;
}

/** The coincidence cell whose entries are listed: (row, col) of the matrix of figure `ref` (its refKey). */
export interface AgreementCell {
  ref: string;
  row: number;
  col: number;
}

/** The Agreement view's tabs: alpha (the primary figure) and the figures beside it, each loaded when opened. */
export type AgreementTab = 'alpha' | 'coefficients' | 'coders' | 'drift' | 'machines';
export type FigureTab = Exclude<AgreementTab, 'alpha'>;

/** A figure report loaded for one request (`key`), or loading, or failed. */
export interface LoadedFigures<T> {
  data: T | null;
  loading: boolean;
  error: string | null;
  /** The request the data answers, so a stale answer is never shown as current. */
  key: string | null;
  /** What is being computed off the request thread: the figures, then their intervals; null when nothing runs. */
  computing: 'figures' | 'intervals' | null;
  /** Since when (ms since the epoch), to show how long it has taken. */
  since: number | null;
  /** The last intervals were cancelled: the figures stand without them. */
  cancelled: boolean;
  /** The intervals asked for are more resamples than the figures allow (`bootstrapFits`): not started; the lead may ask for as many as fit. */
  tooMuch: { asked: number; fits: number } | null;
}

interface FigureReports {
  coefficients: LoadedFigures<DbCoefficientReport>;
  coders: LoadedFigures<DbCoderReport>;
  drift: LoadedFigures<DbDriftReport>;
  machines: LoadedFigures<DbMachineReport>;
}

/** One dimension's per-category coefficients, asked for when the lead chooses it (the report carries the first dimension's only). */
export interface LoadedCategories {
  loading: boolean;
  data: CategoryCoefficients[] | null;
  error: string | null;
}

/** Which coefficients report fetched categories belong to: its request, and the resamples and seed it was computed with. */
export function categoriesFor(shown: LoadedFigures<DbCoefficientReport>): string | null {
  return shown.data && shown.key ? `${shown.key}|${shown.data.bootstrap.resamples}|${shown.data.bootstrap.seed}` : null;
}

/** A cell of a coder's confusion matrix whose entries are listed. */
export interface CoderCell {
  dimension: string;
  coder: string;
  reference: Reference;
  row: number;
  col: number;
}

export interface AgreementSlice {
  agreementTab: AgreementTab;
  agreementFigures: FigureReports;
  /** The coefficient the Coefficients tab shows bars of (alpha, the primary, first). */
  agreementCoefficient: CoefficientKey;
  agreementDriftBy: DriftBy;
  /** null: the pooled figure. */
  agreementDriftDimension: string | null;
  /** The dimension the Coders tab shows; null: the first categorical one. */
  agreementCoderDimension: string | null;
  agreementCoderReference: 'final' | 'others';
  agreementCoderCell: CoderCell | null;
  setAgreementTab(tab: AgreementTab): void;
  /** Loads the figures of the open tab (or of `tab`) for the current query, unless they are loaded. */
  /** A tab's figures, then their intervals (`resamples`: this many, the lead's choice within what fits, rather than the query's). */
  loadAgreementFigures(tab?: FigureTab, force?: boolean, resamples?: number): Promise<void>;
  /** Stops what the tab is computing (its figures keep standing, without intervals). */
  cancelAgreementFigures(tab: FigureTab): Promise<void>;
  setAgreementCoefficient(key: CoefficientKey): void;
  /** Per-category coefficients fetched dimension by dimension, for the coefficients report shown (`for`: its request and resamples). */
  agreementCategories: { for: string | null; byDimension: Record<string, LoadedCategories> };
  /** Computes one dimension's per-category coefficients for the coefficients report shown, unless they are there or on the way. */
  loadCoefficientCategories(dimension: string): Promise<void>;
  setAgreementDrift(patch: { by?: DriftBy; dimension?: string | null }): void;
  setAgreementCoderView(patch: { dimension?: string; reference?: 'final' | 'others' }): void;
  openCoderCell(cell: CoderCell | null): void;
  /** Switches to the Adjudicate view on this entry (everyone's values side by side). */
  openEntryInAdjudicate(entryId: string): Promise<void>;

  agreementReport: DbAgreementReport | null;
  agreementLoading: boolean;
  agreementError: string | null;
  agreementQuery: AgreementQuery;
  /**
   * The codebook versions labels were made under, to choose from: a report limited to one version
   * names only that one, so the list is taken from the unlimited reports and kept across limited ones.
   */
  agreementVersions: string[];
  /** The figure whose pairwise table and coincidence matrix are shown. */
  agreementRef: MeasureRef | null;
  agreementCell: AgreementCell | null;
  /** The bootstrap being computed off the request thread: resamples drawn of all; null when none runs. */
  agreementProgress: { done: number; total: number } | null;
  /** The last bootstrap was cancelled: the figures stand without intervals. */
  agreementCancelled: boolean;
  /** Figures first (no bootstrap), then, off the request thread, the same report with its intervals. */
  loadAgreement(): Promise<void>;
  /** Stops the bootstrap being computed. */
  cancelAgreement(): Promise<void>;
  setAgreementQuery(patch: Partial<AgreementQuery>): Promise<void>;
  selectAgreementFigure(ref: MeasureRef): void;
  /** Lists the entries behind cell (row, col) of the selected figure's coincidence matrix (the report names them). */
  openAgreementCell(row: number, col: number): void;
  closeAgreementCell(): void;
  /** Switches to the Label view on this entry. */
  openEntryInLabel(entryId: string): Promise<void>;
}

let reportSeq = 0;
const figureSeq: Record<FigureTab, number> = { coefficients: 0, coders: 0, drift: 0, machines: 0 };
const emptyFigures = <T>(): LoadedFigures<T> => ({ data: null, loading: false, error: null, key: null, computing: null, since: null, cancelled: false, tooMuch: null });
/** The job each tab is computing, to cancel when the lead asks for other figures. */
const figureJob: Record<FigureTab, string | null> = { coefficients: null, coders: null, drift: null, machines: null };

/** The selection arguments every agreement method takes, from the lead's query. */
function selectionArgs(q: AgreementQuery, me: string | null) {
  return {
    as: me ?? '',
    includeDrafts: q.includeDrafts,
    ...(q.annotators ? { annotators: q.annotators } : {}),
    ...(q.includeUnassigned.length ? { includeUnassigned: q.includeUnassigned } : {}),
    ...(q.bootstrap !== null ? { bootstrap: q.bootstrap } : {}),
    ...(q.seed !== null ? { seed: q.seed } : {}),
    ...(q.codebookVersion !== null ? { codebookVersion: q.codebookVersion } : {}),
  };
}

let runningJob: string | null = null;
/** How often the bootstrap job is asked how far it got. */
const POLL_MS = 200;

/**
 * Polls a job the view asked for until it settles: null once its answer is no longer wanted (a
 * newer report or request took over), and the job is then cancelled.
 */
async function settledJob<J extends { jobId: string; progress: { phase: string } }>(job: J, poll: (jobId: string) => Promise<J>, wanted: () => boolean): Promise<J | null> {
  while (!['done', 'failed', 'cancelled'].includes(job.progress.phase)) {
    await new Promise((r) => setTimeout(r, POLL_MS));
    if (!wanted()) {
      void api().call('jobs.cancel', { jobId: job.jobId }).catch(() => {});
      return null;
    }
    job = await poll(job.jobId);
  }
  return wanted() ? job : null;
}

/** The matrix a figure reference points at, in a report. */
function tableOf(report: DbAgreementReport, ref: MeasureRef) {
  const picked = pick(report, ref);
  return picked ? (picked.kind === 'measure' ? picked.measure.coincidence : picked.value.coincidence) : null;
}

/** The figure as `agreement.cell` names it. */
function figureOf(ref: MeasureRef) {
  if (ref.scope === 'pooled') return { scope: 'pooled' as const, measure: ref.measure };
  if (ref.scope === 'dimension') return { scope: 'dimension' as const, dimension: ref.dimension, measure: ref.measure };
  return { scope: 'value' as const, dimension: ref.dimension, valueId: ref.valueId };
}

/** Whether the figure `ref` of the report has a matrix with cell (row, col). */
function hasCell(report: DbAgreementReport, ref: MeasureRef, row: number, col: number): boolean {
  const picked = pick(report, ref);
  const table = picked ? (picked.kind === 'measure' ? picked.measure.coincidence : picked.value.coincidence) : null;
  return !!table && row >= 0 && col >= 0 && row < table.values.length && col < table.values.length;
}

export const createAgreementSlice: Slice<AgreementSlice> = (set, get) => {
  /** Reads the entries behind a cell and puts them in the report's matrix, where the cell list reads them. */
  async function fetchCell(report: DbAgreementReport, ref: MeasureRef, cell: AgreementCell): Promise<void> {
    const table = tableOf(report, ref);
    if (!table || table.cellUnits?.[cellKey(cell.row, cell.col)]) return;
    const q = get().agreementQuery;
    try {
      const units = await api().call('agreement.cell', {
        as: get().me ?? '',
        includeDrafts: q.includeDrafts,
        ...(q.annotators ? { annotators: q.annotators } : {}),
        ...(q.includeUnassigned.length ? { includeUnassigned: q.includeUnassigned } : {}),
        ...(q.codebookVersion !== null ? { codebookVersion: q.codebookVersion } : {}),
        figure: figureOf(ref),
        row: cell.row,
        col: cell.col,
      });
      table.cellUnits = { ...table.cellUnits, [cellKey(cell.row, cell.col)]: units };
      if (get().agreementReport === report) set({ agreementReport: { ...report } });
    } catch (e) {
      get().notify(describeError(e), 'error');
    }
  }

  /** Reads the entries behind a cell of a coder's matrix (the report leaves them out) and puts them in its comparison, where the panel reads them. */
  async function fetchCoderCell(cell: CoderCell): Promise<void> {
    const report = get().agreementFigures.coders.data;
    const c = report?.dimensions.find((d) => d.id === cell.dimension)?.comparisons.find((x) => x.coder === cell.coder && x.reference === cell.reference);
    const key = coderCellKey(cell.row, cell.col);
    if (!report || !c || c.cellEntries?.[key] || cell.reference === 'consensus') return;
    const { bootstrap: _b, seed: _s, ...selection } = selectionArgs(get().agreementQuery, get().me);
    try {
      const started = await api().call('agreement.coderCell', {
        ...selection,
        dimension: cell.dimension,
        coder: cell.coder,
        reference: cell.reference,
        row: c.categories[cell.row].id,
        col: c.categories[cell.col].id,
      });
      // Wanted while the same report is shown and this cell is still the open one.
      const open = () => get().agreementFigures.coders.data === report && get().agreementCoderCell === cell;
      const job = await settledJob(started, (jobId) => api().call('agreement.coderCellJob', { as: selection.as, jobId }), open);
      if (!job) return;
      if (!job.entries) throw new Error(job.error?.message ?? 'the entries could not be listed');
      c.cellEntries = { ...c.cellEntries, [key]: job.entries };
      const now = get().agreementFigures.coders;
      if (now.data === report) set({ agreementFigures: { ...get().agreementFigures, coders: { ...now, data: { ...report } } } });
    } catch (e) {
      get().notify(describeError(e), 'error');
    }
  }

  return {
  agreementReport: null,
  agreementLoading: false,
  agreementError: null,
  agreementQuery: { includeDrafts: false, annotators: null, includeUnassigned: [], bootstrap: null, seed: null, codebookVersion: null },
  agreementVersions: [],
  agreementRef: null,
  agreementCell: null,
  agreementTab: 'alpha',
  agreementFigures: { coefficients: emptyFigures(), coders: emptyFigures(), drift: emptyFigures(), machines: emptyFigures() },
  agreementCoefficient: 'alpha',
  agreementCategories: { for: null, byDimension: {} },
  agreementDriftBy: 'week',
  agreementDriftDimension: null,
  agreementCoderDimension: null,
  agreementCoderReference: 'others',
  agreementCoderCell: null,
  agreementProgress: null,
  agreementCancelled: false,

  async loadAgreement() {
    const q = get().agreementQuery;
    const seq = ++reportSeq;
    if (runningJob) void api().call('jobs.cancel', { jobId: runningJob }).catch(() => {});
    runningJob = null;
    set({ agreementLoading: true, agreementError: null, agreementProgress: null, agreementCancelled: false });
    // The open tab's figures are asked for beside the alpha report, on the same labels.
    if (get().agreementTab !== 'alpha') void get().loadAgreementFigures(undefined, true);
    // The entries behind a cell are asked for when a cell is opened (agreement.cell).
    const args = { ...selectionArgs(q, get().me), cellUnits: false };
    /** Shows a report, keeping the figure and the cell the lead was looking at. */
    const show = (report: DbAgreementReport) => {
      const ref = keepRef(report, get().agreementRef);
      const cell = get().agreementCell;
      // The cell the lead was looking at stays open, now listing the entries of the new figures.
      const keep = cell && ref && cell.ref === refKey(ref) && hasCell(report, ref, cell.row, cell.col);
      const seen = report.selection.codebookVersions;
      const versions = q.codebookVersion === null ? seen : [...new Set([...get().agreementVersions, ...seen])].sort();
      set({ agreementReport: report, agreementRef: ref, agreementCell: keep ? cell : null, agreementVersions: versions });
      if (keep) void fetchCell(report, ref, cell);
    };
    try {
      // The figures at once; their intervals (a bootstrap of every figure) take longer, off the request thread.
      const figures = await api().call('agreement.report', { ...args, bootstrap: 0 });
      if (seq !== reportSeq) return;
      show(figures);
      if (q.bootstrap === 0) return set({ agreementLoading: false });
      let job = await api().call('agreement.start', { ...args, ...(q.bootstrap !== null ? { bootstrap: q.bootstrap } : {}) });
      runningJob = job.jobId;
      while (!['done', 'failed', 'cancelled'].includes(job.progress.phase)) {
        if (seq !== reportSeq) return;
        set({ agreementProgress: job.progress.phase === 'bootstrap' ? { done: job.progress.done, total: job.progress.total } : { done: 0, total: 0 } });
        await new Promise((r) => setTimeout(r, POLL_MS));
        job = await api().call('agreement.job', { as: args.as, jobId: job.jobId });
      }
      if (seq !== reportSeq) return;
      runningJob = null;
      if (job.report) show(job.report);
      else if (job.progress.phase === 'failed') set({ agreementError: job.error?.message ?? 'the bootstrap failed' });
      set({ agreementLoading: false, agreementProgress: null, agreementCancelled: job.progress.phase === 'cancelled' });
    } catch (e) {
      if (seq === reportSeq) set({ agreementLoading: false, agreementProgress: null, agreementError: describeError(e) });
    }
  },

  async cancelAgreement() {
    if (!runningJob) return;
    await api().call('jobs.cancel', { jobId: runningJob });
  },

  async setAgreementQuery(patch) {
    set((s) => ({ agreementQuery: { ...s.agreementQuery, ...patch } }));
    await get().loadAgreement();
  },

  selectAgreementFigure(ref) {
    if (get().agreementRef && refKey(get().agreementRef!) === refKey(ref)) return;
    set({ agreementRef: ref, agreementCell: null });
  },

  openAgreementCell(row, col) {
    const { agreementReport: report, agreementRef: ref } = get();
    if (!report || !ref || !hasCell(report, ref, row, col)) return;
    const cell = { ref: refKey(ref), row, col };
    set({ agreementCell: cell });
    void fetchCell(report, ref, cell);
  },

  closeAgreementCell: () => set({ agreementCell: null }),

  async openEntryInLabel(entryId) {
    get().setView('label');
    await get().select(entryId);
  },

  setAgreementTab(tab) {
    // One tab computes at a time (at 100,000 entries each job holds most of a gigabyte): the others
    // stop, keep what they showed, and compute again when opened.
    for (const other of Object.keys(figureJob) as FigureTab[]) {
      if (other === tab || !get().agreementFigures[other].loading) continue;
      figureSeq[other]++;
      if (figureJob[other]) void api().call('jobs.cancel', { jobId: figureJob[other] }).catch(() => {});
      figureJob[other] = null;
      set((st) => ({ agreementFigures: { ...st.agreementFigures, [other]: { ...st.agreementFigures[other], loading: false, computing: null, since: null, key: null } } }));
    }
    set({ agreementTab: tab });
    if (tab !== 'alpha') void get().loadAgreementFigures(tab);
  },

  async loadAgreementFigures(which, force = false, resamples) {
    const tab = which ?? get().agreementTab;
    if (tab === 'alpha') return;
    const s = get();
    const base = selectionArgs(s.agreementQuery, s.me);
    const args =
      tab === 'drift'
        ? { ...base, by: s.agreementDriftBy, ...(s.agreementDriftDimension ? { dimension: s.agreementDriftDimension } : {}) }
        : // The coefficients come with the first dimension's per-category figures; the others are asked for when chosen.
          tab === 'coefficients'
          ? { ...base, categories: 'first' as const }
          : base;
    const key = JSON.stringify([tab, args, resamples ?? null]);
    const current = s.agreementFigures[tab];
    if (!force && current.key === key && (current.data || current.loading)) return;
    const seq = ++figureSeq[tab];
    const patch = (p: Partial<LoadedFigures<unknown>>) => set((st) => ({ agreementFigures: { ...st.agreementFigures, [tab]: { ...st.agreementFigures[tab], ...p } } }));
    if (figureJob[tab]) void api().call('jobs.cancel', { jobId: figureJob[tab] }).catch(() => {});
    figureJob[tab] = null;
    patch({ loading: true, error: null, key, cancelled: false, tooMuch: null });
    /** Computes the tab's report in a job off the request thread, polling it; null when a newer request took over or it was cancelled. */
    const compute = async (stage: 'figures' | 'intervals', query: typeof args) => {
      patch({ computing: stage, since: Date.now() });
      let job = await api().call('agreement.startFigures', { ...query, figures: tab } as never);
      figureJob[tab] = job.jobId;
      while (!['done', 'failed', 'cancelled'].includes(job.progress.phase)) {
        await new Promise((r) => setTimeout(r, POLL_MS));
        if (seq !== figureSeq[tab]) return null;
        job = await api().call('agreement.figuresJob', { as: base.as, jobId: job.jobId });
      }
      if (seq !== figureSeq[tab]) return null;
      figureJob[tab] = null;
      if (job.progress.phase === 'failed') throw new Error(job.error?.message ?? 'the computation failed');
      return job.report ?? null;
    };
    const show = (data: unknown) => {
      patch({ data });
      if (tab === 'coders') {
        const cell = get().agreementCoderCell;
        // A listed cell stays open only while the new matrices still have it.
        if (cell && !coderCellExists(data as DbCoderReport, cell)) set({ agreementCoderCell: null });
        else if (cell) void fetchCoderCell(cell);
      }
    };
    try {
      // The figures first, without intervals; then, unless the lead turned the bootstrap off, the same figures with them.
      const figures = await compute('figures', { ...args, bootstrap: 0 });
      if (seq !== figureSeq[tab]) return;
      if (figures) show(figures);
      if (!figures) return patch({ loading: false, computing: null, since: null, cancelled: true });
      if (s.agreementQuery.bootstrap === 0) return patch({ loading: false, computing: null, since: null });
      // More resamples than the figures allow (a large study): the analytic intervals stand, and the lead may ask for as many as fit.
      const asked = resamples ?? s.agreementQuery.bootstrap ?? DEFAULT_RESAMPLES;
      const fits = (figures as { bootstrapFits?: number }).bootstrapFits;
      if (fits !== undefined && asked > fits) return patch({ loading: false, computing: null, since: null, tooMuch: { asked, fits } });
      const withIntervals = await compute('intervals', { ...args, ...(resamples !== undefined ? { bootstrap: resamples } : {}) });
      if (seq !== figureSeq[tab]) return;
      if (withIntervals) show(withIntervals);
      patch({ loading: false, computing: null, since: null, cancelled: !withIntervals });
    } catch (e) {
      if (seq === figureSeq[tab]) patch({ loading: false, computing: null, since: null, error: describeError(e) });
    }
  },

  async cancelAgreementFigures(tab) {
    const jobId = figureJob[tab];
    if (jobId) await api().call('jobs.cancel', { jobId });
  },

  setAgreementCoefficient: (key) => set({ agreementCoefficient: key }),

  async loadCoefficientCategories(dimension) {
    const s = get();
    const shown = s.agreementFigures.coefficients;
    const report = shown.data;
    if (!report || !shown.key) return;
    const forReport = categoriesFor(shown)!;
    const known = s.agreementCategories.for === forReport ? s.agreementCategories.byDimension : {};
    if (known[dimension] && !known[dimension].error) return;
    // Categories of another report (other labels or resamples) are dropped; an answer that comes after the report changed is never put.
    const put = (p: LoadedCategories) =>
      set((st) => ({ agreementCategories: { for: forReport, byDimension: { ...(st.agreementCategories.for === forReport ? st.agreementCategories.byDimension : {}), [dimension]: p } } }));
    put({ loading: true, data: null, error: null });
    const [, args] = JSON.parse(shown.key) as [string, Record<string, unknown>];
    try {
      const started = await api().call('agreement.startFigures', { ...args, figures: 'coefficients', dimension, bootstrap: report.bootstrap.resamples, seed: report.bootstrap.seed } as never);
      const job = await settledJob(started, (jobId) => api().call('agreement.figuresJob', { as: s.me ?? '', jobId }), () => get().agreementCategories.for === forReport);
      if (!job) return;
      if (job.progress.phase !== 'done') throw new Error(job.error?.message ?? 'the computation stopped');
      const table = (job.report as DbCoefficientReport).dimensions[0]?.table;
      put({ loading: false, data: table?.perCategory ?? [], error: null });
    } catch (e) {
      if (get().agreementCategories.for === forReport) put({ loading: false, data: null, error: describeError(e) });
    }
  },

  setAgreementDrift(patch) {
    set((s) => ({ agreementDriftBy: patch.by ?? s.agreementDriftBy, agreementDriftDimension: patch.dimension !== undefined ? patch.dimension : s.agreementDriftDimension }));
    void get().loadAgreementFigures('drift');
  },

  setAgreementCoderView(patch) {
    set((s) => ({
      agreementCoderDimension: patch.dimension ?? s.agreementCoderDimension,
      agreementCoderReference: patch.reference ?? s.agreementCoderReference,
      agreementCoderCell: null,
    }));
  },

  openCoderCell(cell) {
    set({ agreementCoderCell: cell });
    if (cell) void fetchCoderCell(cell);
  },

  async openEntryInAdjudicate(entryId) {
    // The entry is fetched first, so the Adjudicate view opens on it rather than on its queue's head.
    await get().selectAdjEntry(entryId);
    if (get().adjSelectedId === entryId) get().setView('adjudicate');
  },
  };
};

function coderCellExists(report: DbCoderReport, cell: CoderCell): boolean {
  const c = report.dimensions.find((d) => d.id === cell.dimension)?.comparisons.find((x) => x.coder === cell.coder && x.reference === cell.reference);
  return !!c && cell.row < c.categories.length && cell.col < c.categories.length && (c.counts[cell.row]?.[cell.col] ?? 0) > 0;
}

import type { DbAgreementReport } from '../../shared/agreement/report.ts';
import type { MeasureRef } from '../views/agreement/cell-entries.ts';
import { cellKey } from '../../shared/agreement/types.ts';
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

export interface AgreementSlice {
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
let runningJob: string | null = null;
/** How often the bootstrap job is asked how far it got. */
const POLL_MS = 200;

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

  return {
  agreementReport: null,
  agreementLoading: false,
  agreementError: null,
  agreementQuery: { includeDrafts: false, annotators: null, includeUnassigned: [], bootstrap: null, seed: null, codebookVersion: null },
  agreementVersions: [],
  agreementRef: null,
  agreementCell: null,
  agreementProgress: null,
  agreementCancelled: false,

  async loadAgreement() {
    const q = get().agreementQuery;
    const seq = ++reportSeq;
    if (runningJob) void api().call('jobs.cancel', { jobId: runningJob }).catch(() => {});
    runningJob = null;
    set({ agreementLoading: true, agreementError: null, agreementProgress: null, agreementCancelled: false });
    const args = {
      as: get().me ?? '',
      includeDrafts: q.includeDrafts,
      ...(q.annotators ? { annotators: q.annotators } : {}),
      ...(q.includeUnassigned.length ? { includeUnassigned: q.includeUnassigned } : {}),
      ...(q.seed !== null ? { seed: q.seed } : {}),
      ...(q.codebookVersion !== null ? { codebookVersion: q.codebookVersion } : {}),
      // The entries behind a cell are asked for when a cell is opened (agreement.cell).
      cellUnits: false,
    };
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
};
};

import type { DbAgreementReport } from '../../shared/agreement/report.ts';
import type { MeasureRef } from '../views/agreement/cell-entries.ts';
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
  loadAgreement(): Promise<void>;
  setAgreementQuery(patch: Partial<AgreementQuery>): Promise<void>;
  selectAgreementFigure(ref: MeasureRef): void;
  /** Lists the entries behind cell (row, col) of the selected figure's coincidence matrix (the report names them). */
  openAgreementCell(row: number, col: number): void;
  closeAgreementCell(): void;
  /** Switches to the Label view on this entry. */
  openEntryInLabel(entryId: string): Promise<void>;
}

let reportSeq = 0;

/** Whether the figure `ref` of the report has a matrix with cell (row, col). */
function hasCell(report: DbAgreementReport, ref: MeasureRef, row: number, col: number): boolean {
  const picked = pick(report, ref);
  const table = picked ? (picked.kind === 'measure' ? picked.measure.coincidence : picked.value.coincidence) : null;
  return !!table && row >= 0 && col >= 0 && row < table.values.length && col < table.values.length;
}

export const createAgreementSlice: Slice<AgreementSlice> = (set, get) => ({
  agreementReport: null,
  agreementLoading: false,
  agreementError: null,
  agreementQuery: { includeDrafts: false, annotators: null, includeUnassigned: [], bootstrap: null, seed: null, codebookVersion: null },
  agreementVersions: [],
  agreementRef: null,
  agreementCell: null,

  async loadAgreement() {
    const q = get().agreementQuery;
    const seq = ++reportSeq;
    set({ agreementLoading: true, agreementError: null });
    try {
      const report = await api().call('agreement.report', {
        as: get().me ?? '',
        includeDrafts: q.includeDrafts,
        ...(q.annotators ? { annotators: q.annotators } : {}),
        ...(q.includeUnassigned.length ? { includeUnassigned: q.includeUnassigned } : {}),
        ...(q.bootstrap !== null ? { bootstrap: q.bootstrap } : {}),
        ...(q.seed !== null ? { seed: q.seed } : {}),
        ...(q.codebookVersion !== null ? { codebookVersion: q.codebookVersion } : {}),
      });
      if (seq !== reportSeq) return;
      const ref = keepRef(report, get().agreementRef);
      const cell = get().agreementCell;
      // The cell the lead was looking at stays open, now listing the entries of the new figures.
      const keep = cell && ref && cell.ref === refKey(ref) && hasCell(report, ref, cell.row, cell.col);
      const seen = report.selection.codebookVersions;
      const versions = q.codebookVersion === null ? seen : [...new Set([...get().agreementVersions, ...seen])].sort();
      set({ agreementReport: report, agreementLoading: false, agreementRef: ref, agreementCell: keep ? cell : null, agreementVersions: versions });
    } catch (e) {
      if (seq === reportSeq) set({ agreementLoading: false, agreementError: describeError(e) });
    }
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
    set({ agreementCell: { ref: refKey(ref), row, col } });
  },

  closeAgreementCell: () => set({ agreementCell: null }),

  async openEntryInLabel(entryId) {
    get().setView('label');
    await get().select(entryId);
  },
});

import type { DbAgreementReport } from '../../shared/agreement/report.ts';
import { codeUnits, normalizeValueId, unitsBehindCell, type MeasureRef, type RaterRows } from '../views/agreement/cell-entries.ts';
import { keepRef, pick, refKey } from '../views/agreement/select.ts';
import { api } from './client.ts';
import { describeError } from './session-slice.ts';
import type { Slice } from './types.ts';

/** What the lead asks the report for; null leaves a choice to the service (its defaults). */
export interface AgreementQuery {
  includeDrafts: boolean;
  /** null: the service's default set (everyone with the annotator role). */
  annotators: string[] | null;
  bootstrap: number | null;
  seed: number | null;
}

/** One entry behind a coincidence cell; `parts` names the dimensions or items when an entry has several units. */
export interface CellEntry {
  entryId: string;
  parts: string[];
}

export interface AgreementCell {
  ref: string;
  row: number;
  col: number;
  status: 'loading' | 'ready' | 'failed';
  entries: CellEntry[];
  error?: string;
}

export interface AgreementSlice {
  agreementReport: DbAgreementReport | null;
  agreementLoading: boolean;
  agreementError: string | null;
  agreementQuery: AgreementQuery;
  /** The figure whose pairwise table and coincidence matrix are shown. */
  agreementRef: MeasureRef | null;
  agreementCell: AgreementCell | null;
  loadAgreement(): Promise<void>;
  setAgreementQuery(patch: Partial<AgreementQuery>): Promise<void>;
  selectAgreementFigure(ref: MeasureRef): void;
  /** Lists the entries behind cell (row, col) of the selected figure's coincidence matrix. */
  openAgreementCell(row: number, col: number): Promise<void>;
  closeAgreementCell(): void;
  /** Switches to the Label view on this entry. */
  openEntryInLabel(entryId: string): Promise<void>;
}

let reportSeq = 0;
let cellSeq = 0;
/** Every rater's queue, fetched once per report: the units behind a cell are rebuilt from them. */
let rowsCache: { report: DbAgreementReport; rows: Promise<RaterRows> } | null = null;

function raterRows(report: DbAgreementReport): Promise<RaterRows> {
  if (rowsCache?.report !== report) {
    const rows = Promise.all(report.raters.map((annotator) => api().call('entries.list', { annotator })));
    rowsCache = { report, rows };
    rows.catch(() => rowsCache?.rows === rows && (rowsCache = null));
  }
  return rowsCache.rows;
}

export const createAgreementSlice: Slice<AgreementSlice> = (set, get) => ({
  agreementReport: null,
  agreementLoading: false,
  agreementError: null,
  agreementQuery: { includeDrafts: false, annotators: null, bootstrap: null, seed: null },
  agreementRef: null,
  agreementCell: null,

  async loadAgreement() {
    const q = get().agreementQuery;
    const seq = ++reportSeq;
    set({ agreementLoading: true, agreementError: null });
    try {
      const report = await api().call('agreement.report', {
        includeDrafts: q.includeDrafts,
        ...(q.annotators ? { annotators: q.annotators } : {}),
        ...(q.bootstrap !== null ? { bootstrap: q.bootstrap } : {}),
        ...(q.seed !== null ? { seed: q.seed } : {}),
      });
      if (seq !== reportSeq) return;
      const ref = keepRef(report, get().agreementRef);
      const cell = get().agreementCell;
      set({ agreementReport: report, agreementLoading: false, agreementRef: ref, agreementCell: null });
      // The cell the lead was looking at, recomputed on the new figures.
      if (cell && ref && cell.ref === refKey(ref)) await get().openAgreementCell(cell.row, cell.col);
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

  async openAgreementCell(row, col) {
    const { agreementReport: report, agreementRef: ref, codebook } = get();
    if (!report || !ref || !codebook) return;
    const picked = pick(report, ref);
    if (!picked) return;
    const table = picked.kind === 'measure' ? picked.measure.coincidence : picked.value.coincidence;
    const a = table.values[row]?.id;
    const b = table.values[col]?.id;
    if (a === undefined || b === undefined) return;
    const key = refKey(ref);
    const seq = ++cellSeq;
    set({ agreementCell: { ref: key, row, col, status: 'loading', entries: [] } });
    try {
      const rows = await raterRows(report);
      if (seq !== cellSeq) return;
      const units = codeUnits(codebook, ref, rows, { includeDrafts: report.selection.includeDrafts });
      const dim = ref.scope === 'pooled' ? undefined : codebook.dimensions.find((d) => d.id === ref.dimension);
      const behind = unitsBehindCell(units, normalizeValueId(ref, a, dim), normalizeValueId(ref, b, dim));
      const byEntry = new Map<string, CellEntry>();
      for (const u of behind) {
        const e = byEntry.get(u.entryId) ?? { entryId: u.entryId, parts: [] };
        if (u.part !== undefined) e.parts.push(u.part);
        byEntry.set(u.entryId, e);
      }
      set({ agreementCell: { ref: key, row, col, status: 'ready', entries: [...byEntry.values()] } });
    } catch (e) {
      if (seq === cellSeq) set({ agreementCell: { ref: key, row, col, status: 'failed', entries: [], error: describeError(e) } });
    }
  },

  closeAgreementCell: () => set({ agreementCell: null }),

  async openEntryInLabel(entryId) {
    get().setView('label');
    await get().select(entryId);
  },
});

import type { EntryFilter } from '../../shared/api.ts';
import type { EntryForAnnotator, EntrySummary } from '../../shared/types.ts';
import { api } from './client.ts';
import { describeError } from './session-slice.ts';
import type { Slice } from './types.ts';

export interface QueueSlice {
  rows: EntrySummary[];
  filter: EntryFilter;
  queueLoading: boolean;
  selectedId: string | null;
  loadQueue(): Promise<void>;
  setFilter(patch: Partial<EntryFilter>): Promise<void>;
  select(id: string): Promise<void>;
  /** Moves the selection by `delta` rows (j/k, arrows, after a submit). */
  move(delta: number): Promise<void>;
  /** Brings one row in line with what the service returned for its entry. */
  syncRow(e: EntryForAnnotator): void;
}

let listSeq = 0;

export const createQueueSlice: Slice<QueueSlice> = (set, get) => ({
  rows: [],
  filter: {},
  queueLoading: false,
  selectedId: null,

  async loadQueue() {
    const me = get().me;
    if (!me) return;
    const seq = ++listSeq;
    set({ queueLoading: true });
    try {
      const rows = await api().call('entries.list', { annotator: me, filter: cleanFilter(get().filter) });
      if (seq !== listSeq || get().me !== me) return;
      set({ rows, queueLoading: false });
      const sel = get().selectedId;
      if (!sel || !rows.some((r) => r.id === sel)) {
        if (rows.length) await get().select(rows[0].id);
        else set({ selectedId: null, current: null });
      }
    } catch (e) {
      if (seq === listSeq) set({ queueLoading: false });
      get().notify(describeError(e), 'error');
    }
  },

  async setFilter(patch) {
    const next: EntryFilter = { ...get().filter, ...patch };
    for (const k of Object.keys(next) as (keyof EntryFilter)[]) if (next[k] === undefined || next[k] === '') delete next[k];
    set({ filter: next });
    await get().loadQueue();
  },

  async select(id) {
    if (get().selectedId === id && get().current?.entry.id === id) return;
    set({ selectedId: id });
    await get().openEntry(id);
  },

  async move(delta) {
    const { rows, selectedId } = get();
    if (!rows.length) return;
    const at = rows.findIndex((r) => r.id === selectedId);
    const next = at < 0 ? 0 : Math.min(rows.length - 1, Math.max(0, at + delta));
    if (rows[next].id !== selectedId) await get().select(rows[next].id);
  },

  syncRow(e) {
    set((s) => ({
      rows: s.rows.map((r) => (r.id === e.entry.id ? { ...r, labels: e.labels, status: e.status } : r)),
    }));
  },
});

function cleanFilter(f: EntryFilter): EntryFilter | undefined {
  const out: EntryFilter = {};
  if (f.status) out.status = f.status;
  if (f.passed !== undefined) out.passed = f.passed;
  if (f.label?.dimension && f.label.value) out.label = f.label;
  if (f.search?.trim()) out.search = f.search.trim();
  if (f.review) out.review = true;
  return Object.keys(out).length ? out : undefined;
}

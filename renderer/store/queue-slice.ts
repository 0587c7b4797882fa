import type { EntryFilter, EntryPage } from '../../shared/api.ts';
import { DEFAULT_QUEUE_PAGE } from '../../shared/queue-page.ts';
import type { EntryForAnnotator, EntrySummary, OwnPart } from '../../shared/types.ts';
import { api } from './client.ts';
import { nextTask } from './entry-slice.ts';
import { describeError } from './session-slice.ts';
import type { Slice } from './types.ts';

/**
 * The annotator's queue, read a page at a time (`entries.page`): `rows` is as long as the whole
 * filtered queue, holding the pages read so far (the rest are holes, read when the list scrolls
 * to them or the selection moves there). A study of 100,000 entries starts with one page.
 */
export interface QueueSlice {
  /** The queue by position; a position not read yet is a hole (undefined). */
  rows: (EntrySummary | undefined)[];
  /** How many entries of the whole (filtered) queue this annotator submitted. */
  queueSubmitted: number;
  filter: EntryFilter;
  queueLoading: boolean;
  selectedId: string | null;
  /** Position of the selected entry in the queue (null when it does not list it). */
  selectedIndex: number | null;
  /**
   * Reads the queue from its start (or around the selection) and opens its first entry, read with
   * the page (`withFirst`); `firstPage`: that read, already sent for the unfiltered queue with no selection.
   */
  loadQueue(firstPage?: Promise<EntryPage | null>): Promise<void>;
  /** Reads the pages that hold positions `from` to `to` (the rows a list shows), unless read already. */
  ensureRows(from: number, to: number): Promise<void>;
  setFilter(patch: Partial<EntryFilter>): Promise<void>;
  /** Selects and opens an entry; `fresh`: the entry just read from the service (shown as it is, not read again). */
  select(id: string, index?: number, fresh?: EntryForAnnotator): Promise<void>;
  /** Moves the selection by `delta` rows (j/k, arrows, after a submit). */
  move(delta: number): Promise<void>;
  /** Brings one row in line with what a write answered for its entry. */
  syncRow(part: Pick<OwnPart, 'entryId' | 'labels' | 'status'>): void;
}

const PAGE = DEFAULT_QUEUE_PAGE;
/** Entries read ahead on each side of the selection, so j and k find them already there. */
const AHEAD = 2;

let listSeq = 0;
/** Pages being read for the current list (by its `listSeq`), so a page is asked for once. */
let reading = new Map<number, Promise<void>>();

export const createQueueSlice: Slice<QueueSlice> = (set, get) => {
  /** Puts a page's rows in place, if the list it was read for is still the one shown. */
  function place(page: EntryPage, seq: number): void {
    if (seq !== listSeq) return;
    set((s) => {
      const rows = s.rows.length === page.total ? s.rows.slice() : Array.from({ length: page.total }, (_, i) => s.rows[i]);
      page.rows.forEach((r, i) => (rows[page.offset + i] = r));
      return { rows, queueSubmitted: page.submitted };
    });
  }

  function readPage(n: number): Promise<void> {
    const me = get().me;
    if (!me) return Promise.resolve();
    let p = reading.get(n);
    if (!p) {
      const seq = listSeq;
      p = api()
        .call('entries.page', { annotator: me, filter: cleanFilter(get().filter), offset: n * PAGE, limit: PAGE })
        .then((page) => place(page, seq))
        .catch((e) => {
          reading.delete(n);
          get().notify(describeError(e), 'error');
        });
      reading.set(n, p);
    }
    return p;
  }

  /**
   * The rows next to the selection and their entries, ready before they are asked for; the code
   * panes then draw the next and the previous entry's texts out of view (`ahead`).
   */
  async function readAhead(index: number): Promise<void> {
    await get().ensureRows(Math.max(0, index - AHEAD), Math.min(get().rows.length - 1, index + AHEAD));
    if (get().selectedIndex !== index) return;
    const rows = get().rows;
    const near = [index + 1, index - 1, index + 2].map((i) => rows[i]?.id);
    const entries = await get().prefetchEntries(near.filter((id): id is string => !!id));
    if (get().selectedIndex !== index) return;
    const byId = new Map(entries.filter((e) => e !== null).map((e) => [e.entry.id, e]));
    set({ ahead: near.slice(0, 2).flatMap((id) => (id && byId.has(id) ? [byId.get(id)!] : [])) });
  }

  return {
    rows: [],
    queueSubmitted: 0,
    filter: {},
    queueLoading: false,
    selectedId: null,
    selectedIndex: null,

    async loadQueue(firstPage) {
      const me = get().me;
      if (!me) return;
      const seq = ++listSeq;
      reading = new Map();
      set({ queueLoading: true });
      try {
        // The page that holds the selected entry, so it keeps its place in a new list.
        const sel = get().selectedId;
        const filter = cleanFilter(get().filter);
        const sent = !sel && !filter && firstPage ? await firstPage : null;
        const page = sent ?? (await api().call('entries.page', { annotator: me, filter, limit: PAGE, ...(sel ? { around: sel } : { withFirst: true }) }));
        if (seq !== listSeq || get().me !== me) return;
        reading.set(page.offset / PAGE, Promise.resolve());
        set({ rows: [], queueLoading: false });
        place(page, seq);
        if (sel && page.index !== null) {
          set({ selectedIndex: page.index });
          void readAhead(page.index);
        } else if (page.rows.length) await get().select(page.rows[0].id, page.offset, page.first ?? undefined);
        else set({ selectedId: null, selectedIndex: null, current: null });
      } catch (e) {
        if (seq === listSeq) set({ queueLoading: false });
        get().notify(describeError(e), 'error');
      }
    },

    async ensureRows(from, to) {
      const { rows } = get();
      const wanted: Promise<void>[] = [];
      for (let n = Math.floor(Math.max(0, from) / PAGE); n <= Math.floor(Math.min(rows.length - 1, to) / PAGE); n++) {
        if (rows[n * PAGE] === undefined || rows[Math.min(rows.length - 1, n * PAGE + PAGE - 1)] === undefined) wanted.push(readPage(n));
      }
      await Promise.all(wanted);
    },

    async setFilter(patch) {
      const next: EntryFilter = { ...get().filter, ...patch };
      for (const k of Object.keys(next) as (keyof EntryFilter)[]) if (next[k] === undefined || next[k] === '') delete next[k];
      set({ filter: next });
      await get().loadQueue();
    },

    async select(id, index, fresh) {
      const at = index ?? (get().rows[get().selectedIndex ?? -1]?.id === id ? get().selectedIndex : get().rows.findIndex((r) => r?.id === id));
      const position = at !== null && at >= 0 ? at : null;
      if (get().selectedId === id && get().current?.entry.id === id) {
        if (position !== get().selectedIndex) set({ selectedIndex: position });
        return;
      }
      set({ selectedId: id, selectedIndex: position });
      const opened = get().openEntry(id, fresh);
      // After the key press is answered: reading ahead sends requests, which can wait a task.
      if (position !== null) void nextTask().then(() => readAhead(position));
      await opened;
    },

    async move(delta) {
      const { rows, selectedIndex } = get();
      if (!rows.length) return;
      const next = selectedIndex === null ? 0 : Math.min(rows.length - 1, Math.max(0, selectedIndex + delta));
      if (next === selectedIndex) return;
      if (!get().rows[next]) await get().ensureRows(next, next);
      const row = get().rows[next];
      if (row && row.id !== get().selectedId) await get().select(row.id, next);
    },

    syncRow(e) {
      set((s) => {
        const i = s.rows[s.selectedIndex ?? -1]?.id === e.entryId ? s.selectedIndex! : s.rows.findIndex((r) => r?.id === e.entryId);
        const old = s.rows[i];
        if (i < 0 || !old) return {};
        const rows = s.rows.slice();
        rows[i] = { ...old, labels: e.labels, status: e.status };
        const submitted = s.queueSubmitted + (e.status === 'submitted' ? 1 : 0) - (old.status === 'submitted' ? 1 : 0);
        return { rows, queueSubmitted: submitted };
      });
    },
  };
};

function cleanFilter(f: EntryFilter): EntryFilter | undefined {
  const out: EntryFilter = {};
  if (f.status) out.status = f.status;
  if (f.passed !== undefined) out.passed = f.passed;
  if (f.label?.dimension && f.label.value) out.label = f.label;
  if (f.search?.trim()) out.search = f.search.trim();
  if (f.review) out.review = true;
  return Object.keys(out).length ? out : undefined;
}

import { appliesIfNote, dimensionApplies, findDimension, type LabelValue } from '../../shared/codebook/values.ts';
import type { EntryForAnnotator, OwnPart } from '../../shared/types.ts';
import { pinSelection, toggleValue } from '../lib/label-edit.ts';
import { api } from './client.ts';
import { describeError } from './session-slice.ts';
import type { Slice } from './types.ts';

export interface EntrySlice {
  current: EntryForAnnotator | null;
  entryLoading: boolean;
  /** Writes sent and not yet answered (the "saving…" indicator). */
  pendingWrites: number;
  /**
   * Shows an entry: at once when it was read ahead, then as the service has it now; `fresh`: the
   * entry as the service just gave it (with a queue page), shown without reading it again.
   */
  openEntry(id: string, fresh?: EntryForAnnotator): Promise<void>;
  /**
   * The entries read ahead next to the selection, most likely next first (the next one, then the
   * previous one): the code panes draw their texts before they are asked for.
   */
  ahead: EntryForAnnotator[];
  /** Reads these entries ahead (the queue's neighbours of the selection), so that moving to them shows them at once; null for one that could not be read. */
  prefetchEntries(ids: string[]): Promise<(EntryForAnnotator | null)[]>;
  /** Forgets the entries read ahead (another annotator, another project). */
  forgetEntries(): void;
  /** Sets one label (null clears it); the service's answer becomes what the screen shows. */
  setLabel(dimension: string, value: LabelValue | null, entryId?: string): Promise<void>;
  /** A hotkey or click on a value: toggles it against the latest saved state. */
  toggleLabel(dimension: string, valueId: string): Promise<void>;
  /** Saves the note of `entryId` (named, because a debounced save may land after the user moved on). */
  saveNote(entryId: string, text: string): Promise<void>;
  /** Marks the entry submitted and moves to the next one (Ctrl+Enter). */
  submit(): Promise<void>;
  reopen(): Promise<void>;
  /** Reverts this annotator's last label change, wherever it was (Ctrl+Z). */
  undo(): Promise<void>;
}

let openSeq = 0;

/** Resolves in a later task: work that can wait until the screen has answered a key press. */
export const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * Entries read for this annotator, by id, most recently used last: what `openEntry` shows at once.
 * Each write's answer updates its entry here; `version` counts them, so a read that started
 * before a write never puts back what the write replaced.
 */
const KEEP_ENTRIES = 64;
const cache = new Map<string, EntryForAnnotator>();
const version = new Map<string, number>();
const inFlight = new Map<string, Promise<EntryForAnnotator | null>>();
function remember(e: EntryForAnnotator): void {
  cache.delete(e.entry.id);
  cache.set(e.entry.id, e);
  for (const key of cache.keys()) {
    if (cache.size <= KEEP_ENTRIES) break;
    cache.delete(key);
  }
}
// Writes run one after another, so a burst of hotkeys lands in order and each toggle is computed
// from the state the previous write left on disk.
let writeChain: Promise<unknown> = Promise.resolve();

export const createEntrySlice: Slice<EntrySlice> = (set, get) => {
  function enqueue(work: () => Promise<void>): Promise<void> {
    set((s) => ({ pendingWrites: s.pendingWrites + 1 }));
    const run = writeChain.then(work).catch((e) => get().notify(describeError(e), 'error'));
    writeChain = run.finally(() => set((s) => ({ pendingWrites: s.pendingWrites - 1 })));
    return writeChain as Promise<void>;
  }

  /** Reads an entry for `me`; null when it was written meanwhile (the write's answer is newer) or the person changed. */
  function read(me: string, id: string): Promise<EntryForAnnotator | null> {
    let p = inFlight.get(id);
    if (!p) {
      const seen = version.get(id) ?? 0;
      p = api()
        .call('entries.get', { annotator: me, id })
        .then((e) => {
          if (get().me !== me || (version.get(id) ?? 0) !== seen) return null;
          remember(e);
          return e;
        })
        .finally(() => inFlight.delete(id));
      inFlight.set(id, p);
    }
    return p;
  }

  /** An entry as the service has it after a write: shown if it is the current one, kept, and its queue row brought in line. */
  function keep(e: EntryForAnnotator): void {
    version.set(e.entry.id, (version.get(e.entry.id) ?? 0) + 1);
    remember(e);
    get().syncRow({ entryId: e.entry.id, labels: e.labels, status: e.status });
    if (get().current?.entry.id === e.entry.id) set({ current: e });
  }

  /**
   * A write's answer, the annotator's part of an entry after its commit, put into the entry as
   * shown or kept. An entry held nowhere here is read when it is opened (its version moved on, so
   * a read begun before the write is not kept).
   */
  function accept(part: OwnPart): void {
    const { entryId, ...own } = part;
    const current = get().current;
    const held = current?.entry.id === entryId ? current : cache.get(entryId);
    if (held) return keep({ ...held, ...own });
    version.set(entryId, (version.get(entryId) ?? 0) + 1);
    get().syncRow(part);
  }

  return {
    current: null,
    entryLoading: false,
    pendingWrites: 0,
    ahead: [],

    async openEntry(id, fresh) {
      const me = get().me;
      if (!me) return;
      const seq = ++openSeq;
      // Read with the queue page, after any write this page has answered for it (none: no version).
      if (fresh?.entry.id === id && !version.has(id)) {
        remember(fresh);
        set({ current: fresh, entryLoading: false, bugPickerFor: null, lineSelection: null });
        return;
      }
      const known = cache.get(id);
      // Read ahead: shown in this very task, then checked against the service once the key press is answered.
      if (known) set({ current: known, entryLoading: false, bugPickerFor: null, lineSelection: null });
      else set({ entryLoading: true });
      try {
        if (known) await nextTask();
        if (seq !== openSeq) return;
        const e = await read(me, id);
        if (seq !== openSeq || get().me !== me || !e) return;
        if (!known) set({ current: e, entryLoading: false, bugPickerFor: null, lineSelection: null });
        else if (JSON.stringify(e) !== JSON.stringify(get().current)) set({ current: e });
      } catch (err) {
        if (seq === openSeq) set({ entryLoading: false });
        get().notify(describeError(err), 'error');
      }
    },

    prefetchEntries(ids) {
      const me = get().me;
      if (!me) return Promise.resolve(ids.map(() => null));
      return Promise.all(ids.map((id) => (cache.has(id) ? cache.get(id)! : read(me, id).catch(() => null))));
    },

    forgetEntries() {
      set({ ahead: [] });
      cache.clear();
      inFlight.clear();
      version.clear();
    },

    setLabel(dimension, value, entryId) {
      const { me, current } = get();
      const target = entryId ?? current?.entry.id;
      if (!me || !target) return Promise.resolve();
      return enqueue(async () => {
        accept(await api().call('labels.set', { annotator: me, entryId: target, dimension, value }));
      });
    },

    toggleLabel(dimension, valueId) {
      return enqueue(async () => {
        const { me, current, codebook } = get();
        if (!me || !current || !codebook) return;
        const dim = findDimension(codebook, dimension);
        if (!dim) return;
        if (!dimensionApplies(dim, current.entry, current.labels)) {
          const note = dimensionApplies(dim, current.entry) ? appliesIfNote(codebook, dim) : dim.appliesNote;
          get().notify(`${dim.label} ${note ?? 'does not apply to this entry'}.`);
          return;
        }
        let value: LabelValue | null;
        if (dim.kind === 'lines') {
          const pinned = pinSelection(dim, current.labels[dim.id], get().lineSelection, valueId);
          if (typeof pinned === 'string') {
            get().notify(pinned);
            return;
          }
          value = pinned;
        } else value = toggleValue(dim, current.labels[dim.id], valueId);
        accept(await api().call('labels.set', { annotator: me, entryId: current.entry.id, dimension: dim.id, value }));
      });
    },

    saveNote(entryId, text) {
      const me = get().me;
      if (!me) return Promise.resolve();
      return enqueue(async () => {
        const cur = get().current;
        if (cur?.entry.id === entryId && cur.note === text) return;
        accept(await api().call('labels.setNote', { annotator: me, entryId, text }));
      });
    },

    async submit() {
      const { me, current } = get();
      if (!me || !current) return;
      const entryId = current.entry.id;
      await enqueue(async () => {
        accept(await api().call('labels.setStatus', { annotator: me, entryId, status: 'submitted' }));
      });
      if (get().current?.entry.id === entryId && get().current?.status === 'submitted') await get().move(1);
    },

    async reopen() {
      const { me, current } = get();
      if (!me || !current) return;
      const entryId = current.entry.id;
      await enqueue(async () => {
        accept(await api().call('labels.setStatus', { annotator: me, entryId, status: 'draft' }));
      });
    },

    async undo() {
      const me = get().me;
      if (!me) return;
      await enqueue(async () => {
        const change = await api().call('labels.undo', { annotator: me });
        if (!change) {
          get().notify('Nothing to undo.');
          return;
        }
        const e = await api().call('entries.get', { annotator: me, id: change.entryId });
        keep(e);
        const dim = get().codebook ? findDimension(get().codebook!, change.dimension) : undefined;
        get().notify(`Undid ${dim?.label ?? change.dimension} on ${change.entryId}.`);
        if (get().current?.entry.id !== e.entry.id) {
          const at = get().rows.findIndex((r) => r?.id === e.entry.id);
          // Show the entry the undo touched, so the user sees what changed.
          if (at >= 0) {
            openSeq++;
            set({ selectedId: e.entry.id, selectedIndex: at, current: e });
          }
        }
      });
    },
  };
};

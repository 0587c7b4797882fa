import type { EventRecord } from '../../shared/api.ts';
import { api } from './client.ts';
import { describeError } from './session-slice.ts';
import type { Slice } from './types.ts';

/** The Activity view: the event log (every annotator's changes), newest first, a page at a time. */
export interface ActivityFilters {
  /** An actor's name, or '' for everyone. */
  actor: string;
  /** A kind family (label, decision...), or '' for all. */
  kind: string;
  /** Part of an entry id, or ''. */
  entry: string;
}

export interface ActivitySlice {
  activityEvents: EventRecord[];
  /** `before` for the next page; null when the oldest event is shown. */
  activityNext: number | null;
  activityFilters: ActivityFilters;
  activityLoading: boolean;
  activityError: string | null;
  /** The first page under the current filters (again). */
  loadActivity(): Promise<void>;
  loadMoreActivity(): Promise<void>;
  setActivityFilters(patch: Partial<ActivityFilters>): void;
  /** Opens an entry of the log in the Adjudicate view. */
  openActivityEntry(entryId: string): Promise<void>;
}

export const ACTIVITY_PAGE = 100;

let activitySeq = 0;

function request(f: ActivityFilters, before?: number) {
  return {
    limit: ACTIVITY_PAGE,
    ...(before !== undefined ? { before } : {}),
    ...(f.actor.trim() ? { actor: f.actor.trim() } : {}),
    ...(f.kind ? { kind: f.kind } : {}),
    ...(f.entry.trim() ? { entrySearch: f.entry.trim() } : {}),
  };
}

export const createActivitySlice: Slice<ActivitySlice> = (set, get) => ({
  activityEvents: [],
  activityNext: null,
  activityFilters: { actor: '', kind: '', entry: '' },
  activityLoading: false,
  activityError: null,

  async loadActivity() {
    const seq = ++activitySeq;
    set({ activityLoading: true, activityError: null });
    try {
      const page = await api().call('events.list', { ...request(get().activityFilters), as: get().me ?? '' });
      if (seq !== activitySeq) return;
      set({ activityEvents: page.events, activityNext: page.nextBefore, activityLoading: false });
    } catch (e) {
      if (seq !== activitySeq) return;
      set({ activityEvents: [], activityNext: null, activityLoading: false, activityError: describeError(e) });
    }
  },

  async loadMoreActivity() {
    const { activityNext, activityLoading, activityFilters } = get();
    if (activityNext === null || activityLoading) return;
    const seq = ++activitySeq;
    set({ activityLoading: true, activityError: null });
    try {
      const page = await api().call('events.list', { ...request(activityFilters, activityNext), as: get().me ?? '' });
      if (seq !== activitySeq) return;
      set((s) => ({ activityEvents: [...s.activityEvents, ...page.events], activityNext: page.nextBefore, activityLoading: false }));
    } catch (e) {
      if (seq !== activitySeq) return;
      set({ activityLoading: false, activityError: describeError(e) });
    }
  },

  setActivityFilters(patch) {
    set((s) => ({ activityFilters: { ...s.activityFilters, ...patch } }));
    void get().loadActivity();
  },

  async openActivityEntry(entryId) {
    // The entry is fetched first, so the Adjudicate view opens on it rather than on its queue's head.
    await get().selectAdjEntry(entryId);
    if (get().adjSelectedId === entryId) get().setView('adjudicate');
  },
});

import { findDimension, type LabelValue } from '../../shared/codebook/values.ts';
import { overridesMajority, valueKey, type DimensionConsensus, type QueueItem } from '../../shared/consensus/consensus.ts';
import { DEFAULT_QUEUE_PAGE } from '../../shared/queue-page.ts';
import type { AdjudicationEntry, AdjudicationSummary, QueuePage } from '../../shared/consensus/results.ts';
import { candidatesOf, cycleChoice, initialChoice, nextOpenDimension, stepDimension, applyHotkey } from '../views/adjudication/choices.ts';
import { api } from './client.ts';
import { describeError } from './session-slice.ts';
import type { Slice } from './types.ts';

/** A refusal shown beside the dimension it concerns (a missing rationale, an unknown value). */
export interface AdjError {
  dimension: string;
  message: string;
}

export interface AdjudicationSlice {
  /**
   * The open entries, most split first, read a page at a time (`adjudication.queuePage`): as long
   * as the whole queue, holding the pages read so far (the rest are holes).
   */
  adjQueue: (QueueItem | undefined)[];
  /** Position of the selected entry in the queue (null when it is not open). */
  adjSelectedIndex: number | null;
  adjSummary: AdjudicationSummary | null;
  adjEntry: AdjudicationEntry | null;
  adjSelectedId: string | null;
  adjLoading: boolean;
  /** Dimension the keyboard acts on. */
  adjFocus: string | null;
  /** The value each dimension of the open entry would be decided as (preselected: decision, else proposal). */
  adjChoices: Record<string, LabelValue | null>;
  adjRationales: Record<string, string>;
  adjError: AdjError | null;
  /** Show annotators as "Annotator A, B, ..." so nobody argues for their own label. */
  adjHideNames: boolean;
  /** Projector layout: one entry at a time, large type, high contrast. */
  adjMeeting: boolean;
  /** Entries seen open since the view (or the meeting) started: the "of N" in "12 of N left". */
  adjSeen: number;
  /** Entries settled by decisions since then. */
  adjSettled: number;
  adjConfirmAccept: boolean;
  adjBusy: boolean;
  /** The queue lists only entries with an open conflict (labels where a dimension does not apply). */
  adjConflictsOnly: boolean;
  /** The queue lists only the entries of this calibration round (null: every entry). */
  adjRound: string | null;

  loadAdjudication(): Promise<void>;
  /** Reads the queue pages that hold positions `from` to `to`, unless read already. */
  ensureAdjRows(from: number, to: number): Promise<void>;
  selectAdjEntry(id: string, focus?: string | null): Promise<void>;
  moveAdj(delta: 1 | -1): Promise<void>;
  focusAdj(dimension: string): void;
  stepAdjFocus(delta: 1 | -1): void;
  chooseAdj(dimension: string, value: LabelValue | null): void;
  cycleAdjChoice(delta: 1 | -1): void;
  /** A codebook value hotkey: sets (or toggles, for sets) that value on its dimension. */
  hotkeyAdj(dimension: string, valueId: string): void;
  setAdjRationale(dimension: string, text: string): void;
  /** Decides the focused dimension (or `dimension`) with its current choice, then moves on. */
  decideAdj(dimension?: string): Promise<boolean>;
  acceptAllMajorities(): Promise<void>;
  setConfirmAccept(open: boolean): void;
  undoAdj(): Promise<void>;
  setHideNames(hide: boolean): Promise<void>;
  setMeeting(on: boolean): void;
  setAdjConflictsOnly(on: boolean): Promise<void>;
  setAdjRound(round: string | null): Promise<void>;
}

let entrySeq = 0;
let listSeq = 0;
const PAGE = DEFAULT_QUEUE_PAGE;
/** Pages being read for the current queue, so a page is asked for once. */
let reading = new Map<number, Promise<void>>();

export const createAdjudicationSlice: Slice<AdjudicationSlice> = (set, get) => {
  /** Fetches one entry; keeps choices the decider already made on it unless told to start over. */
  async function fetchEntry(id: string, opts: { reset?: string[] | 'all'; focus?: string | null } = {}): Promise<void> {
    const seq = ++entrySeq;
    const e = await api().call('adjudication.entry', { as: get().me ?? '', entryId: id, hideNames: get().adjHideNames });
    if (seq !== entrySeq) return;
    const same = get().adjEntry?.entry.id === id;
    const old = get().adjChoices;
    const choices: Record<string, LabelValue | null> = {};
    for (const d of e.dimensions) {
      const reset = !same || opts.reset === 'all' || (opts.reset ?? []).includes(d.dimension) || !(d.dimension in old);
      choices[d.dimension] = reset ? initialChoice(d) : old[d.dimension];
    }
    const focus =
      opts.focus !== undefined && opts.focus !== null && e.dimensions.some((d) => d.dimension === opts.focus)
        ? opts.focus
        : same && opts.focus === undefined && get().adjFocus
          ? get().adjFocus
          : (nextOpenDimension(e.dimensions) ?? stepDimension(e.dimensions, null, 1, get().adjMeeting));
    const index = get().adjQueue.findIndex((q) => q?.entryId === id);
    set({
      adjEntry: e,
      adjSelectedId: id,
      adjSelectedIndex: index >= 0 ? index : null,
      adjChoices: choices,
      adjRationales: same ? get().adjRationales : {},
      adjFocus: focus,
      adjError: null,
    });
  }

  const queueArgs = () => ({
    as: get().me ?? '',
    ...(get().adjConflictsOnly ? { conflicts: true } : {}),
    ...(get().adjRound ? { round: get().adjRound! } : {}),
  });

  /** Puts a page of the queue in place, if it was read for the queue shown. */
  function place(page: QueuePage, seq: number): void {
    if (seq !== listSeq) return;
    set((s) => {
      const queue = s.adjQueue.length === page.total ? s.adjQueue.slice() : new Array<QueueItem | undefined>(page.total);
      page.items.forEach((q, i) => (queue[page.offset + i] = q));
      const index = s.adjSelectedId ? queue.findIndex((q) => q?.entryId === s.adjSelectedId) : -1;
      return { adjQueue: queue, adjSelectedIndex: index >= 0 ? index : null };
    });
  }

  /**
   * Reads the queue afresh (it changes with every decision) and the summary: the page that holds
   * `around` (the selected entry), else the page at position `at`.
   */
  async function refreshLists(opts: { around?: string | null; at?: number } = {}): Promise<QueuePage> {
    const seq = ++listSeq;
    reading = new Map();
    const [page, summary] = await Promise.all([
      api().call('adjudication.queuePage', {
        ...queueArgs(),
        limit: PAGE,
        ...(opts.around ? { around: opts.around } : {}),
        ...(opts.at !== undefined ? { offset: Math.max(0, opts.at - (opts.at % PAGE)) } : {}),
      }),
      api().call('adjudication.summary', { as: get().me ?? '' }),
    ]);
    if (seq !== listSeq) return page;
    reading.set(page.offset / PAGE, Promise.resolve());
    set((s) => ({ adjQueue: new Array<QueueItem | undefined>(page.total), adjSummary: summary, adjSeen: Math.max(s.adjSeen, page.total + s.adjSettled) }));
    place(page, seq);
    return page;
  }

  function readPage(n: number): Promise<void> {
    let p = reading.get(n);
    if (!p) {
      const seq = listSeq;
      p = api()
        .call('adjudication.queuePage', { ...queueArgs(), offset: n * PAGE, limit: PAGE })
        .then((page) => place(page, seq))
        .catch((e) => {
          reading.delete(n);
          get().notify(describeError(e), 'error');
        });
      reading.set(n, p);
    }
    return p;
  }

  /** The item at a position of the page just read (or of the queue), if there is one. */
  const itemAt = (page: QueuePage, i: number) => page.items[i - page.offset] ?? get().adjQueue[i];

  return {
    adjQueue: [],
    adjSelectedIndex: null,
    adjSummary: null,
    adjEntry: null,
    adjSelectedId: null,
    adjLoading: false,
    adjFocus: null,
    adjChoices: {},
    adjRationales: {},
    adjError: null,
    adjHideNames: false,
    adjMeeting: false,
    adjSeen: 0,
    adjSettled: 0,
    adjConfirmAccept: false,
    adjBusy: false,
    adjConflictsOnly: false,
    adjRound: null,

    async loadAdjudication() {
      set({ adjLoading: true });
      try {
        const sel = get().adjSelectedId;
        const page = await refreshLists({ around: sel });
        const keep = sel && (page.index !== null || get().adjEntry?.entry.id === sel);
        if (keep) await fetchEntry(sel);
        else if (page.items.length) await fetchEntry(page.items[0].entryId);
        else set({ adjEntry: null, adjSelectedId: null, adjSelectedIndex: null, adjFocus: null });
      } catch (e) {
        get().notify(describeError(e), 'error');
      } finally {
        set({ adjLoading: false });
      }
    },

    async ensureAdjRows(from, to) {
      const { adjQueue } = get();
      const wanted: Promise<void>[] = [];
      for (let n = Math.floor(Math.max(0, from) / PAGE); n <= Math.floor(Math.min(adjQueue.length - 1, to) / PAGE); n++)
        if (adjQueue[n * PAGE] === undefined || adjQueue[Math.min(adjQueue.length - 1, n * PAGE + PAGE - 1)] === undefined) wanted.push(readPage(n));
      await Promise.all(wanted);
    },

    async selectAdjEntry(id, focus) {
      try {
        await fetchEntry(id, { focus: focus ?? null });
      } catch (e) {
        get().notify(describeError(e), 'error');
      }
    },

    async moveAdj(delta) {
      const { adjQueue, adjSelectedIndex } = get();
      if (!adjQueue.length) return;
      const next = adjSelectedIndex === null ? (delta > 0 ? 0 : adjQueue.length - 1) : Math.min(adjQueue.length - 1, Math.max(0, adjSelectedIndex + delta));
      if (!get().adjQueue[next]) await get().ensureAdjRows(next, next);
      const item = get().adjQueue[next];
      if (item && item.entryId !== get().adjSelectedId) await get().selectAdjEntry(item.entryId);
    },

    focusAdj(dimension) {
      set({ adjFocus: dimension, adjError: null });
    },

    stepAdjFocus(delta) {
      const e = get().adjEntry;
      if (!e) return;
      set({ adjFocus: stepDimension(e.dimensions, get().adjFocus, delta, get().adjMeeting), adjError: null });
    },

    chooseAdj(dimension, value) {
      set((s) => ({ adjChoices: { ...s.adjChoices, [dimension]: value }, adjFocus: dimension, adjError: null }));
    },

    cycleAdjChoice(delta) {
      const { adjEntry, adjFocus, adjChoices } = get();
      const c = adjEntry?.dimensions.find((d) => d.dimension === adjFocus);
      if (!c) return;
      const current = adjChoices[c.dimension] ?? null;
      const dim = get().codebook && findDimension(get().codebook!, c.dimension);
      get().chooseAdj(c.dimension, cycleChoice(candidatesOf(c, current, dim || undefined), current, delta));
    },

    hotkeyAdj(dimension, valueId) {
      const { adjEntry, codebook, adjChoices } = get();
      const dim = codebook && findDimension(codebook, dimension);
      if (!dim || !adjEntry) return;
      if (!adjEntry.dimensions.some((d) => d.dimension === dim.id)) {
        get().notify(`${dim.label} ${dim.appliesNote ?? 'does not apply to this entry'}.`);
        return;
      }
      get().chooseAdj(dim.id, applyHotkey(dim, adjChoices[dim.id] ?? null, valueId));
    },

    setAdjRationale(dimension, text) {
      set((s) => ({ adjRationales: { ...s.adjRationales, [dimension]: text }, adjError: s.adjError?.dimension === dimension ? null : s.adjError }));
    },

    async decideAdj(dimension) {
      const { adjEntry, me, adjChoices, adjRationales, adjBusy } = get();
      const dimId = dimension ?? get().adjFocus;
      if (!adjEntry || !dimId || adjBusy) return false;
      if (!me) {
        get().notify('Say who you are first: decisions are recorded under your name.', 'error');
        return false;
      }
      const c = adjEntry.dimensions.find((d) => d.dimension === dimId);
      if (!c) return false;
      const value = adjChoices[dimId] ?? null;
      if (value === null) {
        set({ adjError: { dimension: dimId, message: `No majority on ${c.label}: choose a value first (← → or the codebook keys).` } });
        return false;
      }
      // Confirming a decision as it stands (a stale one, looked at again) keeps its rationale unless a new one is given.
      const rationale = adjRationales[dimId]?.trim() || (keepsRationale(c, value) ? c.decision!.rationale! : undefined);
      // The service refuses this too; asking here first keeps the refusal instant and off the wire.
      if (!rationale && overridesMajority(c, value)) {
        const what = c.labelStatus === 'agreed' ? 'the unanimous value' : 'the majority';
        set({ adjError: { dimension: dimId, message: `Overriding ${what} of ${c.label} needs a rationale: say why, then Enter.` } });
        return false;
      }
      set({ adjBusy: true });
      try {
        await api().call('adjudication.decide', { as: get().me ?? '', entryId: adjEntry.entry.id, dimension: dimId, value, rationale, decidedBy: me });
      } catch (e) {
        set({ adjBusy: false, adjError: { dimension: dimId, message: describeError(e) } });
        return false;
      }
      try {
        const at = get().adjSelectedIndex;
        const id = adjEntry.entry.id;
        let page = await refreshLists({ around: id });
        // The entry left the queue: the one that followed it now stands where it stood.
        const settled = page.index === null && at !== null;
        if (settled) {
          set((s) => ({ adjSettled: s.adjSettled + 1 }));
          page = await refreshLists({ at: Math.min(at, Math.max(0, page.total - 1)) });
        }
        await fetchEntry(id, { reset: [dimId], focus: dimId });
        const now = get().adjEntry!;
        const nextDim = nextOpenDimension(now.dimensions, dimId);
        set((s) => ({ adjRationales: { ...s.adjRationales, [dimId]: '' } }));
        if (nextDim) set({ adjFocus: nextDim });
        else if (page.total) {
          // The entry is settled: go on to the one that followed it, as the queue was ordered.
          const following = settled ? itemAt(page, Math.min(at, page.total - 1)) : undefined;
          await fetchEntry((following ?? page.items[0]).entryId);
        }
      } catch (e) {
        get().notify(describeError(e), 'error');
      } finally {
        set({ adjBusy: false });
      }
      return true;
    },

    async acceptAllMajorities() {
      const me = get().me;
      set({ adjConfirmAccept: false });
      if (!me) {
        get().notify('Say who you are first: decisions are recorded under your name.', 'error');
        return;
      }
      set({ adjBusy: true });
      try {
        const r = await api().call('adjudication.acceptMajorities', { as: get().me ?? '', decidedBy: me });
        get().notify(r.accepted ? `Accepted ${r.accepted} majorit${r.accepted === 1 ? 'y' : 'ies'}. Undo reverses the whole batch.` : 'No open majority to accept.');
        const sel = get().adjSelectedId;
        const page = await refreshLists({ around: sel });
        const target = sel && page.index !== null ? sel : page.items[0]?.entryId;
        if (target) await fetchEntry(target, { reset: 'all' });
        else if (sel) await fetchEntry(sel, { reset: 'all' });
      } catch (e) {
        get().notify(describeError(e), 'error');
      } finally {
        set({ adjBusy: false });
      }
    },

    setConfirmAccept(open) {
      set({ adjConfirmAccept: open });
    },

    async undoAdj() {
      const me = get().me;
      if (!me || get().adjBusy) return;
      set({ adjBusy: true });
      try {
        const r = await api().call('adjudication.undo', { as: get().me ?? '', actor: me });
        if (!r) {
          get().notify('Nothing to undo.');
          return;
        }
        await refreshLists({ around: r.restored.length === 1 ? r.restored[0].entryId : get().adjSelectedId });
        const { codebook } = get();
        if (r.restored.length === 1) {
          const [one] = r.restored;
          const label = (codebook && findDimension(codebook, one.dimension)?.label) ?? one.dimension;
          get().notify(`Undid the decision on ${label} of ${one.entryId}.`);
          await fetchEntry(one.entryId, { reset: 'all', focus: one.dimension });
        } else {
          get().notify(`Undid ${r.restored.length} decisions at once.`);
          const sel = get().adjSelectedId;
          if (sel) await fetchEntry(sel, { reset: 'all' });
        }
      } catch (e) {
        get().notify(describeError(e), 'error');
      } finally {
        set({ adjBusy: false });
      }
    },

    async setHideNames(hide) {
      set({ adjHideNames: hide });
      const sel = get().adjSelectedId;
      if (sel) await get().selectAdjEntry(sel, get().adjFocus);
    },

    async setAdjConflictsOnly(on) {
      set({ adjConflictsOnly: on, adjLoading: true });
      try {
        // Turning the filter on goes to the first conflict unless the open entry is one.
        const sel = get().adjSelectedId;
        const page = await refreshLists({ around: sel });
        if (page.items.length && page.index === null) await fetchEntry(page.items[0].entryId);
      } catch (e) {
        get().notify(describeError(e), 'error');
      } finally {
        set({ adjLoading: false });
      }
    },

    async setAdjRound(round) {
      set({ adjRound: round, adjLoading: true });
      try {
        // The open entry stays open if the round has it; else the round's first entry opens.
        const page = await refreshLists({ around: get().adjSelectedId });
        if (page.items.length && page.index === null) await fetchEntry(page.items[0].entryId);
      } catch (e) {
        get().notify(describeError(e), 'error');
      } finally {
        set({ adjLoading: false });
      }
    },

    setMeeting(on) {
      // A meeting counts from where it starts: "12 of 47 left" means 47 when it began.
      set((s) => ({ adjMeeting: on, ...(on ? { adjSeen: s.adjQueue.length, adjSettled: 0 } : {}) }));
    },
  };
};

/** Whether the current choice on a dimension overrides what a majority (or everyone) chose. */
export function needsRationale(e: AdjudicationEntry | null, dimension: string, choice: LabelValue | null | undefined): boolean {
  const c = e?.dimensions.find((d) => d.dimension === dimension);
  return !!c && choice !== null && choice !== undefined && overridesMajority(c, choice);
}

/** Whether deciding `choice` again confirms the recorded decision, whose rationale then carries over. */
export function keepsRationale(c: DimensionConsensus, choice: LabelValue | null | undefined): boolean {
  return !!c.decision?.rationale && choice !== null && choice !== undefined && valueKey(choice) === valueKey(c.decision.value);
}

import { needsAttention, openConflict, queueItem, type ConsensusStatus, type DimensionConsensus, type QueueItem } from '../shared/consensus/consensus.ts';
import type { AdjudicationSummary } from '../shared/consensus/results.ts';
import type { Db } from './database.ts';
import { changeMarker, sameMarker, type ChangeMarker } from './data/changes.ts';
import { openStore } from './data/index.ts';
import { naturalKey } from './data/natural-key.ts';

/**
 * The consensus of every entry, kept between calls so that the adjudication queue and summary
 * answer a meeting at once at any size. Built from the whole study once; after that, each call
 * asks the database whether anything was written (`changeMarker`) and, if so, the event log which
 * entries it touched, and computes only those again, moving each in the queues and the summary
 * it already holds. Every write of the app is logged with its entry, so the log says what
 * changed. The index starts over whenever it cannot be sure: a logged change that names no entry
 * (an automatic assignment), writes the log does not show (another tool), a log that no longer
 * holds the event it stood at (a restored backup), another codebook.
 */

/** What the queue and the summary need of one dimension of one entry. */
export type DimState = Pick<DimensionConsensus, 'dimension' | 'status' | 'support' | 'stale' | 'conflict'>;

export const dimState = (c: DimensionConsensus): DimState => ({ dimension: c.dimension, status: c.status, support: c.support, stale: c.stale, conflict: c.conflict });

/** One entry as the index keeps it. */
export interface EntryState {
  id: string;
  /** The natural order of ids, as bytes (db/data/natural-key.ts). */
  key: string;
  dims: DimState[];
}

/** Kinds of change that name no entry and change no consensus (their entries' own events follow them). */
const NO_CONSENSUS_CHANGE = new Set(['annotator.create', 'decision.accept-majorities', 'decision.undo', 'pack.merge', 'pack.starter', 'project.create']);

export interface ConsensusSource {
  /** Every entry's state, by row id (the whole study at once). */
  all(): Map<number, EntryState>;
  /** The consensus of one entry (undefined when it no longer exists). */
  one(rowId: number): DimensionConsensus[] | undefined;
}

/** One queue as it is listed: its items in `orderQueue`'s order, and each item's natural key beside it. */
interface Queue {
  dimension: string | undefined;
  conflictsOnly: boolean;
  items: QueueItem[];
  keys: string[];
}

type Counts = { counts: Record<ConsensusStatus, number>; stale: number; conflicts: number };

type LogMark = { id: number; at: string; kind: string };

/**
 * Every entry's state as another connection worked it out (a worker that read the labels ahead),
 * compact to hand across threads: most entries share their dimensions' states, so each distinct
 * state is sent once and each entry's as indexes into them.
 */
export interface ConsensusSeed {
  /** The codebook and the newest event the states were worked out at. */
  codebook: string;
  logMark: LogMark | undefined;
  rowIds: Int32Array;
  ids: string[];
  keys: string[];
  /** Entry i's states are states[at[start[i]]] .. states[at[start[i + 1] - 1]]. */
  start: Int32Array;
  at: Int32Array;
  states: DimState[];
}

/** `entries` as a seed (see ConsensusSeed). */
export function seedOf(entries: Map<number, EntryState>, codebook: string, logMark: LogMark | undefined): ConsensusSeed {
  const n = entries.size;
  const seed: ConsensusSeed = { codebook, logMark, rowIds: new Int32Array(n), ids: [], keys: [], start: new Int32Array(n + 1), at: new Int32Array(0), states: [] };
  const stateAt = new Map<DimState, number>();
  const at: number[] = [];
  let i = 0;
  for (const [rowId, e] of entries) {
    seed.rowIds[i] = rowId;
    seed.ids.push(e.id);
    seed.keys.push(e.key);
    for (const d of e.dims) {
      let k = stateAt.get(d);
      if (k === undefined) stateAt.set(d, (k = seed.states.push(d) - 1));
      at.push(k);
    }
    seed.start[++i] = at.length;
  }
  seed.at = Int32Array.from(at);
  return seed;
}

function entriesOf(seed: ConsensusSeed): Map<number, EntryState> {
  const entries = new Map<number, EntryState>();
  for (let i = 0; i < seed.rowIds.length; i++) {
    const dims: DimState[] = [];
    for (let k = seed.start[i]; k < seed.start[i + 1]; k++) dims.push(seed.states[seed.at[k]]);
    entries.set(seed.rowIds[i], { id: seed.ids[i], key: seed.keys[i], dims });
  }
  return entries;
}

export class ConsensusIndex {
  private entries = new Map<number, EntryState>();
  private marker: ChangeMarker | null = null;
  private logMark: LogMark | undefined;
  private codebook = '';
  private queues = new Map<string, Queue>();
  /** The summary's counts, kept current entry by entry. */
  private totals: { byDim: Map<string, Counts>; openEntries: number; openConflicts: number } | null = null;
  /** How the index was brought up to date last time: for tests and the bench. */
  lastSync: 'unchanged' | 'incremental' | 'rebuilt' | 'adopted' = 'rebuilt';

  constructor(
    private readonly db: Db,
    private readonly source: ConsensusSource,
    private readonly dimensions: () => { id: string; label: string }[],
  ) {}

  /** Whether it holds every entry's state (built or adopted), up to date or not. */
  get held(): boolean {
    return this.marker !== null;
  }

  /** Brings the index up to date with the database. */
  sync(): void {
    const store = openStore(this.db);
    const marker = changeMarker(this.db);
    const codebook = store.project.codebookJson() ?? '';
    if (sameMarker(this.marker, marker) && codebook === this.codebook) {
      this.lastSync = 'unchanged';
      return;
    }
    const stillThere = this.logMark ? store.events.mark(this.logMark.id) : undefined;
    const anchored = !!this.marker && codebook === this.codebook && (this.logMark === undefined || (stillThere?.at === this.logMark.at && stillThere.kind === this.logMark.kind));
    const changed = anchored ? store.events.changedSince(this.logMark?.id ?? 0) : null;
    if (!changed || changed.unscoped.some((k) => !NO_CONSENSUS_CHANGE.has(k)) || changed.entries.length === 0 || changed.entries.length > this.entries.size / 4 + 100) {
      this.entries = this.source.all();
      this.queues.clear();
      this.totals = null;
      this.lastSync = 'rebuilt';
    } else {
      this.computeAgain(changed.entries);
      this.lastSync = 'incremental';
    }
    // Read after the work: a write made meanwhile by another connection is seen next time.
    this.marker = marker;
    this.codebook = codebook;
    this.logMark = store.events.newest();
  }

  /**
   * Takes over the states another connection worked out (`seedOf`), unless this index holds
   * states already: kept when the log still holds the event they stood at and shows only changes
   * that name their entries since (those entries are computed again); else refused, and the next
   * call builds the index itself. False when not taken.
   */
  adopt(seed: ConsensusSeed): boolean {
    if (this.held) return false;
    const store = openStore(this.db);
    return this.db.transaction(() => {
      const codebook = store.project.codebookJson() ?? '';
      const stillThere = seed.logMark ? store.events.mark(seed.logMark.id) : undefined;
      if (seed.codebook !== codebook || (seed.logMark && (stillThere?.at !== seed.logMark.at || stillThere.kind !== seed.logMark.kind))) return false;
      const changed = store.events.changedSince(seed.logMark?.id ?? 0);
      if (changed.unscoped.some((k) => !NO_CONSENSUS_CHANGE.has(k))) return false;
      this.entries = entriesOf(seed);
      this.queues.clear();
      this.totals = null;
      this.computeAgain(changed.entries);
      this.marker = changeMarker(this.db);
      this.codebook = codebook;
      this.logMark = store.events.newest();
      this.lastSync = 'adopted';
      return true;
    })();
  }

  /** The states of these entries (by id) computed again, each moved in the queues and the summary. */
  private computeAgain(extIds: Iterable<string>): void {
    const store = openStore(this.db);
    for (const extId of extIds) {
      const ref = store.entries.ref(extId);
      if (!ref) {
        for (const [rowId, e] of this.entries) if (e.id === extId) this.replace(rowId, undefined);
        continue;
      }
      const cs = this.source.one(ref.rowId);
      this.replace(ref.rowId, cs && { id: ref.id, key: naturalKey(ref.id), dims: cs.map(dimState) });
    }
  }

  /** Puts an entry's new state (undefined: gone) in place of its old one, in the queues and the summary too. */
  private replace(rowId: number, next: EntryState | undefined): void {
    const prev = this.entries.get(rowId);
    if (prev) this.count(prev, -1);
    if (next) {
      this.entries.set(rowId, next);
      this.count(next, 1);
    } else this.entries.delete(rowId);
    for (const q of this.queues.values()) {
      if (prev) {
        const at = q.items.findIndex((item) => item.entryId === prev.id);
        if (at >= 0) {
          q.items.splice(at, 1);
          q.keys.splice(at, 1);
        }
      }
      const item = next && itemOf(next, q.dimension, q.conflictsOnly);
      if (item) {
        const at = insertionPoint(q, item, next!.key);
        q.items.splice(at, 0, item);
        q.keys.splice(at, 0, next!.key);
      }
    }
  }

  /** The open entries, most split first (as `orderQueue`), for one dimension or all, conflicts only or not. */
  queue(dimension: string | undefined, conflictsOnly: boolean): readonly QueueItem[] {
    const cacheKey = `${dimension ?? ''}\u0000${conflictsOnly}`;
    let q = this.queues.get(cacheKey);
    if (!q) {
      const listed: { item: QueueItem; key: string }[] = [];
      for (const e of this.entries.values()) {
        const item = itemOf(e, dimension, conflictsOnly);
        if (item) listed.push({ item, key: e.key });
      }
      listed.sort((a, b) => compareItems(a.item, a.key, b.item, b.key));
      q = { dimension, conflictsOnly, items: listed.map((x) => x.item), keys: listed.map((x) => x.key) };
      this.queues.set(cacheKey, q);
    }
    return q.items;
  }

  summary(): AdjudicationSummary {
    if (!this.totals) {
      this.totals = { byDim: new Map(), openEntries: 0, openConflicts: 0 };
      for (const e of this.entries.values()) this.count(e, 1);
    }
    const { byDim, openEntries, openConflicts } = this.totals;
    const zero = (): Counts => ({ counts: { agreed: 0, majority: 0, 'needs-decision': 0, decided: 0, single: 0, unlabelled: 0 }, stale: 0, conflicts: 0 });
    return {
      dimensions: this.dimensions().map((d) => {
        const c = byDim.get(d.id) ?? zero();
        return { dimension: d.id, label: d.label, counts: { ...c.counts }, stale: c.stale, conflicts: c.conflicts };
      }),
      openEntries,
      openConflicts,
    };
  }

  /** Adds (`sign` 1) or takes away (-1) an entry's part of the summary's counts, once they are kept. */
  private count(e: EntryState, sign: 1 | -1): void {
    if (!this.totals) return;
    let open = false;
    let conflict = false;
    for (const c of e.dims) {
      let d = this.totals.byDim.get(c.dimension);
      if (!d) this.totals.byDim.set(c.dimension, (d = { counts: { agreed: 0, majority: 0, 'needs-decision': 0, decided: 0, single: 0, unlabelled: 0 }, stale: 0, conflicts: 0 }));
      d.counts[c.status] += sign;
      if (c.stale) d.stale += sign;
      if (c.conflict) d.conflicts += sign;
      if (needsAttention(c)) {
        open = true;
        if (openConflict(c)) conflict = true;
      }
    }
    if (open) this.totals.openEntries += sign;
    if (conflict) this.totals.openConflicts += sign;
  }
}

/** An entry's row in one queue, or null when that queue does not list it. */
function itemOf(e: EntryState, dimension: string | undefined, conflictsOnly: boolean): QueueItem | null {
  const dims = dimension === undefined ? e.dims : e.dims.filter((d) => d.dimension === dimension);
  if (!dims.some(needsAttention)) return null;
  const item = queueItem(e.id, dims as DimensionConsensus[])!;
  return !conflictsOnly || item.conflicts > 0 ? item : null;
}

/** orderQueue's order, with the natural order of ids read from the precomputed keys. */
function compareItems(a: QueueItem, aKey: string, b: QueueItem, bKey: string): number {
  return (
    b.needsDecision - a.needsDecision ||
    b.split - a.split ||
    b.open.length - a.open.length ||
    (aKey < bKey ? -1 : aKey > bKey ? 1 : a.entryId < b.entryId ? -1 : a.entryId > b.entryId ? 1 : 0)
  );
}

/** Where an item goes in a queue kept in order (binary search). */
function insertionPoint(q: Queue, item: QueueItem, key: string): number {
  let lo = 0;
  let hi = q.items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareItems(q.items[mid], q.keys[mid], item, key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

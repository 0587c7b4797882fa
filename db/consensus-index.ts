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
 * entries it touched, and computes only those again. Every write of the app is logged with its
 * entry, so the log says what changed. The index starts over whenever it cannot be sure: a logged
 * change that names no entry (an automatic assignment), writes the log does not show (another
 * tool), a log that no longer holds the event it stood at (a restored backup), another codebook.
 */

/** What the queue and the summary need of one dimension of one entry. */
type DimState = Pick<DimensionConsensus, 'dimension' | 'status' | 'support' | 'stale' | 'conflict'>;

interface EntryState {
  id: string;
  /** The natural order of ids, as bytes (db/data/natural-key.ts). */
  key: string;
  dims: DimState[];
}

/** Kinds of change that name no entry and change no consensus (their entries' own events follow them). */
const NO_CONSENSUS_CHANGE = new Set(['annotator.create', 'decision.accept-majorities', 'decision.undo', 'pack.merge', 'pack.starter', 'project.create']);

export interface ConsensusSource {
  /** The consensus of every entry, in the natural order of ids. */
  all(): { rowId: number; id: string; consensus: DimensionConsensus[] }[];
  /** The consensus of one entry (undefined when it no longer exists). */
  one(rowId: number): DimensionConsensus[] | undefined;
}

export class ConsensusIndex {
  private entries = new Map<number, EntryState>();
  private marker: ChangeMarker | null = null;
  private logMark: { id: number; at: string; kind: string } | undefined;
  private codebook = '';
  private queues = new Map<string, QueueItem[]>();
  private summaryCache: AdjudicationSummary | null = null;
  /** How the index was brought up to date last time: for tests and the bench. */
  lastSync: 'unchanged' | 'incremental' | 'rebuilt' = 'rebuilt';

  constructor(
    private readonly db: Db,
    private readonly source: ConsensusSource,
    private readonly dimensions: () => { id: string; label: string }[],
  ) {}

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
      this.rebuild();
      this.lastSync = 'rebuilt';
    } else {
      for (const extId of changed.entries) {
        const ref = store.entries.ref(extId);
        if (!ref) {
          for (const [rowId, e] of this.entries) if (e.id === extId) this.entries.delete(rowId);
          continue;
        }
        const cs = this.source.one(ref.rowId);
        if (cs) this.entries.set(ref.rowId, { id: ref.id, key: naturalKey(ref.id), dims: cs.map(dimState) });
        else this.entries.delete(ref.rowId);
      }
      this.lastSync = 'incremental';
    }
    this.queues.clear();
    this.summaryCache = null;
    // Read after the work: a write made meanwhile by another connection is seen next time.
    this.marker = marker;
    this.codebook = codebook;
    this.logMark = store.events.newest();
  }

  private rebuild(): void {
    this.entries.clear();
    for (const e of this.source.all()) this.entries.set(e.rowId, { id: e.id, key: naturalKey(e.id), dims: e.consensus.map(dimState) });
  }

  /** The open entries, most split first (as `orderQueue`), for one dimension or all, conflicts only or not. */
  queue(dimension: string | undefined, conflictsOnly: boolean): QueueItem[] {
    const cacheKey = `${dimension ?? ''}\u0000${conflictsOnly}`;
    let list = this.queues.get(cacheKey);
    if (!list) {
      const items: { item: QueueItem; key: string }[] = [];
      for (const e of this.entries.values()) {
        const dims = dimension === undefined ? e.dims : e.dims.filter((d) => d.dimension === dimension);
        if (!dims.some(needsAttention)) continue;
        const item = queueItem(e.id, dims as DimensionConsensus[])!;
        if (!conflictsOnly || item.conflicts > 0) items.push({ item, key: e.key });
      }
      // orderQueue's order, with the natural order of ids read from the precomputed keys.
      items.sort(
        (a, b) =>
          b.item.needsDecision - a.item.needsDecision ||
          b.item.split - a.item.split ||
          b.item.open.length - a.item.open.length ||
          (a.key < b.key ? -1 : a.key > b.key ? 1 : a.item.entryId < b.item.entryId ? -1 : a.item.entryId > b.item.entryId ? 1 : 0),
      );
      list = items.map((x) => x.item);
      this.queues.set(cacheKey, list);
    }
    return list;
  }

  summary(): AdjudicationSummary {
    if (this.summaryCache) return this.summaryCache;
    const zero = (): Record<ConsensusStatus, number> => ({ agreed: 0, majority: 0, 'needs-decision': 0, decided: 0, single: 0, unlabelled: 0 });
    const byDim = new Map(this.dimensions().map((d) => [d.id, { dimension: d.id, label: d.label, counts: zero(), stale: 0, conflicts: 0 }]));
    let openEntries = 0;
    let openConflicts = 0;
    for (const e of this.entries.values()) {
      let open = false;
      let conflict = false;
      for (const c of e.dims) {
        const d = byDim.get(c.dimension)!;
        d.counts[c.status]++;
        if (c.stale) d.stale++;
        if (c.conflict) d.conflicts++;
        if (needsAttention(c)) {
          open = true;
          if (openConflict(c)) conflict = true;
        }
      }
      if (open) openEntries++;
      if (conflict) openConflicts++;
    }
    this.summaryCache = { dimensions: [...byDim.values()], openEntries, openConflicts };
    return this.summaryCache;
  }
}

const dimState = (c: DimensionConsensus): DimState => ({ dimension: c.dimension, status: c.status, support: c.support, stale: c.stale, conflict: c.conflict });

import type { Dimension } from '../codebook/schema.ts';
import type { LabelValue } from '../codebook/values.ts';
import type { Entry } from '../types.ts';
import type { ConsensusStatus, DimensionConsensus, QueueItem } from './consensus.ts';

/** Results of the adjudication methods (implemented in db/adjudication.ts). */

export interface AdjudicationSummary {
  /**
   * `stale`: decided values (counted under `decided` too) whose labels changed since the decision.
   * `conflicts`: entries labelled on this dimension where it does not apply (decided or not).
   */
  dimensions: { dimension: string; label: string; counts: Record<ConsensusStatus, number>; stale: number; conflicts: number }[];
  /** Entries with at least one open disagreement or stale decision. */
  openEntries: number;
  /** Entries with an open conflict (what the queue's "conflicts" filter lists). */
  openConflicts: number;
}

export interface AdjudicationEntry {
  entry: Entry;
  /** Column order of the grid: the entry's raters (its assignees once entries are assigned; names hidden when asked). */
  annotators: string[];
  dimensions: (DimensionConsensus & { label: string; kind: Dimension['kind'] })[];
}

export interface AcceptMajoritiesResult {
  accepted: number;
  decisions: { entryId: string; dimension: string; value: LabelValue }[];
}

export interface UndoResult {
  /** The decisions put back as they were (value null: no decision any more). */
  restored: { entryId: string; dimension: string; value: LabelValue | null }[];
}

/** One page of the adjudication queue (`adjudication.queuePage`). */
export interface QueuePage {
  items: QueueItem[];
  /** Open entries the whole (filtered) queue lists. */
  total: number;
  /** Position of the first item in the queue. */
  offset: number;
  /** Position of the entry asked for with `around` (null when the queue does not list it, or none was asked for). */
  index: number | null;
}

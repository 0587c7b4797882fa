import type { z } from 'zod';
import { adjudicationArgs, exportArgs } from '../../shared/consensus/api-args.ts';
import type { ExportResult } from '../../shared/tables/export-kinds.ts';
import {
  acceptMajorities,
  adjudicationEntry,
  adjudicationQueue,
  adjudicationQueuePage,
  adjudicationSummary,
  decide,
  undoDecision,
  type AcceptMajoritiesResult,
  type AdjudicationEntry,
  type AdjudicationSummary,
  type QueuePage,
  type UndoResult,
} from '../adjudication.ts';
import type { Db } from '../database.ts';
import { renderExport } from './render.ts';
import type { DimensionConsensus, QueueItem } from '../../shared/consensus/consensus.ts';

type Args<S extends z.ZodType> = z.output<S>;

/**
 * The adjudication and export methods on one database, keyed by their API names, for the
 * service to spread into its handlers once shared/api.ts declares them.
 */
export function consensusHandlers(db: Db) {
  return {
    'adjudication.queue': (a: Args<typeof adjudicationArgs.queue>): QueueItem[] => adjudicationQueue(db, a),
    'adjudication.queuePage': (a: Args<typeof adjudicationArgs.queuePage>): QueuePage => adjudicationQueuePage(db, a),
    'adjudication.summary': (a: Args<typeof adjudicationArgs.summary>): AdjudicationSummary => adjudicationSummary(db, a),
    'adjudication.entry': (a: Args<typeof adjudicationArgs.entry>): AdjudicationEntry => adjudicationEntry(db, a),
    'adjudication.decide': (a: Args<typeof adjudicationArgs.decide>): DimensionConsensus => decide(db, a),
    'adjudication.acceptMajorities': (a: Args<typeof adjudicationArgs.acceptMajorities>): AcceptMajoritiesResult => acceptMajorities(db, a),
    'adjudication.undo': (a: Args<typeof adjudicationArgs.undo>): UndoResult | null => undoDecision(db, a),
    'exports.render': (a: Args<typeof exportArgs.render>): ExportResult => renderExport(db, a),
  };
}

import { z } from 'zod';
import { exportKinds, exportFormats } from '../tables/export-kinds.ts';
import { DEFAULT_QUEUE_PAGE, MAX_QUEUE_PAGE } from '../queue-page.ts';

/**
 * Argument schemas of the adjudication and export methods, for the API contract
 * (shared/api.ts). Results: see `AdjudicationMethods` below; db/exports/handlers.ts implements them.
 */
const entryId = z.string().min(1).max(1000);
const dimensionId = z.string().min(1).max(100);
const person = z
  .string()
  .trim()
  .min(1, 'a decision needs the name of who decided')
  .max(80)
  .regex(/^[^\u0000-\u001f]+$/, 'names cannot contain control characters');

export { DEFAULT_QUEUE_PAGE, MAX_QUEUE_PAGE };

const queueArgs = z.object({ dimension: dimensionId.optional(), includeDrafts: z.boolean().optional(), conflicts: z.boolean().optional() });

export const adjudicationArgs = {
  /** Entries with open disagreements, most split first; `conflicts`: only those with an open conflict. */
  queue: queueArgs,
  /** One page of the queue: `offset` and `limit`, or the page holding the entry `around`. */
  queuePage: queueArgs.extend({ offset: z.number().int().min(0).optional(), limit: z.number().int().min(1).max(MAX_QUEUE_PAGE).optional(), around: entryId.optional() }),
  /** Counts per dimension and status: the meeting's progress. */
  summary: z.object({ includeDrafts: z.boolean().optional() }),
  /** One entry as the grid shows it: annotators x dimensions, proposal and status. */
  entry: z.object({ entryId, hideNames: z.boolean().optional(), includeDrafts: z.boolean().optional() }),
  /** Records (value) or removes (null) the decision; overriding a majority needs a rationale. */
  decide: z.object({
    entryId,
    dimension: dimensionId,
    value: z.unknown(),
    rationale: z.string().max(10_000).optional(),
    decidedBy: person,
    includeDrafts: z.boolean().optional(),
  }),
  /** Every open majority becomes a decision (method majority); one undo step. */
  acceptMajorities: z.object({ decidedBy: person, dimension: dimensionId.optional(), includeDrafts: z.boolean().optional() }),
  /** Reverts the last decision (or accept-majorities batch), optionally only one person's. */
  undo: z.object({ actor: person.optional() }),
};

export const exportArgs = {
  /** Renders an export; XLSX comes base64-encoded, dlbench as a folder of files. */
  render: z.object({
    kind: z.enum(exportKinds),
    format: z.enum(exportFormats).optional(),
    perAnnotator: z.boolean().optional(),
    dimension: dimensionId.optional(),
    includeDrafts: z.boolean().optional(),
    bootstrap: z.number().int().min(0).max(100_000).optional(),
    seed: z.number().int().optional(),
    /** category-distribution: count this annotator's labels (any role, the published reference too) instead of the final ones. */
    annotator: z.string().trim().min(1).max(80).optional(),
    /** drift: per week of labelling time (default) or per batch of 50 entries. */
    by: z.enum(['week', 'batch']).optional(),
  }),
};

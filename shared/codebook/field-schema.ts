import { z } from 'zod';
import { fieldLanguages, fieldNamePattern } from './fields.ts';

/**
 * The codebook's `fields` section as checked on import and edit (its meaning: fields.ts). Apart
 * from fields.ts because the labelling page lays its panes out with fields.ts as it opens, and
 * building zod's schemas would hold that page up; only what reads a codebook or a mapping needs these.
 */

export const fieldName = z.string().max(64).regex(fieldNamePattern, 'field names are snake_case: a-z, 0-9 and _, starting with a letter');

export const fieldPaneSchema = z.object({
  /** The entry's text this pane shows. */
  field: fieldName,
  label: z.string().min(1).max(80),
  language: z.enum(fieldLanguages),
  /** Prose (a prompt) reads better without line numbers. */
  lineNumbers: z.boolean().optional(),
});

export const fieldsSchema = z.object({
  /** The main row, left to right. */
  panes: z.array(fieldPaneSchema).min(1).max(6),
  /** The lower row, left to right, under the main one (a test log, say). */
  bottom: z.array(fieldPaneSchema).max(4).optional(),
  /** The two texts the diff view compares: [before, after]. */
  diff: z.tuple([fieldName, fieldName]).optional(),
});

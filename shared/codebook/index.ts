import { badInput } from '../errors.ts';
import { deepBenchCodebook } from './deep-bench.ts';
import { reasoningTraceCodebook } from './reasoning-trace.ts';
import { tambonCodebook } from './tambon.ts';
import { codebookSchema, type Codebook } from './schema.ts';

export * from './schema.ts';
export * from './values.ts';
export * from './fields.ts';
export * from './field-schema.ts';
export { deepBenchCodebook, reasoningTraceCodebook, tambonCodebook };

/** Codebooks that ship with Concord, by id; the first is the default. */
export const builtInCodebooks: Record<string, Codebook> = {
  [deepBenchCodebook.id]: deepBenchCodebook,
  [tambonCodebook.id]: tambonCodebook,
  [reasoningTraceCodebook.id]: reasoningTraceCodebook,
};

/** Validates codebook JSON; the message names the first offending path. */
export function parseCodebook(json: unknown, file = 'codebook'): Codebook {
  const r = codebookSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw badInput(issue.message, { file, field: issue.path.join('.') });
  }
  return r.data;
}

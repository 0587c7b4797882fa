import type { Codebook, Dimension } from '../codebook/schema.ts';
import type { LabelValue } from '../codebook/values.ts';

/** An entry with its final values (a decision, or the unanimous value), by dimension id. */
export interface FinalEntry {
  id: string;
  passed: boolean | null;
  finals: Record<string, LabelValue | null | undefined>;
  /** The labels published with the release (the reference annotator's), by dimension id. */
  published?: Record<string, LabelValue | undefined>;
}

/** Single-valued dimensions that apply to every entry: what bugs and pass rates are broken down by. */
export function categoryDimensions(codebook: Codebook): Dimension[] {
  return codebook.dimensions.filter((d) => (d.kind === 'single' || d.kind === 'ordinal') && !d.appliesWhen);
}

export type ValueSource = 'final' | 'published' | 'none';

/**
 * The value an entry stands under, and where it comes from: the team's final value (a decision
 * or a unanimous label) where there is one, else the published label, else none. The one rule
 * for what a Deep-Bench release writes and what pass@1 is broken down by; the exports say so in
 * their notes (`settledRule`).
 */
export function settledValue(entry: FinalEntry, dimension: string): { value: LabelValue | null; source: ValueSource } {
  const final = entry.finals[dimension];
  if (final !== null && final !== undefined) return { value: final, source: 'final' };
  const published = entry.published?.[dimension];
  if (published !== null && published !== undefined) return { value: published, source: 'published' };
  return { value: null, source: 'none' };
}

/** The rule above in words, for captions and notes. */
export function settledRule(publishedBy: string): string {
  return `an entry's category is the team's final value (a decision or a unanimous label) where there is one, else the published label (${publishedBy})`;
}

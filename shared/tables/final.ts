import type { Codebook, Dimension } from '../codebook/schema.ts';
import type { LabelValue } from '../codebook/values.ts';

/** An entry with its final values (a decision, or the unanimous value), by dimension id. */
export interface FinalEntry {
  id: string;
  passed: boolean | null;
  finals: Record<string, LabelValue | null | undefined>;
}

/** Single-valued dimensions that apply to every entry: what bugs and pass rates are broken down by. */
export function categoryDimensions(codebook: Codebook): Dimension[] {
  return codebook.dimensions.filter((d) => (d.kind === 'single' || d.kind === 'ordinal') && !d.appliesWhen);
}

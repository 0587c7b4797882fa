import { checkLinesWithin, isLineRanges, lineCount, pinnedText } from '../shared/codebook/lines.ts';
import type { Dimension } from '../shared/codebook/schema.ts';
import type { LabelValue } from '../shared/codebook/values.ts';
import type { Store } from './data/index.ts';

/**
 * Refuses a lines label whose ranges run past the end of the entry's text it pins to: the one
 * check every way a label comes in (the app, a decision, an import, a pack) makes against the
 * entry itself. Other kinds pass untouched.
 */
export function checkPinnedLines(store: Store, dim: Dimension, entryRowId: number, value: LabelValue | null | undefined): void {
  if (dim.kind !== 'lines' || !isLineRanges(value) || value.length === 0) return;
  checkLinesWithin(dim, value, lineCount(store.entries.entry(entryRowId)[pinnedText(dim)]));
}

import { isLineRanges, lineSpan, pinnedText } from '../../shared/codebook/lines.ts';
import { treePathLabel } from '../../shared/codebook/paths.ts';
import type { Codebook } from '../../shared/codebook/schema.ts';
import type { LabelValue } from '../../shared/codebook/values.ts';
import type { CodePaneId } from '../components/pane-layout.ts';

/** A mark on lines `start`..`end`; `tone` picks its colour (one per annotator in Adjudicate). */
export interface LineMark {
  start: number;
  end: number;
  /** Markdown shown on hover: what the lines hold, and whose mark it is. */
  hover: string;
  tone: number;
}

/** Tones the stylesheet colours (`.line-pin-<n>`). */
export const MARK_TONES = 4;

export type PaneMarks = Partial<Record<CodePaneId, LineMark[]>>;

/**
 * The marks of everyone's lines labels, pane by pane: `labels` holds, per person (a name, or ''
 * for the one labelling), their labels by dimension; each person gets their own tone, so in
 * Adjudicate the annotators' ranges are told apart.
 */
export function lineMarks(codebook: Codebook | null, labels: { who: string; values: Record<string, LabelValue | null | undefined> }[]): PaneMarks {
  const out: PaneMarks = {};
  if (!codebook) return out;
  labels.forEach(({ who, values }, tone) => {
    for (const dim of codebook.dimensions) {
      const v = values[dim.id];
      const pane = pinnedText(dim);
      // Keyed as the panes are (`paneKey` of the field); a pane the codebook does not show draws nothing.
      if (dim.kind !== 'lines' || !isLineRanges(v)) continue;
      const list = (out[pane as CodePaneId] ??= []);
      for (const r of v)
        list.push({ start: r.start, end: r.end, tone, hover: `**${treePathLabel(dim, r.value)}** · ${dim.label}, ${lineSpan(r)}${who ? ` · ${who}` : ''}` });
    }
  });
  return out;
}

import type { Dimension } from '../../shared/codebook/schema.ts';
import { clearLines, isLineRanges, pinnedText, toggleLineRange, type LineRange } from '../../shared/codebook/lines.ts';
import { canonicalLabelValue, isEmptyValue, TREE_SEPARATOR, type LabelValue } from '../../shared/codebook/values.ts';

/** Lines selected in a code pane (or the line the cursor is on): 1-based, inclusive. */
export interface LineSelection {
  /** The text the pane shows (an Entry field: output, groundTruth, prompt). */
  pane: string;
  start: number;
  end: number;
}

/** A lines label's ranges (none for any other value). */
export function rangesOf(value: LabelValue | null | undefined): LineRange[] {
  return isLineRanges(value) ? value : [];
}

/**
 * The label after pinning `valueId` to the selected lines: added, or removed when exactly that
 * range holds it already. A string says why nothing can be pinned (no lines selected in the
 * text the dimension pins to).
 */
export function pinSelection(dim: Dimension, current: LabelValue | null | undefined, selection: LineSelection | null, valueId: string): LabelValue | null | string {
  const text = pinnedText(dim);
  if (!selection || selection.pane !== text) return `Select lines of the ${text === 'groundTruth' ? 'ground truth' : text} first (or put the cursor on one), then choose the ${dim.label.toLowerCase()}.`;
  const next = toggleLineRange(dim, rangesOf(current), { start: selection.start, end: selection.end, value: valueId });
  return next.length ? next : null;
}

/** The label with every value taken off the selected lines (null when nothing is left); undefined when the selection touches none of its ranges. */
export function unpinSelection(dim: Dimension, current: LabelValue | null | undefined, selection: LineSelection): LabelValue | null | undefined {
  const ranges = rangesOf(current);
  if (selection.pane !== pinnedText(dim) || !ranges.some((r) => r.start <= selection.end && r.end >= selection.start)) return undefined;
  const next = clearLines(dim, ranges, selection.start, selection.end);
  return next.length ? next : null;
}

/**
 * The value a dimension takes when the user presses (or clicks) one of its values: a single
 * value is chosen or, when chosen already, cleared; a set or tree path is toggled; a checklist
 * item flips. Returns null to clear the label.
 */
export function toggleValue(dim: Dimension, current: LabelValue | null | undefined, valueId: string): LabelValue | null {
  switch (dim.kind) {
    case 'single':
    case 'ordinal':
      return current === valueId ? null : valueId;
    case 'lines':
      // A lines label changes a range at a time (pinSelection), never by a value alone.
      return current ?? null;
    case 'multi':
    case 'tree': {
      const set = Array.isArray(current) ? [...(current as string[])] : [];
      let next: string[];
      if (set.includes(valueId)) next = set.filter((v) => v !== valueId);
      else if (dim.kind === 'tree' && valueId.includes(TREE_SEPARATOR)) {
        // A subtype makes its bare type redundant.
        const type = valueId.split(TREE_SEPARATOR)[0];
        next = [...set.filter((v) => v !== type), valueId];
      } else next = [...set, valueId];
      return next.length ? canonicalLabelValue(dim, next) : null;
    }
    case 'checklist': {
      const base: Record<string, boolean> = {};
      for (const item of dim.values) base[item.id] = false;
      const cur = current && typeof current === 'object' && !Array.isArray(current) ? current : {};
      return canonicalLabelValue(dim, { ...base, ...cur, [valueId]: !cur[valueId] });
    }
    case 'text':
      return valueId;
  }
}

/** Whether `valueId` (an id, or a tree path) is part of the current value. */
export function isSelected(dim: Dimension, current: LabelValue | null | undefined, valueId: string): boolean {
  if (current === null || current === undefined) return false;
  if (dim.kind === 'checklist') return typeof current === 'object' && !Array.isArray(current) && current[valueId] === true;
  if (isLineRanges(current)) return current.some((r) => r.value === valueId);
  if (Array.isArray(current)) return (current as string[]).includes(valueId);
  return current === valueId;
}

/** Whether a dimension has a label for the entry (a checklist counts once any item is ticked). */
export function isLabelled(dim: Dimension, value: LabelValue | null | undefined): boolean {
  if (dim.kind === 'checklist') return !!value && typeof value === 'object' && !Array.isArray(value) && Object.values(value).some(Boolean);
  return !isEmptyValue(value);
}

export interface TreeOption {
  path: string;
  typeLabel: string;
  subLabel?: string;
  definition: string;
  /** Lower-cased text the picker filters on. */
  haystack: string;
}

/** Every type and type/subtype pair of a tree dimension, in codebook order. */
export function treeOptions(dim: Dimension): TreeOption[] {
  const out: TreeOption[] = [];
  for (const t of dim.values) {
    out.push({ path: t.id, typeLabel: t.label, definition: t.definition, haystack: [t.label, ...(t.aliases ?? [])].join(' ').toLowerCase() });
    for (const s of t.children ?? [])
      out.push({
        path: `${t.id}${TREE_SEPARATOR}${s.id}`,
        typeLabel: t.label,
        subLabel: s.label,
        definition: s.definition,
        haystack: [t.label, s.label, ...(t.aliases ?? []), ...(s.aliases ?? [])].join(' ').toLowerCase(),
      });
  }
  return out;
}

/** Options matching every word of `query`, in any order, anywhere in type, subtype or alias. */
export function filterTreeOptions(options: TreeOption[], query: string): TreeOption[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return options;
  return options.filter((o) => words.every((w) => o.haystack.includes(w)));
}

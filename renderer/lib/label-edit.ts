import type { Dimension } from '../../shared/codebook/schema.ts';
import { canonicalLabelValue, isEmptyValue, TREE_SEPARATOR, type LabelValue } from '../../shared/codebook/values.ts';

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
    case 'multi':
    case 'tree': {
      const set = Array.isArray(current) ? [...current] : [];
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
  if (Array.isArray(current)) return current.includes(valueId);
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

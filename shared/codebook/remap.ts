import type { Dimension } from './schema.ts';
import { isLineRanges } from './lines.ts';
import { canonicalLabelValue, isEmptyValue, TREE_SEPARATOR, type LabelValue } from './values.ts';

/**
 * Moves a label's value off values that leave the codebook: each path in `mapping` goes to its
 * target (or, null, is removed). Returns the value in the new dimension's canonical form, null
 * when nothing is left, or undefined when the value holds none of the mapped paths (unchanged).
 * A tree path whose type is mapped but not the path itself (`old::sub` when `old` was merged)
 * follows its type. The result is checked against the new dimension, so a mapping can never
 * leave a label holding a value the codebook no longer has.
 */
export function remapLabelValue(dim: Dimension, value: LabelValue, mapping: ReadonlyMap<string, string | null>): LabelValue | null | undefined {
  const target = (path: string): string | null | undefined => {
    if (mapping.has(path)) return mapping.get(path)!;
    const type = path.split(TREE_SEPARATOR)[0];
    return path.includes(TREE_SEPARATOR) && mapping.has(type) ? mapping.get(type)! : undefined;
  };
  let next: LabelValue;
  if (typeof value === 'string') {
    if (dim.kind === 'text') return undefined;
    const t = target(value);
    if (t === undefined) return undefined;
    if (t === null) return null;
    next = t;
  } else if (isLineRanges(value)) {
    // A range follows its value; a range whose value is removed goes with it.
    if (!value.some((r) => target(r.value) !== undefined)) return undefined;
    next = value.flatMap((r) => {
      const t = target(r.value);
      return t === undefined ? [r] : t === null ? [] : [{ ...r, value: t }];
    });
  } else if (Array.isArray(value)) {
    const ids = value as string[];
    if (!ids.some((p) => target(p) !== undefined)) return undefined;
    next = ids.flatMap((p) => {
      const t = target(p);
      return t === undefined ? [p] : t === null ? [] : [t];
    });
  } else {
    if (!Object.keys(value).some((k) => target(k) !== undefined)) return undefined;
    const out: Record<string, boolean> = {};
    for (const [k, on] of Object.entries(value)) {
      const t = target(k);
      if (t === undefined) out[k] = out[k] || on;
      else if (t !== null) out[t] = out[t] || on;
    }
    next = out;
  }
  const canonical = canonicalLabelValue(dim, next);
  return isEmptyValue(canonical) ? null : canonical;
}

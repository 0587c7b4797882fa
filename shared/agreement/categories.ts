/**
 * How a categorical dimension reads as one category per rating: what the chance-corrected
 * coefficients, the coder-versus-consensus matrices, the machine-coder table and the numeric
 * exports compare. One place, so every figure reads a label alike:
 * - single: the value;
 * - ordinal: the value, in codebook order (a value off the scale has no rank and is left out);
 * - multi: the set of values as a whole, two sets agreeing only when equal;
 * - tree: the set of types as a whole (the level of the primary alpha).
 * Checklists and free text have no one category per rating (null).
 */
import type { Dimension } from '../codebook/schema.ts';
import { idsOf, TREE_SEPARATOR, type LabelValue } from '../codebook/values.ts';

export interface CategoryReading {
  dimension: Dimension;
  level: 'nominal' | 'ordinal';
  /** Categories before any label is read: the codebook's values (single, ordinal); none for sets, whose categories are the sets used. */
  known: string[];
  /** The category of a value; null when there is none (missing, or off an ordinal scale). */
  key(value: LabelValue | undefined): string | null;
  /** How a category reads for people. */
  label(key: string): string;
  /** How this kind of dimension is read, in words. */
  treatment: string;
}

/** Members of a set category are joined by this (ids never hold it). */
export const SET_JOIN = '|';

export const typeOf = (path: string) => path.split(TREE_SEPARATOR)[0];
export const asList = (v: LabelValue | undefined): string[] | undefined => idsOf(v);

/** Each value id (and tree path) of a dimension with the label people know it by. */
export function labelOfValue(dim: Dimension): (id: string) => string {
  const labels = new Map<string, string>();
  for (const t of dim.values) {
    labels.set(t.id, t.label);
    for (const s of t.children ?? []) labels.set(`${t.id}${TREE_SEPARATOR}${s.id}`, `${t.label} › ${s.label}`);
  }
  return (id) => labels.get(id) ?? id;
}

/** A set as one category key, its members in codebook order (then by id), so equal sets read alike. */
export function setKey(ids: string[], order: ReadonlyMap<string, number>): string {
  return [...new Set(ids)].sort((a, b) => (order.get(a) ?? Infinity) - (order.get(b) ?? Infinity) || (a < b ? -1 : a > b ? 1 : 0)).join(SET_JOIN);
}

/**
 * A set's key, worked out once per value: labels that share a stored value share one parsed
 * value, and a report reads each label's key several times.
 */
function onceEach(key: (v: LabelValue | undefined) => string | null): (v: LabelValue | undefined) => string | null {
  const known = new WeakMap<object, string | null>();
  return (v) => {
    if (typeof v !== 'object' || v === null) return key(v);
    let k = known.get(v);
    if (k === undefined) known.set(v, (k = key(v)));
    return k;
  };
}

export function categoryReading(dim: Dimension): CategoryReading | null {
  const ids = dim.values.map((v) => v.id);
  const order = new Map(ids.map((id, i) => [id, i]));
  const labelOf = labelOfValue(dim);
  const setLabel = (k: string) => k.split(SET_JOIN).map(labelOf).join(', ');
  switch (dim.kind) {
    case 'single':
      return {
        dimension: dim,
        level: 'nominal',
        known: ids,
        key: (v) => (typeof v === 'string' ? v : null),
        label: labelOf,
        treatment: 'one value per entry; per category: that value against the others',
      };
    case 'ordinal':
      return {
        dimension: dim,
        level: 'ordinal',
        known: ids,
        key: (v) => (typeof v === 'string' && order.has(v) ? v : null),
        label: labelOf,
        treatment: 'one value per entry on the codebook scale, weighted by distance; per category: that value against the others',
      };
    case 'multi':
      return {
        dimension: dim,
        level: 'nominal',
        known: [],
        key: onceEach((v) => {
          const list = asList(v);
          return list?.length ? setKey(list, order) : null;
        }),
        label: setLabel,
        treatment: 'the set of values as a whole: two sets agree only when equal, each distinct set is a category; per value: present or absent',
      };
    case 'tree':
      return {
        dimension: dim,
        level: 'nominal',
        known: [],
        key: onceEach((v) => {
          const list = asList(v);
          return list?.length ? setKey(list.map(typeOf), order) : null;
        }),
        label: setLabel,
        treatment: 'the set of types as a whole: two sets agree only when equal, each distinct set is a category; per type and per type::subtype: present or absent',
      };
    default:
      return null;
  }
}

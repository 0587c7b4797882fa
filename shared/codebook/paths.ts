import { matchKey } from './keys.ts';
import type { CodebookValue, Dimension } from './schema.ts';

/** Tree values are written "type" or "type::subtype" (ids, labels or aliases when read from a file). */
export const TREE_SEPARATOR = '::';

/** Finds a value among `values` by id, label or alias, ignoring case, spaces and punctuation. */
export function matchValue(values: CodebookValue[], raw: string): CodebookValue | undefined {
  const k = matchKey(raw);
  if (!k) return undefined;
  return values.find((v) => matchKey(v.id) === k || matchKey(v.label) === k || (v.aliases ?? []).some((a) => matchKey(a) === k));
}

/** Tree paths ordered by type, then subtype (a bare type before its subtypes); read-only, kept per list of values. */
export function treeOrder(dim: Pick<Dimension, 'values'>): ReadonlyMap<string, number> {
  // Consensus at 100,000 entries orders a set per distinct group of labels: the order is made once.
  let order = ordersOf.get(dim.values);
  if (!order) ordersOf.set(dim.values, (order = orderOf(dim.values)));
  return order;
}

const ordersOf = new WeakMap<Dimension['values'], Map<string, number>>();

function orderOf(values: Dimension['values']): Map<string, number> {
  const order = new Map<string, number>();
  let i = 0;
  for (const t of values) {
    order.set(t.id, i++);
    for (const s of t.children ?? []) order.set(`${t.id}${TREE_SEPARATOR}${s.id}`, i++);
  }
  return order;
}

/** Resolves "type" or "type::subtype" (ids, labels or aliases) to its canonical id path. */
export function matchTreePath(dim: Pick<Dimension, 'values'>, raw: string): string | undefined {
  const [typeRaw, subRaw, ...rest] = raw.split(TREE_SEPARATOR);
  if (rest.length) return undefined;
  const type = matchValue(dim.values, typeRaw.trim());
  if (!type) return undefined;
  if (subRaw === undefined || subRaw.trim() === '') return type.id;
  const sub = matchValue(type.children ?? [], subRaw.trim());
  return sub ? `${type.id}${TREE_SEPARATOR}${sub.id}` : undefined;
}

/** A tree path as a person reads it: "Type › Subtype". */
export function treePathLabel(dim: Pick<Dimension, 'values'>, path: string): string {
  const [t, s] = path.split(TREE_SEPARATOR);
  const type = dim.values.find((v) => v.id === t);
  const sub = s ? type?.children?.find((c) => c.id === s) : undefined;
  return s ? `${type?.label ?? t} › ${sub?.label ?? s}` : (type?.label ?? t);
}

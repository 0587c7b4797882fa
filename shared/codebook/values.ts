import { badInput } from '../errors.ts';
import { matchKey } from './keys.ts';
import type { Codebook, CodebookValue, Dimension } from './schema.ts';
import { canonicalLineRanges, describeLineRanges, isLineRanges, parseLineRanges, type LineRange } from './lines.ts';
import { matchTreePath, matchValue, TREE_SEPARATOR, treeOrder, treePathLabel } from './paths.ts';

export { matchTreePath, matchValue, TREE_SEPARATOR, type LineRange };

/**
 * A label's value, by dimension kind:
 * single, ordinal -> value id; multi -> value ids; tree -> "type" or "type::subtype" ids;
 * checklist -> { itemId: boolean }; text -> string; lines -> [{ start, end, value }] (shared/codebook/lines.ts).
 * Canonical values list ids in codebook order, without duplicates, so equal labels are equal JSON.
 */
export type LabelValue = string | string[] | Record<string, boolean> | LineRange[];


/**
 * The ids a value holds, as a list: a single id as one, a set's ids, a lines label's values (each
 * once, in the order of its ranges); undefined for a checklist.
 */
export function idsOf(v: LabelValue | null | undefined): string[] | undefined {
  if (typeof v === 'string') return [v];
  if (!Array.isArray(v)) return undefined;
  if (isLineRanges(v)) return [...new Set(v.map((r) => r.value))];
  return v as string[];
}

export function findDimension(codebook: Codebook, id: string): Dimension | undefined {
  const k = matchKey(id);
  return codebook.dimensions.find((d) => d.id === id || matchKey(d.id) === k || matchKey(d.label) === k);
}

/**
 * Whether a dimension is to be labelled for an entry (the bug tree only for failing outputs).
 * With `ownLabels` (one annotator's labels on the entry), a condition on another of their labels
 * is checked too (`appliesIf`); without them, only what the entry itself says.
 */
export function dimensionApplies(dim: Dimension, entry: { passed: boolean | null }, ownLabels?: Record<string, LabelValue | undefined>): boolean {
  if (dim.appliesWhen && entry.passed !== dim.appliesWhen.passed) return false;
  if (dim.appliesIf && ownLabels) {
    const v = ownLabels[dim.appliesIf.dimension];
    const held = idsOf(v) ?? [];
    return held.some((x) => dim.appliesIf!.values.includes(x));
  }
  return true;
}

/** Why a dimension does not apply to an annotator's entry, in words, for the label panel and refusals. */
export function appliesIfNote(codebook: Codebook, dim: Dimension): string | null {
  if (!dim.appliesIf) return null;
  const on = codebook.dimensions.find((d) => d.id === dim.appliesIf!.dimension);
  const values = dim.appliesIf.values.map((id) => on?.values.find((v) => v.id === id)?.label ?? id);
  return `applies only when ${on?.label ?? dim.appliesIf.dimension} is ${values.join(' or ')}`;
}

function orderOf(values: CodebookValue[]): Map<string, number> {
  return new Map(values.map((v, i) => [v.id, i]));
}

function sortedUnique(ids: string[], order: ReadonlyMap<string, number>): string[] {
  return [...new Set(ids)].sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
}

/**
 * Reads a value as people write it (labels, aliases, "a|b" for sets, "type::subtype") into its
 * canonical form. Throws a bad-input error naming what did not match.
 */
export function parseLabelValue(dim: Dimension, raw: unknown): LabelValue {
  const parts = (x: unknown): string[] =>
    Array.isArray(x) ? x.map((p) => String(p).trim()).filter(Boolean) : String(x ?? '').split('|').map((p) => p.trim()).filter(Boolean);
  switch (dim.kind) {
    case 'single':
    case 'ordinal': {
      if (typeof raw !== 'string' && typeof raw !== 'number') throw badInput(`expected one value of ${dim.id}`);
      const v = matchValue(dim.values, String(raw));
      if (!v) throw badInput(`unknown value "${raw}" for ${dim.id} (known: ${dim.values.map((x) => x.label).join(', ')})`);
      return v.id;
    }
    case 'multi': {
      const ids = parts(raw).map((p) => {
        const v = matchValue(dim.values, p);
        if (!v) throw badInput(`unknown value "${p}" for ${dim.id}`);
        return v.id;
      });
      return sortedUnique(ids, orderOf(dim.values));
    }
    case 'tree': {
      const ids = parts(raw).map((p) => {
        const path = matchTreePath(dim, p);
        if (!path) throw badInput(`unknown type or subtype "${p}" for ${dim.id} (write "type" or "type::subtype")`);
        return path;
      });
      return sortedUnique(ids, treeOrder(dim));
    }
    case 'checklist': {
      const out: Record<string, boolean> = {};
      for (const item of dim.values) out[item.id] = false;
      if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
        for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
          const item = matchValue(dim.values, k);
          if (!item) throw badInput(`unknown checklist item "${k}" for ${dim.id}`);
          out[item.id] = v === true || v === 'true' || v === 1 || v === '1' || v === 'yes';
        }
      } else {
        // "a|b" lists the items that hold.
        for (const p of parts(raw)) {
          const item = matchValue(dim.values, p);
          if (!item) throw badInput(`unknown checklist item "${p}" for ${dim.id}`);
          out[item.id] = true;
        }
      }
      return out;
    }
    case 'text':
      return String(raw ?? '');
    case 'lines':
      return parseLineRanges(dim, raw);
  }
}

/**
 * Checks a value sent by the app (already ids) and returns its canonical form. Unlike
 * `parseLabelValue` it accepts ids only, so a typo in a client cannot land as a near match.
 */
export function canonicalLabelValue(dim: Dimension, value: unknown): LabelValue {
  const known = (ids: Iterable<string>) => new Set(ids);
  switch (dim.kind) {
    case 'single':
    case 'ordinal':
      if (typeof value !== 'string' || !known(dim.values.map((v) => v.id)).has(value)) throw badInput(`unknown value for ${dim.id}: ${JSON.stringify(value)}`);
      return value;
    case 'multi': {
      if (!Array.isArray(value)) throw badInput(`${dim.id} takes a list of values`);
      const ids = known(dim.values.map((v) => v.id));
      for (const v of value) if (typeof v !== 'string' || !ids.has(v)) throw badInput(`unknown value for ${dim.id}: ${JSON.stringify(v)}`);
      return sortedUnique(value as string[], orderOf(dim.values));
    }
    case 'tree': {
      if (!Array.isArray(value)) throw badInput(`${dim.id} takes a list of type or type::subtype ids`);
      const order = treeOrder(dim);
      for (const v of value) if (typeof v !== 'string' || !order.has(v)) throw badInput(`unknown type or subtype for ${dim.id}: ${JSON.stringify(v)}`);
      return sortedUnique(value as string[], order);
    }
    case 'checklist': {
      if (!value || typeof value !== 'object' || Array.isArray(value)) throw badInput(`${dim.id} takes { item: true|false }`);
      const out: Record<string, boolean> = {};
      for (const item of dim.values) out[item.id] = false;
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (!(k in out)) throw badInput(`unknown checklist item for ${dim.id}: ${JSON.stringify(k)}`);
        if (typeof v !== 'boolean') throw badInput(`checklist item ${k} of ${dim.id} is true or false`);
        out[k] = v;
      }
      return out;
    }
    case 'text':
      if (typeof value !== 'string') throw badInput(`${dim.id} takes text`);
      return value;
    case 'lines':
      return canonicalLineRanges(dim, value);
  }
}

/** A value as a person reads it: labels joined with ", " ("Type › Subtype" for tree paths). */
export function describeValue(dim: Dimension, value: LabelValue | null | undefined): string {
  if (value === null || value === undefined) return '';
  const labelOf = (id: string) => dim.values.find((v) => v.id === id)?.label ?? id;
  if (dim.kind === 'lines') return isLineRanges(value) ? describeLineRanges(dim, value) : '';
  if (dim.kind === 'tree' && Array.isArray(value)) return (value as string[]).map((p) => treePathLabel(dim, p)).join(', ');
  if (Array.isArray(value)) return (value as string[]).map(labelOf).join(', ');
  if (typeof value === 'object') return dim.values.filter((v) => value[v.id]).map((v) => v.label).join(', ');
  if (dim.kind === 'text') return value;
  return labelOf(value);
}

/** An empty set or empty text is "no label"; a checklist always carries a value. */
export function isEmptyValue(value: LabelValue | null | undefined): boolean {
  return value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
}

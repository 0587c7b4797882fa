import type { Remap, Split } from '../../../shared/codebook/diff.ts';
import { slugify, type Codebook, type CodebookValue, type Dimension, type DimensionKind } from '../../../shared/codebook/schema.ts';
import { TREE_SEPARATOR } from '../../../shared/codebook/values.ts';

/**
 * The codebook editor's edits, as pure functions on a draft: each returns a new codebook (and,
 * for a value that leaves, where its labels go). Ids are made once, from the label, never reused:
 * an id taken by a value or dimension of the draft, or retired, gets a number.
 */

export interface Edit {
  codebook: Codebook;
  remap?: Remap[];
  splits?: Split[];
}

/** A fresh id for `label` that no sibling and no retired item holds. */
export function freshId(label: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  const base = slugify(label) || 'value';
  if (!used.has(base)) return base;
  for (let n = 2; ; n++) if (!used.has(`${base}-${n}`)) return `${base}-${n}`;
}

const clone = (cb: Codebook): Codebook => structuredClone(cb);

function dimIn(cb: Codebook, id: string): Dimension {
  const d = cb.dimensions.find((x) => x.id === id);
  if (!d) throw new Error(`no dimension ${id}`);
  return d;
}

/** The list a value lives in (a dimension's values, or a type's subtypes) and its place there. */
function siblingsOf(dim: Dimension, path: string): { list: CodebookValue[]; index: number } {
  const [type, sub] = path.split(TREE_SEPARATOR);
  if (sub === undefined) return { list: dim.values, index: dim.values.findIndex((v) => v.id === type) };
  const t = dim.values.find((v) => v.id === type);
  const list = t?.children ?? [];
  return { list, index: list.findIndex((v) => v.id === sub) };
}

export function valueAt(dim: Dimension, path: string): CodebookValue | undefined {
  const { list, index } = siblingsOf(dim, path);
  return index < 0 ? undefined : list[index];
}

/** Ids taken among a value's siblings, retired ones included. */
function takenIds(cb: Codebook, dim: Dimension, parent: string | null): string[] {
  const list = parent === null ? dim.values : (dim.values.find((v) => v.id === parent)?.children ?? []);
  const retired = (cb.retired ?? [])
    .filter((r) => r.dimension === dim.id && r.value !== undefined)
    .map((r) => r.value!)
    .filter((p) => (parent === null ? !p.includes(TREE_SEPARATOR) : p.startsWith(parent + TREE_SEPARATOR)))
    .map((p) => (parent === null ? p : p.split(TREE_SEPARATOR)[1]));
  return [...list.map((v) => v.id), ...retired];
}

export function addDimension(cb: Codebook, label: string, kind: DimensionKind): Edit & { id: string } {
  const next = clone(cb);
  const id = freshId(label, [...next.dimensions.map((d) => d.id), ...(next.retired ?? []).filter((r) => r.value === undefined).map((r) => r.dimension)]);
  next.dimensions.push({
    id,
    label,
    kind,
    definition: 'What this dimension records.',
    values: kind === 'text' ? [] : [{ id: 'first-value', label: 'First value', definition: 'What this value means.' }],
  });
  return { codebook: next, id };
}

export function updateDimension(cb: Codebook, id: string, patch: Partial<Omit<Dimension, 'id' | 'values'>>): Edit {
  const next = clone(cb);
  const d = dimIn(next, id);
  Object.assign(d, patch);
  for (const k of Object.keys(patch) as (keyof typeof patch)[]) if (patch[k] === undefined) delete d[k];
  return { codebook: next };
}

export function moveDimension(cb: Codebook, id: string, delta: -1 | 1): Edit {
  const next = clone(cb);
  const i = next.dimensions.findIndex((d) => d.id === id);
  const j = i + delta;
  if (i < 0 || j < 0 || j >= next.dimensions.length) return { codebook: cb };
  [next.dimensions[i], next.dimensions[j]] = [next.dimensions[j], next.dimensions[i]];
  return { codebook: next };
}

/** Retires a dimension: its labels stay in the project, no longer shown or counted. */
export function retireDimension(cb: Codebook, id: string): Edit {
  const next = clone(cb);
  next.dimensions = next.dimensions.filter((d) => d.id !== id);
  return { codebook: next };
}

/** Adds a value (or, under `parent`, a subtype of a tree type); returns its path. */
export function addValue(cb: Codebook, dimension: string, label: string, parent: string | null = null): Edit & { path: string } {
  const next = clone(cb);
  const dim = dimIn(next, dimension);
  const id = freshId(label, takenIds(next, dim, parent));
  const value: CodebookValue = { id, label, definition: 'What this value means.' };
  if (parent === null) dim.values.push(value);
  else {
    const t = dim.values.find((v) => v.id === parent)!;
    t.children = [...(t.children ?? []), value];
  }
  return { codebook: next, path: parent === null ? id : `${parent}${TREE_SEPARATOR}${id}` };
}

export function updateValue(cb: Codebook, dimension: string, path: string, patch: Partial<Omit<CodebookValue, 'id' | 'children'>>): Edit {
  const next = clone(cb);
  const v = valueAt(dimIn(next, dimension), path);
  if (!v) return { codebook: cb };
  Object.assign(v, patch);
  for (const k of Object.keys(patch) as (keyof typeof patch)[]) if (patch[k] === undefined || (Array.isArray(patch[k]) && !(patch[k] as unknown[]).length)) delete v[k];
  return { codebook: next };
}

export function moveValue(cb: Codebook, dimension: string, path: string, delta: -1 | 1): Edit {
  const next = clone(cb);
  const { list, index } = siblingsOf(dimIn(next, dimension), path);
  const j = index + delta;
  if (index < 0 || j < 0 || j >= list.length) return { codebook: cb };
  [list[index], list[j]] = [list[j], list[index]];
  return { codebook: next };
}

function without(cb: Codebook, dimension: string, path: string): Codebook {
  const next = clone(cb);
  const { list, index } = siblingsOf(dimIn(next, dimension), path);
  if (index >= 0) list.splice(index, 1);
  const [type] = path.split(TREE_SEPARATOR);
  const t = dimIn(next, dimension).values.find((v) => v.id === type);
  if (t && t.children && !t.children.length) delete t.children;
  return next;
}

/** Retires a value: its labels are removed from it unless the lead says where they go when publishing. */
export function retireValue(cb: Codebook, dimension: string, path: string): Edit {
  return { codebook: without(cb, dimension, path) };
}

/** Merges `from` into `into`: `from` retires and its labels (its subtypes' too) go to `into`. */
export function mergeValue(cb: Codebook, dimension: string, from: string, into: string): Edit {
  const next = without(cb, dimension, from);
  const old = valueAt(dimIn(cb, dimension), from);
  const remap: Remap[] = [{ dimension, from, to: into }];
  for (const c of old?.children ?? []) remap.push({ dimension, from: `${from}${TREE_SEPARATOR}${c.id}`, to: into });
  // The merged value's wording keeps reading the old labels and imports.
  const target = valueAt(dimIn(next, dimension), into);
  if (target && old) target.aliases = [...new Set([...(target.aliases ?? []), old.label, ...(old.aliases ?? [])])].filter((a) => a.toLowerCase() !== target.label.toLowerCase());
  return { codebook: next, remap };
}

/**
 * Splits a value into parts, in its place. With `keep`, the first part keeps the value's id (it
 * narrows) and its labels stay with it; otherwise the value retires, every part is new, and its
 * labels go to part `labelsTo`. Either way they are listed for re-review.
 */
export function splitValue(cb: Codebook, dimension: string, path: string, parts: { label: string; definition: string }[], opts: { keep: boolean; labelsTo: number }): Edit {
  const next = clone(cb);
  const dim = dimIn(next, dimension);
  const { list, index } = siblingsOf(dim, path);
  const old = list[index];
  const parent = path.includes(TREE_SEPARATOR) ? path.split(TREE_SEPARATOR)[0] : null;
  const prefix = parent === null ? '' : `${parent}${TREE_SEPARATOR}`;
  const taken = [...takenIds(next, dim, parent)];
  const made: CodebookValue[] = parts.map((p, i) => {
    if (i === 0 && opts.keep) return { ...old, label: p.label, definition: p.definition };
    const id = freshId(p.label, taken);
    taken.push(id);
    return { id, label: p.label, definition: p.definition };
  });
  list.splice(index, 1, ...made);
  const into = made.map((v) => prefix + v.id);
  const target = into[Math.min(Math.max(0, opts.labelsTo), into.length - 1)];
  return {
    codebook: next,
    splits: [{ dimension, value: path, into }],
    remap: opts.keep ? undefined : [{ dimension, from: path, to: target }],
  };
}

/** Every value path of a dimension, types then their subtypes, as a picker lists them. */
export function pathsOf(dim: Dimension): { path: string; label: string; depth: number }[] {
  return dim.values.flatMap((v) => [
    { path: v.id, label: v.label, depth: 0 },
    ...(v.children ?? []).map((c) => ({ path: `${v.id}${TREE_SEPARATOR}${c.id}`, label: `${v.label} › ${c.label}`, depth: 1 })),
  ]);
}

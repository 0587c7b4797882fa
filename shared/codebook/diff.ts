import type { Codebook, CodebookValue, Dimension } from './schema.ts';
import { TREE_SEPARATOR } from './values.ts';
import { fieldLayoutOf, shownFields } from './fields.ts';

/**
 * What changed between two codebooks, and which changes change what a label means.
 *
 * A label is a claim made under the codebook as it was. A change of **meaning** makes a new
 * version of the codebook, and the labels it touches are listed for re-review:
 * - a value's or a dimension's definition, or a value's "use when" / "do not use when" notes,
 *   rewritten (unless the lead marks the edit as wording only: a typo, a clearer phrasing);
 * - a value retired, merged into another, or split into several (its labels are moved where the
 *   lead says, and each moved label is listed);
 * - a dimension retired, or its kind changed.
 * Everything else keeps the version: a label's wording (its name), aliases, hotkeys, examples,
 * the order of dimensions and values, when a dimension applies, new values and dimensions
 * (a new value leaves the old labels true; narrowing an old value is a split), and which texts of
 * an entry show where (the `fields` section: a layout, not a meaning).
 */
export type ChangeKind =
  | 'codebook-described'
  | 'fields-layout'
  | 'dimension-added'
  | 'dimension-retired'
  | 'dimension-renamed'
  | 'dimension-definition'
  | 'dimension-kind'
  | 'dimension-hotkey'
  | 'dimension-condition'
  | 'dimensions-reordered'
  | 'value-added'
  | 'value-retired'
  | 'value-merged'
  | 'value-split'
  | 'value-renamed'
  | 'value-definition'
  | 'value-notes'
  | 'value-examples'
  | 'value-aliases'
  | 'value-hotkey'
  | 'values-reordered';

export interface CodebookChange {
  kind: ChangeKind;
  /** Stable within one diff, e.g. `value-definition:bug:silly-mistake`: what `wordingOnly` names. */
  key: string;
  dimension?: string;
  /** A value's path: `type` or `type::subtype`. */
  value?: string;
  /** Whether it changes what labels mean (and so makes a new version). */
  meaning: boolean;
  /** The change in words, for the history and the event log. */
  text: string;
  /** Where the labels of a retired, merged or split value go (null: removed). */
  into?: string | null;
  /** What a split value became. */
  parts?: string[];
}

/** Where the labels of a value that leaves the codebook go: another value's path, or null to remove it from them. */
export interface Remap {
  dimension: string;
  from: string;
  to: string | null;
}

/** A split the lead declared: `value` became `into` (it may keep its own id as one of them). */
export interface Split {
  dimension: string;
  value: string;
  into: string[];
}

export interface DiffOptions {
  remap?: Remap[];
  splits?: Split[];
  /** Keys of definition and note edits the lead marks as wording only (they keep the version). */
  wordingOnly?: string[];
}

/** Every value of a dimension by path (types, then `type::subtype`), in codebook order. */
export function valuePaths(dim: Pick<Dimension, 'values'>): Map<string, CodebookValue> {
  const out = new Map<string, CodebookValue>();
  for (const v of dim.values) {
    out.set(v.id, v);
    for (const c of v.children ?? []) out.set(`${v.id}${TREE_SEPARATOR}${c.id}`, c);
  }
  return out;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const list = (a: string[] | undefined) => (a ?? []).join(', ') || 'none';
const order = (ids: string[], keep: Set<string>) => ids.filter((id) => keep.has(id));

export function diffCodebooks(before: Codebook, after: Codebook, opts: DiffOptions = {}): CodebookChange[] {
  const out: CodebookChange[] = [];
  const wording = new Set(opts.wordingOnly ?? []);
  const push = (c: Omit<CodebookChange, 'key'> & { key?: string }) => out.push({ key: c.key ?? [c.kind, c.dimension, c.value].filter(Boolean).join(':'), ...c });
  const remapOf = (dim: string, path: string) => opts.remap?.find((r) => r.dimension === dim && r.from === path);
  const splitOf = (dim: string, path: string) => opts.splits?.find((s) => s.dimension === dim && s.value === path);

  if (before.name !== after.name || before.description !== after.description)
    push({ kind: 'codebook-described', meaning: false, text: `name or description: "${after.name}"` });
  if (!same(fieldLayoutOf(before), fieldLayoutOf(after)))
    push({ kind: 'fields-layout', meaning: false, text: `fields shown: ${shownFields(fieldLayoutOf(after)).map((p) => p.label).join(', ')}` });

  const oldDims = new Map(before.dimensions.map((d) => [d.id, d]));
  const newDims = new Map(after.dimensions.map((d) => [d.id, d]));
  for (const d of before.dimensions) if (!newDims.has(d.id)) push({ kind: 'dimension-retired', dimension: d.id, meaning: true, text: `dimension ${d.label} retired` });
  for (const d of after.dimensions) if (!oldDims.has(d.id)) push({ kind: 'dimension-added', dimension: d.id, meaning: false, text: `dimension ${d.label} added (${d.kind})` });
  const kept = new Set(after.dimensions.filter((d) => oldDims.has(d.id)).map((d) => d.id));
  if (!same(order(before.dimensions.map((d) => d.id), kept), order(after.dimensions.map((d) => d.id), kept)))
    push({ kind: 'dimensions-reordered', meaning: false, text: `dimensions reordered: ${after.dimensions.map((d) => d.id).join(', ')}` });

  for (const b of after.dimensions) {
    const a = oldDims.get(b.id);
    if (!a) continue;
    if (a.label !== b.label) push({ kind: 'dimension-renamed', dimension: b.id, meaning: false, text: `dimension ${a.label} renamed ${b.label}` });
    if (a.kind !== b.kind) push({ kind: 'dimension-kind', dimension: b.id, meaning: true, text: `dimension ${b.label}: kind ${a.kind} became ${b.kind}` });
    // The same line numbers on another text point somewhere else: a change of meaning.
    else if (a.kind === 'lines' && (a.pinsTo ?? 'output') !== (b.pinsTo ?? 'output'))
      push({ kind: 'dimension-kind', dimension: b.id, meaning: true, text: `dimension ${b.label}: pins to the ${b.pinsTo ?? 'output'} instead of the ${a.pinsTo ?? 'output'}` });
    if (a.definition !== b.definition) {
      const key = `dimension-definition:${b.id}`;
      push({ kind: 'dimension-definition', key, dimension: b.id, meaning: !wording.has(key), text: `definition of dimension ${b.label} ${wording.has(key) ? 'reworded' : 'changed'}` });
    }
    if (a.hotkey !== b.hotkey) push({ kind: 'dimension-hotkey', dimension: b.id, meaning: false, text: `dimension ${b.label}: hotkey ${a.hotkey ?? 'none'} -> ${b.hotkey ?? 'none'}` });
    if (!same(a.appliesWhen, b.appliesWhen) || !same(a.appliesIf, b.appliesIf) || (a.appliesNote ?? '') !== (b.appliesNote ?? '') || a.revises !== b.revises)
      push({ kind: 'dimension-condition', dimension: b.id, meaning: false, text: `dimension ${b.label}: when it applies changed` });
    diffValues(a, b);
  }

  function diffValues(a: Dimension, b: Dimension): void {
    const oldPaths = valuePaths(a);
    const newPaths = valuePaths(b);
    const declared = new Set<string>();
    const named = (v: CodebookValue) => `${b.label} › ${v.label}`;
    for (const [path, v] of oldPaths) {
      if (newPaths.has(path)) continue;
      const r = remapOf(b.id, path);
      const to = r?.to ?? null;
      const split = splitOf(b.id, path);
      if (split) {
        declared.add(path);
        split.into.forEach((p) => declared.add(p));
        push({ kind: 'value-split', dimension: b.id, value: path, into: to, parts: split.into, meaning: true, text: `${named(v)} split into ${split.into.map((p) => newPaths.get(p)?.label ?? p).join(', ')}${to ? `; its labels go to ${newPaths.get(to)?.label ?? to}` : ''}` });
      } else if (to !== null && oldPaths.has(to))
        push({ kind: 'value-merged', dimension: b.id, value: path, into: to, meaning: true, text: `${named(v)} merged into ${newPaths.get(to)?.label ?? to}` });
      else if (to !== null)
        push({ kind: 'value-split', dimension: b.id, value: path, into: to, meaning: true, text: `${named(v)} replaced by ${newPaths.get(to)?.label ?? to}; its labels go there` });
      else push({ kind: 'value-retired', dimension: b.id, value: path, into: null, meaning: true, text: `${named(v)} retired${r ? '; removed from its labels' : ''}` });
    }
    // A split that keeps its value's id: the value narrowed, new siblings took the rest.
    for (const s of opts.splits ?? [])
      if (s.dimension === b.id && newPaths.has(s.value) && oldPaths.has(s.value)) {
        s.into.forEach((p) => declared.add(p));
        declared.add(s.value);
        push({ kind: 'value-split', dimension: b.id, value: s.value, into: s.value, parts: s.into, meaning: true, text: `${named(oldPaths.get(s.value)!)} split into ${s.into.map((p) => newPaths.get(p)?.label ?? p).join(', ')}` });
      }
    for (const [path, v] of newPaths) {
      if (oldPaths.has(path)) continue;
      if (!declared.has(path)) push({ kind: 'value-added', dimension: b.id, value: path, meaning: false, text: `${b.label}: ${v.label} added` });
    }
    for (const [path, nv] of newPaths) {
      const ov = oldPaths.get(path);
      if (!ov) continue;
      const where = `${b.label} › ${nv.label}`;
      if (ov.label !== nv.label) push({ kind: 'value-renamed', dimension: b.id, value: path, meaning: false, text: `${b.label}: ${ov.label} renamed ${nv.label}` });
      if (ov.definition !== nv.definition && !declared.has(path)) {
        const key = `value-definition:${b.id}:${path}`;
        push({ kind: 'value-definition', key, dimension: b.id, value: path, meaning: !wording.has(key), text: `definition of ${where} ${wording.has(key) ? 'reworded' : 'changed'}` });
      }
      if (((ov.useWhen ?? '') !== (nv.useWhen ?? '') || (ov.doNotUseWhen ?? '') !== (nv.doNotUseWhen ?? '')) && !declared.has(path)) {
        const key = `value-notes:${b.id}:${path}`;
        push({ kind: 'value-notes', key, dimension: b.id, value: path, meaning: !wording.has(key), text: `when to use ${where} ${wording.has(key) ? 'reworded' : 'changed'}` });
      }
      if (!same(ov.examples, nv.examples)) push({ kind: 'value-examples', dimension: b.id, value: path, meaning: false, text: `examples of ${where}: ${list(nv.examples)}` });
      if (!same(ov.aliases, nv.aliases)) push({ kind: 'value-aliases', dimension: b.id, value: path, meaning: false, text: `aliases of ${where}: ${list(nv.aliases)}` });
      if (ov.hotkey !== nv.hotkey) push({ kind: 'value-hotkey', dimension: b.id, value: path, meaning: false, text: `${where}: hotkey ${ov.hotkey ?? 'none'} -> ${nv.hotkey ?? 'none'}` });
    }
    const keptPaths = new Set([...newPaths.keys()].filter((p) => oldPaths.has(p)));
    if (!same(order([...oldPaths.keys()], keptPaths), order([...newPaths.keys()], keptPaths)))
      push({ kind: 'values-reordered', dimension: b.id, meaning: false, text: `${b.label}: values reordered` });
  }
  return out;
}

/** Whether a list of changes makes a new version. */
export function changesMeaning(changes: CodebookChange[]): boolean {
  return changes.some((c) => c.meaning);
}

/**
 * The version after a change of meaning: the next major number ("1.0.0" -> "2.0.0", "3" -> "4.0.0");
 * a version that is not numbered gets a revision suffix ("pilot" -> "pilot-r2" -> "pilot-r3").
 * Packs labelled under another major version are refused, so an annotator's old file cannot bring
 * labels of the old meaning back unseen.
 */
export function nextVersion(version: string): string {
  const m = /^v?(\d+)(?:\.|$)/.exec(version.trim());
  if (m) return `${Number(m[1]) + 1}.0.0`;
  const r = /^(.*)-r(\d+)$/.exec(version);
  return r ? `${r[1]}-r${Number(r[2]) + 1}` : `${version}-r2`;
}

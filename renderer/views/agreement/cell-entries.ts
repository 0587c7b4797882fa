import type { Codebook, Dimension } from '../../../shared/codebook/schema.ts';
import { TREE_SEPARATOR, dimensionApplies, isEmptyValue, type LabelValue } from '../../../shared/codebook/values.ts';
import type { EntrySummary } from '../../../shared/types.ts';

/**
 * Which entries stand behind a cell of a coincidence matrix. The agreement report carries counts
 * only, so the renderer rebuilds each unit's values from every rater's own queue
 * (`entries.list`), coding them the way shared/agreement/report.ts does. The unit test checks the
 * rebuilt units against the report's own matrices, so the two cannot drift apart unnoticed.
 */

/** Which figure of the report a matrix belongs to. */
export type MeasureRef =
  | { scope: 'pooled'; measure: 'masi' | 'nominal'; dimensions: string[] }
  | { scope: 'dimension'; dimension: string; measure: string }
  | { scope: 'value'; dimension: string; valueId: string };

/** One unit of a figure: an entry (for a checklist or the pooled figure, an entry and a part). */
export interface CodedUnit {
  entryId: string;
  /** The dimension or checklist item the unit stands for, when an entry has several units. */
  part?: string;
  /** Each rater's coded value (a coincidence value id, normalized), or null when missing. */
  keys: (string | null)[];
}

/** Each rater's queue, in the order of the report's raters. */
export type RaterRows = EntrySummary[][];

export interface LabelSelection {
  includeDrafts: boolean;
}

const asList = (v: LabelValue | undefined): string[] | undefined => (Array.isArray(v) ? v : typeof v === 'string' ? [v] : undefined);
const typeOf = (path: string) => path.split(TREE_SEPARATOR)[0];
const setKey = (items: string[]) => [...new Set(items)].sort().join('|');

/** Coincidence value ids of set levels read "a|b" in whatever order the first rater gave them. */
export function normalizeValueId(ref: MeasureRef, id: string, dim: Dimension | undefined): string {
  return isSetMeasure(ref, dim) ? setKey(id.split('|')) : id;
}

function isSetMeasure(ref: MeasureRef, dim: Dimension | undefined): boolean {
  if (ref.scope === 'pooled') return true;
  if (ref.scope === 'value') return false;
  return dim?.kind === 'multi' || dim?.kind === 'tree';
}

/** A rater's value on one entry and dimension, when it counts: applies, submitted (or drafts asked for), not empty. */
function cellOf(row: EntrySummary | undefined, dim: Dimension, sel: LabelSelection): LabelValue | undefined {
  if (!row) return undefined;
  if (row.status !== 'submitted' && !(sel.includeDrafts && row.status === 'draft')) return undefined;
  if (!dimensionApplies(dim, row)) return undefined;
  const v = row.labels[dim.id];
  return isEmptyValue(v) ? undefined : v;
}

const isChecklist = (v: LabelValue | undefined): v is Record<string, boolean> => !!v && typeof v === 'object' && !Array.isArray(v);

/** The code a value gets in one dimension's primary or secondary measure, or null when it has none there. */
function keyOf(dim: Dimension, measure: string, v: LabelValue | undefined): string | null {
  if (v === undefined) return null;
  switch (dim.kind) {
    case 'single':
      return typeof v === 'string' ? v : null;
    case 'ordinal': {
      const rank = typeof v === 'string' ? dim.values.findIndex((x) => x.id === v) : -1;
      return rank < 0 ? null : String(rank);
    }
    case 'multi':
      return asList(v) ? setKey(asList(v)!) : null;
    case 'tree': {
      const paths = asList(v);
      if (!paths) return null;
      return measure === 'masi-type' ? setKey(paths.map(typeOf)) : setKey(paths);
    }
    default:
      return null;
  }
}

/**
 * The units of a figure with every rater's coded value, built from the raters' own queues.
 * Units where the dimension does not apply or no rater has a value are left out, as the report does.
 */
export function codeUnits(codebook: Codebook, ref: MeasureRef, raterRows: RaterRows, sel: LabelSelection): CodedUnit[] {
  const byRater = raterRows.map((rows) => new Map(rows.map((r) => [r.id, r])));
  const entryIds = [...new Set(raterRows.flatMap((rows) => rows.map((r) => r.id)))].sort(compareIds);
  const units: CodedUnit[] = [];
  const push = (entryId: string, keys: (string | null)[], part?: string) => {
    if (keys.some((k) => k !== null)) units.push({ entryId, keys, ...(part !== undefined ? { part } : {}) });
  };

  if (ref.scope === 'pooled') {
    for (const dimId of ref.dimensions) {
      const dim = codebook.dimensions.find((d) => d.id === dimId);
      if (!dim) continue;
      for (const id of entryIds) {
        const keys = byRater.map((m) => {
          const list = asList(cellOf(m.get(id), dim, sel));
          return list ? setKey(list.map((x) => `${dim.id}:${x}`)) : null;
        });
        push(id, keys, dim.id);
      }
    }
    return units;
  }

  const dim = codebook.dimensions.find((d) => d.id === ref.dimension);
  if (!dim) return units;

  if (dim.kind === 'checklist') {
    const items = ref.scope === 'value' ? dim.values.filter((i) => i.id === ref.valueId) : dim.values;
    for (const item of items)
      for (const id of entryIds) {
        const keys = byRater.map((m) => {
          const v = cellOf(m.get(id), dim, sel);
          return isChecklist(v) ? (v[item.id] === true ? 'present' : 'absent') : null;
        });
        push(id, keys, ref.scope === 'value' ? undefined : item.id);
      }
    return units;
  }

  for (const id of entryIds) {
    const values = byRater.map((m) => cellOf(m.get(id), dim, sel));
    if (ref.scope === 'value') {
      const target = ref.valueId;
      // A type is present when any of its paths is; a subtype only as itself.
      const has = (v: LabelValue) => (asList(v) ?? []).some((p) => (target.includes(TREE_SEPARATOR) ? p === target : typeOf(p) === target));
      push(id, values.map((v) => (v === undefined ? null : has(v) ? 'present' : 'absent')));
    } else push(id, values.map((v) => keyOf(dim, ref.measure, v)));
  }
  return units;
}

/** Units with at least two values, whose raters paired `a` with `b` (or `a` with itself when a = b). */
export function unitsBehindCell(units: CodedUnit[], a: string, b: string): CodedUnit[] {
  return units.filter((u) => {
    const present = u.keys.filter((k): k is string => k !== null);
    if (present.length < 2) return false;
    if (a === b) return present.filter((k) => k === a).length >= 2;
    return present.includes(a) && present.includes(b);
  });
}

/** Natural order of entry ids ("e2" before "e10"), as the report orders units. */
export function compareIds(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

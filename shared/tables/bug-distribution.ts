import type { Codebook, Dimension } from '../codebook/schema.ts';
import { idsOf, TREE_SEPARATOR, type LabelValue } from '../codebook/values.ts';
import { badInput } from '../errors.ts';
import { categoryDimensions, type FinalEntry } from './final.ts';
import type { BarChart } from './svg.ts';
import { percent, type Table, type TableRow } from './table.ts';

export interface BugSubtypeCount {
  /** Subtype id; null for the bare type (a type without subtypes, or one labelled without a subtype). */
  id: string | null;
  label: string;
  count: number;
}

export interface BugTypeCount {
  id: string;
  label: string;
  total: number;
  subtypes: BugSubtypeCount[];
}

export interface CrossTable {
  dimension: string;
  label: string;
  /** Values of the category dimension in codebook order, then "none" when some entries lack a final value. */
  columns: { id: string | null; label: string }[];
  rows: { type: string; label: string; counts: number[]; total: number }[];
  totals: number[];
  total: number;
}

export interface BugDistribution {
  dimension: string;
  /** Occurrences counted: each (entry, type::subtype) of a final value once. */
  total: number;
  /** Failing entries with a final bug value, and those still without one. */
  entries: number;
  entriesWithoutFinal: number;
  types: BugTypeCount[];
  cross: CrossTable[];
}

/** The bug tree of a codebook: the dimension asked for, else its first tree dimension. */
export function bugDimension(codebook: Codebook, id?: string): Dimension {
  const d = id ? codebook.dimensions.find((x) => x.id === id) : codebook.dimensions.find((x) => x.kind === 'tree');
  if (!d || d.kind !== 'tree') throw badInput(id ? `${id} is not a tree dimension of this codebook` : 'this codebook has no two-level taxonomy (tree dimension) to count', { field: 'dimension' });
  return d;
}

/**
 * The paper's Table 6: per type (codebook order) each subtype's count and the type's total,
 * types with no occurrences included; and cross-tables of type against each category dimension.
 */
export function buildBugDistribution(codebook: Codebook, entries: FinalEntry[], dimensionId?: string): BugDistribution {
  const dim = bugDimension(codebook, dimensionId);
  const counts = new Map<string, number>();
  const typeCounts = new Map<string, number>();
  let counted = 0;
  let missing = 0;
  const applicable = entries.filter((e) => dim.appliesWhen === undefined || e.passed === dim.appliesWhen.passed);
  const cats = categoryDimensions(codebook);
  const crossCounts = cats.map(() => new Map<string, number>());
  for (const e of applicable) {
    const v = Array.isArray(e.finals[dim.id]) ? idsOf(e.finals[dim.id]) : undefined;
    if (!v) {
      missing++;
      continue;
    }
    counted++;
    for (const path of new Set(v)) {
      counts.set(path, (counts.get(path) ?? 0) + 1);
      const type = path.split(TREE_SEPARATOR)[0];
      typeCounts.set(type, (typeCounts.get(type) ?? 0) + 1);
      cats.forEach((c, i) => {
        const cv = e.finals[c.id];
        const key = `${type}\u0000${typeof cv === 'string' ? cv : ''}`;
        crossCounts[i].set(key, (crossCounts[i].get(key) ?? 0) + 1);
      });
    }
  }

  const types: BugTypeCount[] = dim.values.map((t) => {
    const children = t.children ?? [];
    const subtypes: BugSubtypeCount[] = [];
    const bare = counts.get(t.id) ?? 0;
    // A type without subtypes is its own row; a bare label on a type with subtypes shows only when used.
    if (!children.length || bare > 0) subtypes.push({ id: null, label: children.length ? '(no subtype)' : '', count: bare });
    for (const s of children) subtypes.push({ id: s.id, label: s.label, count: counts.get(`${t.id}${TREE_SEPARATOR}${s.id}`) ?? 0 });
    return { id: t.id, label: t.label, total: typeCounts.get(t.id) ?? 0, subtypes };
  });

  const cross: CrossTable[] = cats.map((c, i) => {
    const m = crossCounts[i];
    const hasNone = dim.values.some((t) => (m.get(`${t.id}\u0000`) ?? 0) > 0);
    const columns = [...c.values.map((v) => ({ id: v.id as string | null, label: v.label })), ...(hasNone ? [{ id: null, label: 'No final value' }] : [])];
    const rows = dim.values.map((t) => {
      const cs = columns.map((col) => m.get(`${t.id}\u0000${col.id ?? ''}`) ?? 0);
      return { type: t.id, label: t.label, counts: cs, total: cs.reduce((a, b) => a + b, 0) };
    });
    const totals = columns.map((_, j) => rows.reduce((a, r) => a + r.counts[j], 0));
    return { dimension: c.id, label: c.label, columns, rows, totals, total: totals.reduce((a, b) => a + b, 0) };
  });

  return {
    dimension: dim.id,
    total: [...typeCounts.values()].reduce((a, b) => a + b, 0),
    entries: counted,
    entriesWithoutFinal: missing,
    types,
    cross,
  };
}

export function bugDistributionTables(d: BugDistribution, dimensionLabel = 'Bug'): Table[] {
  const rows: TableRow[] = [];
  for (const t of d.types)
    for (const s of t.subtypes) rows.push({ group: t.id, cells: { type: t.label, subtype: s.label, count: s.count, total: t.total } });
  rows.push({ total: true, cells: { type: 'Total', subtype: '', count: d.total, total: d.total } });
  const notes = [`Each (entry, type and subtype) of a final ${dimensionLabel.toLowerCase()} value counts once; ${d.entries} entries counted.`];
  if (d.entriesWithoutFinal) notes.push(`${d.entriesWithoutFinal} failing entries have no final value yet and are not counted.`);
  const main: Table = {
    id: `${d.dimension}-distribution`,
    title: `Distribution of ${dimensionLabel.toLowerCase()}s by type and subtype`,
    columns: [
      { key: 'type', label: 'Type', perGroup: true },
      { key: 'subtype', label: 'Subtype' },
      { key: 'count', label: 'Count', align: 'right' },
      { key: 'total', label: 'Type total', align: 'right', perGroup: true },
    ],
    rows,
    notes,
  };
  const crossTables: Table[] = d.cross.map((c) => ({
    id: `${d.dimension}-by-${c.dimension}`,
    title: `${dimensionLabel} types by ${c.label.toLowerCase()}`,
    columns: [
      { key: 'type', label: 'Type' },
      ...c.columns.map((col, j) => ({ key: `c${j}`, label: col.label, align: 'right' as const })),
      { key: 'total', label: 'Total', align: 'right' },
    ],
    rows: [
      ...c.rows.map((r) => ({ cells: { type: r.label, ...Object.fromEntries(r.counts.map((n, j) => [`c${j}`, n])), total: r.total } })),
      { total: true, cells: { type: 'Total', ...Object.fromEntries(c.totals.map((n, j) => [`c${j}`, n])), total: c.total } },
    ],
  }));
  return [main, ...crossTables];
}

/** The type totals as one bar chart (a figure beside Table 6), types in codebook order. */
export function bugDistributionCharts(d: BugDistribution, dimensionLabel = 'Bug'): BarChart[] {
  return [
    {
      title: `${dimensionLabel} types (${d.total} occurrences in ${d.entries} failing entries)`,
      bars: d.types.map((t) => ({ label: t.label, value: t.total, note: d.total ? `${t.total} (${percent(t.total, d.total)}%)` : String(t.total) })),
    },
  ];
}

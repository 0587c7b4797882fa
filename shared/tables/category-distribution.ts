import type { Codebook, Dimension } from '../codebook/schema.ts';
import { idsOf } from '../codebook/values.ts';
import type { FinalEntry } from './final.ts';
import type { BarChart } from './svg.ts';
import { percent, percentValue, type Table } from './table.ts';

/** Whose labels a distribution counts: the final ones (the default), or one annotator's. */
export type CountedLabels = { kind: 'final' } | { kind: 'annotator'; annotator: string; role: string };

/** Counts and shares of entries per category value (the paper's Figure 8). */
export interface CategoryDistribution {
  /** Present when one annotator's labels are counted instead of the final ones. */
  annotator?: { name: string; role: string };
  dimensions: {
    id: string;
    label: string;
    /** Entries with a counted value on this dimension (the base of the shares). */
    entries: number;
    /** Entries without one (no final value yet, or no label from the annotator). */
    entriesWithoutFinal: number;
    values: { id: string; label: string; count: number; share: string }[];
  }[];
}

/** Dimensions whose values are categories of an entry: single, ordinal and multi, applying to every entry. */
export function distributionDimensions(codebook: Codebook): Dimension[] {
  return codebook.dimensions.filter((d) => (d.kind === 'single' || d.kind === 'ordinal' || d.kind === 'multi') && !d.appliesWhen);
}

/** `entries[].finals` holds the values to count: the final ones, or the annotator's labels (see `counted`). */
export function buildCategoryDistribution(codebook: Codebook, entries: FinalEntry[], counted: CountedLabels = { kind: 'final' }): CategoryDistribution {
  return {
    ...(counted.kind === 'annotator' ? { annotator: { name: counted.annotator, role: counted.role } } : {}),
    dimensions: distributionDimensions(codebook).map((d) => {
      const counts = new Map<string, number>();
      let withFinal = 0;
      for (const e of entries) {
        const v = e.finals[d.id];
        const ids = typeof v === 'string' || (Array.isArray(v) && v.length) ? idsOf(v)! : null;
        if (!ids) continue;
        withFinal++;
        for (const id of new Set(ids)) counts.set(id, (counts.get(id) ?? 0) + 1);
      }
      return {
        id: d.id,
        label: d.label,
        entries: withFinal,
        entriesWithoutFinal: entries.length - withFinal,
        values: d.values.map((v) => ({ id: v.id, label: v.label, count: counts.get(v.id) ?? 0, share: percent(counts.get(v.id) ?? 0, withFinal) })),
      };
    }),
  };
}

/** Whose labels, in words: "the labels of deepbench-published (the reference annotator, ...)". */
function whose(annotator: { name: string; role: string }): string {
  const role = annotator.role === 'reference' ? 'the reference annotator, whose labels are the published ones' : `an ${annotator.role}`;
  return `the labels of ${annotator.name} (${role})`;
}

export function categoryDistributionTables(c: CategoryDistribution): Table[] {
  return c.dimensions.map((d) => {
    const missing = c.annotator
      ? `${d.entriesWithoutFinal} entries have no ${d.label.toLowerCase()} label from ${c.annotator.name} and are not counted.`
      : `${d.entriesWithoutFinal} entries have no final ${d.label.toLowerCase()} yet and are not counted.`;
    const notes = [...(c.annotator ? [`Counts ${whose(c.annotator)}.`] : []), ...(d.entriesWithoutFinal ? [missing] : [])];
    return {
      id: `${d.id}-distribution`,
      title: c.annotator ? `Entries per ${d.label.toLowerCase()} (${c.annotator.name})` : `Entries per ${d.label.toLowerCase()}`,
      columns: [
        { key: 'value', label: d.label },
        { key: 'count', label: 'Entries', align: 'right' },
        { key: 'share', label: 'Share (%)', align: 'right', decimals: 1 },
      ],
      rows: [
        ...d.values.map((v) => ({ cells: { value: v.label, count: v.count, share: percentValue(v.count, d.entries) } })),
        { total: true, cells: { value: 'Total', count: d.entries, share: d.entries ? 100 : null } },
      ],
      notes: notes.length ? notes : undefined,
    };
  });
}

export function categoryDistributionCharts(c: CategoryDistribution): BarChart[] {
  return c.dimensions.map((d) => ({
    title: `${d.label} (${d.entries} entries)`,
    bars: d.values.map((v) => ({ label: v.label, value: v.count, note: v.share ? `${v.count} (${v.share}%)` : String(v.count) })),
  }));
}

/** The heading of the bar charts. */
export function categoryDistributionHeading(c: CategoryDistribution): string {
  return c.annotator ? `Entries per category: labels of ${c.annotator.name}` : 'Entries per category';
}

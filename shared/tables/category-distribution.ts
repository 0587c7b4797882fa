import type { Codebook, Dimension } from '../codebook/schema.ts';
import type { FinalEntry } from './final.ts';
import type { BarChart } from './svg.ts';
import { percent, type Table } from './table.ts';

/** Counts and shares of entries per category value (the paper's Figure 8). */
export interface CategoryDistribution {
  dimensions: {
    id: string;
    label: string;
    /** Entries with a final value on this dimension (the base of the shares). */
    entries: number;
    entriesWithoutFinal: number;
    values: { id: string; label: string; count: number; share: string }[];
  }[];
}

/** Dimensions whose values are categories of an entry: single, ordinal and multi, applying to every entry. */
export function distributionDimensions(codebook: Codebook): Dimension[] {
  return codebook.dimensions.filter((d) => (d.kind === 'single' || d.kind === 'ordinal' || d.kind === 'multi') && !d.appliesWhen);
}

export function buildCategoryDistribution(codebook: Codebook, entries: FinalEntry[]): CategoryDistribution {
  return {
    dimensions: distributionDimensions(codebook).map((d) => {
      const counts = new Map<string, number>();
      let withFinal = 0;
      for (const e of entries) {
        const v = e.finals[d.id];
        const ids = typeof v === 'string' ? [v] : Array.isArray(v) && v.length ? v : null;
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

export function categoryDistributionTables(c: CategoryDistribution): Table[] {
  return c.dimensions.map((d) => {
    const notes = d.entriesWithoutFinal ? [`${d.entriesWithoutFinal} entries have no final ${d.label.toLowerCase()} yet and are not counted.`] : undefined;
    return {
      id: `${d.id}-distribution`,
      title: `Entries per ${d.label.toLowerCase()}`,
      columns: [
        { key: 'value', label: d.label },
        { key: 'count', label: 'Entries', align: 'right' },
        { key: 'share', label: 'Share (%)', align: 'right' },
      ],
      rows: [
        ...d.values.map((v) => ({ cells: { value: v.label, count: v.count, share: v.share } })),
        { total: true, cells: { value: 'Total', count: d.entries, share: d.entries ? '100.0' : '' } },
      ],
      notes,
    };
  });
}

export function categoryDistributionCharts(c: CategoryDistribution): BarChart[] {
  return c.dimensions.map((d) => ({
    title: `${d.label} (${d.entries} entries)`,
    bars: d.values.map((v) => ({ label: v.label, value: v.count, note: v.share ? `${v.count} (${v.share}%)` : String(v.count) })),
  }));
}

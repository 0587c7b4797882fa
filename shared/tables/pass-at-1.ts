import type { Codebook } from '../codebook/schema.ts';
import { categoryDimensions, type FinalEntry } from './final.ts';
import { percent, type Table } from './table.ts';

/** One model's result on one entry (import format 5). */
export interface ModelResult {
  entryId: string;
  model: string;
  passed: boolean;
}

export interface PassRate {
  passed: number;
  total: number;
  /** Percentage with one decimal; empty without results. */
  rate: string;
}

/** Pass@1 per model and category (the paper's Tables 3 to 5): one sample per entry, so pass@1 is the pass rate. */
export interface PassAt1 {
  models: string[];
  overall: Record<string, PassRate>;
  dimensions: {
    id: string;
    label: string;
    columns: { id: string; label: string }[];
    /** model -> one rate per column. */
    rates: Record<string, PassRate[]>;
  }[];
}

function rate(passed: number, total: number): PassRate {
  return { passed, total, rate: percent(passed, total) };
}

export function buildPassAt1(codebook: Codebook, entries: FinalEntry[], results: ModelResult[]): PassAt1 {
  const byId = new Map(entries.map((e) => [e.id, e]));
  const models = [...new Set(results.map((r) => r.model))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const overall: Record<string, PassRate> = {};
  for (const m of models) {
    const rs = results.filter((r) => r.model === m);
    overall[m] = rate(rs.filter((r) => r.passed).length, rs.length);
  }
  return {
    models,
    overall,
    dimensions: categoryDimensions(codebook).map((d) => {
      const rates: Record<string, PassRate[]> = {};
      for (const m of models) {
        rates[m] = d.values.map((v) => {
          const rs = results.filter((r) => r.model === m && byId.get(r.entryId)?.finals[d.id] === v.id);
          return rate(rs.filter((r) => r.passed).length, rs.length);
        });
      }
      return { id: d.id, label: d.label, columns: d.values.map((v) => ({ id: v.id, label: v.label })), rates };
    }),
  };
}

export function passAt1Tables(p: PassAt1): Table[] {
  return p.dimensions.map((d) => ({
    id: `pass-at-1-by-${d.id}`,
    title: `Pass@1 (%) per ${d.label.toLowerCase()}`,
    columns: [
      { key: 'model', label: 'Model' },
      ...d.columns.map((c, j) => ({ key: `c${j}`, label: c.label, align: 'right' as const })),
      { key: 'all', label: 'All', align: 'right' },
    ],
    rows: p.models.map((m) => ({ cells: { model: m, ...Object.fromEntries(d.rates[m].map((r, j) => [`c${j}`, r.rate])), all: p.overall[m].rate } })),
    notes: ['Share of entries whose output passed all tests, per model; entries without a final category count only under All.'],
  }));
}

import type { Codebook } from '../codebook/schema.ts';
import { categoryDimensions, settledRule, settledValue, type FinalEntry, type ValueSource } from './final.ts';
import { percent, percentValue, type Table } from './table.ts';

/** One model's result on one entry: a row of import format 5, or an entry's own output and its test result. */
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

/** Pass@1 per model and category (the paper's Tables 2 to 5): one sample per entry, so pass@1 is the pass rate. */
export interface PassAt1 {
  models: string[];
  /** Where each model's results come from, in words. */
  sources: Record<string, string>;
  overall: Record<string, PassRate>;
  dimensions: {
    id: string;
    label: string;
    columns: { id: string; label: string }[];
    /** model -> one rate per column. */
    rates: Record<string, PassRate[]>;
    /** Entries with a result, by where their category comes from (see settledValue). */
    categories: Record<ValueSource, number>;
  }[];
}

export interface PassAt1Input {
  codebook: Codebook;
  entries: FinalEntry[];
  results: ModelResult[];
  /** model -> where its results come from. */
  sources: Record<string, string>;
  /** Who published the labels that stand in for a missing final value. */
  publishedBy: string;
}

function rate(passed: number, total: number): PassRate {
  return { passed, total, rate: percent(passed, total) };
}

export function buildPassAt1(input: PassAt1Input): PassAt1 {
  const { codebook, entries, results } = input;
  const byId = new Map(entries.map((e) => [e.id, e]));
  const models = [...new Set(results.map((r) => r.model))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const overall: Record<string, PassRate> = {};
  for (const m of models) {
    const rs = results.filter((r) => r.model === m);
    overall[m] = rate(rs.filter((r) => r.passed).length, rs.length);
  }
  const withResults = [...new Set(results.map((r) => r.entryId))].map((id) => byId.get(id)).filter((e) => e !== undefined);
  return {
    models,
    sources: Object.fromEntries(models.map((m) => [m, input.sources[m] ?? ''])),
    overall,
    dimensions: categoryDimensions(codebook).map((d) => {
      const categoryOf = new Map(withResults.map((e) => [e.id, settledValue(e, d.id)]));
      const categories: Record<ValueSource, number> = { final: 0, published: 0, none: 0 };
      for (const c of categoryOf.values()) categories[c.source]++;
      const rates: Record<string, PassRate[]> = {};
      for (const m of models) {
        rates[m] = d.values.map((v) => {
          const rs = results.filter((r) => r.model === m && categoryOf.get(r.entryId)?.value === v.id);
          return rate(rs.filter((r) => r.passed).length, rs.length);
        });
      }
      return { id: d.id, label: d.label, columns: d.values.map((v) => ({ id: v.id, label: v.label })), rates, categories };
    }),
  };
}

const rateOf = (r: PassRate) => percentValue(r.passed, r.total);

export function passAt1Tables(p: PassAt1, publishedBy: string): Table[] {
  const overall: Table = {
    id: 'pass-at-1',
    title: 'Pass@1 (%) per model',
    columns: [
      { key: 'model', label: 'Model' },
      { key: 'passed', label: 'Passed', align: 'right' },
      { key: 'total', label: 'Entries', align: 'right' },
      { key: 'rate', label: 'Pass@1 (%)', align: 'right', decimals: 1 },
    ],
    rows: p.models.map((m) => ({ cells: { model: m, passed: p.overall[m].passed, total: p.overall[m].total, rate: rateOf(p.overall[m]) } })),
    notes: [
      'Pass@1: the share of entries whose output passed all of its tests, one output per entry and model.',
      ...p.models.filter((m) => p.sources[m]).map((m) => `${m}: ${p.sources[m]}.`),
    ],
  };
  const rule = settledRule(publishedBy);
  const perDimension: Table[] = p.dimensions.map((d) => {
    const c = d.categories;
    const counted = `${c.final} ${c.final === 1 ? 'entry' : 'entries'} by a final value, ${c.published} by a published label`;
    return {
      id: `pass-at-1-by-${d.id}`,
      title: `Pass@1 (%) per ${d.label.toLowerCase()}`,
      columns: [
        { key: 'model', label: 'Model' },
        ...d.columns.map((col, j) => ({ key: `c${j}`, label: col.label, align: 'right' as const, decimals: 1 })),
        { key: 'all', label: 'All', align: 'right', decimals: 1 },
      ],
      rows: p.models.map((m) => ({ cells: { model: m, ...Object.fromEntries(d.rates[m].map((r, j) => [`c${j}`, rateOf(r)])), all: rateOf(p.overall[m]) } })),
      notes: [
        `${rule[0].toUpperCase()}${rule.slice(1)}: ${counted}${c.none ? `; ${c.none} with neither count only under All` : ''}. An empty cell has no entries.`,
      ],
    };
  });
  return [overall, ...perDimension];
}

/**
 * The figures beyond alpha as paper tables: every coefficient with its 95% interval (pooled and
 * per dimension, Cohen's kappa per pair, one category against the rest), drift per week or batch,
 * and machine coders against the human consensus. Each table's notes carry the provenance.
 */
import type { CoefficientReport } from '../agreement/coefficient-report.ts';
import type { Coefficient, CoefficientTable } from '../agreement/coefficient-table.ts';
import type { Comparison } from '../agreement/coders.ts';
import type { DriftReport } from '../agreement/drift.ts';
import type { MachineReport } from '../agreement/machines.ts';
import { coefficientRowsOf } from './charts.ts';
import { provenanceText, type Provenance } from './provenance.ts';
import type { Cell, Column, Table, TableRow } from './table.ts';

const value = (x: number | null): Cell => (x === null ? 'undefined' : x);
const ciText = (ci: [number, number] | null) => (ci ? `[${ci[0].toFixed(3)}, ${ci[1].toFixed(3)}]` : '');

/** A coefficient's value and interval as cells: one column for people, two numbers for programs. */
function coefficientCells(c: Coefficient, prefix = ''): Record<string, Cell> {
  return {
    [`${prefix}value`]: value(c.value),
    [`${prefix}ci`]: ciText(c.ci),
    [`${prefix}low`]: c.ci?.[0] ?? null,
    [`${prefix}high`]: c.ci?.[1] ?? null,
  };
}

const valueColumns = (prefix = '', label = 'Value'): Column[] => [
  { key: `${prefix}value`, label, align: 'right', decimals: 3 },
  { key: `${prefix}ci`, label: '95% CI', align: 'right', only: 'print' },
  { key: `${prefix}low`, label: `${label === 'Value' ? '' : `${label} `}CI low`.trim(), align: 'right', decimals: 3, only: 'data' },
  { key: `${prefix}high`, label: `${label === 'Value' ? '' : `${label} `}CI high`.trim(), align: 'right', decimals: 3, only: 'data' },
];

function scopes(r: CoefficientReport): { id: string; label: string; table: CoefficientTable }[] {
  return [
    ...(r.pooled ? [{ id: 'pooled', label: 'All categorical dimensions', table: r.pooled as CoefficientTable }] : []),
    ...r.dimensions.filter((d) => d.table).map((d) => ({ id: d.id, label: d.label, table: d.table! })),
  ];
}

/** Coefficient names short enough for the columns of a per-category table. */
const SHORT_NAMES: Record<string, string> = {
  percent: 'Percent',
  cohen: 'Cohen (mean)',
  fleiss: 'Fleiss',
  conger: 'Conger',
  gwet_ac1: 'AC1',
  gwet_ac2: 'AC2',
  brennan_prediger: 'Brennan-Prediger',
  alpha: 'Alpha',
};

export function coefficientTables(r: CoefficientReport, provenance: Provenance): Table[] {
  const main: TableRow[] = [];
  const pairs: TableRow[] = [];
  for (const s of scopes(r)) {
    for (const row of coefficientRowsOf(s.table.coefficients))
      main.push({
        group: s.id,
        cells: {
          scope: s.label,
          coefficient: row.name,
          ...coefficientCells(row.c),
          method: row.c.ciMethod ?? '',
          se: row.c.analytic?.se ?? null,
          units: row.c.units,
        },
      });
    for (const p of s.table.coefficients.cohen.pairs) pairs.push({ group: s.id, cells: { scope: s.label, pair: p.raters.join(' / '), ...coefficientCells(p), units: p.units } });
  }
  // Why a figure is undefined, once per reason (the cells say "undefined"; the page has no room for the reason).
  const reasons = new Map<string, string[]>();
  for (const s of scopes(r))
    for (const row of [...coefficientRowsOf(s.table.coefficients), ...s.table.coefficients.cohen.pairs.map((p) => ({ name: `Cohen's kappa of ${p.raters.join(' / ')}`, c: p as Coefficient }))])
      if (row.c.value === null && row.c.reason) reasons.set(row.c.reason, [...(reasons.get(row.c.reason) ?? []), `${s.label}, ${row.name}`]);
  const notes = [
    ...(scopes(r)[0]?.table.notes ?? []),
    ...r.dimensions.map((d) => `${d.label}: ${d.treatment}.`),
    ...[...reasons].map(([reason, where]) => `Undefined (${reason}): ${where.join('; ')}.`),
    `Computed by ${provenanceText(provenance)}.`,
  ];
  const tables: Table[] = [
    {
      id: 'coefficients',
      title: 'Agreement coefficients with 95% intervals',
      columns: [
        { key: 'scope', label: 'Dimension', perGroup: true },
        { key: 'coefficient', label: 'Coefficient' },
        ...valueColumns(),
        { key: 'method', label: 'Interval', only: 'data' },
        { key: 'se', label: 'SE', align: 'right', decimals: 4, only: 'data' },
        { key: 'units', label: 'Units', align: 'right' },
      ],
      rows: main,
      notes,
    },
  ];
  if (pairs.length)
    tables.push({
      id: 'coefficients-cohen-pairs',
      title: "Cohen's kappa per pair of annotators",
      columns: [{ key: 'scope', label: 'Dimension', perGroup: true }, { key: 'pair', label: 'Annotators' }, ...valueColumns('', 'Kappa'), { key: 'units', label: 'Shared units', align: 'right' }],
      rows: pairs,
    });
  for (const s of scopes(r)) {
    if (!s.table.perCategory.length) continue;
    const names = coefficientRowsOf(s.table.coefficients);
    tables.push({
      id: `coefficients-per-category-${s.id}`,
      title: `${s.label}: each category against the rest`,
      columns: [
        { key: 'category', label: 'Category' },
        ...names.map((n) => ({ key: n.key, label: SHORT_NAMES[n.key] ?? n.name, align: 'right' as const, decimals: 3 })),
      ],
      rows: s.table.perCategory.map((c) => ({
        // Empty where undefined: a page has no room for the word in every column.
        cells: { category: c.label, ...Object.fromEntries(coefficientRowsOf(c.coefficients).map((n) => [n.key, n.c.value])) },
      })),
      notes: [
        'Each category against all the others (present or absent), every coefficient unweighted. An empty cell is undefined (a category nobody or everybody chose leaves nothing to chance); the JSON form says why, with every interval.',
      ],
    });
  }
  return tables;
}

export function driftTable(d: DriftReport, provenance: Provenance): Table {
  return {
    id: 'drift',
    title: `${d.figure.scope === 'pooled' ? 'Pooled alpha' : `Alpha of ${d.figure.scope} (${d.figure.measure})`} per ${d.by === 'week' ? 'week of labelling time' : `batch of ${d.batchSize} entries`}`,
    columns: [
      { key: 'group', label: d.by === 'week' ? 'Week' : 'Batch' },
      { key: 'from', label: 'From', only: 'data' },
      { key: 'to', label: 'To', only: 'data' },
      { key: 'entries', label: 'Entries', align: 'right' },
      { key: 'alpha', label: 'Alpha', align: 'right', decimals: 3 },
      { key: 'ci', label: '95% CI', align: 'right', only: 'print' },
      { key: 'low', label: 'CI low', align: 'right', decimals: 3, only: 'data' },
      { key: 'high', label: 'CI high', align: 'right', decimals: 3, only: 'data' },
      { key: 'units', label: 'Units', align: 'right' },
    ],
    rows: [
      ...d.groups.map((g) => ({ g, total: false, label: g.label })),
      { g: { figure: d.overall, entries: d.groups.reduce((n, x) => n + x.entries, 0), from: d.groups[0]?.from ?? '', to: d.groups[d.groups.length - 1]?.to ?? '' }, total: true, label: 'All entries' },
    ].map(({ g, total, label }) => ({
      total,
      cells: {
        group: label,
        from: g.from,
        to: g.to,
        entries: g.entries,
        alpha: g.figure.alpha === null ? 'undefined' : g.figure.alpha,
        ci: g.figure.interval && g.figure.interval.low !== null ? ciText([g.figure.interval.low, g.figure.interval.high!]) : g.figure.alpha === null ? (g.figure.undefinedReason ?? '') : '',
        low: g.figure.interval?.low ?? null,
        high: g.figure.interval?.high ?? null,
        units: g.figure.units,
      },
    })),
    notes: [
      d.time,
      `95% intervals: ${d.bootstrap.resamples} bootstrap resamples of units, seed ${d.bootstrap.seed}.`,
      ...(d.undated ? [`${d.undated} entries carry no time and are left out of the groups.`] : []),
      `Computed by ${provenanceText(provenance)}.`,
    ],
  };
}

function comparisonRow(dimension: string, c: Comparison, kind: 'machine' | 'person', departures: number | null): TableRow {
  return {
    group: dimension,
    cells: {
      dimension,
      coder: c.coder,
      who: kind === 'person' ? `${c.coder} (person)` : c.coder,
      kind,
      reference: c.reference === 'consensus' ? 'human consensus' : 'majority of the other people',
      entries: c.units,
      accuracy: c.accuracy,
      ...coefficientCells(c.kappa, 'kappa_'),
      ...coefficientCells(c.gwet, 'ac1_'),
      ...coefficientCells(c.alpha, 'alpha_'),
      departures,
    },
  };
}

export function machineTables(r: MachineReport, provenance: Provenance): Table[] {
  const rows: TableRow[] = [];
  const perCategory: TableRow[] = [];
  const departures: TableRow[] = [];
  for (const d of r.dimensions) {
    for (const m of d.machines) {
      rows.push(comparisonRow(d.label, m, 'machine', m.departureCount));
      for (const p of m.perCategory)
        if (p.support || p.chosen) perCategory.push({ group: `${d.id}/${m.coder}`, cells: { dimension: d.label, coder: m.coder, category: p.label, support: p.support, accuracy: p.recall, precision: p.precision } });
      for (const x of m.departures) departures.push({ group: `${d.id}/${m.coder}`, cells: { dimension: d.label, coder: m.coder, entry: x.entry, machine: x.machine.label, consensus: x.consensus.label } });
    }
    for (const h of d.humans) rows.push(comparisonRow(d.label, h, 'person', null));
  }
  const first = (label: string) => ({ key: 'dimension', label, perGroup: true });
  return [
    {
      id: 'machine-coders',
      title: 'Machine coders against the human consensus',
      columns: [
        first('Dimension'),
        { key: 'coder', label: 'Coder', only: 'data' },
        { key: 'who', label: 'Coder', only: 'print' },
        { key: 'kind', label: 'Kind', only: 'data' },
        { key: 'reference', label: 'Against', only: 'data' },
        { key: 'entries', label: 'Entries', align: 'right' },
        { key: 'accuracy', label: 'Accuracy', align: 'right', decimals: 3 },
        // On a page the values alone (a row of intervals would not fit); programs get both ends.
        ...(['kappa_', 'ac1_', 'alpha_'] as const).flatMap((p) => valueColumns(p, p === 'kappa_' ? 'Kappa' : p === 'ac1_' ? 'AC1' : 'Alpha').filter((c) => c.only !== 'print')),
        { key: 'departures', label: 'Departures', align: 'right' },
      ],
      rows,
      notes: [...r.notes, 'Kappa, AC1 and alpha with their 95% intervals are in the CSV, XLSX and JSON forms.', `Computed by ${provenanceText(provenance)}.`],
    },
    {
      id: 'machine-coders-per-category',
      title: 'Machine coders: accuracy per category',
      columns: [first('Dimension'), { key: 'coder', label: 'Coder' }, { key: 'category', label: 'Category' }, { key: 'support', label: 'Entries', align: 'right' }, { key: 'accuracy', label: 'Accuracy', align: 'right', decimals: 3 }, { key: 'precision', label: 'Precision', align: 'right', decimals: 3 }],
      rows: perCategory,
      notes: ['Entries: where the people chose the category. Accuracy: the share of those where the machine chose it too; precision: of the entries where the machine chose it, the share where the people did.'],
    },
    {
      id: 'machine-coders-departures',
      title: 'Where the machine coders depart from the human consensus',
      columns: [first('Dimension'), { key: 'coder', label: 'Coder' }, { key: 'entry', label: 'Entry' }, { key: 'machine', label: 'Machine' }, { key: 'consensus', label: 'People' }],
      rows: departures,
    },
  ];
}

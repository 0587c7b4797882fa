import type { AgreementReport, Figure, Measure } from '../agreement/report.ts';
import type { Column, Table, TableRow } from './table.ts';

/**
 * The agreement report (built by shared/agreement) as paper tables: alpha per dimension and
 * measure with its bootstrap interval and sample sizes, pairwise figures, and per-value alpha of
 * the taxonomy. Coincidence matrices stay in the JSON form.
 */

/** Alpha as a cell: the number (printed with three decimals), or "undefined" (never 0, 1 or NaN) when it has no value. */
function alphaCell(a: number | null): number | string {
  return a === null ? 'undefined' : a;
}

function interval(f: Figure): string {
  const i = f.interval;
  if (!i || i.low === null || i.high === null) return '';
  return `[${i.low.toFixed(3)}, ${i.high.toFixed(3)}]`;
}

/** The interval's bounds as cells: one column for people ("[0.712, 0.881]"), two numbers for programs. */
function intervalCells(f: Figure): { ci: string; low: number | null; high: number | null } {
  return { ci: interval(f), low: f.interval?.low ?? null, high: f.interval?.high ?? null };
}

const alphaColumns = [
  { key: 'alpha', label: 'Alpha', align: 'right', decimals: 3 },
  { key: 'ci', label: '95% CI', align: 'right', only: 'print' },
  { key: 'low', label: 'CI low', align: 'right', decimals: 3, only: 'data' },
  { key: 'high', label: 'CI high', align: 'right', decimals: 3, only: 'data' },
] as const satisfies Column[];

function measureRow(group: string, dimension: string, m: Measure): TableRow {
  return {
    group,
    cells: {
      dimension,
      measure: m.description,
      alpha: alphaCell(m.figure.alpha),
      ...intervalCells(m.figure),
      units: m.figure.units,
      values: m.figure.values,
    },
  };
}

export function agreementTables(r: AgreementReport): Table[] {
  const rows: TableRow[] = [];
  for (const d of r.dimensions) for (const m of d.measures) rows.push(measureRow(d.id, d.label, m));
  if (r.pooled) rows.push({ ...measureRow('pooled', 'All categorical dimensions', r.pooled), total: true });
  if (r.pooledNominal) rows.push({ ...measureRow('pooled', 'All categorical dimensions', r.pooledNominal), total: true });

  const undefinedReasons = [...r.dimensions.flatMap((d) => d.measures.map((m) => [d.label, m] as const)), ...(r.pooled ? [['Pooled', r.pooled] as const] : [])]
    .filter(([, m]) => m.figure.alpha === null && m.figure.undefinedReason)
    .map(([label, m]) => `${label}, ${m.description}: alpha is undefined (${m.figure.undefinedReason}).`);
  const cc = r.crossCheck;
  const notes = [
    `Krippendorff's alpha on the annotators' own labels (${r.raters.length} raters), before adjudication; 95% intervals from ${r.bootstrap.resamples} bootstrap resamples of units (seed ${r.bootstrap.seed}).`,
    cc.checked
      ? `Nominal figures ${cc.agree ? 'agree' : 'DISAGREE'} with the ${cc.package} package (${cc.checked} checked, tolerance ${cc.tolerance}).`
      : `No nominal figure was cross-checked against the ${cc.package} package.`,
    ...undefinedReasons,
  ];
  const main: Table = {
    id: 'agreement',
    title: "Inter-annotator agreement (Krippendorff's alpha)",
    columns: [
      { key: 'dimension', label: 'Dimension', perGroup: true },
      { key: 'measure', label: 'Measure' },
      ...alphaColumns,
      { key: 'units', label: 'Units', align: 'right' },
      // How many values were paired: for a program checking the figure, not for the page.
      { key: 'values', label: 'Values', align: 'right', only: 'data' },
    ],
    rows,
    notes,
  };

  const pairRows: TableRow[] = [];
  for (const d of r.dimensions) {
    const primary = d.measures.find((m) => m.id === d.primary);
    if (!primary) continue;
    for (const p of primary.pairwise)
      pairRows.push({
        group: d.id,
        cells: {
          dimension: d.label,
          pair: `${p.raters[0]} / ${p.raters[1]}`,
          units: p.units,
          percent: p.percentAgreement,
          alpha: alphaCell(p.result.alpha),
        },
      });
  }
  const pairs: Table = {
    id: 'agreement-pairwise',
    title: 'Pairwise agreement',
    columns: [
      { key: 'dimension', label: 'Dimension', perGroup: true },
      { key: 'pair', label: 'Annotators' },
      { key: 'units', label: 'Shared units', align: 'right' },
      { key: 'percent', label: 'Agreement (%)', align: 'right', decimals: 1 },
      { key: 'alpha', label: 'Alpha', align: 'right', decimals: 3 },
    ],
    rows: pairRows,
  };

  // A table per dimension (the bug taxonomy's types and subtypes, a checklist's items): narrow enough for a page.
  const perValue: Table[] = r.dimensions
    .filter((d) => d.perValue.length)
    .map((d) => ({
      id: `agreement-per-value-${d.id}`,
      title: `Agreement per value of ${d.label.toLowerCase()} (binary alpha: present or absent)`,
      columns: [{ key: 'value', label: 'Value' }, { key: 'kind', label: 'Level' }, ...alphaColumns, { key: 'units', label: 'Units', align: 'right' }],
      rows: d.perValue.map((v) => ({ cells: { value: v.label, kind: v.kind, alpha: alphaCell(v.figure.alpha), ...intervalCells(v.figure), units: v.figure.units } })),
    }));
  return [main, ...(pairRows.length ? [pairs] : []), ...perValue];
}

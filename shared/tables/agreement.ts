import type { AgreementReport, Figure, Measure } from '../agreement/report.ts';
import type { Table, TableRow } from './table.ts';

/**
 * The agreement report (built by shared/agreement) as paper tables: alpha per dimension and
 * measure with its bootstrap interval and sample sizes, pairwise figures, and per-value alpha of
 * the taxonomy. Coincidence matrices stay in the JSON form.
 */

/** Alpha to three decimals; "undefined" (never 0, 1 or NaN) when it has no value. */
export function formatAlpha(a: number | null): string {
  return a === null ? 'undefined' : a.toFixed(3);
}

function interval(f: Figure): string {
  const i = f.interval;
  if (!i || i.low === null || i.high === null) return '';
  return `[${i.low.toFixed(3)}, ${i.high.toFixed(3)}]`;
}

function measureRow(group: string, dimension: string, m: Measure): TableRow {
  return {
    group,
    cells: {
      dimension,
      measure: m.description,
      alpha: formatAlpha(m.figure.alpha),
      ci: interval(m.figure),
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
      { key: 'alpha', label: 'Alpha', align: 'right' },
      { key: 'ci', label: '95% CI', align: 'right' },
      { key: 'units', label: 'Units', align: 'right' },
      { key: 'values', label: 'Values', align: 'right' },
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
          percent: p.percentAgreement === null ? '' : p.percentAgreement.toFixed(1),
          alpha: formatAlpha(p.result.alpha),
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
      { key: 'percent', label: 'Agreement (%)', align: 'right' },
      { key: 'alpha', label: 'Alpha', align: 'right' },
    ],
    rows: pairRows,
  };

  const valueRows: TableRow[] = r.dimensions.flatMap((d) =>
    d.perValue.map((v) => ({
      group: d.id,
      cells: { dimension: d.label, value: v.label, kind: v.kind, alpha: formatAlpha(v.figure.alpha), ci: interval(v.figure), units: v.figure.units },
    })),
  );
  const perValue: Table = {
    id: 'agreement-per-value',
    title: 'Agreement per value (binary alpha: present or absent)',
    columns: [
      { key: 'dimension', label: 'Dimension', perGroup: true },
      { key: 'value', label: 'Value' },
      { key: 'kind', label: 'Level' },
      { key: 'alpha', label: 'Alpha', align: 'right' },
      { key: 'ci', label: '95% CI', align: 'right' },
      { key: 'units', label: 'Units', align: 'right' },
    ],
    rows: valueRows,
  };
  return [main, ...(pairRows.length ? [pairs] : []), ...(valueRows.length ? [perValue] : [])];
}

import type { Codebook } from '../codebook/schema.ts';
import type { AgreementGroup, DisagreementReason, GoldAccuracy } from '../types.ts';
import { disagreementReasonText, disagreementReasons } from '../types.ts';
import type { Cell, Column, Table } from './table.ts';
import { percentValue } from './table.ts';

/**
 * Tables of a calibrating study: alpha per round (or per codebook version), each annotator's
 * accuracy on the gold answers, and why the annotators disagreed, counted.
 */

const interval = (low: number | null, high: number | null) => (low === null || high === null ? '' : `[${low.toFixed(3)}, ${high.toFixed(3)}]`);

/** Alpha per group, one row per dimension and one for the pooled figure, groups in their order. */
export function roundsTable(groups: AgreementGroup[], by: 'round' | 'version'): Table {
  const columns: Column[] = [
    { key: 'group', label: by === 'round' ? 'Round' : 'Version', perGroup: true },
    { key: 'detail', label: by === 'round' ? 'Status' : 'From', perGroup: true },
    { key: 'entries', label: 'Entries', align: 'right', perGroup: true },
    { key: 'dimension', label: 'Dimension' },
    { key: 'measure', label: 'Measure' },
    { key: 'alpha', label: 'Alpha', align: 'right', decimals: 3 },
    { key: 'interval', label: '95% interval', only: 'print' },
    { key: 'low', label: 'ci_low', align: 'right', decimals: 3, only: 'data' },
    { key: 'high', label: 'ci_high', align: 'right', decimals: 3, only: 'data' },
    { key: 'units', label: 'Units', align: 'right' },
  ];
  const rows = groups.flatMap((g) => {
    const base = { group: g.group, detail: g.detail, entries: g.entries };
    const figures: Record<string, Cell>[] = [
      ...(g.pooled ? [{ dimension: 'All (pooled)', measure: 'masi', alpha: g.pooled.alpha, low: g.pooled.low, high: g.pooled.high, units: g.pooled.units }] : []),
      // A dimension nobody labelled in the group (no pairable unit) has nothing to show.
      ...g.dimensions.filter((d) => d.units > 0 || d.alpha !== null).map((d) => ({ dimension: d.label, measure: d.measure, alpha: d.alpha, low: d.low, high: d.high, units: d.units })),
    ];
    return figures.map((f) => ({ group: g.group, cells: { ...base, ...f, interval: interval(f.low as number | null, f.high as number | null) } }));
  });
  return {
    id: by === 'round' ? 'alpha-per-round' : 'alpha-per-version',
    title: by === 'round' ? "Krippendorff's alpha per calibration round" : "Krippendorff's alpha per codebook version",
    columns,
    rows,
    notes: [
      by === 'round'
        ? "Each round's figures count the labels on that round's entries only; an empty alpha is undefined (nothing pairable, or no variation)."
        : 'Each version counts the labels made under it; a label moved by a codebook change keeps the version it was made under.',
    ],
  };
}

/** Accuracy of each annotator on the gold answers, overall and per dimension. */
export function goldTable(acc: GoldAccuracy): Table {
  const rows = acc.annotators.flatMap((a) => [
    { group: a.annotator, cells: { annotator: a.annotator, dimension: 'All', items: a.items, correct: a.correct, accuracy: a.accuracy === null ? null : percentValue(a.correct, a.items) } },
    ...acc.dimensions.map((d) => {
      const x = a.byDimension[d.id];
      return { group: a.annotator, cells: { annotator: a.annotator, dimension: d.label, items: x.items, correct: x.correct, accuracy: percentValue(x.correct, x.items) } };
    }),
  ]);
  return {
    id: 'gold-accuracy',
    title: 'Accuracy on the gold answers',
    columns: [
      { key: 'annotator', label: 'Annotator', perGroup: true },
      { key: 'dimension', label: 'Dimension' },
      { key: 'items', label: 'Items', align: 'right' },
      { key: 'correct', label: 'Correct', align: 'right' },
      { key: 'accuracy', label: 'Accuracy (%)', align: 'right', decimals: 1 },
    ],
    rows,
    notes: [
      `${acc.goldEntries} entries have a gold answer. An item is a gold answer on an entry the annotator submitted; it is correct when the annotator's value is exactly the known one.`,
    ],
  };
}

export interface ReasonCount {
  entryId: string;
  /** '' for the entry as a whole. */
  dimension: string;
  reason: DisagreementReason;
}

/** Why the annotators disagreed: each reason counted per dimension, with totals. */
export function disagreementsTable(codebook: Codebook, reasons: ReasonCount[]): Table {
  const dims = [
    ...(reasons.some((r) => r.dimension === '') ? [{ id: '', label: 'Entry' }] : []),
    ...codebook.dimensions.filter((d) => reasons.some((r) => r.dimension === d.id)),
    // A dimension retired since keeps its count, under its id.
    ...[...new Set(reasons.map((r) => r.dimension))].filter((id) => id !== '' && !codebook.dimensions.some((d) => d.id === id)).map((id) => ({ id, label: id })),
  ];
  const total = reasons.length;
  const rows = disagreementReasons.map((reason) => {
    const cells: Record<string, Cell> = { reason: disagreementReasonText[reason] };
    for (const d of dims) cells[`d:${d.id}`] = reasons.filter((r) => r.reason === reason && r.dimension === d.id).length;
    const n = reasons.filter((r) => r.reason === reason).length;
    cells.total = n;
    cells.share = percentValue(n, total);
    return { cells };
  });
  const totals: Record<string, Cell> = { reason: 'Total', total, share: total ? 100 : null };
  for (const d of dims) totals[`d:${d.id}`] = reasons.filter((r) => r.dimension === d.id).length;
  return {
    id: 'disagreement-reasons',
    title: 'Why the annotators disagreed',
    columns: [
      { key: 'reason', label: 'Reason' },
      ...dims.map((d) => ({ key: `d:${d.id}`, label: d.label, align: 'right' as const })),
      { key: 'total', label: 'Total', align: 'right' },
      { key: 'share', label: 'Share (%)', align: 'right', decimals: 1 },
    ],
    rows: [...rows, { cells: totals, total: true }],
    notes: [`${new Set(reasons.map((r) => r.entryId)).size} entries; a reason is chosen in adjudication per dimension (or for the entry as a whole).`],
  };
}

import type { Dimension } from '../codebook/schema.ts';
import { isEmptyValue, type LabelValue } from '../codebook/values.ts';
import type { Table } from './table.ts';

/**
 * Krippendorff's reliability matrix (formats section 6) for checking alpha in R or Python: a
 * header `rater,<unit id>,...`, a row per rater, an empty cell for a missing value, set values
 * joined by `|`. Cells hold value ids (stable, and what `concord alpha --matrix` reads back).
 */
export interface ReliabilityInput {
  dimension: Dimension;
  annotators: string[];
  /** Units in export order, each with the annotators' values. */
  units: { id: string; values: { annotator: string; value: LabelValue }[] }[];
}

/** Dimensions a matrix can carry: categorical ones (a checklist or free text has no single alpha). */
export function matrixDimensions(dims: Dimension[]): Dimension[] {
  return dims.filter((d) => d.kind === 'single' || d.kind === 'ordinal' || d.kind === 'multi' || d.kind === 'tree');
}

function matrixCell(value: LabelValue | undefined): string {
  if (value === undefined || isEmptyValue(value)) return '';
  if (Array.isArray(value)) return value.join('|');
  return typeof value === 'string' ? value : '';
}

/** Units with at least one value; raters as columns of the header, units as columns of the table. */
export function reliabilityTable(input: ReliabilityInput): Table {
  const units = input.units.filter((u) => u.values.some((v) => !isEmptyValue(v.value)));
  return {
    id: `${input.dimension.id}-matrix`,
    title: `Reliability matrix: ${input.dimension.label}`,
    columns: [{ key: 'rater', label: 'rater' }, ...units.map((u, i) => ({ key: `u${i}`, label: u.id }))],
    rows: input.annotators.map((a) => ({
      cells: { rater: a, ...Object.fromEntries(units.map((u, i) => [`u${i}`, matrixCell(u.values.find((v) => v.annotator === a)?.value)])) },
    })),
  };
}

/** The level at which the dimension's alpha is computed, for the JSON form. */
export function matrixLevel(dim: Dimension): 'nominal' | 'ordinal' | 'masi' {
  return dim.kind === 'ordinal' ? 'ordinal' : dim.kind === 'multi' || dim.kind === 'tree' ? 'masi' : 'nominal';
}

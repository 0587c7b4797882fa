/**
 * A table as the exports see it: columns, rows of display cells, and the grouping a paper
 * table shows (a type's name and total printed once beside its subtypes). Builders make tables;
 * formatters (CSV, Markdown, LaTeX, XLSX) print them. Numbers are formatted by the builder, so
 * every format shows the same figures.
 */
export type Cell = string | number | null;

export interface Column {
  key: string;
  label: string;
  align?: 'left' | 'right';
  /** Printed only on the first row of a group in Markdown and LaTeX; repeated in CSV and XLSX so each row stands alone. */
  perGroup?: boolean;
}

export interface TableRow {
  cells: Record<string, Cell>;
  /** Rows with the same group are printed together, with a rule between groups. */
  group?: string;
  /** A summary row (Total), set off by a rule. */
  total?: boolean;
}

export interface Table {
  /** Stable id: a LaTeX label, a sheet name. */
  id: string;
  title: string;
  columns: Column[];
  rows: TableRow[];
  /** Lines printed under the table (what is counted, what is missing). */
  notes?: string[];
}

/** Whether a row starts a new group (its per-group cells are shown). */
export function startsGroup(rows: TableRow[], i: number): boolean {
  return i === 0 || rows[i].group === undefined || rows[i].group !== rows[i - 1].group;
}

export function cellText(c: Cell | undefined): string {
  if (c === null || c === undefined) return '';
  return typeof c === 'number' ? String(c) : c;
}

/** A share as a percentage with one decimal ("40.4"); empty when there is nothing to divide by. */
export function percent(part: number, whole: number): string {
  if (whole === 0) return '';
  // Round half away from zero on the exact ratio, so 0.125 -> 12.5 and not a float artefact.
  const tenths = Math.round((part * 1000) / whole);
  return (tenths / 10).toFixed(1);
}

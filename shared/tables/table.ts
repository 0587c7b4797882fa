/**
 * A table as the exports see it: columns, rows of typed cells, and the grouping a paper table
 * shows (a type's name and total printed once beside its subtypes). Builders make tables;
 * formatters (CSV, Markdown, LaTeX, XLSX) print them. A cell keeps its type (a number stays a
 * number, a boolean a boolean) so a spreadsheet gets values it can compute with; the column says
 * how many decimals the text formats print, so every format shows the same figures.
 */
export type Cell = string | number | boolean | null;

export interface Column {
  key: string;
  label: string;
  align?: 'left' | 'right';
  /** Printed only on the first row of a group in Markdown and LaTeX; repeated in CSV and XLSX so each row stands alone. */
  perGroup?: boolean;
  /** Numbers in this column are printed with this many decimals (and shown so in XLSX). */
  decimals?: number;
  /**
   * `print`: only in the formats people read (Markdown, LaTeX); `data`: only in the formats
   * programs read (CSV, XLSX). An interval reads as "[0.71, 0.88]" but computes as two numbers.
   */
  only?: 'print' | 'data';
}

export interface TableRow {
  cells: Record<string, Cell | undefined>;
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

/** The columns a kind of format shows. */
export function columnsFor(t: Table, audience: 'print' | 'data'): Column[] {
  return t.columns.filter((c) => c.only === undefined || c.only === audience);
}

/** Whether a row starts a new group (its per-group cells are shown). */
export function startsGroup(rows: TableRow[], i: number): boolean {
  return i === 0 || rows[i].group === undefined || rows[i].group !== rows[i - 1].group;
}

/** A cell as text: numbers with the column's decimals, booleans as true/false, nothing as "". */
export function cellText(c: Cell | undefined, column?: Pick<Column, 'decimals'>): string {
  if (c === null || c === undefined) return '';
  if (typeof c === 'number') return column?.decimals === undefined ? String(c) : c.toFixed(column.decimals);
  return typeof c === 'boolean' ? String(c) : c;
}

/**
 * A share as a percentage rounded to one decimal (40.4), or null when there is nothing to divide
 * by. Rounds half away from zero on the exact ratio, so 1/8 gives 12.5 and not a float artefact.
 */
export function percentValue(part: number, whole: number): number | null {
  if (whole === 0) return null;
  return Math.round((part * 1000) / whole) / 10;
}

/** The same share as text with one decimal ("40.4"); empty when there is nothing to divide by. */
export function percent(part: number, whole: number): string {
  const p = percentValue(part, whole);
  return p === null ? '' : p.toFixed(1);
}

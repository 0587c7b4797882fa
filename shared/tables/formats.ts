import { cellText, columnsFor, startsGroup, type Cell, type Column, type Table } from './table.ts';

/**
 * Text formatters. All of them are pure and deterministic: the same tables give the same bytes
 * (LF line ends, a final newline, no dates, no locale-dependent number formatting).
 */

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * A CSV cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR first) gets a
 * leading apostrophe; plain numbers such as -1 are data and stay as they are.
 */
export function escapeFormula(s: string): string {
  if (/^[=+\-@\t\r]/.test(s) && !NUMBER.test(s)) return `'${s}`;
  return s;
}

/** One CSV cell: formula-escaped, then quoted when it holds a comma, quote or line break (RFC 4180). */
export function csvCell(c: Cell | undefined, column?: Column): string {
  const s = escapeFormula(cellText(c, column));
  return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(cells: (Cell | undefined)[], columns?: Column[]): string {
  return cells.map((c, i) => csvCell(c, columns?.[i])).join(',');
}

/**
 * CSV of one table: a header of column labels and a row per table row, every cell repeated (no
 * grouping blanks) so rows can be filtered and pivoted. Several tables are separated by an empty
 * line, each preceded by its title on a line of its own.
 */
export function formatCsv(tables: Table[]): string {
  const one = (t: Table) => {
    const cols = columnsFor(t, 'data');
    return [csvLine(cols.map((c) => c.label)), ...t.rows.map((r) => csvLine(cols.map((c) => r.cells[c.key]), cols))].join('\n') + '\n';
  };
  if (tables.length === 1) return one(tables[0]);
  return tables.map((t) => `${csvLine([t.title])}\n${one(t)}`).join('\n');
}

/**
 * Text safe in a GitHub-flavoured Markdown table cell: HTML is shown as text (`<script>` stays
 * `<script>` on the page, and so does `&lt;`), Markdown's own marks (emphasis, code, links,
 * strikethrough) and the cell separator are escaped, line breaks become spaces.
 */
export function markdownCell(s: string): string {
  return (
    s
      .replace(/[\\`*~|]/g, (ch) => `\\${ch}`)
      // An underscore inside a word (entry_id) never starts emphasis; one beside a space or mark can.
      .replace(/_/g, (ch, at: number, all: string) => (/[\p{L}\p{N}]/u.test(all[at - 1] ?? '') && /[\p{L}\p{N}]/u.test(all[at + 1] ?? '') ? ch : '\\_'))
      // "[text](url)" is a link only with "](": breaking that keeps brackets readable elsewhere.
      .replace(/\](?=\()/g, '\\]')
      .replace(/&(?=#?\w+;)/g, '&amp;')
      .replace(/[<>]/g, (ch) => (ch === '<' ? '&lt;' : '&gt;'))
      .replace(/\r?\n|\r/g, ' ')
  );
}

/** GitHub-flavoured Markdown: a heading per table, a pipe table, notes as a list. */
export function formatMarkdown(tables: Table[]): string {
  return tables
    .map((t) => {
      const cols = columnsFor(t, 'print');
      const lines = [`### ${markdownCell(t.title)}`, ''];
      lines.push(`| ${cols.map((c) => markdownCell(c.label)).join(' | ')} |`);
      lines.push(`|${cols.map((c) => (c.align === 'right' ? ' ---: ' : ' --- ')).join('|')}|`);
      t.rows.forEach((r, i) => {
        const first = startsGroup(t.rows, i);
        const cells = cols.map((c) => (c.perGroup && !first ? '' : markdownCell(cellText(r.cells[c.key], c))));
        lines.push(`| ${(r.total ? cells.map((c) => (c ? `**${c}**` : c)) : cells).join(' | ')} |`);
      });
      if (t.notes?.length) lines.push('', ...t.notes.map((n) => `- ${markdownCell(n)}`));
      return lines.join('\n') + '\n';
    })
    .join('\n');
}

export { escapeLatex, formatLatex, latexPackages, planLatexTable } from './latex.ts';

/** Pretty-printed JSON with a final newline; key order is the builder's, so output is stable. */
export function formatJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

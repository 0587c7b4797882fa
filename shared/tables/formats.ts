import { cellText, startsGroup, type Cell, type Table } from './table.ts';

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
export function csvCell(c: Cell | undefined): string {
  const s = escapeFormula(cellText(c));
  return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(cells: (Cell | undefined)[]): string {
  return cells.map(csvCell).join(',');
}

/**
 * CSV of one table: a header of column labels and a row per table row, every cell repeated (no
 * grouping blanks) so rows can be filtered and pivoted. Several tables are separated by an empty
 * line, each preceded by its title on a line of its own.
 */
export function formatCsv(tables: Table[]): string {
  const one = (t: Table) => [csvLine(t.columns.map((c) => c.label)), ...t.rows.map((r) => csvLine(t.columns.map((c) => r.cells[c.key])))].join('\n') + '\n';
  if (tables.length === 1) return one(tables[0]);
  return tables.map((t) => `${csvLine([t.title])}\n${one(t)}`).join('\n');
}

function markdownCell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n|\r/g, ' ');
}

/** GitHub-flavoured Markdown: a heading per table, a pipe table, notes as a list. */
export function formatMarkdown(tables: Table[]): string {
  return tables
    .map((t) => {
      const lines = [`### ${markdownCell(t.title)}`, ''];
      lines.push(`| ${t.columns.map((c) => markdownCell(c.label)).join(' | ')} |`);
      lines.push(`|${t.columns.map((c) => (c.align === 'right' ? ' ---: ' : ' --- ')).join('|')}|`);
      t.rows.forEach((r, i) => {
        const first = startsGroup(t.rows, i);
        const cells = t.columns.map((c) => (c.perGroup && !first ? '' : markdownCell(cellText(r.cells[c.key]))));
        lines.push(`| ${(r.total ? cells.map((c) => (c ? `**${c}**` : c)) : cells).join(' | ')} |`);
      });
      if (t.notes?.length) lines.push('', ...t.notes.map((n) => `- ${markdownCell(n)}`));
      return lines.join('\n') + '\n';
    })
    .join('\n');
}

const latexSpecials: Record<string, string> = {
  '\\': '\\textbackslash{}',
  '{': '\\{',
  '}': '\\}',
  $: '\\$',
  '&': '\\&',
  '#': '\\#',
  '^': '\\textasciicircum{}',
  _: '\\_',
  '%': '\\%',
  '~': '\\textasciitilde{}',
  '<': '\\textless{}',
  '>': '\\textgreater{}',
  '|': '\\textbar{}',
  // The agreement report writes "Type › Subtype"; U+203A needs T1 fonts under pdflatex, so spell it out.
  '›': '\\textgreater{}',
};

/** Text safe in a LaTeX document: every special character escaped, line breaks as spaces. */
export function escapeLatex(s: string): string {
  return s.replace(/[\\{}$&#^_%~<>|›]/g, (ch) => latexSpecials[ch]).replace(/\r?\n|\r/g, ' ');
}

function latexLabel(id: string): string {
  return id.replace(/[^A-Za-z0-9:-]/g, '-');
}

/**
 * A `table` float per table with a booktabs `tabular` (\toprule, \midrule between groups and
 * before totals, \bottomrule); needs only \usepackage{booktabs}.
 */
export function formatLatex(tables: Table[]): string {
  return tables
    .map((t) => {
      const lines = [
        '\\begin{table}[ht]',
        '  \\centering',
        `  \\caption{${escapeLatex(t.title)}}`,
        `  \\label{tab:${latexLabel(t.id)}}`,
        `  \\begin{tabular}{${t.columns.map((c) => (c.align === 'right' ? 'r' : 'l')).join('')}}`,
        '    \\toprule',
        `    ${t.columns.map((c) => escapeLatex(c.label)).join(' & ')} \\\\`,
        '    \\midrule',
      ];
      t.rows.forEach((r, i) => {
        const first = startsGroup(t.rows, i);
        if (i > 0 && (r.total ? !t.rows[i - 1].total : first && r.group !== undefined)) lines.push('    \\midrule');
        const cells = t.columns.map((c) => (c.perGroup && !first ? '' : escapeLatex(cellText(r.cells[c.key]))));
        lines.push(`    ${cells.join(' & ')} \\\\`);
      });
      lines.push('    \\bottomrule', '  \\end{tabular}');
      if (t.notes?.length) lines.push(`  \\par\\smallskip\\footnotesize ${t.notes.map(escapeLatex).join(' ')}`);
      lines.push('\\end{table}');
      return lines.join('\n') + '\n';
    })
    .join('\n');
}

/** Pretty-printed JSON with a final newline; key order is the builder's, so output is stable. */
export function formatJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

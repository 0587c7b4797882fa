/**
 * Plain-text tables for the CLI's human output: aligned columns, a header, cells that never run
 * into each other, and long text wrapped inside its column rather than cut (two names that share
 * their first 30 characters must not print the same). Numbers are right-aligned.
 */
import { printable } from '../shared/names.ts';

export interface Column {
  header: string;
  align?: 'left' | 'right';
  /** Wrap cells longer than this onto further lines, at spaces where possible; default: widen the column. */
  maxWidth?: number;
}

export interface TableOptions {
  /** Spaces before every line (default 2). */
  indent?: number;
  /** Spaces between columns (default 2). */
  gap?: number;
}

/** Length in characters as a terminal shows them (code points, so "α" and "›" count one). */
const width = (s: string) => [...s].length;

/** What continues a wrapped cell on its next lines, so it does not read as a row of its own. */
const HANG = '  ';

/**
 * Splits text into lines of at most `max` characters, breaking at spaces (inside a word only when
 * it is longer than a line); lines after the first are indented by `hang` (two spaces).
 */
export function wrapText(text: string, max: number, hang = HANG): string[] {
  if (width(text) <= max) return [text];
  const lines: string[] = [];
  let line = '';
  const room = () => (lines.length ? max - hang.length : max);
  const flush = () => {
    lines.push(lines.length ? hang + line : line);
    line = '';
  };
  for (const word of text.split(' ')) {
    let rest = word;
    if (line && width(`${line} ${rest}`) > room()) flush();
    while (width(rest) > room()) {
      const chars = [...rest];
      line = chars.slice(0, room()).join('');
      rest = chars.slice(room()).join('');
      flush();
    }
    line = line ? `${line} ${rest}` : rest;
  }
  if (line) flush();
  return lines;
}

/**
 * The table as text, one line per row (more where a cell wraps), ending with a newline. Cells go
 * to a terminal: a name with a control or hidden character (an older project may hold one) is
 * printed with it escaped, never raw.
 */
export function textTable(columns: Column[], rows: string[][], opts: TableOptions = {}): string {
  const indent = ' '.repeat(opts.indent ?? 2);
  const gap = ' '.repeat(opts.gap ?? 2);
  const cells = rows.map((row) => columns.map((c, i) => (c.maxWidth ? wrapText(printable(row[i] ?? ''), c.maxWidth) : [printable(row[i] ?? '')])));
  const widths = columns.map((c, i) => Math.max(width(c.header), ...cells.map((row) => Math.max(...row[i].map(width)))));
  const pad = (s: string, i: number) => {
    const fill = ' '.repeat(widths[i] - width(s));
    return columns[i].align === 'right' ? fill + s : s + fill;
  };
  const line = (parts: string[]) => `${indent}${parts.map(pad).join(gap)}`.trimEnd();
  const out = [line(columns.map((c) => c.header))];
  for (const row of cells) {
    const height = Math.max(...row.map((c) => c.length));
    for (let k = 0; k < height; k++) out.push(line(row.map((c) => c[k] ?? '')));
  }
  return `${out.join('\n')}\n`;
}

/**
 * Notes under a table: a long remark is said once, below, and the cells carry its number.
 * `mark` returns the same number for the same text.
 */
export class TableNotes {
  private readonly texts: string[] = [];

  mark(text: string): string {
    let i = this.texts.indexOf(text);
    if (i < 0) i = this.texts.push(text) - 1;
    return `[${i + 1}]`;
  }

  /** The notes as text (indented like the table, wrapped at 100 columns), or '' when there are none. */
  toString(indent = 2): string {
    const pad = ' '.repeat(indent);
    return this.texts
      .map((t, i) => {
        const mark = `[${i + 1}] `;
        const [first, ...rest] = wrapText(t, 100 - indent - mark.length);
        return [`${pad}${mark}${first}`, ...rest.map((l) => `${pad}${' '.repeat(mark.length - HANG.length)}${l}`)].join('\n') + '\n';
      })
      .join('');
  }
}

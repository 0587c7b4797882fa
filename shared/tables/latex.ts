import { cellText, columnsFor, startsGroup, type Column, type Table } from './table.ts';

/**
 * LaTeX tables a paper can use as they are: booktabs rules, `\small` type, and a layout planned
 * to fit the page of a plain `\documentclass{article}`. A table that is too wide wraps its text
 * columns in a `tabularx` as wide as the line (and, when numeric headers are what makes it wide,
 * turns them on their side); a table too tall for one page is continued in a second float.
 * The first line of the output names the packages the preamble needs.
 */

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
 * The page the layout plans for: a plain article at 10pt (\textwidth 345pt, \textheight 550pt),
 * tables in \small (9pt type on 11pt lines), and the width of each printable ASCII character in
 * that type as pdflatex sets it (Computer Modern, escapes included), with a margin. Only the
 * choice of layout depends on these; LaTeX sizes the table itself (`tabularx` to `\linewidth`),
 * so a guess a little off never runs off the page.
 */
const TEXT_WIDTH = 345;
const TEXT_HEIGHT = 550;
const LINE = 11;
/** \tabcolsep, and the tighter one used when a table fits no other way. */
const TABCOLSEP = 6;
const TIGHT_TABCOLSEP = 3;
/** A header turned on its side is one line of type wide. */
const ROTATED_HEADER = 10;
/** Below this a wrapped text column reads as a word per line; wrap no narrower when we can. */
const COMFORTABLE = 80;
/** Widths in pt of U+0020 to U+007E at 9pt; anything else is taken as wide as the widest. */
const ASCII_WIDTHS = [
  3.1, 2.6, 4.7, 7.8, 4.7, 7.8, 7.2, 2.6, 3.6, 3.6, 4.7, 7.2, 2.6, 3.1, 2.6, 4.7, 4.7, 4.7, 4.7, 4.7, 4.7, 4.7, 4.7, 4.7, 4.7, 4.7, 2.6, 2.6, 7.2, 7.2, 7.2, 4.4,
  7.2, 7.0, 6.6, 6.7, 7.1, 6.3, 6.1, 7.3, 7.0, 3.4, 4.8, 7.2, 5.8, 8.5, 7.0, 7.2, 6.3, 7.2, 6.9, 5.2, 6.7, 7.0, 7.0, 9.6, 7.0, 7.0, 5.7, 2.6, 4.7, 2.6, 4.7, 3.4,
  2.6, 4.7, 5.2, 4.2, 5.2, 4.2, 2.9, 4.7, 5.2, 2.6, 2.9, 4.9, 2.6, 7.8, 5.2, 4.7, 5.2, 4.9, 3.7, 3.7, 3.6, 5.2, 4.9, 6.7, 4.9, 4.9, 4.2, 4.7, 2.6, 4.7, 4.7,
];
const WIDEST = 9.6;
const MARGIN = 1.08;

/** Estimated width in points of text set in \small. */
export function textWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    w += code >= 32 && code <= 126 ? ASCII_WIDTHS[code - 32] : WIDEST;
  }
  return w * MARGIN;
}

function longestWord(s: string): number {
  return Math.max(0, ...s.split(/\s+/).map(textWidth));
}

export interface LatexColumnPlan {
  /** The column's spec: l, r, or a wrapping X column of tabularx with its share of the width. */
  spec: string;
  /** Its header is turned on its side (graphicx's \rotatebox). */
  rotated: boolean;
  /** The width planned for its text, in pt (wrapping columns wrap at it). */
  width: number;
  wraps: boolean;
}

export interface LatexPlan {
  environment: 'tabular' | 'tabularx';
  /** \tabcolsep in pt, when narrower than LaTeX's 6pt. */
  tabcolsep?: number;
  columns: LatexColumnPlan[];
}

interface Measured {
  numeric: boolean;
  /** The widest cell, the header, and the wider of the two. */
  body: number;
  header: number;
  natural: number;
  /** The longest word: a wrapping column can be no narrower. */
  words: number;
}

function measure(t: Table): Measured[] {
  return columnsFor(t, 'print').map((c) => {
    const cells = t.rows.map((r) => cellText(r.cells[c.key], c));
    const body = Math.max(0, ...cells.map(textWidth));
    const header = textWidth(c.label);
    return { numeric: c.align === 'right', body, header, natural: Math.max(body, header), words: Math.max(longestWord(c.label), ...cells.map(longestWord)) };
  });
}

function fixedPlan(measured: Measured[], rotate: boolean, tabcolsep: number): LatexPlan {
  return {
    environment: 'tabular',
    ...(tabcolsep === TABCOLSEP ? {} : { tabcolsep }),
    columns: measured.map((m) => {
      const rotated = m.numeric && rotate;
      return { spec: m.numeric ? 'r' : 'l', rotated, width: rotated ? Math.max(m.body, ROTATED_HEADER) : m.natural, wraps: false };
    }),
  };
}

/** A plan with \tabcolsep `sep`, or null when the table cannot fit with it. */
function planWith(measured: Measured[], sep: number): LatexPlan | null {
  const padding = measured.length * 2 * sep;
  const total = (widths: number[]) => widths.reduce((a, b) => a + b, 0) + padding;
  if (total(measured.map((m) => m.natural)) <= TEXT_WIDTH) return fixedPlan(measured, false, sep);

  const numericWidth = (rotate: boolean) => measured.filter((m) => m.numeric).reduce((a, m) => a + (rotate ? Math.max(m.body, ROTATED_HEADER) : m.natural), 0);
  const textMinimum = measured.filter((m) => !m.numeric).reduce((a, m) => a + Math.max(m.words, Math.min(m.natural, COMFORTABLE)), 0);
  // Turn numeric headers on their side when they are what makes the table wide: it must save a good part of their width.
  const rotate = numericWidth(false) + textMinimum + padding > TEXT_WIDTH && numericWidth(true) < 0.7 * numericWidth(false);
  const plain = fixedPlan(measured, rotate, sep);
  if (total(plain.columns.map((c) => c.width)) <= TEXT_WIDTH) return plain;

  // Text columns narrower than an even share of what is left stay as they are; the others wrap.
  let wrapping = measured.map((m, i) => i).filter((i) => !measured[i].numeric);
  const fixedWidth = (wrap: number[]) => plain.columns.reduce((a, c, i) => a + (wrap.includes(i) ? 0 : c.width), 0);
  for (;;) {
    const share = (TEXT_WIDTH - fixedWidth(wrapping) - padding) / wrapping.length;
    const next = wrapping.filter((i) => measured[i].natural > share);
    if (next.length === wrapping.length || next.length === 0) break;
    wrapping = next;
  }
  if (!wrapping.length) return null;
  const available = TEXT_WIDTH - fixedWidth(wrapping) - padding;
  // Shares in proportion to the text, but no column below its longest word.
  const widths = new Map<number, number>();
  let open = [...wrapping];
  let left = available;
  while (open.length) {
    const sum = open.reduce((a, i) => a + measured[i].natural, 0);
    const pinned = open.filter((i) => (measured[i].natural / sum) * left < measured[i].words);
    if (!pinned.length) {
      for (const i of open) widths.set(i, (measured[i].natural / sum) * left);
      break;
    }
    for (const i of pinned) {
      widths.set(i, measured[i].words);
      left -= measured[i].words;
    }
    open = open.filter((i) => !pinned.includes(i));
  }
  if ([...widths.values()].reduce((a, b) => a + b, 0) > available + 0.5) return null;
  // tabularx's shares are \hsize factors that add up to the number of X columns.
  const factors = wrapping.map((i) => Math.round(((widths.get(i)! * wrapping.length) / available) * 100) / 100);
  factors[factors.length - 1] = Math.round((wrapping.length - factors.slice(0, -1).reduce((a, b) => a + b, 0)) * 100) / 100;
  return {
    ...plain,
    environment: 'tabularx',
    columns: plain.columns.map((c, i) => {
      const k = wrapping.indexOf(i);
      if (k < 0) return c;
      const size = factors[k] === 1 ? '' : `\\hsize=${factors[k].toFixed(2)}\\hsize`;
      return { spec: `>{\\raggedright\\arraybackslash${size}}X`, rotated: false, width: widths.get(i)!, wraps: true };
    }),
  };
}

/**
 * How a table fits the text width: as it is when it does; else with numeric headers on their
 * side when they are what makes it wide (a cross table of seven tasks); else with the wide text
 * columns wrapping in a `tabularx` as wide as the line, each given a share in proportion to its
 * text but never narrower than its longest word; and only when nothing else fits, with narrower
 * space between columns.
 */
export function planLatexTable(t: Table): LatexPlan {
  const measured = measure(t);
  return planWith(measured, TABCOLSEP) ?? planWith(measured, TIGHT_TABCOLSEP) ?? fixedPlan(measured, true, TIGHT_TABCOLSEP);
}

/** Lines a text takes at a width (at least one), as set: widths without the planning margin. */
function linesAt(text: string, width: number): number {
  if (!text) return 1;
  // Greedy line filling, as TeX roughly does for ragged-right text.
  let lines = 1;
  let line = 0;
  const space = textWidth(' ') / MARGIN;
  for (const word of text.split(/\s+/)) {
    const w = textWidth(word) / MARGIN;
    if (line > 0 && line + space + w > width) {
      lines++;
      line = w;
    } else line += (line > 0 ? space : 0) + w;
  }
  return lines;
}

/** Estimated heights in pt: each row's, and what a float adds around them (caption, header, rules, notes). */
function heights(t: Table, plan: LatexPlan): { rows: number[]; frame: number } {
  const cols = columnsFor(t, 'print');
  // The width a wrapping column will get: the planned widths err on the wide side for fixed
  // columns, so tabularx leaves the wrapping ones more than planned; expect that, for heights.
  const padding = cols.length * 2 * (plan.tabcolsep ?? TABCOLSEP);
  const fixed = plan.columns.reduce((a, c) => a + (c.wraps ? 0 : c.width / MARGIN), 0);
  const planned = plan.columns.reduce((a, c) => a + (c.wraps ? c.width : 0), 0);
  const widthOf = (k: number) => (plan.columns[k].width / planned) * (TEXT_WIDTH - padding - fixed);
  const rows = t.rows.map((r, i) => {
    const first = startsGroup(t.rows, i);
    const lines = Math.max(1, ...cols.map((c, k) => (plan.columns[k].wraps && !(c.perGroup && !first) ? linesAt(cellText(r.cells[c.key], c), widthOf(k)) : 1)));
    // A rule before a new group or the total.
    const rule = i > 0 && (r.total || (first && r.group !== undefined)) ? 5 : 0;
    return lines * LINE + rule;
  });
  const header = Math.max(
    LINE,
    ...cols.map((c, k) => (plan.columns[k].rotated ? textWidth(c.label) + 4 : plan.columns[k].wraps ? linesAt(c.label, widthOf(k)) * LINE : LINE)),
  );
  const caption = 10 + 12 * Math.ceil((textWidth(t.title) * (10 / 9)) / TEXT_WIDTH);
  const notes = t.notes?.length ? 4 + 9.5 * Math.ceil((textWidth(t.notes.join(' ')) * (8 / 9)) / TEXT_WIDTH) : 0;
  // Three booktabs rules with their spacing, and the float's own room.
  return { rows, frame: caption + header + 18 + notes + 20 };
}

/**
 * A table too tall for one page, as several: rows in order, each part as tall as a page allows,
 * broken before a new group where one starts late enough in the part. Later parts are titled
 * "(continued)"; the notes go with the last.
 */
function splitForPage(t: Table, plan: LatexPlan): Table[] {
  const { rows, frame } = heights(t, plan);
  const budget = TEXT_HEIGHT * 0.9 - frame;
  if (rows.reduce((a, b) => a + b, 0) <= budget) return [t];
  const parts: number[][] = [];
  let start = 0;
  let used = 0;
  for (let i = 0; i < rows.length; i++) {
    if (i > start && used + rows[i] > budget) {
      // Break before the latest group start in the second half of this part, else here.
      let cut = i;
      for (let k = i; k > start + (i - start) / 2; k--)
        if (startsGroup(t.rows, k) && t.rows[k].group !== undefined) {
          cut = k;
          break;
        }
      parts.push([start, cut]);
      start = cut;
      used = rows.slice(cut, i).reduce((a, b) => a + b, 0);
    }
    used += rows[i];
  }
  parts.push([start, rows.length]);
  return parts.map(([from, to], k) => ({
    ...t,
    id: k === 0 ? t.id : `${t.id}-${k + 1}`,
    title: k === 0 ? t.title : `${t.title} (continued)`,
    rows: t.rows.slice(from, to),
    notes: k === parts.length - 1 ? t.notes : undefined,
  }));
}

/** The packages a set of LaTeX tables needs in the paper's preamble. */
export function latexPackages(tables: Table[]): string[] {
  const plans = tables.map(planLatexTable);
  return [
    'booktabs',
    ...(plans.some((p) => p.environment === 'tabularx') ? ['tabularx'] : []),
    ...(plans.some((p) => p.columns.some((c) => c.rotated)) ? ['graphicx'] : []),
  ];
}

function floatOf(t: Table, plan: LatexPlan): string {
  const cols: Column[] = columnsFor(t, 'print');
  const env = plan.environment;
  const head = cols.map((c, i) => (plan.columns[i].rotated ? `\\rotatebox{90}{${escapeLatex(c.label)}}` : escapeLatex(c.label)));
  const lines = [
    '\\begin{table}[ht]',
    '  \\centering',
    `  \\caption{${escapeLatex(t.title)}}`,
    `  \\label{tab:${latexLabel(t.id)}}`,
    '  \\small',
    ...(plan.tabcolsep === undefined ? [] : [`  \\setlength{\\tabcolsep}{${plan.tabcolsep}pt}`]),
    `  \\begin{${env}}${env === 'tabularx' ? '{\\linewidth}' : ''}{${plan.columns.map((c) => c.spec).join('')}}`,
    '    \\toprule',
    `    ${head.join(' & ')} \\\\`,
    '    \\midrule',
  ];
  t.rows.forEach((r, i) => {
    const first = startsGroup(t.rows, i);
    if (i > 0 && (r.total ? !t.rows[i - 1].total : first && r.group !== undefined)) lines.push('    \\midrule');
    const cells = cols.map((c) => (c.perGroup && !first ? '' : escapeLatex(cellText(r.cells[c.key], c))));
    lines.push(`    ${cells.join(' & ')} \\\\`);
  });
  lines.push('    \\bottomrule', `  \\end{${env}}`);
  if (t.notes?.length) lines.push(`  \\par\\smallskip{\\footnotesize\\raggedright ${t.notes.map(escapeLatex).join(' ')}\\par}`);
  lines.push('\\end{table}');
  return lines.join('\n') + '\n';
}

/**
 * A `table` float per table (more when one is too tall for a page), with a booktabs tabular
 * (\toprule, \midrule between groups and before totals, \bottomrule) set in \small and planned
 * to fit a plain article (see planLatexTable). The first line names the packages it needs.
 */
export function formatLatex(tables: Table[]): string {
  const header = `% Concord export. In the preamble: \\usepackage{${latexPackages(tables).join(',')}}\n`;
  const floats = tables.flatMap((t) => {
    const plan = planLatexTable(t);
    return splitForPage(t, plan).map((part) => floatOf(part, plan));
  });
  return header + floats.join('\n');
}

import { badInput } from '../../shared/errors.ts';

/** One CSV record keyed by header, with the line it starts on (quoted cells may span lines). */
export interface CsvRow {
  line: number;
  cells: Record<string, string>;
}

export interface CsvTable {
  header: string[];
  rows: CsvRow[];
}

/**
 * Reads RFC 4180 CSV: quoted cells with doubled quotes and embedded newlines, CRLF or LF, an
 * optional BOM. The first record is the header; blank lines are skipped. A row with more cells
 * than the header, or an unterminated quote, is an error naming the line.
 */
export function parseCsv(text: string, file: string): CsvTable {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const records: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cell = '';
  let line = 1;
  let recordLine = 1;
  let quoted = false;
  let quoteLine = 0;
  let i = 0;
  const endRecord = () => {
    cells.push(cell);
    // A blank line is one empty cell: skip it rather than read a row of empties.
    if (!(cells.length === 1 && cells[0] === '')) records.push({ line: recordLine, cells });
    cells = [];
    cell = '';
  };
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      if (c === '\n') line++;
      cell += c;
      i++;
      continue;
    }
    if (c === '"' && cell === '') {
      quoted = true;
      quoteLine = line;
      i++;
    } else if (c === ',') {
      cells.push(cell);
      cell = '';
      i++;
    } else if (c === '\r' || c === '\n') {
      endRecord();
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
      recordLine = line;
    } else {
      cell += c;
      i++;
    }
  }
  if (quoted) throw badInput('a quoted cell is never closed', { file, line: quoteLine });
  if (cell !== '' || cells.length) endRecord();
  if (!records.length) throw badInput('the file is empty (a header row is expected)', { file, line: 1 });
  const header = records[0].cells.map((h) => h.trim());
  const seen = new Set<string>();
  for (const h of header) {
    if (seen.has(h)) throw badInput(`column "${h}" appears twice in the header`, { file, line: records[0].line, field: h });
    seen.add(h);
  }
  const rows = records.slice(1).map((r) => {
    if (r.cells.length > header.length)
      throw badInput(`${r.cells.length} cells but the header has ${header.length} columns`, { file, line: r.line });
    const out: Record<string, string> = {};
    header.forEach((h, k) => (out[h] = r.cells[k] ?? ''));
    return { line: r.line, cells: out };
  });
  return { header, rows };
}

/** One JSON object per non-blank line; the line number travels with it. */
export function parseJsonl(text: string, file: string): { line: number; value: Record<string, unknown> }[] {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const out: { line: number; value: Record<string, unknown> }[] = [];
  text.split(/\r?\n/).forEach((raw, k) => {
    if (!raw.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      throw badInput(`not valid JSON (${(e as Error).message})`, { file, line: k + 1 });
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw badInput('each line must be a JSON object', { file, line: k + 1 });
    out.push({ line: k + 1, value: value as Record<string, unknown> });
  });
  return out;
}

import { escapeXml } from '../xml.ts';
import { cellText, columnsFor, type Cell, type Column, type Table } from './table.ts';
import { writeZip, zipPieces, type ZipFile } from './zip.ts';

/**
 * An XLSX workbook (Office Open XML, SpreadsheetML), written by hand so it runs anywhere `shared/`
 * does: a sheet per table and, when tables carry notes, a last sheet of notes. Numbers are
 * numbers (shown with the column's decimals), booleans are booleans, text goes to the shared
 * string table; the header row is bold on a shaded fill under a rule and stays in view when
 * scrolling; totals are bold. The stylesheet has the default "Normal" cell style that readers
 * expect (openpyxl, for one, warns without it). Text is never a formula: a shared string is not
 * evaluated, so no escaping is needed; characters XML cannot hold are dropped.
 */

/** Excel's limit on the text of one cell. */
const MAX_CELL_TEXT = 32767;

function columnName(i: number): string {
  let s = '';
  let n = i + 1;
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

/** Sheet names: at most 31 characters, none of []:*?/\, unique ignoring case. */
function sheetNames(ids: string[]): string[] {
  const used = new Set<string>();
  return ids.map((id, i) => {
    const base = (id || `Sheet${i + 1}`).replace(/[[\]:*?/\\]/g, '-').slice(0, 31) || `Sheet${i + 1}`;
    let name = base;
    for (let k = 2; used.has(name.toLowerCase()); k++) name = `${base.slice(0, 31 - String(k).length - 1)}-${k}`;
    used.add(name.toLowerCase());
    return name;
  });
}

class SharedStrings {
  private index = new Map<string, number>();
  readonly list: string[] = [];
  count = 0;
  add(s: string): number {
    this.count++;
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.list.length;
      this.index.set(s, i);
      this.list.push(s);
    }
    return i;
  }
}

type Role = 'body' | 'header' | 'total';

/** Cell formats (cellXfs), made as needed: a role (body, header, total) by a number format. */
class Styles {
  private xfs = new Map<string, number>([['body:0', 0]]);
  private order: { role: Role; numFmt: number }[] = [{ role: 'body', numFmt: 0 }];
  private numFmts = new Map<number, string>();

  /** The style index of a cell with this role whose numbers show `decimals` decimals. */
  of(role: Role, decimals?: number): number {
    const numFmt = decimals === undefined ? 0 : decimals === 0 ? 1 : this.customFormat(`0.${'0'.repeat(decimals)}`);
    const key = `${role}:${numFmt}`;
    let i = this.xfs.get(key);
    if (i === undefined) {
      i = this.order.length;
      this.xfs.set(key, i);
      this.order.push({ role, numFmt });
    }
    return i;
  }

  private customFormat(code: string): number {
    for (const [id, c] of this.numFmts) if (c === code) return id;
    const id = 164 + this.numFmts.size;
    this.numFmts.set(id, code);
    return id;
  }

  xml(): string {
    const formats = [...this.numFmts].map(([id, code]) => `<numFmt numFmtId="${id}" formatCode="${escapeXml(code)}"/>`).join('');
    const xf = ({ role, numFmt }: { role: Role; numFmt: number }) => {
      const font = role === 'body' ? 0 : 1;
      const fill = role === 'header' ? 2 : 0;
      const border = role === 'header' ? 1 : role === 'total' ? 2 : 0;
      const applies = [numFmt ? ' applyNumberFormat="1"' : '', font ? ' applyFont="1"' : '', fill ? ' applyFill="1"' : '', border ? ' applyBorder="1"' : ''].join('');
      return `<xf numFmtId="${numFmt}" fontId="${font}" fillId="${fill}" borderId="${border}" xfId="0"${applies}/>`;
    };
    return (
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' +
      (this.numFmts.size ? `<numFmts count="${this.numFmts.size}">${formats}</numFmts>` : '') +
      '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>' +
      '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>' +
      '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>' +
      '<fill><patternFill patternType="solid"><fgColor rgb="FFE7ECF3"/><bgColor indexed="64"/></patternFill></fill></fills>' +
      '<borders count="3"><border><left/><right/><top/><bottom/><diagonal/></border>' +
      '<border><left/><right/><top/><bottom style="thin"><color auto="1"/></bottom><diagonal/></border>' +
      '<border><left/><right/><top style="thin"><color auto="1"/></top><bottom/><diagonal/></border></borders>' +
      '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
      `<cellXfs count="${this.order.length}">${this.order.map(xf).join('')}</cellXfs>` +
      '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>' +
      '<dxfs count="0"/><tableStyles count="0" defaultTableStyle="TableStyleMedium2" defaultPivotStyle="PivotStyleLight16"/>' +
      '</styleSheet>'
    );
  }
}

interface Sheet {
  columns: Column[];
  /** Made as they are written: a table's rows are not copied all at once. */
  rows: Iterable<{ cells: (Cell | undefined)[]; role: Role }>;
  count: number;
}

function sheetOf(t: Table): Sheet {
  const columns = columnsFor(t, 'data');
  function* rows() {
    yield { cells: columns.map((c): Cell | undefined => c.label), role: 'header' as Role };
    for (const r of t.rows) yield { cells: columns.map((c) => r.cells[c.key]), role: (r.total ? 'total' : 'body') as Role };
  }
  return { columns, rows: { [Symbol.iterator]: rows }, count: t.rows.length + 1 };
}

function notesSheet(tables: Table[]): Sheet | null {
  const rows = tables.flatMap((t) => (t.notes ?? []).map((n) => ({ cells: [t.title, n] as Cell[], role: 'body' as Role })));
  if (!rows.length) return null;
  return { columns: [{ key: 'table', label: 'Table' }, { key: 'note', label: 'Note' }], rows: [{ cells: ['Table', 'Note'], role: 'header' }, ...rows], count: rows.length + 1 };
}

/** Text gathered and turned into UTF-8 a large piece at a time: a sheet of 100,000 rows is never one string, nor one array. */
class Utf8Pieces {
  private text = '';
  readonly pieces: Uint8Array[] = [];
  private enc = new TextEncoder();
  add(s: string): void {
    if ((this.text += s).length >= 1 << 16) this.flush();
  }
  flush(): Uint8Array[] {
    if (this.text) this.pieces.push(this.enc.encode(this.text));
    this.text = '';
    return this.pieces;
  }
}

/** A sheet's XML, in UTF-8 pieces. */
function sheetXml(sheet: Sheet, strings: SharedStrings, styles: Styles): Uint8Array[] {
  const width = sheet.columns.map(() => 8);
  const body = new Utf8Pieces();
  let k = 0;
  for (const row of sheet.rows) {
    const r = ++k;
    const cells = row.cells.map((c, i) => {
      const column = sheet.columns[i];
      const ref = `${columnName(i)}${r}`;
      const text = cellText(c, column);
      width[i] = Math.max(width[i], Math.min(60, text.length + 2));
      if (typeof c === 'number' && Number.isFinite(c)) return `<c r="${ref}" s="${styles.of(row.role, column.decimals)}"><v>${c}</v></c>`;
      if (typeof c === 'boolean') return `<c r="${ref}" s="${styles.of(row.role)}" t="b"><v>${c ? 1 : 0}</v></c>`;
      if (text === '') return '';
      return `<c r="${ref}" s="${styles.of(row.role)}" t="s"><v>${strings.add(text.slice(0, MAX_CELL_TEXT))}</v></c>`;
    });
    body.add(`<row r="${r}">${cells.join('')}</row>`);
  }
  // The head says how wide each column is, which only the whole sheet tells.
  const last = `${columnName(Math.max(0, sheet.columns.length - 1))}${sheet.count}`;
  const enc = new TextEncoder();
  const head =
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">' +
    `<dimension ref="A1:${last}"/>` +
    '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>' +
    '<sheetFormatPr defaultRowHeight="15"/>' +
    (width.length ? `<cols>${width.map((w, i) => `<col min="${i + 1}" max="${i + 1}" width="${w}" customWidth="1"/>`).join('')}</cols>` : '') +
    '<sheetData>';
  return [enc.encode(head), ...body.flush(), enc.encode('</sheetData></worksheet>')];
}

export function writeXlsx(tables: Table[]): Uint8Array {
  return writeZip(workbookFiles(tables));
}

/** `writeXlsx`'s bytes in pieces, for a writer that writes them as they are: a large workbook is never one array. */
export function xlsxPieces(tables: Table[]): Uint8Array[] {
  return zipPieces(workbookFiles(tables));
}

/** The files of the workbook, in the order of the zip. */
function workbookFiles(tables: Table[]): ZipFile[] {
  const enc = new TextEncoder();
  const notes = notesSheet(tables);
  const sheets = [...tables.map(sheetOf), ...(notes ? [notes] : [])];
  const names = sheetNames([...tables.map((t) => t.id), ...(notes ? ['notes'] : [])]);
  const strings = new SharedStrings();
  const styles = new Styles();
  const sheetFiles = sheets.map((s, i) => ({ name: `xl/worksheets/sheet${i + 1}.xml`, data: sheetXml(s, strings, styles) }));
  const n = sheets.length;
  const files: { name: string; text: string }[] = [
    {
      name: '[Content_Types].xml',
      text:
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
        '<Default Extension="xml" ContentType="application/xml"/>' +
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
        names.map((_, i) => `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`).join('') +
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>' +
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>' +
        '</Types>',
    },
    {
      name: '_rels/.rels',
      text:
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    },
    {
      name: 'xl/workbook.xml',
      text:
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">' +
        '<bookViews><workbookView activeTab="0"/></bookViews><sheets>' +
        names.map((nm, i) => `<sheet name="${escapeXml(nm)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join('') +
        '</sheets></workbook>',
    },
    {
      name: 'xl/_rels/workbook.xml.rels',
      text:
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
        names.map((_, i) => `<Relationship Id="rId${i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`).join('') +
        `<Relationship Id="rId${n + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>` +
        `<Relationship Id="rId${n + 2}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>` +
        '</Relationships>',
    },
    { name: 'xl/styles.xml', text: styles.xml() },
    {
      name: 'xl/sharedStrings.xml',
      text:
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
        `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="${strings.count}" uniqueCount="${strings.list.length}">` +
        strings.list.map((s) => `<si><t xml:space="preserve">${escapeXml(s)}</t></si>`).join('') +
        '</sst>',
    },
  ];
  return [...files.map((f) => ({ name: f.name, data: enc.encode(f.text) })), ...sheetFiles];
}

import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { alpha as packageAlpha } from 'krippendorff';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { intervalChartSvg } from '../../shared/tables/charts.ts';
import { LONG_COLUMNS } from '../../shared/tables/ratings.ts';
import { deepBenchCodebook } from '../../shared/codebook/index.ts';
import type { ExportFile, ExportResult } from '../../shared/tables/export-kinds.ts';
import { agreementReport } from '../agreement.ts';
import { coefficientReport } from '../agreement-figures.ts';
import { runImport, seedDemo } from '../import/index.ts';
import { makeProjectDb } from '../../test/helpers/import-project.ts';
import { provenanceText } from '../../shared/tables/provenance.ts';
import { APP_VERSION } from '../provenance.ts';
import { renderExport } from './render.ts';

// The analysis files of the demo project (with the two machine coders of fixtures/machine), read
// back the way pandas reads a plain CSV, and the figures recomputed from them by hand.

const fixture = fileURLToPath(new URL('../../fixtures/machine/labels.jsonl', import.meta.url));
let project: ReturnType<typeof makeProjectDb>;
beforeAll(async () => {
  project = makeProjectDb();
  await seedDemo(project.db);
  await runImport(project.db, fixture, { format: 'annotations', machines: ['gpt-4o', 'llama-3-70b'] });
});
afterAll(() => project.cleanup());

const fileOf = (r: ExportResult): ExportFile => {
  if (r.shape !== 'file') throw new Error(`expected one file, got ${r.shape}`);
  return r.file;
};
const render = (kind: string, format: string, extra: Record<string, unknown> = {}) => renderExport(project.db, { kind, format, bootstrap: 0, ...extra });

/** RFC 4180, as pandas' C parser reads a plain CSV: quoted fields may hold commas, quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') row.push(field), (field = '');
    else if (ch === '\n') row.push(field), rows.push(row), (row = []), (field = '');
    else if (ch !== '\r') field += ch;
  }
  if (field || row.length) row.push(field), rows.push(row);
  return rows;
}

/** pandas.read_csv(path, skiprows=1): the first line skipped, the next one the header. */
function readSkippingFirstLine(text: string): { header: string[]; rows: Record<string, string>[]; first: string } {
  const first = text.slice(0, text.indexOf('\n'));
  const [header, ...rows] = parseCsv(text.slice(text.indexOf('\n') + 1));
  return { header, first, rows: rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? '']))) };
}

/** Percent agreement as irrCAC defines it: over units with two ratings or more, the share of agreeing ordered pairs. */
function percentAgreement(units: string[][]): number {
  const pairable = units.filter((u) => u.length >= 2);
  const share = (u: string[]) => {
    let same = 0;
    for (let i = 0; i < u.length; i++) for (let j = 0; j < u.length; j++) if (i !== j && u[i] === u[j]) same++;
    return same / (u.length * (u.length - 1));
  };
  return pairable.reduce((s, u) => s + share(u), 0) / pairable.length;
}

describe('analysis files', () => {
  it('write the long file pandas reads back, and percent agreement recomputed from it equals the app', () => {
    const { header, rows, first } = readSkippingFirstLine(fileOf(render('ratings-long', 'csv')).content);
    expect(header).toEqual(LONG_COLUMNS.map((c) => c.label));
    expect(first).toMatch(new RegExp(`^# Concord ${APP_VERSION.replace(/\./g, '\\.')}, ratings-long; labels sha256 [0-9a-f]{64} \\(402\\); machine labels sha256 [0-9a-f]{64} \\(242\\)`));
    expect(first).toMatch(/skiprows=1/);
    expect(new Set(rows.map((r) => r.annotator_kind))).toEqual(new Set(['human', 'machine']));
    expect(rows.every((r) => /^\d{4}-\d\d-\d\dT/.test(r.time) && r.codebook_version === '1.0.0')).toBe(true);

    const people = rows.filter((r) => r.annotator_kind === 'human');
    const report = coefficientReport(project.db, { bootstrap: 0 });
    for (const dim of ['stage', 'task', 'input']) {
      const byEntry = new Map<string, string[]>();
      for (const r of people.filter((x) => x.dimension === dim)) byEntry.set(r.entry, [...(byEntry.get(r.entry) ?? []), r.value]);
      const app = report.dimensions.find((d) => d.id === dim)!.table!.coefficients.percent.value!;
      expect(Math.abs(percentAgreement([...byEntry.values()]) - app), dim).toBeLessThan(1e-12);
    }
    // Pooled: every entry x categorical dimension is a unit, sets compared whole.
    const pooled = new Map<string, string[]>();
    for (const r of people.filter((x) => ['stage', 'task', 'input', 'bug'].includes(x.dimension))) {
      const key = `${r.entry}\t${r.dimension}`;
      pooled.set(key, [...(pooled.get(key) ?? []), r.value.split('|').sort().join('|')]);
    }
    expect(Math.abs(percentAgreement([...pooled.values()]) - report.pooled!.coefficients.percent.value!)).toBeLessThan(1e-12);

    // The hash in the first line is the hash of the people's rows, as the README says to recompute it.
    const lines = people.map((r) => `${r.entry}\t${r.annotator}\t${r.dimension}\t${r.value}`).sort();
    const sha = createHash('sha256').update(lines.join('\n')).digest('hex');
    expect(first).toContain(`labels sha256 ${sha} (${people.length})`);
    expect(report.provenance.labels.sha256).toBe(sha);
  });

  it('write the wide file, one column per annotator, and the pairwise percent agreement from it equals the alpha report', () => {
    const { header, rows, first } = readSkippingFirstLine(fileOf(render('ratings-wide', 'csv')).content);
    expect(first).toMatch(/^# Concord .*ratings-wide/);
    expect(header).toEqual(['entry', 'dimension', 'ana', 'ben', 'cai', 'gpt-4o', 'llama-3-70b']);
    const alpha = agreementReport(project.db, { bootstrap: 0, cellUnits: false });
    const stage = rows.filter((r) => r.dimension === 'stage');
    for (const p of alpha.dimensions.find((d) => d.id === 'stage')!.measures[0].pairwise) {
      const [a, b] = p.raters;
      const shared = stage.filter((r) => r[a] !== '' && r[b] !== '');
      expect(shared.length).toBe(p.units);
      expect(Math.abs((100 * shared.filter((r) => r[a] === r[b]).length) / shared.length - p.percentAgreement!)).toBeLessThan(1e-12);
    }
    // The same values as the long file, cell for cell.
    const long = readSkippingFirstLine(fileOf(render('ratings-long', 'csv')).content).rows;
    for (const r of long) expect(rows.find((w) => w.entry === r.entry && w.dimension === r.dimension)![r.annotator]).toBe(r.value);
  });

  it("write the K-Alpha calculator's files: numbers and NA only, no header, and alpha from them equals the app's", () => {
    const r = render('k-alpha', 'csv');
    if (r.shape !== 'files') throw new Error('k-alpha is a folder');
    const names = r.files.map((f) => f.fileName);
    expect(names).toEqual(['stage.csv', 'task.csv', 'input.csv', 'bug.csv', 'codes.csv']);
    const report = coefficientReport(project.db, { bootstrap: 0 });
    for (const f of r.files.filter((x) => x.fileName !== 'codes.csv')) {
      const lines = f.content.trimEnd().split('\n');
      // What the calculator accepts (github.com/davide-marchiori/k-alpha, DropZone.jsx): codes and NA, as many on every line.
      for (const line of lines) expect(line, f.fileName).toMatch(/^(\d+|NA)(,(\d+|NA))*$/);
      expect(new Set(lines.map((l) => l.split(',').length))).toEqual(new Set([3]));
      const matrix = [0, 1, 2].map((c) => lines.map((l) => (l.split(',')[c] === 'NA' ? undefined : Number(l.split(',')[c]))));
      const dim = f.fileName.replace('.csv', '');
      expect(Math.abs(packageAlpha(matrix) - report.dimensions.find((d) => d.id === dim)!.table!.coefficients.alpha.value!), dim).toBeLessThan(1e-9);
    }
    const codes = readSkippingFirstLine(r.files.find((f) => f.fileName === 'codes.csv')!.content);
    expect(codes.header).toEqual(['file', 'level', 'entries', 'code', 'value_id', 'value', 'note']);
    expect(codes.rows.filter((c) => c.file === 'stage.csv').map((c) => c.value_id)).toEqual(deepBenchCodebook.dimensions.find((d) => d.id === 'stage')!.values.map((v) => v.id));
    expect(r.notes[0]).toMatch(/a column per annotator \(ana, ben, cai\)/);
  });

  it('write an R script from the same definitions: the long file\'s columns, the raters, every dimension and the app\'s figures', () => {
    const script = fileOf(render('r-script', 'r')).content;
    const report = coefficientReport(project.db, { bootstrap: 0 });
    expect(script.split('\n')[0]).toBe(`# ${provenanceText(report.provenance).replace('coefficients', 'r-script')}`);
    for (const c of LONG_COLUMNS) expect(script).toContain(`"${c.label}"`);
    expect(script).toContain('raters <- c("ana", "ben", "cai")');
    expect(script).toContain('read.csv(path, skip = 1');
    for (const fn of ['pa.coeff.raw', 'fleiss.kappa.raw', 'conger.kappa.raw', 'gwet.ac1.raw', 'bp.coeff.raw', 'krippen.alpha.raw', 'kappa2.table', 'kripp.alpha'])
      expect(script, fn).toContain(fn);
    for (const d of report.dimensions.filter((x) => x.table)) {
      expect(script).toContain(`compare(${JSON.stringify(d.label)}`);
      expect(script).toContain(`fleiss = ${String(Number(d.table!.coefficients.fleiss.value!.toPrecision(15)))}`);
    }
    expect(script).toContain('compare("Pooled"');
    // Balanced brackets outside strings and comments: the file parses as far as brackets go.
    const code = script.replace(/"(\\.|[^"\\])*"/g, '""').replace(/#.*$/gm, '');
    for (const [open, close] of [['(', ')'], ['{', '}'], ['[', ']']]) expect(code.split(open).length, open).toBe(code.split(close).length);
  });

  it('draws the interval chart the view shows, and tells the exports apart only by their kind', () => {
    const svg = fileOf(render('coefficients', 'svg')).content;
    const { selection: _s, provenance, ...report } = coefficientReport(project.db, { bootstrap: 0 });
    expect(svg).toBe(intervalChartSvg(report, provenanceText(provenance)));
    expect(svg).toContain(`<desc>${provenanceText(provenance)}</desc>`);
    const json = JSON.parse(fileOf(render('coefficients', 'json')).content);
    expect(json.provenance.labels.sha256).toBe(provenance.labels.sha256);
    const drift = fileOf(render('drift', 'csv', { by: 'week' })).content;
    expect(drift.split('\n')[1]).toBe('Week,From,To,Entries,Alpha,CI low,CI high,Units');
    expect(fileOf(render('drift', 'md', { by: 'week' })).content).toMatch(/annotator's machine recorded/);
    // The chart says which time it used, in words (wrapped over several lines of text).
    const words = fileOf(render('drift', 'svg', { by: 'batch' })).content.replace(/<desc>.*<\/desc>|<style>.*<\/style>/g, '').replace(/<[^>]+>/g, ' ').replace(/&apos;/g, "'").replace(/\s+/g, ' ');
    expect(words).toMatch(/Time: when the annotator's machine recorded their last label on the entry .* orders nothing in the data/);
    const machines = fileOf(render('machine-coders', 'md')).content;
    expect(machines).toMatch(/\| Stage \| gpt-4o \| 31 \| 0\.871 \|/);
    expect(machines).toMatch(/\|  \| ana \(person\) \| 29 \| 1\.000 \|/);
    expect(() => render('labels', 'csv', { by: 'week' })).toThrow(/--by groups the drift export only/);
  });
});

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { alpha as packageAlpha } from 'krippendorff';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import importCommand from '../cli/commands/import.ts';
import { runCommand } from '../test/helpers/cli.ts';
import { appCall } from '../test/helpers/service.ts';
import { lineCoverage, type LineRange } from '../shared/codebook/lines.ts';
import type { LabelValue } from '../shared/codebook/values.ts';
import { parseCsvText } from './import/csv.ts';
import { openProject } from './project.ts';
import type { Service } from './service.ts';

const demo = fileURLToPath(new URL('../fixtures/reasoning-trace-demo', import.meta.url));
const entriesFile = join(demo, 'entries.jsonl');
const annotationsFile = join(demo, 'annotations.jsonl');
const codebookFile = join(demo, 'codebook.json');
const DIM = 'error-lines';
/** The lead's calls, as the command line makes them without --as (the file's owner). */
const asOwner = (service: Service, method: string, args: object) => service.call(method as never, args as never, { kind: 'file-owner' } as never) as unknown;

let dir: string;
let open: Service[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'concord-lines-'));
});
afterEach(() => {
  for (const s of open) s.close();
  open = [];
  rmSync(dir, { recursive: true, force: true });
});

/** The demo, imported as the README says: one command, entries and annotations in any order. */
async function importDemo(db: string, ...paths: string[]): Promise<Service> {
  const r = await runCommand(importCommand, [...(paths.length ? paths : [annotationsFile, entriesFile]), '--codebook', codebookFile, '--db', db]);
  expect(r.stderr).not.toMatch(/error/i);
  expect(r.code).toBe(0);
  const service = await openProject(db);
  open.push(service);
  return service;
}

const jsonl = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

function storedLines(service: Service): Map<string, Map<string, LineRange[]>> {
  const out = new Map<string, Map<string, LineRange[]>>();
  const rows = service.db.prepare("SELECT e.ext_id AS entry, a.name AS annotator, l.value FROM label l JOIN entry e ON e.id = l.entry_id JOIN annotator a ON a.id = l.annotator_id WHERE l.dimension = ?").all(DIM) as { entry: string; annotator: string; value: string }[];
  for (const r of rows) (out.get(r.entry) ?? out.set(r.entry, new Map()).get(r.entry)!).set(r.annotator, JSON.parse(r.value));
  return out;
}

describe('bugs pinned to lines, in a project', () => {
  it('the demo imports with one command, its ranges stored canonical', async () => {
    const service = await importDemo(join(dir, 'p.db'));
    const stored = storedLines(service);
    expect(stored.size).toBe(7);
    expect(stored.get('digital_root-regular-b')!.get('ben')).toEqual([{ start: 8, end: 9, value: 'computation-errors::arithmetic' }]);
    // ben pinned two values on run_length-regular-d: sorted by line.
    expect(stored.get('run_length-regular-d')!.get('ben')!.map((r) => r.start)).toEqual([...stored.get('run_length-regular-d')!.get('ben')!.map((r) => r.start)].sort((a, b) => a - b));
  });

  it('alpha over lines is the krippendorff package’s on the same unit matrix, built here from the texts and the labels', async () => {
    const service = await importDemo(join(dir, 'p.db'));
    const report = (await asOwner(service, 'agreement.report', { dimension: DIM, bootstrap: 0 })) as { dimensions: { id: string; measures: { id: string; figure: { alpha: number | null } }[]; perValue: { valueId: string; figure: { alpha: number | null } }[]; lineDisagreements: { entry: string; differing: number[] }[]; lineUnits: number }[] };
    const dim = report.dimensions.find((d) => d.id === DIM)!;

    // The unit matrix, independently: every line of every entry someone pinned lines on, each rater's values on it.
    const outputs = new Map(jsonl(entriesFile).map((e) => [e.id as string, e.output as string]));
    const stored = storedLines(service);
    const raters = ['ana', 'ben'];
    const whole: (string | undefined)[][] = raters.map(() => []);
    const control: (string | undefined)[][] = raters.map(() => []);
    const differing: string[] = [];
    for (const entry of [...stored.keys()].sort()) {
      const lines = outputs.get(entry)!.split('\n').length;
      const cover = raters.map((r) => (stored.get(entry)!.has(r) ? lineCoverage(stored.get(entry)!.get(r)!) : null));
      let differs = false;
      for (let line = 1; line <= lines; line++) {
        const keys = cover.map((c) => (c ? [...(c.get(line) ?? [])].sort().join('+') || 'none' : undefined));
        raters.forEach((_, r) => {
          whole[r].push(keys[r]);
          control[r].push(cover[r] ? (cover[r]!.get(line)?.has('control-flow-errors') ? 'yes' : 'no') : undefined);
        });
        if (keys[0] !== keys[1]) differs = true;
      }
      if (differs) differing.push(entry);
    }
    expect(dim.lineUnits).toBe(whole[0].length);
    const lines = dim.measures.find((m) => m.id === 'lines')!.figure.alpha!;
    expect(lines).toBeCloseTo(packageAlpha(whole), 12);
    expect(lines).toBeGreaterThan(0);
    expect(lines).toBeLessThan(1);
    expect(dim.perValue.find((v) => v.valueId === 'control-flow-errors')!.figure.alpha).toBeCloseTo(packageAlpha(control), 12);
    expect(dim.lineDisagreements.map((d) => d.entry).sort()).toEqual(differing.sort());
    expect(differing.length).toBeGreaterThan(0);
  });

  it('a label is refused past the end of the trace, and a decision takes the union of two annotators’ ranges', async () => {
    const service = await importDemo(join(dir, 'p.db'));
    const entryId = 'digital_root-regular-b';
    const lines = (jsonl(entriesFile).find((e) => e.id === entryId)!.output as string).split('\n').length;
    appCall(service, 'project.addAnnotator', { name: 'cai' });
    appCall(service, 'labels.set', { annotator: 'cai', entryId, dimension: 'prediction-correct', value: 'no' });
    expect(() => appCall(service, 'labels.set', { annotator: 'cai', entryId, dimension: DIM, value: [{ start: lines, end: lines + 1, value: 'control-flow-errors' }] })).toThrow(
      new RegExp(`line ${lines + 1} is past the end of the output \\(${lines} lines\\)`),
    );
    const ok = appCall(service, 'labels.set', { annotator: 'cai', entryId, dimension: DIM, value: [{ start: 9, end: 9, value: 'computation-errors::arithmetic' }, { start: 8, end: 8, value: 'computation-errors::arithmetic' }] });
    expect(ok.labels[DIM]).toEqual([{ start: 8, end: 9, value: 'computation-errors::arithmetic' }]);
    const union: LabelValue = [{ start: 8, end: 9, value: 'computation-errors::arithmetic' }];
    const decided = asOwner(service, 'adjudication.decide', { entryId, dimension: DIM, value: union, decidedBy: 'lead', rationale: 'ben and cai are right: line 9 carries the wrong sum on' }) as { final: LabelValue; status: string };
    expect(decided).toMatchObject({ status: 'decided', final: union });
  });

  it('the labels export carries the ranges, and its file imports back to the same labels', async () => {
    const service = await importDemo(join(dir, 'p.db'));
    const out = asOwner(service, 'exports.render', { kind: 'labels', format: 'csv', perAnnotator: true }) as { file: { content: string } };
    const table = parseCsvText(out.file.content.replace(/^#.*\n/gm, ''), 'labels.csv');
    const rows: string[] = [];
    for (const row of table.rows)
      for (const a of ['ana', 'ben']) {
        const v = row.cells[`${DIM}:${a}`];
        if (typeof v === 'string' && v) rows.push(JSON.stringify({ entry_id: row.cells.entry_id, annotator: a, dimension: DIM, value: v }));
      }
    expect(rows.length).toBe(14);
    expect(out.file.content).toContain('8-9: Computation Errors::Arithmetic');
    const back = join(dir, 'lines-back.jsonl');
    writeFileSync(back, rows.join('\n') + '\n');
    const again = await importDemo(join(dir, 'q.db'), entriesFile, back);
    expect(storedLines(again)).toEqual(storedLines(service));
  });

  it('an annotations file with a range past the end of the trace is refused, naming file, line and field, and changes nothing', async () => {
    const service = await importDemo(join(dir, 'p.db'), entriesFile);
    service.close();
    open = [];
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, [JSON.stringify({ entry_id: 'run_length-edge-a', annotator: 'ana', dimension: DIM, value: '2-40: Control Flow Errors' })].join('\n') + '\n');
    const r = await runCommand(importCommand, [bad, '--db', join(dir, 'p.db')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.jsonl.*line 1.*field "value".*line 40 is past the end of the output/);
    const after = await openProject(join(dir, 'p.db'));
    open.push(after);
    expect(storedLines(after).size).toBe(0);
  });
});

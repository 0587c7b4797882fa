import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { anyShapeFiles, traceMapping, traceRows } from '../../fixtures/any-shape/make-any-shape.ts';
import { reasoningTraceCodebook } from '../../shared/codebook/index.ts';
import { ConcordError } from '../../shared/errors.ts';
import type { FieldMapping } from '../../shared/field-mapping.ts';
import { openStore } from '../data/index.ts';
import { columnsOfFile, contentHash, runImport } from './index.ts';
import { dumpTables, makeProjectDb } from '../../test/helpers/import-project.ts';

const fixture = (name: string) => new URL(`../../fixtures/any-shape/${name}`, import.meta.url).pathname;
const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function project() {
  const p = makeProjectDb(reasoningTraceCodebook);
  cleanups.push(p.cleanup);
  return p;
}

async function refusal(f: () => Promise<unknown>): Promise<ConcordError> {
  try {
    await f();
  } catch (e) {
    if (e instanceof ConcordError) return e;
    throw e;
  }
  throw new Error('expected the import to be refused');
}

/** The file's rows with one row changed, written beside the project. */
function variant(dir: string, name: string, change: (rows: Record<string, unknown>[]) => void): string {
  const rows: Record<string, unknown>[] = traceRows.map((r) => ({ ...r }));
  change(rows);
  const file = join(dir, name);
  writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return file;
}

describe('entries of any shape: JSONL and CSV with a field mapping', () => {
  it('the committed fixtures are what their generator writes', () => {
    for (const [name, text] of Object.entries(anyShapeFiles())) expect(readFileSync(fixture(name), 'utf8'), name).toBe(text);
  });

  it('stores each mapped column as the named field, keeps other columns as metadata, and leaves empty cells out', async () => {
    const { db } = project();
    const s = await runImport(db, fixture('traces.jsonl'), { mapping: traceMapping });
    expect(s.entriesCreated).toBe(4);
    const store = openStore(db);
    const row = store.entries.row('rbi-042-regular-1')!;
    const source = traceRows[1];
    expect(row.fields).toEqual({ code: source.snippet, input: source.args, expected_output: source.truth, predicted_output: source.predicted, trace: source.reasoning });
    // The trace quotes "output=predicted, trace=reasoning": it stays text, nothing is read out of it.
    expect(row.fields.trace).toContain('output=predicted, trace=reasoning');
    expect(JSON.parse(row.metadata)).toEqual({ model: 'reasoner-b', input_kind: 'regular' });
    // The model gave no answer: the entry has no predicted_output field at all.
    expect(Object.keys(store.entries.row('rbi-230-edge-1')!.fields).sort()).toEqual(['code', 'expected_output', 'input', 'trace']);
    // The content hash covers the named texts, so a label knows what it was made on.
    expect(row.content_hash).not.toBe(contentHash('', '', ''));
    expect(row.content_hash).toBe(contentHash('', '', '', { code: source.snippet, input: source.args, expected_output: source.truth, predicted_output: source.predicted, trace: source.reasoning }));
    // The app's entry carries every field by name.
    expect(store.entries.entry(row.id).fields.trace).toBe(source.reasoning);
  });

  it('reads the CSV copy to the same entries as the JSONL one', async () => {
    const a = project();
    const b = project();
    await runImport(a.db, fixture('traces.jsonl'), { mapping: traceMapping });
    await runImport(b.db, fixture('traces.csv'), { mapping: traceMapping });
    const rows = (db: typeof a.db) => [...openStore(db).entries.rows()].map((r) => ({ id: r.ext_id, fields: r.fields, metadata: r.metadata, hash: r.content_hash }));
    expect(rows(b.db)).toEqual(rows(a.db));
  });

  it('finds an entry by a word that only its trace holds (search covers every field)', async () => {
    const { db } = project();
    await runImport(db, fixture('traces.jsonl'), { mapping: traceMapping });
    const store = openStore(db);
    const found = (search: string) => store.entries.queuePage({ annotatorId: 0, assignedOnly: false, search }, 0, 10).map((r) => r.ext_id);
    expect(found('recount')).toEqual(['rbi-042-regular-1']);
    expect(found('ZeroDivisionError')).toEqual(['rbi-108-invalid-2']);
    expect(found('running_max')).toEqual(['rbi-017-edge-3']);
  });

  it('lists the columns of a file for the import dialog', async () => {
    expect(await columnsOfFile(fixture('traces.csv'))).toEqual(['qid', 'model', 'input_kind', 'snippet', 'args', 'truth', 'predicted', 'reasoning']);
    expect((await columnsOfFile(fixture('traces.jsonl'))).sort()).toEqual(['args', 'input_kind', 'model', 'predicted', 'qid', 'reasoning', 'snippet', 'truth']);
  });

  const bad: { what: string; mapping: FieldMapping; file?: (dir: string) => string; line: number; field: string; message: RegExp }[] = [
    { what: 'a column typed wrong', mapping: { ...traceMapping, fields: { ...traceMapping.fields, trace: 'reasonig' } }, line: 1, field: 'trace', message: /column "reasonig".*did you mean "reasoning"/ },
    { what: 'a field the codebook does not show', mapping: { ...traceMapping, fields: { ...traceMapping.fields, trcae: 'reasoning' } }, line: 1, field: 'trcae', message: /field "trcae".*did you mean "trace"/ },
    { what: 'an id column the file does not have', mapping: { ...traceMapping, id: 'qdi' }, line: 1, field: 'qdi', message: /"qdi" column is required.*did you mean "qid"/ },
    {
      what: 'a value in the wrong column (the trace given as a list of steps)',
      mapping: traceMapping,
      file: (dir) => variant(dir, 'list.jsonl', (rows) => (rows[2].reasoning = ['step 1', 'step 2'])),
      line: 3,
      field: 'trace',
      message: /trace must be text \(column "reasoning" holds a list\)/,
    },
    {
      what: 'a trace pasted into the id column',
      mapping: traceMapping,
      file: (dir) => variant(dir, 'swapped.jsonl', (rows) => (rows[1].qid = traceRows[1].reasoning)),
      line: 2,
      field: 'qid',
      message: /./,
    },
  ];
  for (const c of bad)
    it(`refuses ${c.what}, naming file, line and field, and changes nothing`, async () => {
      const { db, dir } = project();
      const before = dumpTables(db);
      const file = c.file ? c.file(dir) : fixture('traces.jsonl');
      const e = await refusal(() => runImport(db, file, { mapping: c.mapping }));
      expect(e.code).toBe('bad-input');
      expect(e.where).toMatchObject({ file, line: c.line, field: c.field });
      expect(e.message).toMatch(c.message);
      expect(dumpTables(db)).toEqual(before);
    });

  it('imports a 1 MB trace whole', async () => {
    const { db, dir } = project();
    const long = Array.from({ length: 28_000 }, (_, k) => `Step ${k}: acc = acc + xs[${k % 97}] -> ${k * 3}`).join('\n');
    expect(long.length).toBeGreaterThan(1_000_000);
    const file = variant(dir, 'long.jsonl', (rows) => (rows[0].reasoning = long));
    await runImport(db, file, { mapping: traceMapping });
    expect(openStore(db).entries.row('rbi-017-edge-3')!.fields.trace).toBe(long);
  });

  it('refuses a trace that changed since the last import, naming the field, and keeps it as a new version when asked', async () => {
    const { db, dir } = project();
    await runImport(db, fixture('traces.jsonl'), { mapping: traceMapping });
    const file = variant(dir, 'rerun.jsonl', (rows) => (rows[1].reasoning = 'A shorter trace.'));
    const e = await refusal(() => runImport(db, file, { mapping: traceMapping }));
    expect(e.message).toMatch(/"rbi-042-regular-1".*: trace \(\d+ characters here, 16 in the file\)/);
    const s = await runImport(db, file, { mapping: traceMapping, newVersion: true, backup: false });
    expect(s.newVersions).toEqual([{ entryId: 'rbi-042-regular-1', version: 2, fields: ['trace'], flagged: 0 }]);
    expect(openStore(db).entries.row('rbi-042-regular-1')!.fields.trace).toBe('A shorter trace.');
  });

  it('refuses a mapping for a format that has no columns', async () => {
    const { db } = project();
    const e = await refusal(() => runImport(db, fixture('traces.jsonl'), { mapping: traceMapping, format: 'annotations' }));
    expect(e.message).toMatch(/field mapping.*JSONL or CSV/);
  });
});

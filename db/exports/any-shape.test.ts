import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { traceMapping, traceRows } from '../../fixtures/any-shape/make-any-shape.ts';
import { reasoningTraceCodebook } from '../../shared/codebook/index.ts';
import { parseCsv } from '../../shared/csv.ts';
import { ConcordError } from '../../shared/errors.ts';
import { runImport } from '../import/index.ts';
import { makeProjectDb } from '../../test/helpers/import-project.ts';
import { renderExport } from './render.ts';

const traces = new URL('../../fixtures/any-shape/traces.jsonl', import.meta.url).pathname;
const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

/** A reasoning-trace project with the fixture's traces and two annotators' labels on them. */
async function tracesProject() {
  const p = makeProjectDb(reasoningTraceCodebook);
  cleanups.push(p.cleanup);
  await runImport(p.db, traces, { mapping: traceMapping });
  const labels = join(p.dir, 'labels.csv');
  const rows = traceRows.flatMap((r) => ['ana', 'ben'].map((a) => `${r.qid},${a},prediction-correct,${r.predicted === r.truth ? 'yes' : 'no'}`));
  writeFileSync(labels, ['entry_id,annotator,dimension,value', ...rows].join('\n') + '\n');
  await runImport(p.db, labels, { format: 'annotations', backup: false });
  return p;
}

/** The text of a one-file export. */
function text(result: ReturnType<typeof renderExport>): string {
  if (result.shape !== 'file') throw new Error(`expected one file, got ${result.shape}`);
  return result.file.encoding === 'base64' ? Buffer.from(result.file.content, 'base64').toString('utf8') : result.file.content;
}

describe('labels export of entries of any shape', () => {
  it('carries the texts asked for beside the labels, in CSV and JSON', async () => {
    const { db } = await tracesProject();
    const csv = renderExport(db, { kind: 'labels', format: 'csv', fields: ['input', 'expected_output', 'predicted_output'] });
    const table = parseCsv(text(csv), 'labels.csv');
    expect(table.header.slice(0, 5)).toEqual(['entry_id', 'passed', 'input', 'expected_output', 'predicted_output']);
    const byId = new Map(table.rows.map((r) => [r.cells.entry_id, r.cells]));
    for (const r of traceRows) {
      expect(byId.get(r.qid)).toMatchObject({ input: r.args, expected_output: r.truth, predicted_output: r.predicted, 'prediction-correct': r.predicted === r.truth ? 'Yes' : 'No' });
    }
    const json = JSON.parse(text(renderExport(db, { kind: 'labels', format: 'json', fields: ['all'] })));
    const wrong = json.entries.find((e: { id: string }) => e.id === 'rbi-042-regular-1');
    expect(Object.keys(wrong.fields)).toEqual(['code', 'trace', 'input', 'expected_output', 'predicted_output']);
    expect(wrong.fields.trace).toBe(traceRows[1].reasoning);
    // The model that gave no answer: an empty text, not a missing column.
    expect(json.entries.find((e: { id: string }) => e.id === 'rbi-230-edge-1').fields.predicted_output).toBe('');
  });

  it('carries no texts unless asked (the export as it always was), and refuses a field the codebook does not show', async () => {
    const { db } = await tracesProject();
    const json = JSON.parse(text(renderExport(db, { kind: 'labels', format: 'json' })));
    expect(json.entries[0]).not.toHaveProperty('fields');
    expect(parseCsv(text(renderExport(db, { kind: 'labels', format: 'csv' })), 'l.csv').header.slice(0, 3)).toEqual(['entry_id', 'passed', 'input-kind']);
    expect(() => renderExport(db, { kind: 'labels', format: 'csv', fields: ['prompt'] })).toThrow(/shows no field "prompt"/);
    expect(() => renderExport(db, { kind: 'gold', fields: ['input'] })).toThrow(ConcordError);
  });
});

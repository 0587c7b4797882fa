import { describe, expect, it } from 'vitest';
import { ConcordError } from '../errors.ts';
import { changesMeaning, diffCodebooks } from './diff.ts';
import { deepBenchCodebook, DEEP_BENCH_FIELDS, fieldLayoutOf, parseCodebook, reasoningTraceCodebook, shownFields, tambonCodebook, type Codebook, type FieldLayout } from './index.ts';

const withFields = (fields: unknown): unknown => ({ ...reasoningTraceCodebook, fields });
const problem = (json: unknown): { message: string; field?: string } => {
  try {
    parseCodebook(json);
  } catch (e) {
    return { message: (e as ConcordError).message, field: (e as ConcordError).where?.field };
  }
  throw new Error('expected the codebook to be refused');
};

describe("the codebook's fields section", () => {
  it("Deep-Bench's codebook states today's layout, and a codebook without the section shows it too", () => {
    expect(deepBenchCodebook.fields).toEqual({
      panes: [
        { field: 'prompt', label: 'Prompt', language: 'plaintext', lineNumbers: false },
        { field: 'ground_truth', label: 'Ground truth', language: 'python' },
        { field: 'output', label: 'LLM output', language: 'python' },
      ],
      bottom: [{ field: 'test_log', label: 'Test log', language: 'plaintext' }],
      diff: ['ground_truth', 'output'],
    });
    expect(tambonCodebook.fields).toBeUndefined();
    expect(fieldLayoutOf(tambonCodebook)).toBe(DEEP_BENCH_FIELDS);
    expect(parseCodebook(JSON.parse(JSON.stringify(deepBenchCodebook)))).toEqual(deepBenchCodebook);
  });

  it('the reasoning-trace codebook shows code and trace side by side, input and both results below, and diffs the results', () => {
    const layout = fieldLayoutOf(reasoningTraceCodebook);
    expect(shownFields(layout).map((p) => p.field)).toEqual(['code', 'trace', 'input', 'expected_output', 'predicted_output']);
    expect(layout.diff).toEqual(['expected_output', 'predicted_output']);
  });

  it('refuses a field shown twice, a diff of a field no pane shows or of a field with itself, a language it does not know, and a name that is not snake_case', () => {
    const panes = reasoningTraceCodebook.fields!.panes;
    expect(problem(withFields({ panes: [...panes, { field: 'code', label: 'Code again', language: 'python' }] }))).toMatchObject({ message: /"code" is shown twice/, field: 'fields.panes.2.field' });
    expect(problem(withFields({ panes, diff: ['code', 'expected_output'] }))).toMatchObject({ message: /"expected_output", which no pane shows/, field: 'fields.diff.1' });
    expect(problem(withFields({ panes, diff: ['code', 'code'] }))).toMatchObject({ message: /not "code" with itself/ });
    expect(problem(withFields({ panes: [{ field: 'code', label: 'Code', language: 'cobol' }] }))).toMatchObject({ field: 'fields.panes.0.language' });
    expect(problem(withFields({ panes: [{ field: 'Reasoning Trace', label: 'Trace', language: 'markdown' }] }))).toMatchObject({ message: /snake_case/, field: 'fields.panes.0.field' });
    expect(problem(withFields({ panes: [] }))).toMatchObject({ field: 'fields.panes' });
  });

  it('a new layout is a change the diff lists, and not a change of meaning (labels stay as they are)', () => {
    const after = structuredClone(reasoningTraceCodebook) as Codebook & { fields: FieldLayout };
    after.fields.panes.reverse();
    const changes = diffCodebooks(reasoningTraceCodebook, after);
    expect(changes.map((c) => c.kind)).toEqual(['fields-layout']);
    expect(changesMeaning(changes)).toBe(false);
  });
});

import type { z } from 'zod';
import type { fieldPaneSchema, fieldsSchema } from './field-schema.ts';

/**
 * Which texts of an entry the Label and Adjudicate views show, and how: an entry holds any number
 * of named texts (code, input, a reasoning trace, a test log ...); the codebook's `fields` section
 * lays them out in two rows of panes, each row left to right in the order given: the main row,
 * and an optional lower one (a test log; the inputs and results beside a trace), each pane with
 * its label and the language it is highlighted in, and names the two texts the diff compares.
 * A codebook without the section shows the Deep-Bench layout.
 */

/** Field names as stored (`entry_field.name`) and as an import mapping names them. */
export const fieldNamePattern = /^[a-z][a-z0-9_]*$/;

/** The languages Monaco highlights that a field may ask for. */
export const fieldLanguages = ['plaintext', 'markdown', 'python', 'json', 'javascript', 'typescript', 'java', 'cpp', 'c', 'go', 'rust', 'shell', 'yaml'] as const;
export type FieldLanguage = (typeof fieldLanguages)[number];

export type FieldPane = z.infer<typeof fieldPaneSchema>;

export type FieldLayout = z.infer<typeof fieldsSchema>;

/** Deep-Bench's layout: prompt, ground truth and LLM output side by side, the test log below, ground truth -> output as the diff. */
export const DEEP_BENCH_FIELDS: FieldLayout = {
  panes: [
    { field: 'prompt', label: 'Prompt', language: 'plaintext', lineNumbers: false },
    { field: 'ground_truth', label: 'Ground truth', language: 'python' },
    { field: 'output', label: 'LLM output', language: 'python' },
  ],
  bottom: [{ field: 'test_log', label: 'Test log', language: 'plaintext' }],
  diff: ['ground_truth', 'output'],
};

/** The layout a codebook states, or Deep-Bench's when it states none (codebooks made before the section existed). */
export function fieldLayoutOf(codebook: { fields?: FieldLayout } | null | undefined): FieldLayout {
  return codebook?.fields ?? DEEP_BENCH_FIELDS;
}

/** Every field a layout shows, in order: the main row, then the lower one. */
export function shownFields(layout: FieldLayout): FieldPane[] {
  return [...layout.panes, ...(layout.bottom ?? [])];
}

/** The problems of a layout, each with its path inside the section (the codebook's checks add them as issues). */
export function fieldLayoutProblems(layout: FieldLayout): { path: (string | number)[]; message: string }[] {
  const out: { path: (string | number)[]; message: string }[] = [];
  const seen = new Map<string, string>();
  const check = (p: FieldPane, path: (string | number)[]) => {
    const other = seen.get(p.field);
    if (other) out.push({ path: [...path, 'field'], message: `field "${p.field}" is shown twice (also as "${other}")` });
    seen.set(p.field, p.label);
  };
  layout.panes.forEach((p, i) => check(p, ['panes', i]));
  (layout.bottom ?? []).forEach((p, i) => check(p, ['bottom', i]));
  if (layout.diff) {
    const [a, b] = layout.diff;
    if (a === b) out.push({ path: ['diff'], message: `the diff compares two different fields, not "${a}" with itself` });
    layout.diff.forEach((f, i) => {
      if (!seen.has(f)) out.push({ path: ['diff', i], message: `the diff names "${f}", which no pane shows (shown: ${[...seen.keys()].join(', ')})` });
    });
  }
  return out;
}

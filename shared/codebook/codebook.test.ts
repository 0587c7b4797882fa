import { describe, expect, it } from 'vitest';
import { builtInCodebooks, deepBenchCodebook, parseCodebook, parseLabelValue, findDimension, slugify, canonicalLabelValue, dimensionApplies } from './index.ts';

const dim = (id: string) => findDimension(deepBenchCodebook, id)!;

describe('Deep-Bench codebook', () => {
  it('is valid under the codebook schema', () => {
    expect(() => parseCodebook(deepBenchCodebook)).not.toThrow();
  });

  it('lists the paper categories', () => {
    expect(dim('stage').values.map((v) => v.label)).toEqual(['Pre/Post Processing', 'Model Construction', 'Training', 'Inference', 'Evaluation & Metrics']);
    expect(dim('task').values).toHaveLength(7);
    expect(dim('input').values.map((v) => v.id)).toEqual(['image', 'text', 'structured-array', 'others']);
    const bug = dim('bug');
    expect(bug.values).toHaveLength(15);
    const subtypes = bug.values.flatMap((t) => (t.children ?? []).map((s) => `${t.id}::${s.id}`));
    expect(subtypes).toHaveLength(30);
    expect(subtypes).toContain('operation-calculation-error::shape-and-dimension-errors-in-operations');
    expect(bug.appliesWhen).toEqual({ passed: false });
  });

  it('ids are slugs of the labels', () => {
    expect(slugify('Wrong Input Type')).toBe('wrong-input-type');
    expect(slugify('Not DL-related')).toBe('not-dl-related');
    for (const d of deepBenchCodebook.dimensions) for (const v of d.values) expect(v.id).toBe(slugify(v.label));
  });

  it('matches messy published spellings through aliases', () => {
    expect(parseLabelValue(dim('stage'), 'Evaluating&Metrics')).toBe('evaluation-metrics');
    expect(parseLabelValue(dim('stage'), 'pre-post process')).toBe('pre-post-processing');
    expect(parseLabelValue(dim('task'), 'classififcation')).toBe('classification');
    expect(parseLabelValue(dim('input'), 'Table')).toBe('structured-array');
    expect(parseLabelValue(dim('input'), 'tabular')).toBe('structured-array');
    expect(parseLabelValue(dim('stage'), 'MODEL CONSTRUCTION')).toBe('model-construction');
    expect(() => parseLabelValue(dim('stage'), 'Deployment')).toThrow(/unknown value "Deployment"/);
  });

  it('reads tree values by id, label or alias, with :: between levels', () => {
    expect(parseLabelValue(dim('bug'), 'Operation/Calculation Error::Shape and Dimension Errors in Operations|wrong-input-type')).toEqual([
      'wrong-input-type',
      'operation-calculation-error::shape-and-dimension-errors-in-operations',
    ]);
    expect(() => parseLabelValue(dim('bug'), 'wrong-input-type::nope')).toThrow(/unknown type or subtype/);
  });

  it('accepts only ids from the app and canonicalises order', () => {
    expect(canonicalLabelValue(dim('bug'), ['silly-mistake', 'misinterpretation'])).toEqual(['misinterpretation', 'silly-mistake']);
    expect(() => canonicalLabelValue(dim('stage'), 'Training')).toThrow();
    expect(canonicalLabelValue(dim('prompt-review'), { 'input-and-output-format-specified': true })).toEqual({
      'clear-and-sufficient-information': false,
      'input-and-output-format-specified': true,
      'error-handling-and-boundary-conditions-covered': false,
    });
  });

  it('the bug tree applies only to failing outputs', () => {
    expect(dimensionApplies(dim('bug'), { passed: false })).toBe(true);
    expect(dimensionApplies(dim('bug'), { passed: true })).toBe(false);
    expect(dimensionApplies(dim('stage'), { passed: true })).toBe(true);
  });

  it('refuses a codebook with clashing hotkeys or ambiguous aliases', () => {
    const clone = structuredClone(deepBenchCodebook);
    clone.dimensions[1].values[0].hotkey = '1';
    expect(() => parseCodebook(clone)).toThrow(/hotkey "1"/);
    const clone2 = structuredClone(deepBenchCodebook);
    clone2.dimensions[0].values[0].aliases = ['training'];
    expect(() => parseCodebook(clone2)).toThrow(/matches both/);
  });
});

describe('built-in codebooks', () => {
  it('the base taxonomy of Tambon et al. has its ten types, defined once with Deep-Bench', () => {
    const cb = parseCodebook(builtInCodebooks['tambon-general']);
    const bug = cb.dimensions[0];
    expect(bug.values.map((v) => v.label)).toEqual([
      'Misinterpretation',
      'Syntax Error',
      'Silly Mistake',
      'Prompt-biased Code',
      'Missing Corner Case',
      'Wrong Input Type',
      'Hallucinated Object',
      'Wrong Attribute',
      'Incomplete Generation',
      'Non-Prompted Consideration',
    ]);
    expect(bug.values.every((v) => !v.children)).toBe(true);
    expect(bug.values[0].definition).toBe(dim('bug').values[0].definition);
    expect(bug.appliesWhen).toEqual({ passed: false });
  });
});

describe('the reasoning-trace codebook', () => {
  it('starts from what the study’s abstract names: three input kinds, a yes/no prediction, and the Computation Errors category', () => {
    const cb = parseCodebook(builtInCodebooks['reasoning-trace']);
    expect(cb.dimensions.map((d) => [d.id, d.kind])).toEqual([
      ['input-kind', 'single'],
      ['prediction-correct', 'single'],
      ['inference-error', 'tree'],
    ]);
    expect(cb.dimensions[0].values.map((v) => v.label)).toEqual(['Regular', 'Edge', 'Invalid']);
    expect(cb.dimensions[1].values.map((v) => v.id)).toEqual(['yes', 'no']);
    // Only category names the abstract states; the team adds the rest in the editor.
    expect(cb.dimensions[2].values.map((v) => v.label)).toEqual(['Computation Errors']);
    expect(cb.dimensions[2].appliesIf).toEqual({ dimension: 'prediction-correct', values: ['no'] });
    const err = cb.dimensions[2];
    expect(dimensionApplies(err, { passed: null }, { 'prediction-correct': 'no' })).toBe(true);
    expect(dimensionApplies(err, { passed: null }, { 'prediction-correct': 'yes' })).toBe(false);
    expect(dimensionApplies(err, { passed: null }, {})).toBe(false);
    // Without an annotator's labels, only what the entry says counts.
    expect(dimensionApplies(err, { passed: null })).toBe(true);
  });

  it('Deep-Bench has a text dimension for a rewrite of the prompt', () => {
    expect(dim('prompt-revision')).toMatchObject({ kind: 'text', revises: 'prompt', values: [] });
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { deepBenchCodebook } from '../../shared/codebook/index.ts';
import { ConcordError } from '../../shared/errors.ts';
import { entryIdOf, parseDlbenchEntry, PUBLISHED_ANNOTATOR } from './dlbench.ts';

const samples = fileURLToPath(new URL('../../fixtures/samples/dlbench', import.meta.url));
const parse = (text: string, name = 'x.txt') => parseDlbenchEntry(text, `/in/${name}`, name, deepBenchCodebook);
const published = (e: ReturnType<typeof parse>) => Object.fromEntries(e.labels.map((l) => [l.dimension, l.value]));

describe('Deep-Bench entry files', () => {
  it('keeps spaces, commas and dots of the file name in the entry id', () => {
    expect(entryIdOf('classes-pytorch-forecastingfit_transform, 107.txt')).toBe('classes-pytorch-forecastingfit_transform, 107');
    expect(entryIdOf('a.b.c.txt')).toBe('a.b.c');
  });

  it('reads the sample with swapped stage and data, class and f_name', () => {
    const name = 'classes-tinynet_init, 7.txt';
    const e = parse(readFileSync(join(samples, name), 'utf8'), name);
    expect(e.extId).toBe('classes-tinynet_init, 7');
    expect(e.swapped).toBe(true);
    expect(published(e)).toEqual({ stage: 'model-construction', input: 'others', task: 'general' });
    expect(e.labels.every((l) => l.annotator === PUBLISHED_ANNOTATOR)).toBe(true);
    expect(e.emptyTask).toBe(true);
    expect(e.fields.metadata).toMatchObject({ repo: 'tinynet', class: 'TinyNet', function: '__init__', groundTruthPath: 'tinynet/models.py', testCases: 'tests/test_models.py::test_tinynet_shapes', sourceFile: name });
    expect(e.fields.prompt).toMatch(/^Create the `__init__` method/);
    expect(e.fields.prompt).toMatch(/use ReLU between layers\.$/);
    const w = e.warnings.find((x) => x.field === 'stage');
    expect(w?.message).toMatch(/swapped/);
    expect(w?.line).toBe(1);
  });

  it('maps the release spellings through aliases', () => {
    const name = 'recsys_hit_rate17.txt';
    const e = parse(readFileSync(join(samples, name), 'utf8'), name);
    expect(published(e)).toEqual({ stage: 'evaluation-metrics', task: 'recommendation', input: 'structured-array' });
    expect(e.warnings).toEqual([]);
    expect(e.fields.metadata?.function).toBe('hit_rate');
  });

  it('reads every sample file', () => {
    const name = 'torchgeom_rotate_points42.txt';
    const e = parse(readFileSync(join(samples, name), 'utf8'), name);
    expect(published(e)).toEqual({ stage: 'pre-post-processing', task: 'general', input: 'image' });
    expect(e.fields.prompt?.split('\n')).toHaveLength(3);
  });

  it('warns about an unmapped published value and skips that label only', () => {
    const e = parse('stage: Deployment\ntask: classififcation\ndata: tabular\n\nprompt:\nDo it.\n\n repo:r\n');
    expect(published(e)).toEqual({ task: 'classification', input: 'structured-array' });
    expect(e.warnings).toHaveLength(1);
    expect(e.warnings[0]).toMatchObject({ file: '/in/x.txt', line: 1, field: 'stage' });
    expect(e.warnings[0].message).toContain('Deployment');
  });

  it('keeps a prompt line that looks like a head key, and stops at the first tail key', () => {
    const e = parse('stage: Training\ntask:\ndata: Text\nprompt:\nWrite f.\ndata: a list of strings\nstage: unused\n ground Truth:a/b.py\n function:f\n test_cases:t.py::a\n  t.py::b\n');
    expect(e.fields.prompt).toBe('Write f.\ndata: a list of strings\nstage: unused');
    expect(e.fields.metadata?.testCases).toBe('t.py::a\nt.py::b');
    expect(e.fields.metadata?.groundTruthPath).toBe('a/b.py');
  });

  it('reads CRLF files and keeps unknown keys after the prompt as metadata', () => {
    const e = parse('stage: Inference\r\ntask: \r\ndata: Text\r\n\r\nprompt:\r\nDo it.\r\n\r\n repo:r\r\n libraries:torch\r\n  numpy\r\n function:f\r\n');
    expect(e.fields.prompt).toBe('Do it.');
    expect(e.fields.metadata).toMatchObject({ repo: 'r', libraries: 'torch\nnumpy', function: 'f' });
    expect(published(e)).toEqual({ stage: 'inference', task: 'general', input: 'text' });
  });

  it('refuses a file without a prompt, naming file, line and field', () => {
    try {
      parse('stage: Training\ntask:\ndata: Text\n', 'bad, 1.txt');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConcordError);
      expect((e as ConcordError).where).toEqual({ file: '/in/bad, 1.txt', line: 1, field: 'prompt' });
    }
  });

  it('refuses a stray line before the prompt and a repeated key', () => {
    expect(() => parse('stage: Training\nstgae Training\nprompt:\nx\n')).toThrow(/unexpected line/);
    try {
      parse('stage: Training\nstage: Inference\nprompt:\nx\n');
      expect.unreachable();
    } catch (e) {
      expect((e as ConcordError).where).toMatchObject({ line: 2, field: 'stage' });
    }
    expect(() => parse('stage: Training\nprompt:\nx\n repo:a\n repo:b\n')).toThrow(/twice/);
  });
});

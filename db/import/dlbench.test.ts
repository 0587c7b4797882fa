import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { deepBenchCodebook } from '../../shared/codebook/index.ts';
import { ConcordError } from '../../shared/errors.ts';
import { entryIdOf, parseDlbenchEntry, parseMapSpec, PUBLISHED_ANNOTATOR, resolveMaps, type PublishedMap } from './dlbench.ts';
import { warningKinds } from './warnings.ts';

const samples = fileURLToPath(new URL('../../fixtures/samples/dlbench', import.meta.url));
const parse = (text: string, name = 'x.txt', maps: PublishedMap[] = []) => parseDlbenchEntry(text, `/in/${name}`, name, deepBenchCodebook, maps);
const published = (e: ReturnType<typeof parse>) => Object.fromEntries(e.labels.map((l) => [l.dimension, l.value]));
const kinds = (e: ReturnType<typeof parse>) => e.warnings.map((w) => w.kind);
const tail = ['', ' ground Truth:a/b.py', '', ' repo:r', '', ' function:f', ' ', ' test_cases:t.py::a'];
/** An entry file: the head, the prompt's lines, then the release's tail. */
const entry = (head: string, prompt: string[], after = tail) => [head, '', 'prompt:', ...prompt, ...after, ''].join('\n');
const head = 'stage: Training\ntask: Classification\ndata: Text';

function refusal(f: () => unknown): ConcordError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ConcordError);
    return e as ConcordError;
  }
  throw new Error('expected a refusal');
}

describe('Deep-Bench entry files', () => {
  it('keeps spaces, commas and dots of the file name in the entry id', () => {
    expect(entryIdOf('classes-pytorch-forecastingfit_transform, 107.txt')).toBe('classes-pytorch-forecastingfit_transform, 107');
    expect(entryIdOf('a.b.c.txt')).toBe('a.b.c');
  });

  it('reads the sample with swapped stage and data, class and f_name', () => {
    const name = 'classes-tinynet_init, 7.txt';
    const e = parse(readFileSync(join(samples, name), 'utf8'), name);
    expect(e.extId).toBe('classes-tinynet_init, 7');
    expect(published(e)).toEqual({ stage: 'model-construction', input: 'others', task: 'general' });
    expect(e.labels.every((l) => l.annotator === PUBLISHED_ANNOTATOR)).toBe(true);
    expect(e.fields.metadata).toMatchObject({ repo: 'tinynet', class: 'TinyNet', function: '__init__', groundTruthPath: 'tinynet/models.py', testCases: 'tests/test_models.py::test_tinynet_shapes', sourceFile: name });
    expect(e.fields.prompt).toMatch(/^Create the `__init__` method/);
    expect(e.fields.prompt).toMatch(/use ReLU between layers\.$/);
    const w = e.warnings.find((x) => x.kind === warningKinds.swapped);
    expect(w?.message).toMatch(/swapped/);
    expect(w?.line).toBe(1);
    expect(kinds(e).sort()).toEqual([warningKinds.noTask, warningKinds.swapped].sort());
    // Each label names the field its value sat in.
    expect(e.labels.find((l) => l.dimension === 'stage')?.source).toMatchObject({ line: 3, field: 'data' });
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

  it('reads CRLF files and keeps unknown keys after the prompt as metadata', () => {
    const e = parse('stage: Inference\r\ntask: \r\ndata: Text\r\n\r\nprompt:\r\nDo it.\r\n\r\n repo:r\r\n libraries:torch\r\n  numpy\r\n function:f\r\n');
    expect(e.fields.prompt).toBe('Do it.');
    expect(e.fields.metadata).toMatchObject({ repo: 'r', libraries: 'torch\nnumpy', function: 'f' });
    expect(published(e)).toEqual({ stage: 'inference', task: 'general', input: 'text' });
  });
});

describe('where the prompt ends', () => {
  it('keeps a docstring that documents arguments named ground_truth, repo, function and test_cases', () => {
    const doc = ['def f(pred, ground_truth):', '    """Scores a prediction.', '', '    Args:', '        ground_truth: the expected tensor.', '        repo: unused.', '        function: unused.', '        test_cases: unused.', '    """'];
    const e = parse(entry(head, doc));
    expect(e.fields.prompt).toBe(doc.join('\n'));
    expect(e.fields.metadata).toMatchObject({ groundTruthPath: 'a/b.py', repo: 'r', function: 'f', testCases: 't.py::a' });
    expect(e.warnings).toEqual([]);
  });

  it('keeps head keys, "prompt:" and a left-margin field followed by more prompt', () => {
    const lines = ['Write f.', 'data: a list of strings', 'stage: training', 'prompt: the model sees this', '', 'function: Callable = None', '', 'Keep `function` as it is.'];
    const e = parse(entry(head, lines));
    expect(e.fields.prompt).toBe(lines.join('\n'));
    expect(e.fields.metadata?.function).toBe('f');
    // The left-margin "function:" after a blank line looked like a field: kept, and said so.
    expect(e.warnings).toEqual([expect.objectContaining({ kind: warningKinds.fieldLikeLine, line: 11, field: 'prompt' })]);
  });

  it('keeps a field-like paragraph right before the fields, since the fields come in order', () => {
    const e = parse(entry(head, ['Read a card such as', '', 'repo: hub/tiny-bert', '', 'and return a dict.', '', 'test_cases: ignored']));
    expect(e.fields.prompt).toBe('Read a card such as\n\nrepo: hub/tiny-bert\n\nand return a dict.\n\ntest_cases: ignored');
    expect(e.fields.metadata).toMatchObject({ repo: 'r', testCases: 't.py::a' });
  });

  it('ends at a field with one leading space or none, never after a tab or a deeper indent', () => {
    const noSpace = parse(entry(head, ['Do it.'], ['', 'ground Truth:a/b.py', 'repo:r']));
    expect(noSpace.fields).toMatchObject({ prompt: 'Do it.', metadata: { groundTruthPath: 'a/b.py', repo: 'r' } });
    const tabbed = parse(entry(head, ['Do it.', '', '\tground_truth: x', '', '  repo: y']));
    expect(tabbed.fields.prompt).toBe('Do it.\n\n\tground_truth: x\n\n  repo: y');
    expect(tabbed.fields.metadata?.repo).toBe('r');
  });

  it('reads a BOM, CRLF and tab-indented prompt lines', () => {
    const text = `\ufeff${entry(head, ['Pad a batch.', '\tArgs:', '\t\tground_truth: unused.', '\trepo: textkit'])}`.replace(/\n/g, '\r\n');
    const e = parse(text);
    expect(e.fields.prompt).toBe('Pad a batch.\n\tArgs:\n\t\tground_truth: unused.\n\trepo: textkit');
    expect(published(e)).toEqual({ stage: 'training', task: 'classification', input: 'text' });
  });

  it('lets a value wrap onto the lines below its key', () => {
    const e = parse(entry(head, ['Do it.'], ['', ' ground Truth:a/b.py', ' function:f', ' test_cases:t.py::a', '  t.py::b', 'TestF::test_c']));
    expect(e.fields.metadata?.testCases).toBe('t.py::a\nt.py::b\nTestF::test_c');
  });

  it('keeps everything in the prompt when no well-formed block of fields follows, and says so', () => {
    const e = parse(entry(head, ['Do it.'], ['', ' repo:a', '', ' repo:b']));
    expect(e.fields.prompt).toBe('Do it.\n\n repo:a');
    expect(e.fields.metadata?.repo).toBe('b');
    expect(kinds(e)).toEqual([warningKinds.fieldLikeLine]);
    const none = parse(entry(head, ['Do it.'], []));
    expect(none.fields.prompt).toBe('Do it.');
    expect(kinds(none)).toEqual([warningKinds.noTail]);
  });

  it('reads a hostile file of 100,000 field-like lines in one pass (a scan per line would not finish)', () => {
    const many = Array.from({ length: 200_000 }, (_, i) => (i % 2 ? ' repo:x' : ''));
    const e = parse(entry(head, ['Do it.'], many));
    expect(e.fields.metadata?.repo).toBe('x');
    expect(e.fields.prompt?.length).toBeGreaterThan(100_000);
  });

  it('names the line that is wrong', () => {
    const stray = refusal(() => parse('stage: Training\nstgae Training\nprompt:\nx\n'));
    expect(stray.message).toMatch(/unexpected line/);
    expect(stray.where).toMatchObject({ line: 2 });
    expect(refusal(() => parse('stage: Training\nstage: Inference\nprompt:\nx\n')).where).toMatchObject({ line: 2, field: 'stage' });
    expect(refusal(() => parse('stage: Training\ntask:\ndata: Text\n', 'bad, 1.txt')).where).toEqual({ file: '/in/bad, 1.txt', line: 1, field: 'prompt' });
    expect(refusal(() => parse('stage: Training\n\nprompt:\n\n ground Truth:a\n')).where).toMatchObject({ line: 3, field: 'prompt' });
  });
});

describe('published values', () => {
  const heads = (stage: string, task: string, data: string) => parse(entry(`stage: ${stage}\ntask: ${task}\ndata: ${data}`, ['Do it.']));

  it('places the stage found in the data field when the stage field is empty', () => {
    const e = heads('', '', 'Training');
    expect(published(e)).toEqual({ stage: 'training', task: 'general' });
    expect(kinds(e).sort()).toEqual(['moved:data->stage', warningKinds.noTask].sort());
    expect(e.labels.find((l) => l.dimension === 'stage')?.source).toMatchObject({ line: 3, field: 'data' });
  });

  it('places an input type found in the stage field, and undoes a swap in any case', () => {
    expect(published(heads('Image', 'Regression', ''))).toEqual({ input: 'image', task: 'regression' });
    // The stage field was not empty (it held an input type), so this is the move alone, not also "no stage".
    expect(kinds(heads('Image', 'Regression', ''))).toEqual(['moved:stage->input']);
    expect(kinds(heads('Image', 'Regression', 'Image'))).toEqual([warningKinds.unplaced]);
    const swapped = heads('IMAGE', 'object detection', 'model construction');
    expect(published(swapped)).toEqual({ stage: 'model-construction', task: 'object-detection', input: 'image' });
    expect(kinds(swapped)).toEqual([warningKinds.swapped]);
  });

  it('reads the release typos and leaves the short name "Prediction" unplaced, in the metadata', () => {
    expect(published(heads('Training', 'Classificatoin', 'Table')).task).toBe('classification');
    expect(published(heads('Training', 'classififcation', 'tabular'))).toEqual({ stage: 'training', task: 'classification', input: 'structured-array' });
    const e = heads('Inference', 'Prediction', 'Structured Array');
    expect(published(e)).toEqual({ stage: 'inference', input: 'structured-array' });
    expect(e.fields.metadata?.publishedTask).toBe('Prediction');
    expect(e.warnings).toEqual([expect.objectContaining({ kind: warningKinds.unplaced, field: 'task', value: 'Prediction', line: 2 })]);
    // Even with the stage field empty, "Prediction" is not read as a stage.
    expect(published(heads('', 'Prediction', 'Text'))).toEqual({ input: 'text' });
  });

  it('leaves a value that two dimensions could take unplaced, and never lets two fields claim one dimension', () => {
    // "other" is the task General and the input type Others; with a task given, it can only be the input type.
    expect(published(heads('other', 'Regression', 'Training'))).toEqual({ task: 'regression', stage: 'training', input: 'others' });
    const e = heads('other', '', 'Training');
    expect(published(e)).toEqual({ task: 'general', stage: 'training' });
    expect(e.fields.metadata?.publishedStage).toBe('other');
    expect(e.warnings.find((w) => w.kind === warningKinds.unplaced)?.message).toMatch(/could be task General or input type Others/);
    const both = heads('', 'Training', 'Inference');
    expect(published(both)).toEqual({});
    expect(both.fields.metadata).toMatchObject({ publishedTask: 'Training', publishedData: 'Inference' });
  });

  it('follows a team map, ahead of the codebook', () => {
    const maps = resolveMaps([parseMapSpec('task:Prediction=time-series-prediction'), parseMapSpec('stage:other=Inference')], deepBenchCodebook);
    expect(maps).toEqual([
      { dimension: 'task', published: 'Prediction', value: 'time-series-prediction' },
      { dimension: 'stage', published: 'other', value: 'inference' },
    ]);
    const e = parse(entry('stage: other\ntask: PREDICTION\ndata: Text', ['Do it.']), 'x.txt', maps);
    expect(published(e)).toEqual({ stage: 'inference', task: 'time-series-prediction', input: 'text' });
    expect(e.warnings).toEqual([]);
  });

  it('refuses a bad map as a usage error', () => {
    const usage = (f: () => unknown) => {
      const e = refusal(f);
      expect(e.code).toBe('usage');
      return e.message;
    };
    expect(usage(() => parseMapSpec('Prediction=time-series-prediction'))).toMatch(/<dimension>:<published value>=<value id>/);
    expect(usage(() => parseMapSpec('task:Prediction='))).toMatch(/write/);
    expect(usage(() => resolveMaps([parseMapSpec('colour:Prediction=red')], deepBenchCodebook))).toMatch(/"colour" is not a published dimension \(one of: stage, task, input\)/);
    expect(usage(() => resolveMaps([parseMapSpec('bug:x=syntax-error')], deepBenchCodebook))).toMatch(/not a published dimension/);
    expect(usage(() => resolveMaps([parseMapSpec('task:Prediction=forecast-ish')], deepBenchCodebook))).toMatch(/task has no value "forecast-ish"/);
  });
});

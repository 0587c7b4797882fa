import { mulberry32 } from '../../shared/agreement/prng.ts';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Writes a Deep-Bench-like data set: a folder of entry files (format 1) and a Taxonomy-Data
 * folder (format 2) with the quirks of the real release: names with spaces and commas, stage and
 * data swapped, the stage in `data:` with `stage:` empty, empty tasks, alias spellings and typos
 * (`Classificatoin`, `classififcation`, `Table`), values in any case, the short task name
 * `Prediction`, and prompts whose docstring documents arguments named `ground_truth:`, `repo:`
 * and `function:`. Deterministic for a seed, so tests can count on it. The content is filler in
 * the right shape, not real code.
 */
export interface SyntheticOptions {
  entries?: number;
  results?: number;
  /** Results among `results` that fail their tests. */
  failing?: number;
  /** Class entries whose stage and data are swapped. */
  swapped?: number;
  /** Share of entries with an empty task (289 of 520 in the release). */
  emptyTaskShare?: number;
  /** Entries with `stage:` empty and the stage in `data:` (about 58 in the release). */
  stageInData?: number;
  /** Entries whose task is the short name `Prediction`, which the codebook does not place. */
  prediction?: number;
  /** Entries whose prompt has a docstring documenting `ground_truth:`, `repo:` and `function:`. */
  docstrings?: number;
  /** Result ids with no entry file (the real release has 2). */
  orphans?: number;
  seed?: number;
}

export interface SyntheticSet {
  dlbenchDir: string;
  taxonomyDir: string;
  ids: string[];
  resultIds: string[];
  failingIds: string[];
  swappedIds: string[];
  emptyTaskIds: string[];
  stageInDataIds: string[];
  predictionIds: string[];
  docstringIds: string[];
  orphanIds: string[];
  /**
   * Published stage/task/input of each entry as the codebook ids they should map to; a dimension
   * is absent when the file does not give it (the input of a stage-in-data entry, the task
   * `Prediction`).
   */
  expected: Map<string, { stage?: string; task?: string; input?: string }>;
}

// [spelling in the file, codebook id]: the release mixes labels and variants.
const stages: [string, string][] = [
  ['Pre/Post Processing', 'pre-post-processing'],
  ['pre-post process', 'pre-post-processing'],
  ['Model Construction', 'model-construction'],
  ['Training', 'training'],
  ['Inference', 'inference'],
  ['Evaluating&Metrics', 'evaluation-metrics'],
];
const tasks: [string, string][] = [
  ['Classification', 'classification'],
  ['classififcation', 'classification'],
  ['Classificatoin', 'classification'],
  ['Regression', 'regression'],
  ['Object Detection', 'object-detection'],
  ['Image Segmentation', 'image-segmentation'],
  ['Time Series Prediction', 'time-series-prediction'],
  ['Recommendation', 'recommendation'],
];
const inputs: [string, string][] = [
  ['Image', 'image'],
  ['Text', 'text'],
  ['Table', 'structured-array'],
  ['tabular', 'structured-array'],
  ['Structured Array', 'structured-array'],
  ['Others', 'others'],
];
const repos = ['kornia', 'neurodiffeq', 'pytorch-forecasting', 'recommenders', 'small-text', 'vision', 'DeepReg', 'lightly', 'torchgeo', 'avalanche'];
const verbs = ['compute', 'build', 'normalize', 'decode', 'encode', 'rotate', 'resize', 'score', 'sample', 'project', 'pad', 'merge'];
const nouns = ['boxes', 'mask', 'loss', 'tokens', 'features', 'weights', 'points', 'logits', 'grid', 'batch', 'embedding', 'kernel'];

export function writeDeepBenchLike(dir: string, opts: SyntheticOptions = {}): SyntheticSet {
  const n = opts.entries ?? 520;
  const nResults = opts.results ?? 490;
  const nFailing = opts.failing ?? 325;
  const nSwapped = opts.swapped ?? 66;
  const emptyShare = opts.emptyTaskShare ?? 289 / 520;
  const nOrphans = opts.orphans ?? 0;
  const rand = mulberry32(opts.seed ?? 1);
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  const dlbenchDir = join(dir, 'dlbench');
  const taxonomyDir = join(dir, 'taxonomy-data');
  for (const d of [dlbenchDir, join(taxonomyDir, 'Original'), join(taxonomyDir, 'Generated'), join(taxonomyDir, 'Result')]) mkdirSync(d, { recursive: true });

  const ids: string[] = [];
  const swappedIds: string[] = [];
  const emptyTaskIds: string[] = [];
  const stageInDataIds: string[] = [];
  const predictionIds: string[] = [];
  const docstringIds: string[] = [];
  const expected = new Map<string, { stage?: string; task?: string; input?: string }>();
  const fnOf = new Map<string, string>();
  // Every third entry is a method, named the way the release names them: "classes-<repo><fn>, <n>".
  const classEntries = Math.max(nSwapped, Math.floor(n / 3));
  // The next entries take the other head quirks, in turn; what does not fit is left out.
  const nStageInData = Math.min(opts.stageInData ?? 58, Math.max(0, n - classEntries));
  const nPrediction = Math.min(opts.prediction ?? 3, Math.max(0, n - classEntries - nStageInData));
  const isPrediction = (i: number) => i >= classEntries + nStageInData && i < classEntries + nStageInData + nPrediction;
  const nDocstrings = Math.min(opts.docstrings ?? 12, n);
  const docEvery = nDocstrings ? Math.floor(n / nDocstrings) : Infinity;
  // Which entries have an empty task: an exact number, a seeded choice among those not given `Prediction`.
  const emptyTask = new Set(
    Array.from({ length: n }, (_, i) => ({ i, k: rand() }))
      .filter((x) => !isPrediction(x.i))
      .sort((a, b) => a.k - b.k)
      .slice(0, Math.round(n * emptyShare))
      .map((x) => x.i),
  );
  // The release writes a value in capitals or in lower case now and then.
  const anyCase = (s: string) => {
    const r = rand();
    return r < 0.05 ? s.toUpperCase() : r < 0.1 ? s.toLowerCase() : s;
  };
  for (let i = 0; i < n; i++) {
    const repo = pick(repos);
    const fn = `${pick(verbs)}_${pick(nouns)}`;
    const isClass = i < classEntries;
    const id = isClass ? `classes-${repo}${fn}, ${i + 1}` : i % 17 === 0 ? `${repo}.utils_${fn}${i + 1}` : `${repo}_${fn}${i + 1}`;
    ids.push(id);
    fnOf.set(id, fn);
    const stage = pick(stages);
    const input = pick(inputs);
    const task: [string, string | undefined] = isPrediction(i) ? ['Prediction', undefined] : emptyTask.has(i) ? ['', 'general'] : pick(tasks);
    if (emptyTask.has(i)) emptyTaskIds.push(id);
    if (isPrediction(i)) predictionIds.push(id);
    const swap = isClass && swappedIds.length < nSwapped;
    if (swap) swappedIds.push(id);
    const stageInData = !isClass && i < classEntries + nStageInData;
    if (stageInData) stageInDataIds.push(id);
    const docstring = i % docEvery === docEvery - 1 && docstringIds.length < nDocstrings;
    if (docstring) docstringIds.push(id);
    // A stage-in-data entry gives no input type; `Prediction` gives no task the codebook knows.
    expected.set(id, { stage: stage[1], ...(task[1] ? { task: task[1] } : {}), ...(stageInData ? {} : { input: input[1] }) });
    const cls = `${repo.replace(/[^a-zA-Z]/g, '')}Module`;
    const [stageField, dataField] = swap ? [input[0], stage[0]] : stageInData ? ['', stage[0]] : [stage[0], input[0]];
    const lines = [
      `stage: ${anyCase(stageField)}`,
      `task: ${anyCase(task[0])}`,
      `data: ${anyCase(dataField)}`,
      '',
      'prompt:',
      `Write a Python function \`${fn}\` for the ${repo} project.`,
      `The input is a torch.Tensor of shape (B, C, H, W); return a tensor of the same dtype.`,
      `data: note that this line belongs to the prompt.`,
      ...(docstring
        ? [
            '',
            `def ${fn}(prediction, ground_truth, repo=None, function=None):`,
            '    """Compares a prediction with its reference.',
            '',
            '    Args:',
            '        prediction: the model output.',
            '        ground_truth: the expected tensor, of the same shape.',
            `        repo: the repository name (default "${repo}").`,
            '        function: an optional callable applied to both first.',
            '    """',
          ]
        : []),
      '',
      ` ground Truth:${repo}/${fn.split('_')[1]}.py`,
      '',
      ` repo:${repo}`,
      '',
      ...(isClass ? [` class:${cls}`, ''] : []),
      i % 5 === 0 ? ` f_name:${fn}` : ` function:${fn}`,
      ' ',
      ` test_cases:tests/test_${fn}.py::test_${fn}`,
    ];
    writeFileSync(join(dlbenchDir, `${id}.txt`), `${lines.join('\n')}\n`);
  }

  // Results for a random subset of entries, the first `nFailing` of them failing.
  const order = ids.map((id) => ({ id, k: rand() })).sort((a, b) => a.k - b.k).map((x) => x.id);
  const orphanIds = Array.from({ length: nOrphans }, (_, k) => `orphan_result${k + 1}`);
  const resultIds = [...order.slice(0, nResults - nOrphans), ...orphanIds];
  const failingIds = resultIds.slice(0, nFailing);
  const failing = new Set(failingIds);
  for (const id of resultIds) {
    const fn = fnOf.get(id) ?? 'orphan';
    const file = `processed_${id}`;
    writeFileSync(join(taxonomyDir, 'Original', `${file}.py`), `def ${fn}(x):\n    return x.float() / 255.0\n`);
    writeFileSync(join(taxonomyDir, 'Generated', `${file}.py`), `def ${fn}(x):\n    return x / 255\n`);
    const fail = failing.has(id);
    const tests = [`tests/test_${fn}.py::test_${fn}`, `tests/test_${fn}.py::test_${fn}_dtype`];
    const related = fail ? `{'FAILED ${tests[1]} - AssertionError: dtype', '${tests[1]} FAILED [100%]'}` : 'set()';
    const log = [
      '============================= test session starts ==============================',
      'platform linux -- Python 3.10.12, pytest-7.4.0, pluggy-1.2.0',
      'collected 2 items',
      '',
      `${tests[0]} PASSED [ 50%]`,
      `${tests[1]} ${fail ? 'FAILED' : 'PASSED'} [100%]`,
      '',
      ...(fail
        ? [
            '=================================== FAILURES ===================================',
            `_________________________________ test_${fn}_dtype _________________________________`,
            '>       assert out.dtype == torch.float32',
            'E       AssertionError: assert torch.int64 == torch.float32',
            '=========================== short test summary info ============================',
            `FAILED ${tests[1]} - AssertionError: assert torch.int64 == torch.float32`,
            '========================= 1 failed, 1 passed in 0.52s ==========================',
          ]
        : ['============================== 2 passed in 0.48s ===============================']),
    ];
    const result = [
      'output file:',
      `${file}.json`,
      'function:',
      fn,
      'Error Cases:',
      '',
      `Pass or Failed: ${fail ? 0 : 1}`,
      '',
      'Related Failed Test Cases:',
      related,
      '',
      'All Test Cases On Generated code:',
      ...log,
    ];
    writeFileSync(join(taxonomyDir, 'Result', `${file}.txt`), `${result.join('\n')}\n`);
  }
  return { dlbenchDir, taxonomyDir, ids, resultIds, failingIds, swappedIds, emptyTaskIds, stageInDataIds, predictionIds, docstringIds, orphanIds, expected };
}

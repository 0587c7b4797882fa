import { mulberry32 } from '../../shared/agreement/prng.ts';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Writes a Deep-Bench-like data set: a folder of entry files (format 1) and a Taxonomy-Data
 * folder (format 2) with the quirks of the real release (names with spaces and commas, swapped
 * stage/data, empty tasks, alias spellings). Deterministic for a seed, so tests can count on it.
 * The content is filler in the right shape, not real code.
 */
export interface SyntheticOptions {
  entries?: number;
  results?: number;
  /** Results among `results` that fail their tests. */
  failing?: number;
  /** Class entries whose stage and data are swapped. */
  swapped?: number;
  /** Share of entries with an empty task. */
  emptyTaskShare?: number;
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
  orphanIds: string[];
  /** Published stage/task/input of each entry as the codebook ids they should map to. */
  expected: Map<string, { stage: string; task: string; input: string }>;
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
  const emptyShare = opts.emptyTaskShare ?? 0.6;
  const nOrphans = opts.orphans ?? 0;
  const rand = mulberry32(opts.seed ?? 1);
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  const dlbenchDir = join(dir, 'dlbench');
  const taxonomyDir = join(dir, 'taxonomy-data');
  for (const d of [dlbenchDir, join(taxonomyDir, 'Original'), join(taxonomyDir, 'Generated'), join(taxonomyDir, 'Result')]) mkdirSync(d, { recursive: true });

  const ids: string[] = [];
  const swappedIds: string[] = [];
  const emptyTaskIds: string[] = [];
  const expected = new Map<string, { stage: string; task: string; input: string }>();
  const fnOf = new Map<string, string>();
  // Every third entry is a method, named the way the release names them: "classes-<repo><fn>, <n>".
  const classEntries = Math.max(nSwapped, Math.floor(n / 3));
  for (let i = 0; i < n; i++) {
    const repo = pick(repos);
    const fn = `${pick(verbs)}_${pick(nouns)}`;
    const isClass = i < classEntries;
    const id = isClass ? `classes-${repo}${fn}, ${i + 1}` : i % 17 === 0 ? `${repo}.utils_${fn}${i + 1}` : `${repo}_${fn}${i + 1}`;
    ids.push(id);
    fnOf.set(id, fn);
    const stage = pick(stages);
    const input = pick(inputs);
    const emptyTask = rand() < emptyShare;
    const task = emptyTask ? (['', 'general'] as [string, string]) : pick(tasks);
    if (emptyTask) emptyTaskIds.push(id);
    const swap = isClass && swappedIds.length < nSwapped;
    if (swap) swappedIds.push(id);
    expected.set(id, { stage: stage[1], task: task[1], input: input[1] });
    const cls = `${repo.replace(/[^a-zA-Z]/g, '')}Module`;
    const lines = [
      `stage: ${swap ? input[0] : stage[0]}`,
      `task: ${task[0]}`,
      `data: ${swap ? stage[0] : input[0]}`,
      '',
      'prompt:',
      `Write a Python function \`${fn}\` for the ${repo} project.`,
      `The input is a torch.Tensor of shape (B, C, H, W); return a tensor of the same dtype.`,
      `data: note that this line belongs to the prompt.`,
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
  return { dlbenchDir, taxonomyDir, ids, resultIds, failingIds, swappedIds, emptyTaskIds, orphanIds, expected };
}

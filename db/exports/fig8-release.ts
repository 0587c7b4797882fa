import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mulberry32 } from '../../shared/agreement/prng.ts';

/**
 * Test support: a Deep-Bench-shaped release of 520 entry files (format 1) whose published stage,
 * task and input type add up to the distribution of the Deep-Bench paper's Figure 8. The paper
 * states 210 pre/post-processing and 119 model-construction entries, 328 General, 60
 * Classification and 14 Regression tasks, 238 Image and 168 Others inputs; the remaining counts
 * are ours, chosen to respect what it says (the other stages an equal share, the other tasks
 * between 14 and 60, Text the fewest inputs) and to add up to 520.
 *
 * The files carry the release's quirks that the importer reads today: empty tasks (General),
 * stage and data swapped in class entries, variant spellings, names with spaces and commas, and
 * a prompt line that looks like a head field. Content is filler written by us.
 */
export const fig8 = {
  stage: { 'pre-post-processing': 210, 'model-construction': 119, training: 64, inference: 64, 'evaluation-metrics': 63 },
  task: { general: 328, classification: 60, regression: 14, 'object-detection': 30, 'image-segmentation': 30, 'time-series-prediction': 28, recommendation: 30 },
  input: { image: 238, others: 168, 'structured-array': 80, text: 34 },
} as const;

/** How the release spells each value, variants included; the first spelling is the codebook's label. */
const spellings: Record<string, string[]> = {
  'pre-post-processing': ['Pre/Post Processing', 'pre-post process'],
  'model-construction': ['Model Construction'],
  training: ['Training'],
  inference: ['Inference'],
  'evaluation-metrics': ['Evaluation & Metrics', 'Evaluating&Metrics'],
  general: ['', 'General'],
  classification: ['Classification', 'classififcation'],
  regression: ['Regression'],
  'object-detection': ['Object Detection'],
  'image-segmentation': ['Image Segmentation'],
  'time-series-prediction': ['Time Series Prediction'],
  recommendation: ['Recommendation'],
  image: ['Image'],
  others: ['Others'],
  'structured-array': ['Structured Array', 'Table', 'tabular'],
  text: ['Text'],
};

function shuffled(counts: Record<string, number>, rand: () => number): string[] {
  const out = Object.entries(counts).flatMap(([id, n]) => Array<string>(n).fill(id));
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** Writes the release into `dir` and returns each entry's published values (codebook ids). */
export function writeFig8Release(dir: string): Map<string, { stage: string; task: string; input: string }> {
  mkdirSync(dir, { recursive: true });
  const rand = mulberry32(8);
  const stages = shuffled(fig8.stage, rand);
  const tasks = shuffled(fig8.task, rand);
  const inputs = shuffled(fig8.input, rand);
  const out = new Map<string, { stage: string; task: string; input: string }>();
  for (let i = 0; i < 520; i++) {
    const isClass = i % 4 === 0;
    const fn = `fn${i + 1}`;
    const id = isClass ? `classes-repo${i % 30}Module${fn}, ${i + 1}` : `repo${i % 30}_${fn}${i + 1}`;
    const spell = (v: string) => spellings[v][i % spellings[v].length];
    const [stage, task, input] = [stages[i], tasks[i], inputs[i]];
    // A third of the class entries have stage and data swapped, as in the release.
    const swap = isClass && i % 3 === 0;
    const lines = [
      `stage: ${swap ? spell(input) : spell(stage)}`,
      `task: ${spell(task)}`,
      `data: ${swap ? spell(stage) : spell(input)}`,
      '',
      'prompt:',
      `Write a Python function \`${fn}\` that takes a batch tensor and returns the transformed batch.`,
      'data: a line of the prompt that looks like a field.',
      '',
      ` ground Truth:repo${i % 30}/module.py`,
      '',
      ` repo:repo${i % 30}`,
      '',
      ...(isClass ? [' class:Module', ''] : []),
      ` function:${fn}`,
      ' ',
      ` test_cases:tests/test_module.py::test_${fn}`,
    ];
    writeFileSync(join(dir, `${id}.txt`), `${lines.join('\n')}\n`);
    out.set(id, { stage, task, input });
  }
  return out;
}

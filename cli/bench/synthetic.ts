import { mulberry32 } from '../../shared/agreement/prng.ts';
import { deepBenchCodebook } from '../../shared/codebook/deep-bench.ts';
import type { LabelValue } from '../../shared/codebook/values.ts';

/**
 * Study-shaped data for the bench: entries of about 3.2 KB (a prose prompt, ground truth and an
 * output in Python, a failing test log) and three annotators labelling every dimension that
 * applies, agreeing with a hidden truth most of the time. Deterministic for a seed. The text is
 * made of real-looking identifiers and statements, varied per entry, so that SQLite's pages, the
 * FTS index and JSON sizes behave as they do on real code; it is filler, not real code.
 */

const WORDS = (
  'model data tensor batch loss optimizer layer weight bias input output shape mask score label ' +
  'feature embed hidden state step epoch sample image text token vocab matrix vector grad norm ' +
  'kernel stride padding channel pool dropout attention head query key value scale logits probs ' +
  'target metric accuracy precision recall threshold window series frame pixel box anchor iou ' +
  'config params device cache buffer index offset length count size width height depth rate'
).split(' ');
const VERBS = 'compute build load save update apply train predict evaluate normalize resize split merge encode decode forward reset fit transform'.split(' ');
const REPOS = ['deepforge', 'tensorkit', 'visionlab', 'textflow', 'seriesnet', 'detkit', 'segtools', 'recsys-lite', 'tabular-ml', 'audiokit'];

export interface SyntheticEntry {
  id: string;
  prompt: string;
  ground_truth: string;
  output: string;
  test_log: string;
  passed: boolean;
  repo: string;
  function: string;
}

export interface SyntheticLabel {
  entryId: string;
  annotator: string;
  dimension: string;
  value: LabelValue;
}

export const BENCH_ANNOTATORS = ['ana', 'ben', 'cai'] as const;

function generator(seed: number) {
  const rand = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const ident = () => `${pick(VERBS)}_${pick(WORDS)}${rand() < 0.4 ? `_${pick(WORDS)}` : ''}`;
  const name = () => `${pick(WORDS)}${rand() < 0.5 ? `_${pick(WORDS)}` : ''}`;
  const expr = (): string => {
    const r = rand();
    if (r < 0.3) return `${name()}.${pick(VERBS)}(${name()}, dim=${Math.floor(rand() * 4)})`;
    if (r < 0.55) return `${name()} * ${(rand() * 2).toFixed(3)} + ${name()}`;
    if (r < 0.75) return `self.${name()}[${Math.floor(rand() * 16)}:${name()}]`;
    return `${ident()}(${name()}, ${name()}=${pick(['True', 'False', 'None', String(Math.floor(rand() * 100))])})`;
  };
  /** A Python function of about `bytes` characters. */
  const code = (fn: string, bytes: number): string => {
    const lines = [`def ${fn}(self, ${name()}, ${name()}=None):`, `    """${pick(VERBS)} the ${pick(WORDS)} ${pick(WORDS)} of the ${pick(WORDS)}."""`];
    let size = lines[0].length + lines[1].length;
    let indent = 1;
    while (size < bytes) {
      const r = rand();
      let line: string;
      if (r < 0.12 && indent < 4) {
        line = `${'    '.repeat(indent)}${pick(['if', 'for', 'while'])} ${name()} ${pick(['in', '<', '>', 'is not'])} ${name()}:`;
        indent++;
      } else if (r < 0.2 && indent > 1) {
        indent--;
        line = `${'    '.repeat(indent)}return ${expr()}`;
      } else line = `${'    '.repeat(indent)}${name()} = ${expr()}`;
      lines.push(line);
      size += line.length + 1;
    }
    lines.push(`    return ${name()}`);
    return lines.join('\n');
  };
  const prose = (bytes: number): string => {
    const out: string[] = [];
    let size = 0;
    while (size < bytes) {
      const s = `The ${pick(WORDS)} ${pick(VERBS)}s each ${pick(WORDS)} of the ${pick(WORDS)} ${pick(WORDS)} before the ${pick(WORDS)} is ${pick(VERBS)}ed.`;
      out.push(s);
      size += s.length + 1;
    }
    return out.join(' ');
  };
  return { rand, pick, code, prose, ident };
}

/** `count` entries named e1, e2, ... about 3.2 KB of text each; about 81% fail their tests (as Deep-Bench's outputs do). */
export function* syntheticEntries(count: number, seed = 1): Generator<SyntheticEntry> {
  const g = generator(seed);
  for (let i = 1; i <= count; i++) {
    const fn = g.ident();
    const passed = g.rand() < 0.19;
    const truth = g.code(fn, 1000);
    yield {
      id: `e${i}`,
      prompt: `Write the function ${fn}. ${g.prose(700)}`,
      ground_truth: truth,
      output: g.rand() < 0.5 ? truth.replace(/dim=\d/g, 'dim=-1') : g.code(fn, 1000),
      test_log: passed
        ? `============ ${1 + Math.floor(g.rand() * 9)} passed in ${(g.rand() * 3).toFixed(2)}s ============`
        : `FAILED tests/test_${fn}.py::test_${g.ident()} - AssertionError: ${g.prose(380)}\n============ 1 failed, ${Math.floor(g.rand() * 9)} passed ============`,
      passed,
      repo: g.pick(REPOS),
      function: fn,
    };
  }
}

/**
 * The three annotators' labels on entries e1..e`count`: every categorical dimension that applies
 * (the bug only on failing entries, as the codebook says), 80% of them the hidden truth. About 11
 * labels per entry. `passedOf` says which entries passed (as `syntheticEntries` drew them).
 */
export function* syntheticLabels(count: number, passedOf: (i: number) => boolean, seed = 2): Generator<SyntheticLabel> {
  const g = generator(seed);
  const dims = deepBenchCodebook.dimensions.filter((d) => d.kind === 'single' || d.kind === 'tree');
  for (let i = 1; i <= count; i++) {
    const passed = passedOf(i);
    const truth = dims.map((d) => {
      const t = g.pick(d.values);
      return d.kind === 'tree' ? [t.children?.length ? `${t.id}::${g.pick(t.children).id}` : t.id] : t.id;
    });
    for (const annotator of BENCH_ANNOTATORS)
      for (let k = 0; k < dims.length; k++) {
        const d = dims[k];
        if (d.appliesWhen && d.appliesWhen.passed !== passed) continue;
        const value = g.rand() < 0.8 ? truth[k] : d.kind === 'tree' ? [g.pick(d.values).id] : g.pick(d.values).id;
        yield { entryId: `e${i}`, annotator, dimension: d.id, value };
      }
  }
}

/** Which of e1..e`count` passed, as `syntheticEntries(count, seed)` draws them (without keeping the texts). */
export function passedFlags(count: number, seed = 1): boolean[] {
  const out = [false];
  for (const e of syntheticEntries(count, seed)) out.push(e.passed);
  return out;
}

// Writes a synthetic Deep-Bench-like data set (520 entry files, 490 Taxonomy-Data results by
// default) with the release's quirks, for trying imports at full size:
//   npx tsx scripts/make-deepbench-like.ts <out-dir> [--entries 520] [--results 490] [--failing 325] [--orphans 0]
//     [--stage-in-data 58] [--prediction 3] [--docstrings 12] [--seed 1]
import { parseArgs } from 'node:util';
import { writeDeepBenchLike } from '../db/import/synthetic.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    entries: { type: 'string' },
    results: { type: 'string' },
    failing: { type: 'string' },
    orphans: { type: 'string' },
    'stage-in-data': { type: 'string' },
    prediction: { type: 'string' },
    docstrings: { type: 'string' },
    seed: { type: 'string' },
  },
});
if (positionals.length !== 1) {
  process.stderr.write(
    'usage: make-deepbench-like <out-dir> [--entries n] [--results n] [--failing n] [--orphans n] [--stage-in-data n] [--prediction n] [--docstrings n] [--seed n]\n',
  );
  process.exit(1);
}
const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
const set = writeDeepBenchLike(positionals[0], {
  entries: num(values.entries),
  results: num(values.results),
  failing: num(values.failing),
  orphans: num(values.orphans),
  stageInData: num(values['stage-in-data']),
  prediction: num(values.prediction),
  docstrings: num(values.docstrings),
  seed: num(values.seed),
});
process.stdout.write(
  `${set.dlbenchDir}: ${set.ids.length} entries (${set.swappedIds.length} with stage/data swapped, ${set.stageInDataIds.length} with the stage in data:, ` +
    `${set.emptyTaskIds.length} with an empty task, ${set.predictionIds.length} with the task "Prediction", ${set.docstringIds.length} with a docstring naming ground_truth:)\n` +
    `${set.taxonomyDir}: ${set.resultIds.length} results (${set.failingIds.length} failing, ${set.orphanIds.length} without an entry)\n`,
);

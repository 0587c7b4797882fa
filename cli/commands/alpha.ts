import { existsSync, readFileSync } from 'node:fs';
import { agreementReport, type DbAgreementReport } from '../../db/agreement.ts';
import { openDatabase } from '../../db/database.ts';
import { computeAlpha, buildCoincidence, coincidenceTable } from '../../shared/agreement/alpha.ts';
import { bootstrapAlpha, DEFAULT_RESAMPLES, DEFAULT_SEED } from '../../shared/agreement/bootstrap.ts';
import { CROSS_CHECK_PACKAGE, figuresAgree, packageNominalAlpha } from '../../shared/agreement/cross-check.ts';
import { parseReliabilityCsv } from '../../shared/agreement/matrix-csv.ts';
import { pairwiseAgreement } from '../../shared/agreement/pairwise.ts';
import { codeRatingMatrix } from '../../shared/agreement/ratings.ts';
import type { Figure, Measure } from '../../shared/agreement/report.ts';
import { isLevel, levels, type AlphaInterval, type AlphaResult } from '../../shared/agreement/types.ts';
import { ConcordError } from '../../shared/errors.ts';
import { intFlag, parseFlags, printJson, UsageError, type CliIO, type Command } from '../command.ts';

const usage = [
  'concord alpha --db <file> [--dimension <id>] [--bootstrap <n>] [--seed <s>] [--drafts] [--annotators a,b,c] [--codebook-version <v>] [--json]',
  '       concord alpha --matrix <file.csv> --level nominal|ordinal|interval|ratio|masi|jaccard [--bootstrap <n>] [--seed <s>] [--json]',
].join('\n');

const options = {
  db: { type: 'string' },
  matrix: { type: 'string' },
  level: { type: 'string' },
  dimension: { type: 'string' },
  bootstrap: { type: 'string' },
  seed: { type: 'string' },
  drafts: { type: 'boolean' },
  annotators: { type: 'string' },
  'codebook-version': { type: 'string' },
  json: { type: 'boolean' },
} as const;

const fmt = (x: number | null | undefined, digits = 3) => (x === null || x === undefined ? '—' : x.toFixed(digits));

/** The fields every `alpha --json` object starts with. */
function headline(r: AlphaResult) {
  return {
    alpha: r.alpha,
    ...(r.undefinedReason ? { undefinedReason: r.undefinedReason } : {}),
    level: r.level,
    units: r.units,
    values: r.values,
    raters: r.raters,
    observedDisagreement: r.observedDisagreement,
    expectedDisagreement: r.expectedDisagreement,
  };
}

function describeFigure(r: AlphaResult & { interval?: AlphaInterval | null }): string {
  const a = r.alpha === null ? `undefined (${r.undefinedReason})` : fmt(r.alpha);
  const iv = r.interval && r.interval.low !== null ? `  95% CI [${fmt(r.interval.low)}, ${fmt(r.interval.high)}]` : '';
  const q =
    r.interval && r.interval.probabilityBelow['0.800'] !== null
      ? `  P(α<.800)=${fmt(r.interval.probabilityBelow['0.800'])} P(α<.667)=${fmt(r.interval.probabilityBelow['0.667'])}`
      : '';
  return `${a}${iv}${q}  (${r.units} units, ${r.values} values, ${r.raters} raters)`;
}

function seedFlag(value: string | undefined): number {
  const seed = intFlag(value, '--seed', DEFAULT_SEED);
  if (seed > 0xffffffff) throw new UsageError('--seed takes a whole number below 2^32');
  return seed;
}

function runMatrix(file: string, levelName: string | undefined, values: { bootstrap?: string; seed?: string; json?: boolean }, io: CliIO): number {
  if (!levelName) throw new UsageError('--matrix needs --level');
  if (!isLevel(levelName)) throw new UsageError(`--level is one of ${levels.join(', ')}, not "${levelName}"`);
  const resamples = intFlag(values.bootstrap, '--bootstrap', DEFAULT_RESAMPLES);
  const seed = seedFlag(values.seed);
  if (!existsSync(file)) throw new ConcordError('bad-input', `${file}: no such file`, { file });
  const matrix = parseReliabilityCsv(readFileSync(file, 'utf8'), levelName, file);
  const data = codeRatingMatrix(matrix.rows, levelName);
  const result = computeAlpha(data);
  const interval = resamples > 0 ? bootstrapAlpha(data, { resamples, seed }) : null;
  let crossCheck: { package: string; theirs: number | null; agree: boolean } | undefined;
  if (levelName === 'nominal') {
    const theirs = packageNominalAlpha(data);
    crossCheck = { package: CROSS_CHECK_PACKAGE, theirs, agree: figuresAgree(result.alpha, theirs) };
  }
  const pairwise = pairwiseAgreement(data, matrix.raters);
  if (values.json) {
    printJson(io, {
      ...headline(result),
      interval,
      ...(crossCheck ? { crossCheck } : {}),
      file,
      matrix: { raters: matrix.raters, units: matrix.units.length },
      pairwise,
      coincidence: coincidenceTable(buildCoincidence(data), data.values.keys.map((k) => ({ id: k, label: k }))),
    });
  } else {
    const lines = [`${levelName} alpha  ${describeFigure({ ...result, interval })}`];
    if (crossCheck) lines.push(`cross-check  ${crossCheck.package} gives ${fmt(crossCheck.theirs, 6)}: ${crossCheck.agree ? 'agrees' : 'DISAGREES'}`);
    for (const p of pairwise) lines.push(`  ${p.raters.join(' / ')}: alpha ${fmt(p.result.alpha)}, ${fmt(p.percentAgreement, 1)}% agreement on ${p.units} units`);
    io.stdout(`${lines.join('\n')}\n`);
  }
  return 0;
}

function primaryOf(report: DbAgreementReport): { name: string; measure: Measure } {
  if (report.pooled) return { name: 'pooled', measure: report.pooled };
  const dim = report.dimensions[0];
  const measure = dim.measures.find((m) => m.id === dim.primary);
  if (!measure) throw new UsageError(`${dim.id} is free text: it has no alpha`);
  return { name: `${dim.id} ${measure.id}`, measure };
}

function humanReport(report: DbAgreementReport): string {
  const row = (name: string, f: Figure) => `  ${name.padEnd(34)} ${describeFigure(f)}`;
  const out: string[] = [];
  const s = report.selection;
  out.push(
    `Agreement of ${report.raters.join(', ') || 'nobody'} on ${s.labels} ${s.includeDrafts ? 'submitted and draft' : 'submitted'} labels (codebook ${report.codebook.id} ${report.codebook.version}; ${report.bootstrap.resamples} resamples, seed ${report.bootstrap.seed})`,
  );
  if (report.pooled) {
    out.push('', 'Pooled over ' + report.pooled.dimensions.join(', '));
    out.push(row('masi (the single figure)', report.pooled.figure));
    out.push(row('nominal (sets by exact match)', report.pooledNominal!.figure));
  }
  for (const d of report.dimensions) {
    out.push('', `${d.label} (${d.id}, ${d.kind}, ${d.units} entries)`);
    for (const m of d.measures) {
      out.push(row(m.id + (m.id === d.primary ? ' *' : ''), m.figure));
      for (const p of m.pairwise)
        out.push(`      ${p.raters.join(' / ').padEnd(30)} alpha ${fmt(p.result.alpha)}, ${fmt(p.percentAgreement, 1)}% agreement on ${p.units} units`);
    }
    for (const v of d.perValue) out.push(row(`${v.kind} ${v.label}`.slice(0, 34), v.figure));
    for (const i of d.ignored) out.push(`  ignored ${i.count} labels: ${i.reason}`);
    if (d.note) out.push(`  (${d.note})`);
  }
  const c = report.crossCheck;
  out.push(
    '',
    `Cross-check: ${c.checked} nominal figures recomputed with ${c.package}${c.skipped ? ` (${c.skipped} too large, skipped)` : ''}: ${c.agree ? 'all agree' : `${c.disagreements.length} DISAGREE`} (tolerance ${c.tolerance}).`,
  );
  return `${out.join('\n')}\n`;
}

export default {
  name: 'alpha',
  summary: "Krippendorff's alpha of a project (per dimension, per value, pooled, pairwise) or of a reliability matrix CSV.",
  usage,
  async run(argv, io) {
    const { values } = parseFlags(argv, options);
    if (values.db !== undefined && values.matrix !== undefined) throw new UsageError('give --db or --matrix, not both');
    if (values.matrix !== undefined) {
      for (const flag of ['dimension', 'drafts', 'annotators', 'codebook-version'] as const)
        if (values[flag] !== undefined) throw new UsageError(`--${flag} applies to --db only`);
      return runMatrix(values.matrix, values.level, values, io);
    }
    if (values.db === undefined || values.db === '') throw new UsageError('missing --db (or --matrix)');
    if (values.level !== undefined) throw new UsageError('--level applies to --matrix only; with --db each dimension has its own level');
    const bootstrap = intFlag(values.bootstrap, '--bootstrap', DEFAULT_RESAMPLES);
    const seed = seedFlag(values.seed);
    const annotators = values.annotators?.split(',').map((a) => a.trim()).filter(Boolean);
    if (annotators && annotators.length < 2) throw new UsageError('--annotators names at least two annotators, separated by commas');
    if (!existsSync(values.db)) throw new ConcordError('bad-input', `${values.db}: no such project file`, { file: values.db });
    const db = openDatabase(values.db);
    try {
      const report = agreementReport(db, {
        dimension: values.dimension,
        bootstrap,
        seed,
        includeDrafts: values.drafts ?? false,
        annotators,
        codebookVersion: values['codebook-version'],
        // Counts only, as the exports give them: the units behind a cell are for the Agreement view.
        cellUnits: false,
      });
      const { name, measure } = primaryOf(report);
      if (values.json) {
        const { raters: annotatorNames, ...rest } = report;
        printJson(io, { ...headline(measure.figure), interval: measure.figure.interval, figure: name, annotators: annotatorNames, ...rest });
      } else io.stdout(humanReport(report));
      return 0;
    } finally {
      db.close();
    }
  },
} satisfies Command;

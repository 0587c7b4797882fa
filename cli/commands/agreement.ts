import { existsSync, readFileSync } from 'node:fs';
import { DEFAULT_RESAMPLES, DEFAULT_SEED } from '../../shared/agreement/bootstrap.ts';
import {
  coefficientTable,
  coefficientWork,
  contractKeys,
  type Coefficient,
  type CoefficientLevel,
  type CoefficientSet,
  type CoefficientTable,
} from '../../shared/agreement/coefficient-table.ts';
import { parseReliabilityCsv } from '../../shared/agreement/matrix-csv.ts';
import { codeRatingMatrix } from '../../shared/agreement/ratings.ts';
import { isWeightScheme, type WeightScheme } from '../../shared/agreement/weights.ts';
import { ConcordError } from '../../shared/errors.ts';
import { intFlag, parseFlags, printJson, UsageError, type CliIO, type Command } from '../command.ts';

const usage = 'concord agreement --matrix <file.csv> --level nominal|ordinal [--weights ordinal|quadratic|linear] [--bootstrap <n>] [--seed <s>] [--json]';

const options = {
  matrix: { type: 'string' },
  level: { type: 'string' },
  weights: { type: 'string' },
  bootstrap: { type: 'string' },
  seed: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** Unit-steps one run may take (about five seconds on a laptop core); past it the command says which flag to lower. */
const WORK_BUDGET = 5e8;

const fmt = (x: number | null | undefined, digits = 3) => (x === null || x === undefined ? '—' : x.toFixed(digits));

/** Rows of cells as a table whose columns line up; the last cell of a row may run long. */
function alignedTable(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, i) => {
      if (i < row.length - 1 || row.length === rows[0].length) widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd(),
  );
}

function intervalCells(c: Coefficient): string[] {
  if (c.value === null) return [`undefined: ${c.reason ?? 'no value'}`];
  const ci = c.ci ? `[${fmt(c.ci[0])}, ${fmt(c.ci[1])}]` : '—';
  const how = c.ciMethod === 'analytic' ? `t, df ${c.analytic!.df}` : c.ciMethod === 'bootstrap' ? `bootstrap (${c.bootstrap!.defined})` : (c.ciReason ?? '—');
  return [fmt(c.value), ci, how, fmt(c.analytic?.se, 4), fmt(c.pa), fmt(c.pe), String(c.units)];
}

function coefficientRows(set: CoefficientSet): string[][] {
  const rows: string[][] = [['coefficient', 'value', '95% CI', 'interval', 'se', 'pa', 'pe', 'units']];
  rows.push(['percent agreement', ...intervalCells(set.percent)]);
  rows.push(["Cohen's kappa, mean of pairs", ...intervalCells(set.cohen)]);
  for (const p of set.cohen.pairs) rows.push([`  ${p.raters.join(' / ')}`, ...intervalCells(p)]);
  rows.push(["Fleiss' kappa", ...intervalCells(set.fleiss)]);
  rows.push(["Conger's kappa", ...intervalCells(set.conger)]);
  rows.push([`Gwet's ${set.gwetName}`, ...intervalCells(set.gwet)]);
  rows.push(['Brennan-Prediger', ...intervalCells(set.brennanPrediger)]);
  rows.push(["Krippendorff's alpha", ...intervalCells(set.alpha)]);
  return rows;
}

function perCategoryRows(table: CoefficientTable): string[][] {
  const cell = (c: Coefficient) => (c.value === null ? '—' : c.ci ? `${fmt(c.value)} [${fmt(c.ci[0])}, ${fmt(c.ci[1])}]` : fmt(c.value));
  const rows: string[][] = [['category', 'percent', 'Cohen (mean)', 'Fleiss', 'Conger', 'AC1', 'Brennan-Prediger', 'alpha']];
  for (const c of table.perCategory) {
    const s = c.coefficients;
    rows.push([c.label, cell(s.percent), cell(s.cohen), cell(s.fleiss), cell(s.conger), cell(s.gwet), cell(s.brennanPrediger), cell(s.alpha)]);
  }
  return rows;
}

function humanReport(file: string, t: CoefficientTable): string {
  const out: string[] = [];
  out.push(
    `Agreement on ${file}: ${t.raters.length} raters, ${t.units} rated units (${t.pairable} with two or more ratings), ${t.categories.length} ${t.categories.length === 1 ? 'category' : 'categories'}, ${t.level}${t.level === 'ordinal' ? ` (${t.weights} weights)` : ''}`,
  );
  out.push(`Bootstrap: ${t.bootstrap.resamples} resamples over units, seed ${t.bootstrap.seed}`);
  out.push('', ...alignedTable(coefficientRows(t.coefficients)));
  if (t.perCategory.length) out.push('', 'Per category, one against the rest (value [95% CI]):', ...alignedTable(perCategoryRows(t)));
  out.push('', ...t.notes.map((n) => `* ${n}`));
  return `${out.join('\n')}\n`;
}

export default {
  name: 'agreement',
  summary: "Every agreement coefficient with its 95% interval (percent, Cohen, Fleiss, Conger, Gwet's AC1/AC2, Brennan-Prediger, alpha) of a reliability matrix CSV.",
  usage,
  async run(argv, io) {
    const { values } = parseFlags(argv, options);
    if (values.matrix === undefined || values.matrix === '') throw new UsageError('missing --matrix');
    if (!values.level) throw new UsageError('--matrix needs --level');
    if (values.level !== 'nominal' && values.level !== 'ordinal') throw new UsageError(`--level is nominal or ordinal, not "${values.level}"`);
    const level: CoefficientLevel = values.level;
    let weights: WeightScheme | undefined;
    if (values.weights !== undefined) {
      if (level !== 'ordinal') throw new UsageError('--weights applies to --level ordinal; nominal coefficients are unweighted');
      if (!isWeightScheme(values.weights) || values.weights === 'identity') throw new UsageError(`--weights is ordinal, quadratic or linear, not "${values.weights}"`);
      weights = values.weights;
    }
    const resamples = intFlag(values.bootstrap, '--bootstrap', DEFAULT_RESAMPLES);
    const seed = intFlag(values.seed, '--seed', DEFAULT_SEED);
    if (seed > 0xffffffff) throw new UsageError('--seed takes a whole number below 2^32');
    const file = values.matrix;
    if (!existsSync(file)) throw new ConcordError('bad-input', `${file}: no such file`, { file });
    const matrix = parseReliabilityCsv(readFileSync(file, 'utf8'), level, file);
    const data = codeRatingMatrix(matrix.rows, level);
    const work = coefficientWork(data, resamples);
    if (work > WORK_BUDGET) {
      const fits = Math.floor(WORK_BUDGET / coefficientWork(data, 0)) - 1;
      throw new ConcordError(
        'bad-input',
        fits >= 1
          ? `${matrix.raters.length} raters x ${matrix.units.length} units x ${data.values.keys.length} categories is too much for ${resamples} resamples; use --bootstrap ${Math.min(fits, resamples)} or fewer`
          : `${matrix.raters.length} raters x ${matrix.units.length} units x ${data.values.keys.length} categories is more than this command computes in reasonable time`,
        { file },
      );
    }
    const table = coefficientTable(data, matrix.raters, { bootstrap: resamples, seed, weights });
    if (values.json) {
      printJson(io, {
        file,
        level: table.level,
        weights: table.weights,
        raters: table.raters,
        categories: table.categories.map((c) => c.id),
        units: table.units,
        pairable: table.pairable,
        bootstrap: table.bootstrap,
        ...contractKeys(table.coefficients),
        perCategory: table.perCategory.map((c) => ({ category: c.id, ...contractKeys(c.coefficients) })),
        notes: table.notes,
      });
    } else io.stdout(humanReport(file, table));
    return 0;
  },
} satisfies Command;

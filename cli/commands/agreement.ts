import { existsSync, readFileSync } from 'node:fs';
import { DEFAULT_RESAMPLES, DEFAULT_SEED } from '../../shared/agreement/bootstrap.ts';
import type { DbCoefficientReport, DimensionCoefficients } from '../../shared/agreement/coefficient-report.ts';
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
import { AS_HELP, asOption, callerOf, withService } from '../project.ts';

const usage = [
  'concord agreement --db <file> [--dimension <id>] [--bootstrap <n>] [--seed <s>] [--drafts] [--annotators a,b,c] [--include-unassigned a,b] [--codebook-version <v>] [--weights ordinal|quadratic|linear] [--as <name>] [--json]',
  '       concord agreement --matrix <file.csv> --level nominal|ordinal [--weights ordinal|quadratic|linear] [--bootstrap <n>] [--seed <s>] [--json]',
  '  --db: pooled over the categorical dimensions and per dimension, on the labels `concord alpha` counts;',
  '        with --json the top-level keys (percent, cohen, fleiss, conger, gwet_ac1, brennan_prediger, alpha) are the pooled',
  '        figures, or the one dimension\'s with --dimension (gwet_ac2 for an ordinal one)',
].join('\n');

const options = {
  db: { type: 'string' },
  dimension: { type: 'string' },
  drafts: { type: 'boolean' },
  annotators: { type: 'string' },
  'include-unassigned': { type: 'string' },
  'codebook-version': { type: 'string' },
  matrix: { type: 'string' },
  level: { type: 'string' },
  weights: { type: 'string' },
  bootstrap: { type: 'string' },
  seed: { type: 'string' },
  json: { type: 'boolean' },
  ...asOption,
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

/** One table under the CLI contract's keys (DESIGN.md §9), with what it rests on. */
function tableJson(table: CoefficientTable) {
  return {
    level: table.level,
    weights: table.weights,
    raters: table.raters,
    categories: table.categories.map((c) => c.id),
    units: table.units,
    pairable: table.pairable,
    bootstrap: table.bootstrap,
    ...contractKeys(table.coefficients),
    perCategory: table.perCategory.map((c) => ({ category: c.id, ...(c.kind === 'category' ? {} : { kind: c.kind }), ...contractKeys(c.coefficients) })),
    notes: table.notes,
  };
}

function seedFlag(value: string | undefined): number {
  const seed = intFlag(value, '--seed', DEFAULT_SEED);
  if (seed > 0xffffffff) throw new UsageError('--seed takes a whole number below 2^32');
  return seed;
}

function weightsFlag(value: string | undefined): Exclude<WeightScheme, 'identity'> | undefined {
  if (value === undefined) return undefined;
  if (!isWeightScheme(value) || value === 'identity') throw new UsageError(`--weights is ordinal, quadratic or linear, not "${value}"`);
  return value;
}

const names = (value: string | undefined, flag: string): string[] | undefined => {
  if (value === undefined) return undefined;
  const list = value.split(',').map((a) => a.trim()).filter(Boolean);
  if (!list.length) throw new UsageError(`${flag} names annotators, separated by commas`);
  return list;
};

/**
 * The coefficients of a project. JSON: the headline figures (pooled, or the one dimension asked
 * for) under the contract's keys at the top, then `pooled` and every dimension in full.
 */
function runDb(file: string, values: Record<string, string | boolean | undefined>, io: CliIO): Promise<number> {
  if (file === '') throw new UsageError('missing --db');
  if (values.level !== undefined) throw new UsageError('--level applies to --matrix only; with --db each dimension has its own level');
  const annotators = names(values.annotators as string | undefined, '--annotators');
  if (annotators && annotators.length < 2) throw new UsageError('--annotators names at least two annotators, separated by commas');
  const query = {
    dimension: values.dimension as string | undefined,
    bootstrap: intFlag(values.bootstrap as string | undefined, '--bootstrap', DEFAULT_RESAMPLES),
    seed: seedFlag(values.seed as string | undefined),
    includeDrafts: (values.drafts as boolean | undefined) ?? false,
    annotators,
    includeUnassigned: names(values['include-unassigned'] as string | undefined, '--include-unassigned'),
    codebookVersion: values['codebook-version'] as string | undefined,
    weights: weightsFlag(values.weights as string | undefined),
  };
  if (!existsSync(file)) throw new ConcordError('bad-input', `${file}: no such project file`, { file });
  return withService(file, (service) => {
    const report = service.call('agreement.coefficients', query, callerOf(values.as as string | undefined));
    const head = headlineOf(report);
    if (values.json)
      printJson(io, {
        file,
        codebook: report.codebook,
        raters: report.raters,
        bootstrap: report.bootstrap,
        figure: head.name,
        level: head.table.level,
        units: head.table.units,
        pairable: head.table.pairable,
        ...contractKeys(head.table.coefficients),
        pooled: report.pooled && { dimensions: report.pooled.dimensions, treatment: report.pooled.treatment, ...tableJson(report.pooled) },
        dimensions: report.dimensions.map(dimensionJson),
        selection: report.selection,
      });
    else io.stdout(humanDbReport(file, report));
    return 0;
  });
}

function dimensionJson(d: DimensionCoefficients) {
  const base = { id: d.id, label: d.label, kind: d.kind, entries: d.units, treatment: d.treatment, ignored: d.ignored };
  return d.table ? { ...base, ...tableJson(d.table) } : { ...base, reason: d.treatment };
}

/** The figures the top-level keys carry: pooled, or the one dimension asked for. */
function headlineOf(report: DbCoefficientReport): { name: string; table: CoefficientTable } {
  if (report.pooled) return { name: 'pooled', table: report.pooled };
  const d = report.dimensions[0];
  if (!d.table) throw new UsageError(`${d.id} is free text: it has no coefficients`);
  return { name: d.id, table: d.table };
}

function humanDbReport(file: string, r: DbCoefficientReport): string {
  const s = r.selection;
  const out: string[] = [];
  out.push(`Agreement coefficients of ${r.raters.join(', ') || 'nobody'} on ${s.labels} ${s.includeDrafts ? 'submitted and draft' : 'submitted'} labels (${file})`);
  out.push(`Codebook ${r.codebook.id} ${r.codebook.version}; bootstrap: ${r.bootstrap.resamples} resamples over units, seed ${r.bootstrap.seed}`);
  const section = (title: string, t: CoefficientTable, treatment: string) => {
    out.push('', `${title}: ${t.units} rated units (${t.pairable} with two or more ratings), ${t.categories.length} categories, ${t.level}${t.level === 'ordinal' ? ` (${t.weights} weights)` : ''}`);
    out.push(`  read as ${treatment}`);
    out.push(...alignedTable(coefficientRows(t.coefficients)));
    if (t.perCategory.length) out.push('', 'Per category, one against the rest (value [95% CI]):', ...alignedTable(perCategoryRows(t)));
  };
  if (r.pooled) section(`Pooled over ${r.pooled.dimensions.join(', ')}`, r.pooled, r.pooled.treatment);
  for (const d of r.dimensions) {
    if (d.table) section(`${d.label} (${d.id}, ${d.kind})`, d.table, d.treatment);
    else out.push('', `${d.label} (${d.id}, ${d.kind}): ${d.treatment}`);
    for (const i of d.ignored) out.push(`  ${i.count} labels left out: ${i.reason}`);
  }
  const notes = r.pooled?.notes ?? r.dimensions.find((d) => d.table)?.table?.notes ?? [];
  out.push('', ...notes.map((n) => `* ${n}`));
  return `${out.join('\n')}\n`;
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
  usage,
  help: `${AS_HELP} --matrix reads a file and needs no project.`,
  async run(argv, io) {
    const { values } = parseFlags(argv, options);
    if (values.db !== undefined && values.matrix !== undefined) throw new UsageError('give --db or --matrix, not both');
    if (values.db !== undefined) return runDb(values.db, values, io);
    if (values.matrix === undefined || values.matrix === '') throw new UsageError('missing --db or --matrix');
    for (const flag of ['dimension', 'drafts', 'annotators', 'include-unassigned', 'codebook-version', 'as'] as const)
      if (values[flag] !== undefined) throw new UsageError(`--${flag} applies to --db only`);
    if (!values.level) throw new UsageError('--matrix needs --level');
    if (values.level !== 'nominal' && values.level !== 'ordinal') throw new UsageError(`--level is nominal or ordinal, not "${values.level}"`);
    const level: CoefficientLevel = values.level;
    if (values.weights !== undefined && level !== 'ordinal') throw new UsageError('--weights applies to --level ordinal; nominal coefficients are unweighted');
    const weights = weightsFlag(values.weights);
    const resamples = intFlag(values.bootstrap, '--bootstrap', DEFAULT_RESAMPLES);
    const seed = seedFlag(values.seed);
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
    if (values.json) printJson(io, { file, ...tableJson(table) });
    else io.stdout(humanReport(file, table));
    return 0;
  },
} satisfies Command;

import { printable } from '../../shared/names.ts';
import { existsSync, readFileSync } from 'node:fs';
import { BATCH_SIZE, driftGroupings, type DbDriftReport, type DriftBy } from '../../shared/agreement/drift.ts';
import { computeAlpha, buildCoincidence, coincidenceTable } from '../../shared/agreement/alpha.ts';
import { bootstrapAlpha, DEFAULT_RESAMPLES, DEFAULT_SEED } from '../../shared/agreement/bootstrap.ts';
import { CROSS_CHECK_PACKAGE, figuresAgree, packageNominalAlpha } from '../../shared/agreement/cross-check.ts';
import { parseReliabilityCsv } from '../../shared/agreement/matrix-csv.ts';
import { pairwiseAgreement, type PairAgreement } from '../../shared/agreement/pairwise.ts';
import { codeRatingMatrix } from '../../shared/agreement/ratings.ts';
import type { DbAgreementReport, Measure } from '../../shared/agreement/report.ts';
import { isLevel, levels, type AlphaInterval, type AlphaResult } from '../../shared/agreement/types.ts';
import { ConcordError } from '../../shared/errors.ts';
import { intFlag, parseFlags, printJson, UsageError, type CliIO, type Command } from '../command.ts';
import { AS_HELP, asOption, callerOf, withService } from '../project.ts';
import { TableNotes, textTable, type Column } from '../text-table.ts';

const usage = [
  'concord alpha --db <file> [--dimension <id>] [--bootstrap <n>] [--seed <s>] [--drafts] [--annotators a,b,c] [--include-unassigned a,b] [--codebook-version <v>] [--by week|batch] [--as <name>] [--json]',
  '       concord alpha --matrix <file.csv> --level nominal|ordinal|interval|ratio|masi|jaccard [--bootstrap <n>] [--seed <s>] [--json]',
  `  --by week|batch  the figure (pooled, or the dimension's) per week of labelling time or per batch of ${BATCH_SIZE} entries as they were finished;`,
  "                   time is when the annotator's machine recorded their last label on the entry: it groups, and orders nothing",
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
  'include-unassigned': { type: 'string' },
  'codebook-version': { type: 'string' },
  by: { type: 'string' },
  json: { type: 'boolean' },
  ...asOption,
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

/** The columns every figure shows, the alpha first; undefined alphas carry a note with their reason. */
const figureColumns: Column[] = [
  { header: 'alpha', align: 'right' },
  { header: '95% CI' },
  { header: 'P(α<.800)', align: 'right' },
  { header: 'P(α<.667)', align: 'right' },
  { header: 'units', align: 'right' },
  { header: 'values', align: 'right' },
];

function figureCells(r: AlphaResult & { interval?: AlphaInterval | null }, notes: TableNotes): string[] {
  const iv = r.interval;
  return [
    r.alpha === null ? `undefined ${notes.mark(`undefined: ${r.undefinedReason}`)}` : fmt(r.alpha),
    iv && iv.low !== null ? `[${fmt(iv.low)}, ${fmt(iv.high)}]` : '—',
    fmt(iv?.probabilityBelow['0.800']),
    fmt(iv?.probabilityBelow['0.667']),
    String(r.units),
    String(r.values),
  ];
}

const pairColumns: Column[] = [{ header: 'pair' }, { header: 'alpha', align: 'right' }, { header: 'agreement', align: 'right' }, { header: 'units', align: 'right' }];

function pairCells(p: PairAgreement, notes: TableNotes): string[] {
  const a = p.result.alpha === null ? `undefined ${notes.mark(`undefined: ${p.result.undefinedReason}`)}` : fmt(p.result.alpha);
  return [p.raters.join(' / '), a, p.percentAgreement === null ? '—' : `${fmt(p.percentAgreement, 1)}%`, String(p.units)];
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
    const notes = new TableNotes();
    let out = `${levelName} alpha of ${matrix.raters.length} raters on ${matrix.units.length} units (${file})\n\n`;
    out += textTable([{ header: 'level' }, ...figureColumns, { header: 'raters', align: 'right' }], [[levelName, ...figureCells({ ...result, interval }, notes), String(result.raters)]]);
    out += `\n${textTable(pairColumns, pairwise.map((p) => pairCells(p, notes)))}`;
    out += notes.toString();
    if (crossCheck) out += `\nCross-check: ${crossCheck.package} gives ${fmt(crossCheck.theirs, 6)}: ${crossCheck.agree ? 'agrees' : 'DISAGREES'}.\n`;
    io.stdout(out);
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
  const s = report.selection;
  const included = s.unassigned.filter((u) => u.included);
  let out = `Agreement of ${report.raters.map(printable).join(', ') || 'nobody'} on ${s.labels} ${s.includeDrafts ? 'submitted and draft' : 'submitted'} labels\n`;
  out += `Codebook ${report.codebook.id} ${report.codebook.version}; bootstrap: ${report.bootstrap.resamples} resamples, seed ${report.bootstrap.seed}\n`;
  out += 'A measure marked * stands for its dimension.\n';
  if (s.byAssignment)
    out += `Each annotator counts on the entries assigned to them${included.length ? `; ${included.map((u) => printable(u.annotator)).join(', ')} also where not assigned` : ''}.\n`;

  if (report.pooled && report.pooledNominal) {
    const notes = new TableNotes();
    out += `\nPooled over ${report.pooled.dimensions.join(', ')}\n`;
    out += textTable(
      [{ header: 'measure' }, ...figureColumns, { header: 'raters', align: 'right' }],
      [
        ['masi (the figure to report)', ...figureCells(report.pooled.figure, notes), String(report.pooled.figure.raters)],
        ['nominal (sets by exact match)', ...figureCells(report.pooledNominal.figure, notes), String(report.pooledNominal.figure.raters)],
      ],
    );
    out += notes.toString();
  }
  for (const d of report.dimensions) {
    const notes = new TableNotes();
    out += `\n${d.label} (${d.id}, ${d.kind}, ${d.units} entries)\n`;
    if (d.measures.length) {
      out += textTable(
        [{ header: 'measure' }, ...figureColumns, { header: 'raters', align: 'right' }],
        d.measures.map((m) => [m.id + (m.id === d.primary ? ' *' : ''), ...figureCells(m.figure, notes), String(m.figure.raters)]),
      );
      const pairs = d.measures.flatMap((m) => m.pairwise.map((p) => [...(d.measures.length > 1 ? [m.id] : []), ...pairCells(p, notes)]));
      if (pairs.length) out += `\n${textTable([...(d.measures.length > 1 ? [{ header: 'measure' }] : []), ...pairColumns], pairs)}`;
    }
    if (d.perValue.length)
      out += `\n${textTable(
        [{ header: 'kind' }, { header: 'value', maxWidth: 46 }, ...figureColumns],
        d.perValue.map((v) => [v.kind, v.label, ...figureCells(v.figure, notes)]),
      )}`;
    for (const i of d.ignored) notes.mark(`ignored ${i.count} labels: ${i.reason}`);
    if (d.note) notes.mark(d.note);
    out += notes.toString();
    if (d.lineDisagreements?.length) {
      out += `\nWhere the annotators point at different lines, or put different values on a line (${d.lineDisagreements.length} of ${d.units} entries)\n`;
      out += textTable(
        [{ header: 'entry' }, { header: 'lines that differ', maxWidth: 60 }, { header: 'of', align: 'right' }],
        d.lineDisagreements.map((e) => [printable(e.entry), e.differing.join(', '), String(e.lines)]),
      );
    }
  }
  const c = report.crossCheck;
  out += `\nCross-check: ${c.checked} nominal figures recomputed with ${c.package}${c.skipped ? ` (${c.skipped} too large, skipped)` : ''}: ${c.agree ? 'all agree' : `${c.disagreements.length} DISAGREE`} (tolerance ${c.tolerance}).\n`;
  return out;
}

/** `alpha --by --json`: the overall figure's headline first (as every `alpha --json`), then each group's. */
function driftJson(d: DbDriftReport) {
  return {
    ...headline(d.overall),
    interval: d.overall.interval,
    figure: d.figure.scope === 'pooled' ? 'pooled' : `${d.figure.scope} ${d.figure.measure}`,
    description: d.figure.description,
    by: d.by,
    ...(d.by === 'batch' ? { batchSize: d.batchSize } : {}),
    time: d.time,
    undated: d.undated,
    groups: d.groups.map((g) => ({ key: g.key, label: g.label, from: g.from, to: g.to, entries: g.entries, ...headline(g.figure), interval: g.figure.interval })),
    annotators: d.raters,
    bootstrap: d.bootstrap,
    selection: d.selection,
  };
}

function humanDrift(d: DbDriftReport): string {
  const notes = new TableNotes();
  const what = d.figure.scope === 'pooled' ? 'pooled alpha' : `${d.figure.scope} ${d.figure.measure} alpha`;
  let out = `${what} of ${d.raters.join(', ') || 'nobody'} per ${d.by === 'week' ? 'week of labelling time' : `batch of ${d.batchSize} entries, in the order they were finished`}\n`;
  out += `Bootstrap: ${d.bootstrap.resamples} resamples, seed ${d.bootstrap.seed}\n\n`;
  out += textTable(
    [{ header: d.by === 'week' ? 'week' : 'batch' }, { header: 'entries', align: 'right' }, ...figureColumns],
    [...d.groups.map((g) => [g.label, String(g.entries), ...figureCells(g.figure, notes)]), ['all entries', String(d.groups.reduce((n, g) => n + g.entries, 0)), ...figureCells(d.overall, notes)]],
  );
  out += notes.toString();
  if (d.undated) out += `\n${d.undated} entr${d.undated === 1 ? 'y carries' : 'ies carry'} no time and ${d.undated === 1 ? 'is' : 'are'} left out of the groups (not of "all entries").\n`;
  out += `\n${d.time}\n`;
  return out;
}

/** Who labelled entries not assigned to them and was left out, on stderr: the figures do not show them. */
function leftOutNote(report: DbAgreementReport): string {
  const left = report.selection.unassigned.filter((u) => !u.included);
  if (!left.length) return '';
  const people = left.length === 1 ? '1 annotator' : `${left.length} annotators`;
  return (
    `concord: ${people} labelled entries not assigned to them; those labels are left out:\n` +
    textTable([{ header: 'annotator' }, { header: 'labels', align: 'right' }, { header: 'entries', align: 'right' }], left.map((u) => [u.annotator, String(u.labels), String(u.entries)])) +
    `Count them with --include-unassigned ${left.map((u) => printable(u.annotator)).join(',')}\n`
  );
}

export default {
  name: 'alpha',
  usage,
  help: `${AS_HELP} --matrix reads a file and needs no project.`,
  async run(argv, io) {
    const { values } = parseFlags(argv, options);
    if (values.db !== undefined && values.matrix !== undefined) throw new UsageError('give --db or --matrix, not both');
    if (values.matrix !== undefined) {
      for (const flag of ['dimension', 'drafts', 'annotators', 'include-unassigned', 'codebook-version', 'by', 'as'] as const)
        if (values[flag] !== undefined) throw new UsageError(`--${flag} applies to --db only`);
      return runMatrix(values.matrix, values.level, values, io);
    }
    if (values.db === undefined || values.db === '') throw new UsageError('missing --db (or --matrix)');
    if (values.level !== undefined) throw new UsageError('--level applies to --matrix only; with --db each dimension has its own level');
    const bootstrap = intFlag(values.bootstrap, '--bootstrap', DEFAULT_RESAMPLES);
    const seed = seedFlag(values.seed);
    const annotators = values.annotators?.split(',').map((a) => a.trim()).filter(Boolean);
    if (annotators && annotators.length < 2) throw new UsageError('--annotators names at least two annotators, separated by commas');
    const includeUnassigned = values['include-unassigned']?.split(',').map((a) => a.trim()).filter(Boolean);
    if (includeUnassigned && !includeUnassigned.length) throw new UsageError('--include-unassigned names annotators, separated by commas');
    if (values.by !== undefined && !(driftGroupings as readonly string[]).includes(values.by)) throw new UsageError(`--by is week or batch, not "${values.by}"`);
    const caller = callerOf(values.as);
    if (!existsSync(values.db)) throw new ConcordError('bad-input', `${values.db}: no such project file`, { file: values.db });
    return withService(values.db, async (service) => {
      const selection = {
          dimension: values.dimension,
          bootstrap,
          seed,
          includeDrafts: values.drafts ?? false,
          annotators,
          includeUnassigned,
          codebookVersion: values['codebook-version'],
      };
      if (values.by !== undefined) {
        const drift = service.call('agreement.drift', { ...selection, by: values.by as DriftBy }, caller);
        if (values.json) printJson(io, driftJson(drift));
        else io.stdout(humanDrift(drift));
        return 0;
      }
      // Counts only, as the exports give them: the units behind a cell are for the Agreement view.
      const report = await service.call('agreement.report', { ...selection, cellUnits: false }, caller);
      const { name, measure } = primaryOf(report);
      if (values.json) {
        const { raters: annotatorNames, ...rest } = report;
        printJson(io, { ...headline(measure.figure), interval: measure.figure.interval, figure: name, annotators: annotatorNames, ...rest });
      } else io.stdout(humanReport(report));
      io.stderr(leftOutNote(report));
      return 0;
    });
  },
} satisfies Command;

import { openStore } from './data/index.ts';
import { DEFAULT_RESAMPLES, DEFAULT_SEED } from '../shared/agreement/bootstrap.ts';
import { buildCoefficientReportFrom, coefficientReportWork, type DbCoefficientReport } from '../shared/agreement/coefficient-report.ts';
import { badInput } from '../shared/errors.ts';
import { cellEntriesOf, coderReportOn, othersMajority, type DbCoderReport } from '../shared/agreement/coders.ts';
import { buildDriftFrom, type DbDriftReport, type DriftBy } from '../shared/agreement/drift.ts';
import { MACHINE_NOTES, machineReportOn, type DbMachineReport } from '../shared/agreement/machines.ts';
import type { WeightScheme } from '../shared/agreement/weights.ts';
import type { LabelValue } from '../shared/codebook/values.ts';
import type { DimensionConsensus } from '../shared/consensus/consensus.ts';
import { consensusReference, type ConsensusReference } from './adjudication.ts';
import { countedCells, countedLabelColumns, selectAgreementLabels, type AgreementQuery } from './agreement.ts';
import { codedFromColumns, countedNames, dimensionsOf, noLabels, referenceCodesOf, type CodedRows } from './coded-columns.ts';
import type { Db } from './database.ts';
import type { FiguresRequest } from './jobs/protocol.ts';
import type { FigureKind, FigureReports } from '../shared/api.ts';
import { provenanceOfDigest } from './provenance.ts';

/**
 * The figures beyond alpha, on the same labels the alpha report counts (`selectAgreementLabels`):
 * every chance-corrected coefficient with its interval, each coder against the consensus, drift
 * over labelling time, machine coders against the team. Each is its own call, so the alpha report
 * stays quick: these resample every figure and take seconds.
 */

export interface CoefficientQuery extends AgreementQuery {
  /** Weights for ordinal dimensions (default irrCAC's ordinal weights). */
  weights?: WeightScheme;
  /** Per-category figures of every dimension (default), or of the first that has any (CoefficientReportOptions.categories). */
  categories?: 'all' | 'first';
}

/**
 * Unit-steps a coefficient report may take (`coefficientReportWork`): about a minute on a laptop
 * core. Deep-Bench's 520 entries with 1,000 resamples take a thirtieth of it.
 */
export const COEFFICIENT_WORK_BUDGET = 4e9;

/** Every coefficient, pooled and per dimension, with intervals and per-category figures. */
export function coefficientReport(db: Db, query: CoefficientQuery = {}, budget = COEFFICIENT_WORK_BUDGET): DbCoefficientReport {
  const { codebook, dimension, annotators, input, selection, digest } = countedCells(db, query);
  const options = { bootstrap: query.bootstrap, seed: query.seed, annotators, dimension, categories: query.categories };
  const fits = Math.max(0, Math.floor(budget / coefficientReportWork(codebook, input, { ...options, bootstrap: 0 })) - 1);
  if ((query.bootstrap ?? DEFAULT_RESAMPLES) > fits) {
    throw badInput(
      `${selection.labels} labels x every coefficient per category is too much to resample ${query.bootstrap ?? DEFAULT_RESAMPLES} times; ask for ${fits} resamples or fewer${dimension ? '' : ', or one dimension'}`,
      { field: 'bootstrap' },
    );
  }
  const report = buildCoefficientReportFrom(codebook, input, { ...options, weights: query.weights });
  return { ...report, bootstrapFits: fits, selection: { ...selection, annotators: report.raters }, provenance: provenanceOfDigest('coefficients', digest()) };
}

/** Each annotator the agreement figures count, against the final labels and the majority of the others. */
export function coderReport(db: Db, query: AgreementQuery = {}, { cellEntries = true }: { cellEntries?: boolean } = {}): DbCoderReport {
  const counted = countedLabelColumns(db, query);
  const { codebook, dimension, annotators, selection } = counted;
  // Raters: those named, else everyone with a counted label.
  const raters = annotators ?? countedNames(counted);
  const dims = dimensionsOf(codebook, dimension);
  const coded = codedFromColumns(counted, dims, new Set(raters));
  let finals: Map<string, ConsensusReference> | undefined;
  const report = coderReportOn(
    codebook,
    raters,
    (dim, reading) => {
      const own = coded.get(dim.id) ?? noLabels(reading);
      return { coded: own.coded, finals: () => referenceCodesOf(own, (finals ??= consensusReference(db, { includeDrafts: query.includeDrafts }, 'final', dims)).get(dim.id)) };
    },
    { annotators, dimension, bootstrap: query.bootstrap, seed: query.seed, cellEntries },
  );
  return { ...report, selection: { ...selection, annotators: report.raters } };
}

/** One cell of a coder's matrix on a dimension: the coder's category (`row`) against the reference's (`col`), by id. */
export interface CoderCellQuery {
  dimension: string;
  coder: string;
  reference: 'final' | 'others';
  row: string;
  col: string;
}

/**
 * The entries behind one cell of a coder's matrix, in natural id order, as `coderReport` lists
 * them: the Agreement view's report leaves them out (millions of ids at 100,000 entries) and
 * asks for a cell's when the lead opens it. Reads only the cell's dimension.
 */
export function coderCellEntries(db: Db, query: AgreementQuery, cell: CoderCellQuery): string[] {
  const counted = countedLabelColumns(db, { ...query, dimension: cell.dimension });
  const { codebook, dimension, annotators } = counted;
  const raters = annotators ?? countedNames(counted);
  const dim = dimensionsOf(codebook, dimension)[0];
  const own = codedFromColumns(counted, [dim], new Set(raters)).get(dim.id);
  const mine = own?.coded.byRater.get(cell.coder);
  if (!own || !mine) return [];
  const theirs =
    cell.reference === 'final' ? referenceCodesOf(own, consensusReference(db, { includeDrafts: query.includeDrafts }, 'final', [dim]).get(dim.id)) : othersMajority(own.coded, cell.coder, raters);
  return cellEntriesOf(own.coded, mine, theirs, cell.row, cell.col);
}

/**
 * The human consensus of an entry and dimension: the decision, else what a strict majority (or
 * everyone) chose. The machine figures read it of every entry at once (`consensusReference`'s 'human').
 */
export function humanConsensus(c: DimensionConsensus): LabelValue | null {
  if (c.decision) return c.decision.value;
  return c.labelStatus === 'agreed' || c.labelStatus === 'majority' ? c.proposal : null;
}

/**
 * Every machine coder against the human consensus, with each person against the others beside
 * them. `peopleAlone` false leaves the people's figures out when there is no machine coder (the
 * Agreement view then shows only how to import one).
 */
export function machineReport(
  db: Db,
  query: AgreementQuery = {},
  { cellEntries = true, peopleAlone = true, departuresListed }: { cellEntries?: boolean; peopleAlone?: boolean; departuresListed?: number } = {},
): DbMachineReport {
  const machines = openStore(db).annotators.machines();
  // The people the lead chose (machines named among them are compared as machines), or everyone.
  const named = query.annotators?.filter((a) => !machines.some((m) => m.toLowerCase() === a.trim().toLowerCase()));
  const people = countedLabelColumns(db, { ...query, annotators: named?.length ? named : undefined });
  const humans = countedNames(people).filter((n) => !machines.includes(n));
  const models = machines.length ? countedLabelColumns(db, { ...query, annotators: machines }) : undefined;
  const machineNames = models ? countedNames(models) : [];
  const dims = dimensionsOf(people.codebook, people.dimension);
  const selection = { ...people.selection, annotators: humans };
  if (!machineNames.length && !peopleAlone) return { machines: [], humans, bootstrap: { resamples: query.bootstrap ?? DEFAULT_RESAMPLES, seed: query.seed ?? DEFAULT_SEED }, dimensions: [], notes: MACHINE_NOTES, selection };
  const humanCoded = codedFromColumns(people, dims, new Set(humans));
  const machineCoded = models ? codedFromColumns(models, dims, new Set(machineNames)) : new Map<string, CodedRows>();
  let consensus: Map<string, ConsensusReference> | undefined;
  const report = machineReportOn(
    people.codebook,
    machineNames,
    humans,
    {
      machines: (dim, reading) => {
        const own = machineCoded.get(dim.id) ?? noLabels(reading);
        return { coded: own.coded, consensus: () => referenceCodesOf(own, (consensus ??= consensusReference(db, { includeDrafts: query.includeDrafts }, 'human', dims)).get(dim.id)) };
      },
      people: (dim, reading) => (humanCoded.get(dim.id) ?? noLabels(reading)).coded,
    },
    { dimension: people.dimension, bootstrap: query.bootstrap, seed: query.seed, cellEntries, departuresListed },
  );
  return { ...report, selection };
}

export interface DriftQuery extends AgreementQuery {
  by: DriftBy;
}

/** The agreement figure per week of labelling time, or per batch of 50 entries as they were finished. */
export function driftReport(db: Db, query: DriftQuery): DbDriftReport {
  const { codebook, dimension, input, selection, digest, times } = countedCells(db, query, { times: true });
  const report = buildDriftFrom(codebook, input, times(), { by: query.by, dimension, bootstrap: query.bootstrap, seed: query.seed });
  return { ...report, selection: { ...selection, annotators: report.raters }, provenance: provenanceOfDigest('drift', digest()) };
}

/** How many of a machine's departures the Agreement view lists. */
export const DEPARTURES_LISTED = 500;

/** One of the four reports, as a job asks for it (db/jobs/protocol.ts). */
export function figureReport(db: Db, request: FiguresRequest): FigureReports[FigureKind] {
  switch (request.figures) {
    case 'coefficients':
      return coefficientReport(db, request.query);
    case 'coders':
      // The view asks for a cell's entries when the lead opens it (`agreement.coderCell`).
      return coderReport(db, request.query, { cellEntries: false });
    case 'drift':
      return driftReport(db, request.query);
    case 'machines':
      // A machine may depart on most of 100,000 entries: the view lists the first few hundred, the export all.
      return machineReport(db, request.query, { cellEntries: false, peopleAlone: false, departuresListed: DEPARTURES_LISTED });
  }
}

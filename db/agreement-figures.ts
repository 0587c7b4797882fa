import { openStore } from './data/index.ts';
import { DEFAULT_RESAMPLES } from '../shared/agreement/bootstrap.ts';
import { buildCoefficientReportFrom, coefficientReportWork, type DbCoefficientReport } from '../shared/agreement/coefficient-report.ts';
import { badInput } from '../shared/errors.ts';
import { buildCoderReport, type DbCoderReport } from '../shared/agreement/coders.ts';
import { buildDriftFrom, type DbDriftReport, type DriftBy } from '../shared/agreement/drift.ts';
import { buildMachineReport, type DbMachineReport } from '../shared/agreement/machines.ts';
import type { WeightScheme } from '../shared/agreement/weights.ts';
import type { LabelValue } from '../shared/codebook/values.ts';
import type { DimensionConsensus } from '../shared/consensus/consensus.ts';
import { consensusValues } from './adjudication.ts';
import { countedCells, selectAgreementLabels, type AgreementQuery } from './agreement.ts';
import type { Db } from './database.ts';
import type { FiguresRequest } from './jobs/protocol.ts';
import type { FigureKind, FigureReports } from '../shared/api.ts';
import { provenanceOfEntries } from './provenance.ts';

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
  const { codebook, dimension, annotators, input, selection, hashed } = countedCells(db, query);
  const options = { bootstrap: query.bootstrap, seed: query.seed, annotators, dimension, categories: query.categories };
  if (coefficientReportWork(codebook, input, options) > budget) {
    const perResample = coefficientReportWork(codebook, input, { ...options, bootstrap: 0 });
    const fits = Math.max(0, Math.floor(budget / perResample) - 1);
    throw badInput(
      `${selection.labels} labels x every coefficient per category is too much to resample ${query.bootstrap ?? DEFAULT_RESAMPLES} times; ask for ${fits} resamples or fewer${dimension ? '' : ', or one dimension'}`,
      { field: 'bootstrap' },
    );
  }
  const report = buildCoefficientReportFrom(codebook, input, { ...options, weights: query.weights });
  return { ...report, selection: { ...selection, annotators: report.raters }, provenance: provenanceOfEntries('coefficients', hashed()) };
}

/** Each annotator the agreement figures count, against the final labels and the majority of the others. */
export function coderReport(db: Db, query: AgreementQuery = {}): DbCoderReport {
  const { codebook, dimension, annotators, labels, selection } = selectAgreementLabels(db, query, { times: false });
  const finals = consensusValues(db, { includeDrafts: query.includeDrafts }, (c) => c.final);
  const report = buildCoderReport(codebook, labels, finals, { annotators, dimension, bootstrap: query.bootstrap, seed: query.seed });
  return { ...report, selection: { ...selection, annotators: report.raters } };
}

/** The human consensus of an entry and dimension: the decision, else what a strict majority (or everyone) chose. */
export function humanConsensus(c: DimensionConsensus): LabelValue | null {
  if (c.decision) return c.decision.value;
  return c.labelStatus === 'agreed' || c.labelStatus === 'majority' ? c.proposal : null;
}

/** Every machine coder against the human consensus, with each person against the others beside them. */
export function machineReport(db: Db, query: AgreementQuery = {}): DbMachineReport {
  const machines = openStore(db).annotators.machines();
  // The people the lead chose (machines named among them are compared as machines), or everyone.
  const named = query.annotators?.filter((a) => !machines.some((m) => m.toLowerCase() === a.trim().toLowerCase()));
  const people = selectAgreementLabels(db, { ...query, annotators: named?.length ? named : undefined }, { times: false });
  const models = machines.length ? selectAgreementLabels(db, { ...query, annotators: machines }, { times: false }).labels : [];
  const humanLabels = people.labels.filter((l) => !machines.includes(l.annotator));
  const consensus = consensusValues(db, { includeDrafts: query.includeDrafts }, humanConsensus);
  const report = buildMachineReport(people.codebook, models, humanLabels, consensus, { dimension: people.dimension, bootstrap: query.bootstrap, seed: query.seed });
  return { ...report, selection: { ...people.selection, annotators: report.humans } };
}

export interface DriftQuery extends AgreementQuery {
  by: DriftBy;
}

/** The agreement figure per week of labelling time, or per batch of 50 entries as they were finished. */
export function driftReport(db: Db, query: DriftQuery): DbDriftReport {
  const { codebook, dimension, input, selection, hashed, times } = countedCells(db, query, { times: true });
  const report = buildDriftFrom(codebook, input, times(), { by: query.by, dimension, bootstrap: query.bootstrap, seed: query.seed });
  return { ...report, selection: { ...selection, annotators: report.raters }, provenance: provenanceOfEntries('drift', hashed()) };
}

/** One of the four reports, as a job asks for it (db/jobs/protocol.ts). */
export function figureReport(db: Db, request: FiguresRequest): FigureReports[FigureKind] {
  switch (request.figures) {
    case 'coefficients':
      return coefficientReport(db, request.query);
    case 'coders':
      return coderReport(db, request.query);
    case 'drift':
      return driftReport(db, request.query);
    case 'machines':
      return machineReport(db, request.query);
  }
}

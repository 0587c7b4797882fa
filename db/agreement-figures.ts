import { buildCoefficientReport, type DbCoefficientReport } from '../shared/agreement/coefficient-report.ts';
import type { WeightScheme } from '../shared/agreement/weights.ts';
import { selectAgreementLabels, type AgreementQuery } from './agreement.ts';
import type { Db } from './database.ts';

/**
 * The figures beyond alpha, on the same labels the alpha report counts (`selectAgreementLabels`):
 * every chance-corrected coefficient with its interval, each coder against the consensus, drift
 * over labelling time, machine coders against the team. Each is its own call, so the alpha report
 * stays quick: these resample every figure and take seconds.
 */

export interface CoefficientQuery extends AgreementQuery {
  /** Weights for ordinal dimensions (default irrCAC's ordinal weights). */
  weights?: WeightScheme;
}

/** Every coefficient of part 1 of issue 12, pooled and per dimension, with intervals and per-category figures. */
export function coefficientReport(db: Db, query: CoefficientQuery = {}): DbCoefficientReport {
  const { codebook, dimension, annotators, labels, selection } = selectAgreementLabels(db, query);
  const report = buildCoefficientReport(codebook, labels, { bootstrap: query.bootstrap, seed: query.seed, annotators, dimension, weights: query.weights });
  return { ...report, selection: { ...selection, annotators: report.raters } };
}

/**
 * Every agreement coefficient of one reliability matrix, each with its 95% interval: Gwet's analytic
 * standard error where the literature gives one, and the seeded bootstrap over units for all.
 * Per-category (one-vs-rest) figures come with it. This is what `concord agreement` prints and what
 * the report per dimension is made of.
 */
import { computeAlpha } from './alpha.ts';
import { bootstrapAlpha, DEFAULT_RESAMPLES, DEFAULT_SEED, quantileSorted } from './bootstrap.ts';
import { alphaStandardError, estimateCoefficients, prepareRatings, type CoefficientEstimates, type Estimate, type PreparedRatings } from './coefficients.ts';
import { mulberry32 } from './prng.ts';
import { codeRatingMatrix, type CodedRatings, type RatingCell } from './ratings.ts';
import { studentTQuantile } from './t-quantile.ts';
import { weightDescriptions, weightMatrix, type WeightScheme } from './weights.ts';

/** The levels the coefficients are computed at: categories, unordered or ordered. */
export type CoefficientLevel = 'nominal' | 'ordinal';

/** One coefficient with its interval. `value` and `ci` are null when undefined; `reason` says why. */
export interface Coefficient {
  value: number | null;
  /** The 95% interval shown: the analytic one where there is one, else the bootstrap. */
  ci: [number, number] | null;
  ciMethod: 'analytic' | 'bootstrap' | null;
  reason?: string;
  /** Why there is no interval although there is a value (e.g. one unit, or no resample defined it). */
  ciReason?: string;
  /** Observed and chance agreement behind the value. */
  pa: number | null;
  pe: number | null;
  /** Units the value rests on. */
  units: number;
  /** coefficient +/- t(0.975, df) * se, the upper end capped at 1 as irrCAC caps it. */
  analytic: { se: number; df: number; ci: [number, number] } | null;
  /** Percentile interval of the coefficient over resamples of the units (2.5th and 97.5th percentiles). */
  bootstrap: { ci: [number, number] | null; resamples: number; seed: number; defined: number } | null;
}

export interface PairCoefficient extends Coefficient {
  raters: [string, string];
}

/** Cohen's kappa: `value` and `ci` are the mean over pairs (Light's kappa), `pairs` each pair's. */
export interface CohenCoefficient extends Coefficient {
  pairs: PairCoefficient[];
}

export interface CoefficientSet {
  percent: Coefficient;
  cohen: CohenCoefficient;
  fleiss: Coefficient;
  conger: Coefficient;
  /** Gwet's AC1 (unweighted) or AC2 (weighted): `gwetName` says which. */
  gwet: Coefficient;
  gwetName: 'AC1' | 'AC2';
  brennanPrediger: Coefficient;
  alpha: Coefficient;
}

/** One category against all the others (or one value of a set: present or absent). */
export interface CategoryCoefficients {
  id: string;
  label: string;
  kind: 'category' | 'value' | 'type' | 'subtype' | 'item';
  coefficients: CoefficientSet;
}

export interface CoefficientTable {
  level: CoefficientLevel;
  weights: WeightScheme;
  raters: string[];
  categories: { id: string; label: string }[];
  /** Units with at least one rating, and with two or more. */
  units: number;
  pairable: number;
  bootstrap: { resamples: number; seed: number };
  coefficients: CoefficientSet;
  perCategory: CategoryCoefficients[];
  /** What the figures assume, in plain words (missing ratings, weights, intervals). */
  notes: string[];
}

export interface CoefficientOptions {
  /** Bootstrap resamples (default 1,000; 0 for none). */
  bootstrap?: number;
  seed?: number;
  /** Weights for the ordinal level (default irrCAC's ordinal weights); nominal is always unweighted. */
  weights?: WeightScheme;
  /** Compute one-vs-rest figures for each category (default true). */
  perCategory?: boolean;
  /** Labels of the categories, by key (default: the key). */
  labelOf?: (key: string) => string;
}

export const MISSING_NOTE =
  "Missing ratings are handled as irrCAC does (Gwet 2014, Handbook of Inter-Rater Reliability, 4th ed.): a unit counts if anyone rated it; observed agreement averages over the units with two or more ratings; chance agreement uses every rated unit; Cohen's kappa of a pair uses the units both rated.";

const INTERVAL_NOTE =
  "95% intervals: Gwet's standard error conditional on the units, with a t interval on (units - 1) degrees of freedom whose upper end is capped at 1, as irrCAC reports it; the mean of pairwise Cohen's kappas (Light's kappa) and ordinal alpha have no analytic error and show the percentile bootstrap over units.";

/** An interval's end rounded away from float noise (1 - 1e-17 is 1). */
function tidy(x: number): number {
  return Math.abs(x - Math.round(x)) < 1e-14 ? Math.round(x) : x;
}

function analyticInterval(value: number, se: number, units: number): Coefficient['analytic'] {
  if (units < 2) return null;
  const df = units - 1;
  const t = studentTQuantile(0.975, df);
  return { se, df, ci: [tidy(value - t * se), tidy(Math.min(1, value + t * se))] };
}

function bootstrapInterval(values: number[] | Float64Array, resamples: number, seed: number): NonNullable<Coefficient['bootstrap']> {
  const sorted = Float64Array.from(values).sort();
  return {
    ci: sorted.length ? [quantileSorted(sorted, 0.025), quantileSorted(sorted, 0.975)] : null,
    resamples,
    seed,
    defined: sorted.length,
  };
}

function coefficientOf(est: Estimate, analyticUnits: number, boot: Coefficient['bootstrap']): Coefficient {
  const analytic = est.value !== null && est.se !== null ? analyticInterval(est.value, est.se, analyticUnits) : null;
  const out: Coefficient = {
    value: est.value,
    ci: null,
    ciMethod: null,
    ...(est.reason ? { reason: est.reason } : {}),
    pa: est.pa,
    pe: est.pe,
    units: est.units,
    analytic,
    bootstrap: est.value === null ? null : boot,
  };
  if (est.value === null) return out;
  if (analytic) {
    out.ci = analytic.ci;
    out.ciMethod = 'analytic';
  } else if (boot?.ci) {
    out.ci = boot.ci;
    out.ciMethod = 'bootstrap';
  } else
    out.ciReason =
      analyticUnits < 2 && est.se !== null
        ? 'one unit: no standard error, and resampling one unit gives no spread'
        : boot
          ? 'no resample of the units gave a defined value'
          : 'no analytic standard error, and the bootstrap was off';
  return out;
}

/** Draws `resamples` bootstrap resamples of the rated units and collects each coefficient's defined values. */
function bootstrapEstimates(prep: PreparedRatings, resamples: number, seed: number) {
  const n = prep.ratings.length;
  const pairs = (prep.R * (prep.R - 1)) / 2;
  const values = {
    percent: [] as number[],
    fleiss: [] as number[],
    conger: [] as number[],
    gwet: [] as number[],
    brennanPrediger: [] as number[],
    cohenMean: [] as number[],
    cohen: Array.from({ length: pairs }, () => [] as number[]),
  };
  if (n === 0 || resamples === 0) return values;
  const rand = mulberry32(seed);
  const draw = new Int32Array(n);
  for (let b = 0; b < resamples; b++) {
    for (let j = 0; j < n; j++) draw[j] = Math.floor(rand() * n);
    const e = estimateCoefficients(prep, { draw });
    for (const key of ['percent', 'fleiss', 'conger', 'gwet', 'brennanPrediger', 'cohenMean'] as const) {
      const v = e[key].value;
      if (v !== null) values[key].push(v);
    }
    e.cohen.forEach((p, i) => {
      if (p.value !== null) values.cohen[i].push(p.value);
    });
  }
  return values;
}

/** Alpha with its interval; `identity` is the data prepared with identity weights, when the caller has it already. */
function alphaCoefficient(data: CodedRatings, resamples: number, seed: number, identity?: PreparedRatings): Coefficient {
  const result = computeAlpha(data);
  const est: Estimate = {
    value: result.alpha,
    ...(result.undefinedReason ? { reason: result.undefinedReason } : {}),
    pa: null,
    pe: null,
    se: null,
    units: result.units,
  };
  let analyticUnits = 0;
  if (data.level === 'nominal' && result.alpha !== null) {
    // Gwet's formulation of nominal alpha gives the same value, its pa and pe, and a standard error.
    const q = data.values.keys.length;
    const gwet = alphaStandardError(identity ?? prepareRatings(data, weightMatrix('identity', q)));
    if (gwet) {
      Object.assign(est, { pa: gwet.pa, pe: gwet.pe, se: gwet.se });
      analyticUnits = gwet.df + 1;
    }
  }
  let boot: Coefficient['bootstrap'] = null;
  if (resamples > 0) {
    // The same interval `concord alpha` prints for these data and seed.
    const iv = bootstrapAlpha(data, { resamples, seed });
    boot = { ci: iv.low === null ? null : [iv.low, iv.high!], resamples, seed, defined: iv.defined };
  }
  return coefficientOf(est, analyticUnits, boot);
}

/** The coefficients of coded data (no per-category figures). */
function coefficientSet(data: CodedRatings, raters: string[], weights: WeightScheme, resamples: number, seed: number): { set: CoefficientSet; est: CoefficientEstimates } {
  const q = data.values.keys.length;
  const w = weightMatrix(weights, q, data.values.numbers);
  const prep = prepareRatings(data, w);
  const est = estimateCoefficients(prep, { variance: true });
  const boot = resamples > 0 ? bootstrapEstimates(prep, resamples, seed) : null;
  const iv = (values: number[] | undefined) => (boot && values ? bootstrapInterval(values, resamples, seed) : null);
  const n = est.units;
  const pairs: PairCoefficient[] = est.cohen.map((p, i) => ({
    ...coefficientOf(p, p.units, iv(boot?.cohen[i])),
    raters: [raters[p.raters[0]] ?? `rater ${p.raters[0] + 1}`, raters[p.raters[1]] ?? `rater ${p.raters[1] + 1}`],
  }));
  return {
    est,
    set: {
      percent: coefficientOf(est.percent, n, iv(boot?.percent)),
      cohen: { ...coefficientOf({ ...est.cohenMean, units: est.pairable }, 0, iv(boot?.cohenMean)), pairs },
      fleiss: coefficientOf(est.fleiss, n, iv(boot?.fleiss)),
      conger: coefficientOf(est.conger, n, iv(boot?.conger)),
      gwet: coefficientOf(est.gwet, n, iv(boot?.gwet)),
      gwetName: weights === 'identity' ? 'AC1' : 'AC2',
      brennanPrediger: coefficientOf(est.brennanPrediger, n, iv(boot?.brennanPrediger)),
      // Nominal data is prepared with identity weights already: alpha's standard error reads the same.
      alpha: alphaCoefficient(data, resamples, seed, prep.identity ? prep : undefined),
    },
  };
}

/**
 * Roughly how many unit-steps `coefficientTable` takes: every figure (the table and, unless off,
 * one per category) is estimated on the sample and on each resample, over the units, the raters
 * and the pairs of raters. Lets a caller refuse a matrix before it takes minutes.
 */
export function coefficientWork(data: CodedRatings, resamples: number, perCategory = true): number {
  const R = data.raterCount;
  const figures = 1 + (perCategory ? data.values.keys.length : 0);
  return figures * (1 + resamples) * Math.max(1, data.unitCount) * (R + (R * (R - 1)) / 2);
}

/** Recodes coded data as one category (code 1) against all the others (code 0). */
export function oneVersusRest(data: CodedRatings, code: number): CodedRatings {
  const codes = new Int32Array(data.codes.length);
  for (let i = 0; i < codes.length; i++) codes[i] = data.codes[i] < 0 ? -1 : data.codes[i] === code ? 1 : 0;
  return { level: 'nominal', unitCount: data.unitCount, raterCount: data.raterCount, codes, values: { keys: ['other', data.values.keys[code]] } };
}

/**
 * Every coefficient of coded data at a categorical level, with intervals and (unless turned off)
 * one-vs-rest figures per category. The categories are the data's values in code order: give
 * every category the raters could choose (AC1 and Brennan-Prediger depend on how many there are);
 * ordinal codes must be in rank order (as `codeRatingMatrix` leaves them).
 */
export function coefficientTable(data: CodedRatings, raters: string[], options: CoefficientOptions = {}): CoefficientTable {
  if (data.level !== 'nominal' && data.level !== 'ordinal') throw new Error(`coefficients are for nominal or ordinal data, not ${data.level}`);
  const level = data.level;
  const resamples = options.bootstrap ?? DEFAULT_RESAMPLES;
  const seed = options.seed ?? DEFAULT_SEED;
  const weights: WeightScheme = level === 'nominal' ? 'identity' : (options.weights ?? 'ordinal');
  const labelOf = options.labelOf ?? ((k: string) => k);
  const { set, est } = coefficientSet(data, raters, weights, resamples, seed);
  const perCategory: CategoryCoefficients[] =
    options.perCategory === false
      ? []
      : data.values.keys.map((key, code) => ({
          id: key,
          label: labelOf(key),
          kind: 'category',
          coefficients: coefficientSet(oneVersusRest(data, code), raters, 'identity', resamples, seed).set,
        }));
  return {
    level,
    weights,
    raters,
    categories: data.values.keys.map((id) => ({ id, label: labelOf(id) })),
    units: est.units,
    pairable: est.pairable,
    bootstrap: { resamples, seed },
    coefficients: set,
    perCategory,
    notes: [
      MISSING_NOTE,
      level === 'nominal'
        ? 'Unweighted: only identical categories agree.'
        : `Weighted (${weightDescriptions[weights]}); Krippendorff's alpha uses its own ordinal metric.`,
      INTERVAL_NOTE,
      ...(perCategory.length ? ['Per category: that category against all the others, every coefficient unweighted.'] : []),
    ],
  };
}

/** The coefficients of a reliability matrix (one row per rater; null or undefined = missing). */
export function coefficientsOfMatrix(rows: readonly (readonly RatingCell[])[], raters: string[], level: CoefficientLevel, options: CoefficientOptions = {}): CoefficientTable {
  return coefficientTable(codeRatingMatrix(rows, level), raters, options);
}

/**
 * A coefficient set under the JSON keys of the CLI contract (DESIGN.md §9): percent, cohen,
 * fleiss, conger, gwet_ac1 or gwet_ac2, brennan_prediger, alpha.
 */
export function contractKeys(set: CoefficientSet) {
  return {
    percent: set.percent,
    cohen: set.cohen,
    fleiss: set.fleiss,
    conger: set.conger,
    ...(set.gwetName === 'AC1' ? { gwet_ac1: set.gwet } : { gwet_ac2: set.gwet }),
    brennan_prediger: set.brennanPrediger,
    alpha: set.alpha,
  };
}


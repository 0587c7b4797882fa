/**
 * Chance-corrected agreement coefficients of a reliability matrix, with Gwet's standard errors
 * conditional on the sample of units:
 *
 *   percent agreement (pa), Fleiss' kappa, Conger's kappa, Gwet's AC1 / AC2, Brennan-Prediger,
 *   Cohen's kappa for each pair of raters, and the standard error of nominal Krippendorff's alpha.
 *
 * Every formula follows Gwet, K. L. (2014), Handbook of Inter-Rater Reliability, 4th ed.,
 * as the irrCAC R package computes it (`R/agree.coeff3.raw.r`: pa.coeff.raw, fleiss.kappa.raw,
 * conger.kappa.raw, gwet.ac1.raw, bp.coeff.raw, krippen.alpha.raw; `R/agree.coeff2.r`: kappa2.table;
 * github.com/kgwet/irrCAC). In particular missing ratings are handled as irrCAC does:
 *
 * - the units are those with at least one rating;
 * - observed agreement pa averages over the units with two or more ratings only;
 * - the chance terms (category shares, each rater's own shares for Conger) use every rated unit;
 * - Cohen's kappa of a pair uses the units both raters rated.
 *
 * Variances are irrCAC's linearised forms: each unit i gets a term kappa*_i and
 * var = sum (kappa*_i - kappa)^2 / (n (n - 1)), n the rated units (finite population correction off).
 */
import type { CodedRatings } from './ratings.ts';

/** One coefficient on one set of units. `value` is null when undefined, and `reason` says why. */
export interface Estimate {
  value: number | null;
  reason?: string;
  /** Observed agreement and chance agreement behind the value (null when not defined). */
  pa: number | null;
  pe: number | null;
  /** Gwet's standard error; null when not asked for, undefined, or not given by the literature. */
  se: number | null;
  /** Units the coefficient rests on (its interval has units - 1 degrees of freedom). */
  units: number;
}

export interface PairEstimate extends Estimate {
  /** Rater indexes. */
  raters: [number, number];
}

export interface CoefficientEstimates {
  /** Units with at least one rating. */
  units: number;
  /** Units with two or more ratings. */
  pairable: number;
  /** Raters with at least one rating. */
  raters: number;
  percent: Estimate;
  fleiss: Estimate;
  conger: Estimate;
  /** AC1 with identity weights, AC2 with any other. */
  gwet: Estimate;
  brennanPrediger: Estimate;
  cohen: PairEstimate[];
  /** Light's kappa: the mean of the pairwise Cohen's kappas that are defined. */
  cohenMean: Estimate;
}

export const REASONS = {
  nothingPairable: 'nothing is pairable: no unit has ratings from two or more raters',
  oneCategory: 'only one category: this coefficient takes chance agreement from the number of categories, and one leaves nothing to chance',
  chanceIsOne: 'every rating is the same category: chance agreement is 1, so agreement cannot be told from chance',
  noSharedUnit: 'the two raters rated no unit in common',
  noPairDefined: "no pair of raters has a defined Cohen's kappa",
} as const;

/** Chance agreement this close to 1 is 1: the coefficient would divide by (almost) nothing. */
const CHANCE_TOLERANCE = 1e-12;

/**
 * The rated units of coded data with what every estimate reuses: each unit's ratings packed,
 * its number of ratings and its own (weighted) agreement. Build it once; estimate on it, or on
 * resamples of it, as often as needed.
 */
export interface PreparedRatings {
  q: number;
  R: number;
  /** Weight matrix, q x q row-major. */
  w: Float64Array;
  /** Sum of all weights (q for identity weights). */
  weightSum: number;
  /** Unweighted: sums over category pairs reduce to the diagonal (the common, fast case). */
  identity: boolean;
  /** For each rated unit, its index in the coded data. */
  unitIndex: Int32Array;
  /** codes[i * R + g]: rater g's category for rated unit i, or -1. */
  codes: Int32Array;
  /** r_i: ratings of rated unit i. */
  ratings: Float64Array;
  /** pa_i = sum_k r_ik (r*_ik - 1) / (r_i (r_i - 1)) with r*_ik = sum_l w_kl r_il; 0 when r_i < 2. */
  unitAgreement: Float64Array;
}

export function prepareRatings(data: CodedRatings, w: Float64Array): PreparedRatings {
  const R = data.raterCount;
  const q = data.values.keys.length;
  if (w.length !== q * q) throw new Error(`weights for ${Math.sqrt(w.length)} categories, data has ${q}`);
  const source = data.codes;
  // Typed, not pushed: growing a plain array by 100,000 costs more than the rest on a large heap.
  const ratedAll = new Int32Array(data.unitCount);
  let n = 0;
  for (let u = 0; u < data.unitCount; u++) {
    for (let g = 0; g < R; g++)
      if (source[u * R + g] >= 0) {
        ratedAll[n++] = u;
        break;
      }
  }
  // Every unit rated (the usual case): the rated units' codes are the data's own, not a copy.
  const everyUnit = n === data.unitCount && source.length === n * R;
  const rated = everyUnit ? ratedAll : ratedAll.slice(0, n);
  const codes = everyUnit ? source : new Int32Array(n * R);
  const ratings = new Float64Array(n);
  const unitAgreement = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const base = rated[i] * R;
    let m = 0;
    let pairs = 0;
    for (let g = 0; g < R; g++) {
      const c = source[base + g];
      if (!everyUnit) codes[i * R + g] = c;
      if (c < 0) continue;
      m++;
      // sum_k r_ik r*_ik = sum over ordered pairs of ratings (a rating with itself included) of w.
      for (let h = 0; h < R; h++) {
        const d = source[base + h];
        if (d >= 0) pairs += w[c * q + d];
      }
    }
    ratings[i] = m;
    if (m >= 2) unitAgreement[i] = (pairs - m) / (m * (m - 1));
  }
  let weightSum = 0;
  let identity = true;
  for (let k = 0; k < q; k++)
    for (let l = 0; l < q; l++) {
      weightSum += w[k * q + l];
      if (w[k * q + l] !== (k === l ? 1 : 0)) identity = false;
    }
  return { q, R, w, weightSum, identity, unitIndex: rated, codes, ratings, unitAgreement };
}

function undefinedEstimate(reason: string, units: number, pa: number | null = null, pe: number | null = null): Estimate {
  return { value: null, reason, pa, pe, se: null, units };
}

function kappa(pa: number, pe: number): number {
  return (pa - pe) / (1 - pe);
}

/** The identity draw: every rated unit once. */
let identityDraw = new Int32Array(0);
function allUnits(n: number): Int32Array {
  // One list kept and read in part: every table of a report asks for one as long as its units.
  if (identityDraw.length < n) {
    identityDraw = new Int32Array(n);
    for (let i = 0; i < n; i++) identityDraw[i] = i;
  }
  return identityDraw.subarray(0, n);
}

/**
 * Every coefficient on the rated units of `prep` drawn as `draw` lists them (indexes into the
 * rated units, repeats allowed: a bootstrap resample), or on all of them once. With `variance`,
 * Gwet's standard errors too (meant for the sample itself, not for resamples).
 */
export function estimateCoefficients(prep: PreparedRatings, options: { draw?: Int32Array; variance?: boolean } = {}): CoefficientEstimates {
  const { q, R, w, codes, ratings, unitAgreement } = prep;
  const draw = options.draw ?? allUnits(ratings.length);
  const withVariance = options.variance ?? false;
  const n = draw.length;

  // Observed agreement and the category shares pi_k = (1/n) sum_i r_ik / r_i.
  let n2 = 0;
  let paSum = 0;
  const pi = new Float64Array(q);
  // Conger: n_gk, how often rater g chose k.
  const byRater = new Float64Array(R * q);
  for (let j = 0; j < n; j++) {
    const i = draw[j];
    const m = ratings[i];
    if (m >= 2) {
      n2++;
      paSum += unitAgreement[i];
    }
    for (let g = 0; g < R; g++) {
      const c = codes[i * R + g];
      if (c < 0) continue;
      pi[c] += 1 / m;
      byRater[g * q + c]++;
    }
  }
  for (let k = 0; k < q; k++) pi[k] /= n;
  const ratersActive: number[] = [];
  for (let g = 0; g < R; g++) {
    let s = 0;
    for (let k = 0; k < q; k++) s += byRater[g * q + k];
    if (s > 0) ratersActive.push(g);
  }

  const cohen = cohenPairs(prep, draw, withVariance);
  const cohenMean = meanOfPairs(cohen);

  if (n2 === 0) {
    const none = undefinedEstimate(REASONS.nothingPairable, n);
    return {
      units: n,
      pairable: 0,
      raters: ratersActive.length,
      percent: { ...none, units: 0 },
      fleiss: none,
      conger: none,
      gwet: none,
      brennanPrediger: none,
      cohen,
      cohenMean,
    };
  }
  const pa = paSum / n2;

  // Chance agreement of each coefficient.
  let peFleiss = 0;
  if (prep.identity) for (let k = 0; k < q; k++) peFleiss += pi[k] * pi[k];
  else for (let k = 0; k < q; k++) for (let l = 0; l < q; l++) peFleiss += w[k * q + l] * pi[k] * pi[l];
  let spread = 0;
  for (let k = 0; k < q; k++) spread += pi[k] * (1 - pi[k]);
  const acFactor = q >= 2 ? prep.weightSum / (q * (q - 1)) : NaN;
  const peGwet = acFactor * spread;
  const peBP = prep.weightSum / (q * q);
  const conger = congerChance(prep, byRater, ratersActive);

  const percent: Estimate = { value: pa, pa, pe: null, se: null, units: n2 };
  // AC1/AC2 and Brennan-Prediger take chance from the number of categories, which one category cannot give.
  const chanceCorrected = (pe: number, fromCategoryCount: boolean): Estimate => {
    if (fromCategoryCount && q < 2) return undefinedEstimate(REASONS.oneCategory, n, pa, null);
    if (pe >= 1 - CHANCE_TOLERANCE) return undefinedEstimate(REASONS.chanceIsOne, n, pa, pe);
    return { value: kappa(pa, pe), pa, pe, se: null, units: n };
  };
  const fleiss = chanceCorrected(peFleiss, false);
  const congerEst = chanceCorrected(conger.pe, false);
  const gwet = chanceCorrected(peGwet, true);
  const bp = chanceCorrected(peBP, true);

  if (withVariance && n >= 2) {
    // Each unit's linearised term, as irrCAC's *.raw functions compute it.
    const scale = n / n2;
    const piW = new Float64Array(q);
    for (let k = 0; k < q; k++) {
      let s = 0;
      for (let l = 0; l < q; l++) s += ((w[k * q + l] + w[l * q + k]) / 2) * pi[l];
      piW[k] = s;
    }
    const sums = { percent: 0, fleiss: 0, conger: 0, gwet: 0, bp: 0 };
    const congerTerm = congerEst.value !== null ? conger.unitTerm(n) : null;
    // (kappa*_i - kappa)^2 with kappa_i = (n/n2)(pa_i - pe [r_i >= 2]) / (1 - pe) and
    // kappa*_i = kappa_i - 2 (1 - kappa)(pe_i - pe) / (1 - pe) (no pe_i for Brennan-Prediger).
    const term = (est: Estimate, paI: number, pairable: number, peI: number | null) => {
      const pe = est.pe!;
      const k = est.value!;
      const unit = (scale * (paI - pe * pairable)) / (1 - pe);
      const x = peI === null ? unit : unit - (2 * (1 - k) * (peI - pe)) / (1 - pe);
      return (x - k) ** 2;
    };
    for (let j = 0; j < n; j++) {
      const i = draw[j];
      const m = ratings[i];
      const pair = m >= 2 ? 1 : 0;
      const paI = unitAgreement[i];
      let fleissI = 0;
      let gwetI = 0;
      for (let g = 0; g < R; g++) {
        const c = codes[i * R + g];
        if (c < 0) continue;
        fleissI += piW[c];
        gwetI += 1 - pi[c];
      }
      fleissI /= m;
      gwetI = (acFactor * gwetI) / m;
      sums.percent += (scale * paI - pa) ** 2;
      if (fleiss.value !== null) sums.fleiss += term(fleiss, paI, pair, fleissI);
      if (gwet.value !== null) sums.gwet += term(gwet, paI, pair, gwetI);
      if (bp.value !== null) sums.bp += term(bp, paI, pair, null);
      if (congerTerm) sums.conger += term(congerEst, paI, pair, congerTerm(i));
    }
    const se = (s: number) => Math.sqrt(s / (n * (n - 1)));
    percent.se = se(sums.percent);
    if (fleiss.value !== null) fleiss.se = se(sums.fleiss);
    if (gwet.value !== null) gwet.se = se(sums.gwet);
    if (bp.value !== null) bp.se = se(sums.bp);
    if (congerEst.value !== null) congerEst.se = se(sums.conger);
  }

  return {
    units: n,
    pairable: n2,
    raters: ratersActive.length,
    percent,
    fleiss,
    conger: congerEst,
    gwet,
    brennanPrediger: bp,
    cohen,
    cohenMean,
  };
}

/**
 * Conger's chance agreement pe = sum_kl w_kl (pbar_k pbar_l - s2_kl / r), from each rater's own
 * category shares p_gk = n_gk / n_g (Conger 1980; Gwet 2014) over the r raters who rated
 * anything, s2_kl their covariance across raters. `unitTerm(n)` gives each unit's chance term for
 * irrCAC's variance, pe_i = sum_g lambda_ig / (r (r - 1)).
 */
function congerChance(prep: PreparedRatings, byRater: Float64Array, active: number[]): { pe: number; unitTerm: (n: number) => (i: number) => number } {
  const { q, R, w, codes } = prep;
  const r = active.length;
  const none = { pe: NaN, unitTerm: () => () => NaN };
  if (r < 2) return none;
  const share = new Float64Array(R * q);
  const ratedBy = new Float64Array(R);
  const mean = new Float64Array(q);
  for (const g of active) {
    let s = 0;
    for (let k = 0; k < q; k++) s += byRater[g * q + k];
    ratedBy[g] = s;
    for (let k = 0; k < q; k++) {
      share[g * q + k] = byRater[g * q + k] / s;
      mean[k] += share[g * q + k] / r;
    }
  }
  let pe = 0;
  for (let k = 0; k < q; k++)
    for (let l = prep.identity ? k : 0; l < (prep.identity ? k + 1 : q); l++) {
      let cross = 0;
      for (const g of active) cross += share[g * q + k] * share[g * q + l];
      const s2 = (cross - r * mean[k] * mean[l]) / (r - 1);
      pe += w[k * q + l] * (mean[k] * mean[l] - s2 / r);
    }

  // lambda_ig = (n / n_g) sum_k c_gk sum_l w_kl (delta_igl - (eps_ig - n_g / n) p_gl), c_gk = r pbar_k - p_gk
  // (irrCAC conger.kappa.raw), folded into (n / n_g) (eps_ig C_g[x_ig] - (eps_ig - n_g / n) B_g)
  // with C_g[x] = sum_k c_gk w_kx and B_g = sum_k c_gk sum_l w_kl p_gl.
  const unitTerm = (n: number) => {
    const C = new Float64Array(R * q);
    const B = new Float64Array(R);
    for (const g of active) {
      for (let x = 0; x < q; x++) {
        let s = 0;
        for (let k = 0; k < q; k++) s += (r * mean[k] - share[g * q + k]) * w[k * q + x];
        C[g * q + x] = s;
      }
      let b = 0;
      for (let k = 0; k < q; k++) {
        let a = 0;
        for (let l = 0; l < q; l++) a += w[k * q + l] * share[g * q + l];
        b += (r * mean[k] - share[g * q + k]) * a;
      }
      B[g] = b;
    }
    return (i: number) => {
      let sum = 0;
      for (const g of active) {
        const c = codes[i * R + g];
        sum += c >= 0 ? (n / ratedBy[g]) * (C[g * q + c] - (1 - ratedBy[g] / n) * B[g]) : B[g];
      }
      return sum / (r * (r - 1));
    };
  };
  return { pe, unitTerm };
}

/**
 * Cohen's kappa for every pair of raters on the units both rated, weighted as given, with the
 * standard error of irrCAC's kappa2.table (Gwet 2014; Fleiss, Cohen & Everitt 1969):
 * var = (sum_kl p_kl (w_kl - (1 - k)(pbar_.k + pbar_l.))^2 - (pa - 2 (1 - k) pe)^2) / (n (1 - pe)^2).
 */
function cohenPairs(prep: PreparedRatings, draw: Int32Array, withVariance: boolean): PairEstimate[] {
  const { q, R, w, codes } = prep;
  const P = (R * (R - 1)) / 2;
  // One pass over the units fills every pair's margins (pairs in the order a < b).
  const count = new Float64Array(P);
  const agree = new Float64Array(P);
  const rowShare = new Float64Array(P * q);
  const colShare = new Float64Array(P * q);
  for (let j = 0; j < draw.length; j++) {
    const base = draw[j] * R;
    let p = 0;
    for (let a = 0; a < R; a++) {
      const x = codes[base + a];
      if (x < 0) {
        p += R - 1 - a;
        continue;
      }
      for (let b = a + 1; b < R; b++, p++) {
        const y = codes[base + b];
        if (y < 0) continue;
        count[p]++;
        agree[p] += w[x * q + y];
        rowShare[p * q + x]++;
        colShare[p * q + y]++;
      }
    }
  }
  const out: PairEstimate[] = [];
  const rowWeighted = new Float64Array(q);
  const colWeighted = new Float64Array(q);
  for (let a = 0, p = 0; a < R; a++)
    for (let b = a + 1; b < R; b++, p++) {
      const raters: [number, number] = [a, b];
      const n = count[p];
      if (n === 0) {
        out.push({ ...undefinedEstimate(REASONS.noSharedUnit, 0), raters });
        continue;
      }
      const pa = agree[p] / n;
      const row = rowShare.subarray(p * q, p * q + q);
      const col = colShare.subarray(p * q, p * q + q);
      for (let k = 0; k < q; k++) {
        row[k] /= n;
        col[k] /= n;
      }
      let pe = 0;
      if (prep.identity)
        for (let k = 0; k < q; k++) {
          pe += row[k] * col[k];
          rowWeighted[k] = col[k];
          colWeighted[k] = row[k];
        }
      else
        for (let k = 0; k < q; k++) {
          let sr = 0;
          let sc = 0;
          for (let l = 0; l < q; l++) {
            pe += w[k * q + l] * row[k] * col[l];
            sr += w[k * q + l] * col[l];
            sc += w[l * q + k] * row[l];
          }
          rowWeighted[k] = sr;
          colWeighted[k] = sc;
        }
      if (pe >= 1 - CHANCE_TOLERANCE) {
        out.push({ ...undefinedEstimate(REASONS.chanceIsOne, n, pa, pe), raters });
        continue;
      }
      const k = kappa(pa, pe);
      let se: number | null = null;
      if (withVariance) {
        let sum = 0;
        for (let j = 0; j < draw.length; j++) {
          const i = draw[j];
          const x = codes[i * R + a];
          const y = codes[i * R + b];
          if (x < 0 || y < 0) continue;
          sum += (w[x * q + y] - (1 - k) * (rowWeighted[x] + colWeighted[y])) ** 2;
        }
        const v = (sum / n - (pa - 2 * (1 - k) * pe) ** 2) / (n * (1 - pe) ** 2);
        // irrCAC floors the variance at 1e-100 (rounding can take a tiny variance below zero).
        se = Math.sqrt(Math.max(v, 1e-100));
      }
      out.push({ value: k, pa, pe, se, units: n, raters });
    }
  return out;
}

/** Light's kappa (Light 1971): the mean of the pairwise kappas that are defined. */
function meanOfPairs(pairs: PairEstimate[]): Estimate {
  const defined = pairs.filter((p) => p.value !== null);
  if (defined.length === 0) return undefinedEstimate(pairs.length ? REASONS.noPairDefined : REASONS.nothingPairable, 0);
  let s = 0;
  let units = 0;
  for (const p of defined) {
    s += p.value!;
    units = Math.max(units, p.units);
  }
  return { value: s / defined.length, pa: null, pe: null, se: null, units };
}

/**
 * Gwet's standard error of Krippendorff's alpha (Gwet 2014; irrCAC krippen.alpha.raw),
 * on the units with two or more ratings, for the weights given (identity: nominal alpha). Returns
 * the alpha of Gwet's formulation too (with its pa and pe), which equals Krippendorff's for the same
 * weights, so a test can hold the two together. `df` is the rated units minus one, as irrCAC takes it.
 */
export function alphaStandardError(prep: PreparedRatings): { alpha: number; pa: number; pe: number; se: number; df: number } | null {
  const { q, R, w, codes, ratings, unitAgreement } = prep;
  const pairableAll = new Int32Array(ratings.length);
  let m = 0;
  let total = 0;
  for (let i = 0; i < ratings.length; i++)
    if (ratings[i] >= 2) {
      pairableAll[m++] = i;
      total += ratings[i];
    }
  const pairable = pairableAll.subarray(0, m);
  if (m < 2 || q < 2) return null;
  const rbar = total / m;
  const eps = 1 / total;
  // sum_k r_ik (r*_ik - 1) = pa_i r_i (r_i - 1).
  const agreeSum = (i: number) => unitAgreement[i] * ratings[i] * (ratings[i] - 1);
  let paPrime = 0;
  const pi = new Float64Array(q);
  for (const i of pairable) {
    paPrime += agreeSum(i) / (rbar * (ratings[i] - 1));
    for (let g = 0; g < R; g++) {
      const c = codes[i * R + g];
      if (c >= 0) pi[c] += 1 / rbar;
    }
  }
  paPrime /= m;
  for (let k = 0; k < q; k++) pi[k] /= m;
  const pa = (1 - eps) * paPrime + eps;
  let pe = 0;
  for (let k = 0; k < q; k++) for (let l = 0; l < q; l++) pe += w[k * q + l] * pi[k] * pi[l];
  if (pe >= 1 - CHANCE_TOLERANCE) return null;
  const alpha = kappa(pa, pe);
  const alphaPrime = kappa(paPrime, pe);
  const piW = new Float64Array(q);
  for (let k = 0; k < q; k++) for (let l = 0; l < q; l++) piW[k] += ((w[k * q + l] + w[l * q + k]) / 2) * pi[l];
  let sum = 0;
  for (const i of pairable) {
    const ri = ratings[i];
    const paI = agreeSum(i) / (rbar * (ri - 1)) - (paPrime * (ri - rbar)) / rbar;
    let peI = 0;
    for (let g = 0; g < R; g++) {
      const c = codes[i * R + g];
      if (c >= 0) peI += piW[c];
    }
    peI = peI / rbar - (pe * (ri - rbar)) / rbar;
    const x = (paI - pe) / (1 - pe) - (2 * (1 - alphaPrime) * (peI - pe)) / (1 - pe);
    sum += (x - alphaPrime) ** 2;
  }
  return { alpha, pa, pe, se: Math.sqrt(sum / (m * (m - 1))), df: ratings.length - 1 };
}

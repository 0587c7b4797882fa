import { expect } from 'vitest';
import type { Coefficient, CoefficientSet } from './coefficient-table.ts';
import { studentTQuantile } from './t-quantile.ts';

/**
 * For tests: an independent implementation of every coefficient, written from the textbook
 * formulas (Gwet 2014, Handbook of Inter-Rater Reliability, 4th ed., as irrCAC's raw-data
 * functions and kappa2.table state them), and the comparisons to 1e-9 the tests make with it.
 * It works on plain 2-D arrays with straight loops, keeps the matrices of the book (r_ik, r*_ik,
 * p_gk, lambda_ig) instead of the app's folded sums, and takes Conger's chance agreement as the
 * mean over pairs of raters of their Cohen chance agreement (Conger 1980) rather than from the
 * variance across raters the app uses.
 */

export type Cell = number | null;
export interface Plain {
  value: number | null;
  pa: number | null;
  pe: number | null;
  se: number | null;
}

export const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
export const TOL = 1e-9;

/** Weights as irrCAC's weights.gen.r defines them, for categories with values x (ranks 1..q by default). */
export function textbookWeights(scheme: string, q: number, x: number[]): number[][] {
  const w: number[][] = [];
  for (let k = 0; k < q; k++) {
    w.push([]);
    for (let l = 0; l < q; l++) {
      if (scheme === 'identity') w[k].push(k === l ? 1 : 0);
      else if (scheme === 'ordinal') {
        const nkl = Math.max(k, l) - Math.min(k, l) + 1;
        const maxN = q;
        w[k].push(1 - (nkl * (nkl - 1)) / 2 / ((maxN * (maxN - 1)) / 2));
      } else {
        const range = Math.max(...x) - Math.min(...x);
        w[k].push(scheme === 'quadratic' ? 1 - (x[k] - x[l]) ** 2 / range ** 2 : 1 - Math.abs(x[k] - x[l]) / range);
      }
    }
  }
  return w;
}

/**
 * All coefficients of `matrix` (units x raters, category index or null), by the book. Units nobody
 * rated are dropped first, as irrCAC asks.
 */
export function textbook(matrixIn: Cell[][], q: number, W: number[][]) {
  const matrix = matrixIn.filter((row) => row.some((x) => x !== null));
  const n = matrix.length;
  const R = matrixIn[0]?.length ?? 0;
  const rik = matrix.map((row) => {
    const c: number[] = new Array(q).fill(0);
    for (const x of row) if (x !== null) c[x]++;
    return c;
  });
  const ri = rik.map(sum);
  const rStar = rik.map((c) => W.map((_, k) => sum(c.map((cl, l) => W[k][l] * cl))));
  const two = ri.map((r) => r >= 2);
  const n2 = two.filter(Boolean).length;
  const paI = rik.map((c, i) => (two[i] ? sum(c.map((cik, k) => cik * (rStar[i][k] - 1))) / (ri[i] * (ri[i] - 1)) : 0));
  const pa = n2 ? sum(paI) / n2 : null;
  const pi = Array.from({ length: q }, (_, k) => sum(rik.map((c, i) => c[k] / ri[i])) / n);
  const Tw = sum(W.map(sum));
  const undefinedAll: Plain = { value: null, pa: null, pe: null, se: null };

  const variance = (terms: number[], center: number) => sum(terms.map((t) => (t - center) ** 2)) / (n * (n - 1));
  // AC and Brennan-Prediger need two categories or more; the others are undefined when chance agreement is 1.
  const chanceCorrected = (pe: number, peI: ((i: number) => number) | null, fromCategoryCount = false): Plain => {
    if (pa === null) return undefinedAll;
    if (fromCategoryCount && q < 2) return { value: null, pa, pe: null, se: null };
    if (pe >= 1 - 1e-12) return { value: null, pa, pe, se: null };
    const k = (pa - pe) / (1 - pe);
    const terms = matrix.map((_, i) => {
      const ki = ((n / n2) * (paI[i] - pe * (two[i] ? 1 : 0))) / (1 - pe);
      return peI ? ki - (2 * (1 - k) * (peI(i) - pe)) / (1 - pe) : ki;
    });
    return { value: k, pa, pe, se: n >= 2 ? Math.sqrt(variance(terms, k)) : null };
  };

  // Percent agreement.
  const percent: Plain = pa === null ? undefinedAll : { value: pa, pa, pe: null, se: n >= 2 ? Math.sqrt(variance(paI.map((p) => (n / n2) * p), pa)) : null };

  // Fleiss' kappa: pe = sum_kl w_kl pi_k pi_l; pe_i = sum_k r_ik pibar_k / r_i, pibar the symmetrised W pi.
  let peF = 0;
  for (let k = 0; k < q; k++) for (let l = 0; l < q; l++) peF += W[k][l] * pi[k] * pi[l];
  const piBar = Array.from({ length: q }, (_, k) => (sum(W[k].map((w, l) => w * pi[l])) + sum(W.map((row, l) => row[k] * pi[l]))) / 2);
  const fleiss = chanceCorrected(peF, (i) => sum(rik[i].map((c, k) => c * piBar[k])) / ri[i]);

  // Gwet's AC1/AC2: pe = Tw / (q (q - 1)) sum_k pi_k (1 - pi_k).
  const factor = Tw / (q * (q - 1));
  const gwet = chanceCorrected(factor * sum(pi.map((p) => p * (1 - p))), (i) => (factor * sum(rik[i].map((c, k) => c * (1 - pi[k])))) / ri[i], true);

  // Brennan-Prediger: pe = Tw / q^2, no chance term per unit.
  const bp = chanceCorrected(Tw / (q * q), null, true);

  // Conger's kappa over the raters who rated anything.
  const raters = Array.from({ length: R }, (_, g) => g).filter((g) => matrix.some((row) => row[g] !== null));
  const r = raters.length;
  const ng = raters.map((g) => matrix.filter((row) => row[g] !== null).length);
  const p = raters.map((g, gi) => Array.from({ length: q }, (_, k) => matrix.filter((row) => row[g] === k).length / ng[gi]));
  let conger: Plain = undefinedAll;
  if (r >= 2) {
    // Conger (1980): chance agreement is the mean over ordered pairs of different raters of sum_kl w_kl p_gk p_hl.
    let peC = 0;
    for (let a = 0; a < r; a++)
      for (let b = 0; b < r; b++) {
        if (a === b) continue;
        for (let k = 0; k < q; k++) for (let l = 0; l < q; l++) peC += W[k][l] * p[a][k] * p[b][l];
      }
    peC /= r * (r - 1);
    // irrCAC conger.kappa.raw: lambda_ig = (n/n_g) sum_k (sum_g' p_g'k - p_gk) sum_l w_kl (delta_igl - (eps_ig - n_g/n) p_gl).
    const peI = (i: number) => {
      let total = 0;
      raters.forEach((g, gi) => {
        const eps = matrix[i][g] !== null ? 1 : 0;
        let lambda = 0;
        for (let k = 0; k < q; k++) {
          let inner = 0;
          for (let l = 0; l < q; l++) {
            const delta = matrix[i][g] === l ? 1 : 0;
            inner += W[k][l] * (delta - (eps - ng[gi] / n) * p[gi][l]);
          }
          const column = sum(p.map((pg) => pg[k]));
          lambda += (n / ng[gi]) * inner * (column - p[gi][k]);
        }
        total += lambda;
      });
      return total / (r * (r - 1));
    };
    conger = chanceCorrected(peC, peI);
  }

  // Cohen's kappa per pair on the units both rated (kappa2.table).
  const cohen: Plain[] = [];
  for (let a = 0; a < R; a++)
    for (let b = a + 1; b < R; b++) {
      const both = matrixIn.filter((row) => row[a] !== null && row[b] !== null);
      const m = both.length;
      if (m === 0) {
        cohen.push(undefinedAll);
        continue;
      }
      const table = Array.from({ length: q }, () => new Array(q).fill(0));
      for (const row of both) table[row[a]!][row[b]!] += 1 / m;
      const rowM = table.map(sum);
      const colM = Array.from({ length: q }, (_, l) => sum(table.map((t) => t[l])));
      let pa2 = 0;
      let pe2 = 0;
      for (let k = 0; k < q; k++)
        for (let l = 0; l < q; l++) {
          pa2 += W[k][l] * table[k][l];
          pe2 += W[k][l] * rowM[k] * colM[l];
        }
      if (pe2 >= 1 - 1e-12) {
        cohen.push({ value: null, pa: pa2, pe: pe2, se: null });
        continue;
      }
      const k2 = (pa2 - pe2) / (1 - pe2);
      const pbK = Array.from({ length: q }, (_, k) => sum(colM.map((c, l) => W[k][l] * c)));
      const pbL = Array.from({ length: q }, (_, l) => sum(rowM.map((c, k) => W[k][l] * c)));
      let s1 = 0;
      for (let k = 0; k < q; k++) for (let l = 0; l < q; l++) s1 += table[k][l] * (W[k][l] - (1 - k2) * (pbK[k] + pbL[l])) ** 2;
      const v = (s1 - (pa2 - 2 * (1 - k2) * pe2) ** 2) / (m * (1 - pe2) ** 2);
      cohen.push({ value: k2, pa: pa2, pe: pe2, se: Math.sqrt(Math.max(v, 1e-100)) });
    }
  const defined = cohen.filter((c) => c.value !== null);
  const cohenMean = defined.length ? sum(defined.map((c) => c.value!)) / defined.length : null;

  // Krippendorff's alpha in Gwet's formulation (krippen.alpha.raw), on the units with two or more ratings.
  let alpha: { value: number; se: number } | null = null;
  const pr = matrix.map((_, i) => i).filter((i) => two[i]);
  if (pr.length >= 2 && q >= 2) {
    const m = pr.length;
    const rbar = sum(pr.map((i) => ri[i])) / m;
    const eps = 1 / sum(pr.map((i) => ri[i]));
    const sumQ = (i: number) => sum(rik[i].map((c, k) => c * (rStar[i][k] - 1)));
    const paP = sum(pr.map((i) => sumQ(i) / (rbar * (ri[i] - 1)))) / m;
    const paA = (1 - eps) * paP + eps;
    const piA = Array.from({ length: q }, (_, k) => sum(pr.map((i) => rik[i][k] / rbar)) / m);
    let peA = 0;
    for (let k = 0; k < q; k++) for (let l = 0; l < q; l++) peA += W[k][l] * piA[k] * piA[l];
    if (peA < 1 - 1e-12) {
      const aPrime = (paP - peA) / (1 - peA);
      const piAW = Array.from({ length: q }, (_, k) => (sum(W[k].map((w, l) => w * piA[l])) + sum(W.map((row, l) => row[k] * piA[l]))) / 2);
      const terms = pr.map((i) => {
        const paI2 = sumQ(i) / (rbar * (ri[i] - 1)) - (paP * (ri[i] - rbar)) / rbar;
        const peI2 = sum(rik[i].map((c, k) => c * piAW[k])) / rbar - (peA * (ri[i] - rbar)) / rbar;
        return (paI2 - peA) / (1 - peA) - (2 * (1 - aPrime) * (peI2 - peA)) / (1 - peA);
      });
      alpha = { value: (paA - peA) / (1 - peA), se: Math.sqrt(sum(terms.map((t) => (t - aPrime) ** 2)) / (m * (m - 1))) };
    }
  }
  return { n, n2, percent, fleiss, conger, gwet, bp, cohen, cohenMean, alpha };
}

export function near(ours: number | null | undefined, theirs: number | null | undefined, what: string) {
  if (theirs === null || theirs === undefined) {
    expect(ours ?? null, what).toBeNull();
    return;
  }
  expect(ours, what).not.toBeNull();
  expect(Math.abs(ours! - theirs), `${what}: ours ${ours}, textbook ${theirs}`).toBeLessThan(TOL * Math.max(1, Math.abs(theirs)));
}

export function compare(ours: Coefficient, theirs: Plain, n: number, what: string) {
  near(ours.value, theirs.value, `${what} value`);
  if (theirs.value === null) {
    expect(ours.reason, `${what} says why it is undefined`).toMatch(/\w/);
    expect(ours.ci).toBeNull();
    return;
  }
  near(ours.pa, theirs.pa, `${what} pa`);
  near(ours.pe, theirs.pe, `${what} pe`);
  // The variance, not its square root: where the true variance is 0, rounding leaves ~1e-16 on
  // either side, which a square root would blow up to ~1e-8.
  const square = (x: number | null | undefined) => (x === null || x === undefined ? null : x * x);
  near(square(ours.analytic?.se), n >= 2 ? square(theirs.se) : null, `${what} variance`);
  if (n >= 2 && theirs.se !== null) {
    const t = studentTQuantile(0.975, n - 1);
    const slack = t * Math.abs(ours.analytic!.se - theirs.se);
    const end = (got: number, want: number, which: string) =>
      expect(Math.abs(got - want), `${what} ci ${which}: ours ${got}, textbook ${want}`).toBeLessThanOrEqual(TOL + slack);
    end(ours.analytic!.ci[0], theirs.value - t * theirs.se, 'low');
    end(ours.analytic!.ci[1], Math.min(1, theirs.value + t * theirs.se), 'high');
  }
}

export function compareSet(set: CoefficientSet, tb: ReturnType<typeof textbook>, what: string) {
  compare(set.percent, tb.percent, tb.n, `${what} percent`);
  compare(set.fleiss, tb.fleiss, tb.n, `${what} Fleiss`);
  compare(set.conger, tb.conger, tb.n, `${what} Conger`);
  compare(set.gwet, tb.gwet, tb.n, `${what} Gwet`);
  compare(set.brennanPrediger, tb.bp, tb.n, `${what} Brennan-Prediger`);
  tb.cohen.forEach((c, i) => {
    const pair = set.cohen.pairs[i];
    compare(pair, c, pair.units, `${what} Cohen ${pair.raters.join('/')}`);
  });
  near(set.cohen.value, tb.cohenMean, `${what} Cohen mean`);
}


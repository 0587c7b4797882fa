/**
 * Agreement weights between categories, as irrCAC defines them (Gwet 2014, Handbook of Inter-Rater
 * Reliability, 4th ed.; irrCAC `R/weights.gen.r`): w[k][l] = 1 for identical categories and
 * less for categories further apart. Identity weights give the unweighted coefficients.
 */

export const weightSchemes = ['identity', 'ordinal', 'quadratic', 'linear'] as const;
export type WeightScheme = (typeof weightSchemes)[number];

export function isWeightScheme(s: string): s is WeightScheme {
  return (weightSchemes as readonly string[]).includes(s);
}

/** What each scheme means, for the reports. */
export const weightDescriptions: Record<WeightScheme, string> = {
  identity: 'unweighted: only identical categories agree',
  ordinal:
    "irrCAC's ordinal weights: w = 1 - C(|k-l|+1, 2) / C(q, 2), from the ranks alone (categories one step apart nearly agree, the two ends not at all)",
  quadratic: "irrCAC's quadratic weights: w = 1 - (x_k - x_l)^2 / (x_max - x_min)^2, on the category values (ranks when they are not numbers)",
  linear: "irrCAC's linear weights: w = 1 - |x_k - x_l| / |x_max - x_min|, on the category values (ranks when they are not numbers)",
};

/**
 * The q x q weight matrix (row-major) of a scheme. Categories are in rank order; `values` are their
 * numbers for quadratic and linear weights (irrCAC uses the values when the categories are numeric,
 * the ranks 1..q otherwise). With fewer than two categories every scheme is the identity.
 */
export function weightMatrix(scheme: WeightScheme, q: number, values?: ArrayLike<number>): Float64Array {
  const w = new Float64Array(q * q);
  for (let k = 0; k < q; k++) w[k * q + k] = 1;
  if (scheme === 'identity' || q < 2) return w;
  if (scheme === 'ordinal') {
    // n_kl = |k - l| + 1 categories from k to l; weight 1 - n_kl(n_kl - 1)/2 over its largest value.
    const max = (q * (q - 1)) / 2;
    for (let k = 0; k < q; k++)
      for (let l = 0; l < q; l++) {
        const span = Math.abs(k - l) + 1;
        w[k * q + l] = 1 - (span * (span - 1)) / 2 / max;
      }
    return w;
  }
  const x = values && values.length === q && Array.from(values).every(Number.isFinite) ? Array.from(values) : Array.from({ length: q }, (_, i) => i + 1);
  const range = Math.max(...x) - Math.min(...x);
  for (let k = 0; k < q; k++)
    for (let l = 0; l < q; l++) {
      const d = Math.abs(x[k] - x[l]) / range;
      w[k * q + l] = scheme === 'quadratic' ? 1 - d * d : 1 - d;
    }
  return w;
}

import type { Level } from './types.ts';
import type { ValueTable } from './ratings.ts';

/** |A ∩ B| and |A ∪ B| of two sorted id lists. */
function overlap(a: Int32Array, b: Int32Array): [number, number] {
  let i = 0;
  let j = 0;
  let both = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      both++;
      i++;
      j++;
    } else if (a[i] < b[j]) i++;
    else j++;
  }
  return [both, a.length + b.length - both];
}

/** Jaccard distance: 1 - |A ∩ B| / |A ∪ B| (two empty sets are equal). */
export function jaccardDistance(a: Int32Array, b: Int32Array): number {
  const [both, either] = overlap(a, b);
  return either === 0 ? 0 : 1 - both / either;
}

/**
 * MASI distance (Passonneau 2006): 1 - J * M, with J the Jaccard similarity and M the
 * monotonicity weight: 1 when equal, 2/3 when one set contains the other, 1/3 when they merely
 * overlap, 0 when disjoint. The exact thirds, not the .67/.33 some libraries round to.
 */
export function masiDistance(a: Int32Array, b: Int32Array): number {
  const [both, either] = overlap(a, b);
  if (either === 0) return 0;
  if (both === 0) return 1;
  let m: number;
  if (both === a.length && both === b.length) m = 1;
  else if (both === a.length || both === b.length) m = 2 / 3;
  else m = 1 / 3;
  return 1 - (both / either) * m;
}

/** Whether the distances depend on the value frequencies (only ordinal's do). */
export function dependsOnMarginals(level: Level): boolean {
  return level === 'ordinal';
}

/**
 * The V x V distance matrix delta_ck (row-major) of a level. `marginals` (n_c) is used by the
 * ordinal metric only, whose codes are ranks: delta_ck = (sum_{g=c..k} n_g - (n_c + n_k) / 2)^2.
 */
export function distanceMatrix(level: Level, values: ValueTable, marginals?: ArrayLike<number>): Float64Array {
  const V = values.keys.length;
  const d = new Float64Array(V * V);
  switch (level) {
    case 'nominal':
      for (let c = 0; c < V; c++) for (let k = 0; k < V; k++) d[c * V + k] = c === k ? 0 : 1;
      break;
    case 'ordinal': {
      if (!marginals) throw new Error('the ordinal metric needs the value frequencies');
      const prefix = new Float64Array(V + 1);
      for (let g = 0; g < V; g++) prefix[g + 1] = prefix[g] + marginals[g];
      for (let c = 0; c < V; c++)
        for (let k = c + 1; k < V; k++) {
          const x = prefix[k + 1] - prefix[c] - (marginals[c] + marginals[k]) / 2;
          d[c * V + k] = d[k * V + c] = x * x;
        }
      break;
    }
    case 'interval': {
      const x = values.numbers!;
      for (let c = 0; c < V; c++) for (let k = 0; k < V; k++) d[c * V + k] = (x[c] - x[k]) ** 2;
      break;
    }
    case 'ratio': {
      const x = values.numbers!;
      for (let c = 0; c < V; c++)
        for (let k = 0; k < V; k++) {
          const sum = x[c] + x[k];
          // Two zeros are the same value: no distance (the formula alone would give 0/0).
          d[c * V + k] = sum === 0 ? 0 : ((x[c] - x[k]) / sum) ** 2;
        }
      break;
    }
    case 'masi':
    case 'jaccard': {
      const s = values.sets!;
      const f = level === 'masi' ? masiDistance : jaccardDistance;
      for (let c = 0; c < V; c++)
        for (let k = c + 1; k < V; k++) d[c * V + k] = d[k * V + c] = f(s[c], s[k]);
      break;
    }
  }
  return d;
}

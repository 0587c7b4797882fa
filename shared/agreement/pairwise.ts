import { computeAlpha } from './alpha.ts';
import type { CodedRatings } from './ratings.ts';
import type { AlphaResult } from './types.ts';

export interface PairAgreement {
  raters: [string, string];
  /** Units both raters gave a value. */
  units: number;
  /** Share of those units where the two values are identical, in percent; null with no shared unit. */
  percentAgreement: number | null;
  /** Alpha of the two raters alone, on the units they share, at the data's level. */
  result: AlphaResult;
}

/** Alpha and percent agreement for every pair of raters, each on the units the pair shares. */
export function pairwiseAgreement(data: CodedRatings, raterNames: readonly string[]): PairAgreement[] {
  const R = data.raterCount;
  const out: PairAgreement[] = [];
  const shared = new Int32Array(2 * data.unitCount);
  for (let a = 0; a < R; a++)
    for (let b = a + 1; b < R; b++) {
      let units = 0;
      let same = 0;
      for (let u = 0; u < data.unitCount; u++) {
        const ca = data.codes[u * R + a];
        const cb = data.codes[u * R + b];
        if (ca < 0 || cb < 0) continue;
        shared[2 * units] = ca;
        shared[2 * units + 1] = cb;
        units++;
        if (ca === cb) same++;
      }
      out.push({
        raters: [raterNames[a] ?? `rater ${a + 1}`, raterNames[b] ?? `rater ${b + 1}`],
        units,
        percentAgreement: units ? (100 * same) / units : null,
        result: computeAlpha({ ...data, unitCount: units, raterCount: 2, codes: shared.slice(0, 2 * units) }),
      });
    }
  return out;
}

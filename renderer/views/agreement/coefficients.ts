import type { CoefficientReport } from '../../../shared/agreement/coefficient-report.ts';
import type { Coefficient, CoefficientSet } from '../../../shared/agreement/coefficient-table.ts';

/** The coefficients the Coefficients tab offers, alpha (the primary figure) first. */
export const coefficientKeys = ['alpha', 'percent', 'cohen', 'fleiss', 'conger', 'gwet', 'brennanPrediger'] as const;
export type CoefficientKey = (typeof coefficientKeys)[number];

/** The key of a coefficient in `concord agreement --json` (the CLI contract), for the e2e and for people who read both. */
export function contractKeyOf(key: CoefficientKey, gwetName: 'AC1' | 'AC2'): string {
  if (key === 'gwet') return gwetName === 'AC1' ? 'gwet_ac1' : 'gwet_ac2';
  if (key === 'brennanPrediger') return 'brennan_prediger';
  return key;
}

export function coefficientName(key: CoefficientKey, gwetName: 'AC1' | 'AC2' = 'AC1'): string {
  switch (key) {
    case 'alpha':
      return "Krippendorff's α";
    case 'percent':
      return 'Percent agreement';
    case 'cohen':
      return "Cohen's κ";
    case 'fleiss':
      return "Fleiss' κ";
    case 'conger':
      return "Conger's κ";
    case 'gwet':
      return `Gwet's ${gwetName}`;
    case 'brennanPrediger':
      return 'Brennan-Prediger';
  }
}

/**
 * What each coefficient assumes and how it treats a missing rating, in plain words (ours). The
 * treatment of missing ratings is irrCAC's (Gwet 2014), which the numbers follow.
 */
export const coefficientNotes: Record<CoefficientKey, { assumes: string; missing: string }> = {
  alpha: {
    assumes:
      'The team’s primary figure. It sets the disagreement observed within entries against the disagreement expected if every value had been paired at random with any other, and corrects for small samples. Any number of annotators; an ordinal scale is weighted by distance.',
    missing: 'An entry counts once two or more people rated it; a missing rating takes part in nothing, and nobody has to rate everything.',
  },
  percent: {
    assumes: 'The share of pairs of ratings on the same entry that match. It corrects nothing for chance: when one category is very common, it stays high even for people who guess.',
    missing: 'Averaged over the entries with two or more ratings; a missing rating simply forms no pair.',
  },
  cohen: {
    assumes:
      'Each pair of annotators on its own: how far their agreement goes beyond what each one’s own habits (how often each uses each category) would give by chance. Shown is the mean over pairs (Light’s κ); every pair is listed below.',
    missing: 'A pair is compared on the entries both of them rated; an entry either one skipped is left out of that pair only. The mean has no textbook standard error, so its interval comes from resampling entries.',
  },
  fleiss: {
    assumes: 'Agreement beyond chance for any number of annotators, chance taken from how often the team as a whole uses each category, as if everybody shared one habit.',
    missing: 'Observed agreement is averaged over entries with two or more ratings; the category shares come from every rated entry, single ratings included (irrCAC’s reading).',
  },
  conger: {
    assumes: 'Like Fleiss’ κ, but each annotator keeps their own habit: chance comes from each person’s own category shares. Cohen’s κ generalised to more than two annotators.',
    missing: 'As for Fleiss’ κ: pairs within entries with two or more ratings; each person’s shares from every entry that person rated.',
  },
  gwet: {
    assumes:
      'Agreement beyond the part of the ratings that could be guesses. It stays steady when one category dominates (as General does among Deep-Bench’s tasks), where the κ coefficients drop; AC2 gives near misses on an ordinal scale partial credit.',
    missing: 'As for Fleiss’ κ: pairs within entries with two or more ratings, category shares from every rated entry.',
  },
  brennanPrediger: {
    assumes: 'Agreement beyond a chance that treats every category as equally likely (one in the number of categories). It depends on how many categories the codebook offers, used or not.',
    missing: 'Pairs within entries with two or more ratings; chance does not depend on the ratings at all.',
  },
};

export function coefficientOf(set: CoefficientSet, key: CoefficientKey): Coefficient {
  return set[key];
}

/** Pooled first, then each dimension that has coefficients. */
export function scopesOf(report: CoefficientReport): { id: string; label: string; kind: string | null; set: CoefficientSet; units: number; treatment: string }[] {
  return [
    ...(report.pooled ? [{ id: 'pooled', label: 'Pooled', kind: null, set: report.pooled.coefficients, units: report.pooled.units, treatment: report.pooled.treatment }] : []),
    ...report.dimensions
      .filter((d) => d.table)
      .map((d) => ({ id: d.id, label: d.label, kind: d.kind as string, set: d.table!.coefficients, units: d.table!.units, treatment: d.treatment })),
  ];
}

/** The common scale of a column of interval bars: from the lowest value or interval end shown (or 0) to 1. */
export function coefficientScale(values: (Coefficient | null | undefined)[]): { min: number; max: number } {
  let min = 0;
  for (const c of values) for (const x of [c?.value ?? null, c?.ci?.[0] ?? null]) if (x !== null && x < min) min = x;
  return { min: Math.floor(min * 10) / 10, max: 1 };
}

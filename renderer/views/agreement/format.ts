import type { DbAgreementReport, Figure } from '../../../shared/agreement/report.ts';
import type { AlphaInterval } from '../../../shared/agreement/types.ts';

/** Alpha as papers print it: three decimals (the CLI prints the same). */
export function formatAlpha(x: number | null): string {
  return x === null ? 'undefined' : x.toFixed(3);
}

export function formatShare(x: number | null): string {
  return x === null ? 'undefined' : x.toFixed(3);
}

/** Coincidence counts are whole in a two-rater table and often halves or thirds beyond. */
export function formatCount(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(2).replace(/0+$/, '');
}

export function formatPercent(x: number | null): string {
  return x === null ? '—' : `${x.toFixed(1)}%`;
}

/**
 * The thresholds the report gives probabilities for (Krippendorff's .800 and .667), highest
 * first, read from the report itself; none when it was computed without a bootstrap.
 */
export function thresholdsOf(report: DbAgreementReport): number[] {
  const figures: Figure[] = [
    ...(report.pooled ? [report.pooled.figure] : []),
    ...report.dimensions.flatMap((d) => [...d.measures.map((m) => m.figure), ...d.perValue.map((v) => v.figure)]),
  ];
  const iv = figures.find((f) => f.interval)?.interval;
  return iv ? Object.keys(iv.probabilityBelow).map(Number).sort((a, b) => b - a) : [];
}

export function probabilities(iv: AlphaInterval | null): { threshold: string; p: number | null }[] {
  return iv ? Object.entries(iv.probabilityBelow).map(([threshold, p]) => ({ threshold, p })) : [];
}

/** good at or above the highest threshold, fair at or above the next, poor below; none when undefined. */
export type Tone = 'good' | 'fair' | 'poor' | 'none';

export function toneOf(alpha: number | null, thresholds: number[]): Tone {
  if (alpha === null || thresholds.length === 0) return 'none';
  if (alpha >= thresholds[0]) return 'good';
  if (thresholds.length > 1 && alpha >= thresholds[1]) return 'fair';
  return 'poor';
}

/** The common scale of the interval bars: from the lowest figure shown (or 0) up to 1, alpha's maximum. */
export function scaleOf(report: DbAgreementReport): { min: number; max: number } {
  let min = 0;
  const see = (f: Figure) => {
    for (const x of [f.alpha, f.interval?.low ?? null]) if (x !== null && x < min) min = x;
  };
  if (report.pooled) see(report.pooled.figure);
  if (report.pooledNominal) see(report.pooledNominal.figure);
  for (const d of report.dimensions) {
    d.measures.forEach((m) => see(m.figure));
    d.perValue.forEach((v) => see(v.figure));
  }
  return { min: Math.floor(min * 10) / 10, max: 1 };
}

/** Shortens the service's reason for an undefined alpha to its first clause, for tight cells. */
export function shortReason(reason: string | undefined): string {
  if (!reason) return 'no reason given';
  const cut = reason.indexOf(':');
  return cut > 0 ? reason.slice(0, cut) : reason;
}

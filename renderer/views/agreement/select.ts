import type { DbAgreementReport, Measure, ValueFigure } from '../../../shared/agreement/report.ts';
import type { MeasureRef } from './cell-entries.ts';

/** The figure, coincidence matrix and (for measures) pairwise table a reference points at. */
export type Picked =
  | { kind: 'measure'; title: string; measure: Measure }
  | { kind: 'value'; title: string; value: ValueFigure };

export function refKey(ref: MeasureRef): string {
  if (ref.scope === 'pooled') return `pooled/${ref.measure}`;
  if (ref.scope === 'dimension') return `dim/${ref.dimension}/${ref.measure}`;
  return `value/${ref.dimension}/${ref.valueId}`;
}

export function sameRef(a: MeasureRef | null, b: MeasureRef | null): boolean {
  return !!a && !!b && refKey(a) === refKey(b);
}

/** The pooled MASI figure when there is one, else the first dimension's primary measure. */
export function defaultRef(report: DbAgreementReport): MeasureRef | null {
  if (report.pooled) return { scope: 'pooled', measure: 'masi', dimensions: report.pooled.dimensions };
  const d = report.dimensions.find((x) => x.primary);
  return d ? { scope: 'dimension', dimension: d.id, measure: d.primary! } : null;
}

export function pick(report: DbAgreementReport, ref: MeasureRef | null): Picked | null {
  if (!ref) return null;
  if (ref.scope === 'pooled') {
    const m = ref.measure === 'masi' ? report.pooled : report.pooledNominal;
    return m ? { kind: 'measure', title: `Pooled · ${m.id}`, measure: m } : null;
  }
  const d = report.dimensions.find((x) => x.id === ref.dimension);
  if (!d) return null;
  if (ref.scope === 'dimension') {
    const m = d.measures.find((x) => x.id === ref.measure);
    return m ? { kind: 'measure', title: `${d.label} · ${m.id}`, measure: m } : null;
  }
  const v = d.perValue.find((x) => x.valueId === ref.valueId);
  return v ? { kind: 'value', title: `${d.label} · ${v.kind} ${v.label}`, value: v } : null;
}

/** Keeps the selection across a recompute when the new report still has it. */
export function keepRef(report: DbAgreementReport, ref: MeasureRef | null): MeasureRef | null {
  if (ref?.scope === 'pooled' && report.pooled) return { ...ref, dimensions: report.pooled.dimensions };
  return ref && pick(report, ref) ? ref : defaultRef(report);
}

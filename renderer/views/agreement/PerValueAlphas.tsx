import { useState } from 'react';
import type { DbAgreementReport, ValueFigure } from '../../../shared/agreement/report.ts';
import type { MeasureRef } from './cell-entries.ts';
import { AlphaValue } from './AlphaValue.tsx';
import { clickable } from './clickable.ts';
import { IntervalBar } from './IntervalBar.tsx';

interface Props {
  report: DbAgreementReport;
  scale: { min: number; max: number };
  thresholds: number[];
  selected: MeasureRef | null;
  onSelect(ref: MeasureRef): void;
}

type Row = { dimension: string; dimensionLabel: string; v: ValueFigure };

/** Worst first; undefined figures after every defined one (they cannot be ranked), then by label. */
export function sortWorstFirst(rows: Row[]): Row[] {
  return [...rows].sort((a, b) => {
    const x = a.v.figure.alpha;
    const y = b.v.figure.alpha;
    if (x === null || y === null) return x === y ? a.v.label.localeCompare(b.v.label) : x === null ? 1 : -1;
    return x - y || a.v.label.localeCompare(b.v.label);
  });
}

/** Binary alpha of every taxonomy type and subtype and every checklist item, worst first. */
export function PerValueAlphas({ report, scale, thresholds, selected, onSelect }: Props) {
  const all: Row[] = report.dimensions.flatMap((d) => d.perValue.map((v) => ({ dimension: d.id, dimensionLabel: d.label, v })));
  const kinds = [...new Set(all.map((r) => `${r.dimension}/${r.v.kind}`))];
  const [filter, setFilter] = useState<string>('all');
  if (!all.length) return null;
  const shown = sortWorstFirst(filter === 'all' ? all : all.filter((r) => `${r.dimension}/${r.v.kind}` === filter));
  const isSel = (r: Row) => selected?.scope === 'value' && selected.dimension === r.dimension && selected.valueId === r.v.valueId;
  const kindLabel = (k: string) => {
    const [dim, kind] = k.split('/');
    return `${report.dimensions.find((d) => d.id === dim)?.label ?? dim} ${kind}s`;
  };
  return (
    <section className="ag-section" data-testid="per-value">
      <div className="ag-section-head">
        <h3>Per-value α, worst first</h3>
        <span className="muted small">binary: the value is present or absent in each rater's label</span>
        <div className="grow" />
        <select className="select select-sm" value={filter} onChange={(e) => setFilter(e.target.value)} data-testid="per-value-filter">
          <option value="all">All ({all.length})</option>
          {kinds.map((k) => (
            <option key={k} value={k}>
              {kindLabel(k)} ({all.filter((r) => `${r.dimension}/${r.v.kind}` === k).length})
            </option>
          ))}
        </select>
      </div>
      <div className="pv-list">
        {shown.map((r) => (
          <div
            key={`${r.dimension}/${r.v.valueId}`}
            className={`pv-row ${isSel(r) ? 'is-selected' : ''}`}
            data-testid="per-value-row"
            data-value-id={r.v.valueId}
            data-alpha={r.v.figure.alpha ?? ''}
            {...clickable(() => onSelect({ scope: 'value', dimension: r.dimension, valueId: r.v.valueId }))}
          >
            <span className={`pv-kind pv-kind-${r.v.kind}`}>{r.v.kind}</span>
            <span className="pv-label" title={`${r.dimensionLabel}: ${r.v.label}`}>
              {r.v.label}
            </span>
            <span className={`pv-alpha ${r.v.figure.alpha === null ? 'is-undefined' : ''}`}>
              <AlphaValue result={r.v.figure} thresholds={thresholds} />
            </span>
            {r.v.figure.alpha !== null && (
              <span className="pv-bar">
                <IntervalBar figure={r.v.figure} scale={scale} thresholds={thresholds} />
              </span>
            )}
          </div>
        ))}
      </div>
    </section>
  );
}

import { Fragment } from 'react';
import type { DbAgreementReport, Figure } from '../../../shared/agreement/report.ts';
import type { MeasureRef } from './cell-entries.ts';
import { AlphaValue } from './AlphaValue.tsx';
import { clickable } from './clickable.ts';
import { formatAlpha, formatShare, probabilities } from './format.ts';
import { IntervalBar, IntervalScale } from './IntervalBar.tsx';
import { refKey } from './select.ts';

interface Props {
  report: DbAgreementReport;
  scale: { min: number; max: number };
  thresholds: number[];
  selected: MeasureRef | null;
  onSelect(ref: MeasureRef): void;
}

/** One row per measure of each dimension: alpha, interval, probabilities below the thresholds, units, values, raters, level. */
export function AgreementTable({ report, scale, thresholds, selected, onSelect }: Props) {
  const selKey = selected ? refKey(selected) : null;
  const probHeads = probabilities(report.pooled?.figure.interval ?? report.dimensions.flatMap((d) => d.measures)[0]?.figure.interval ?? null).map(
    (p) => p.threshold,
  );

  const row = (ref: MeasureRef, name: React.ReactNode, measureId: string, description: string, f: Figure, primary: boolean, testId: string, dim: string) => (
    <tr
      key={refKey(ref)}
      className={`ag-row ${selKey === refKey(ref) ? 'is-selected' : ''} ${primary ? '' : 'is-secondary'}`}
      data-testid={testId}
      data-dimension={dim}
      data-measure={measureId}
      data-alpha={f.alpha ?? ''}
      data-units={f.units}
      data-values={f.values}
      data-raters={f.raters}
      {...clickable(() => onSelect(ref))}
    >
      <td className="ag-dim">{name}</td>
      <td title={description}>
        <span className="mono">{measureId}</span>
        {primary && <span className="ag-primary" title="the measure that stands for the dimension">primary</span>}
      </td>
      <td className="num">
        <AlphaValue result={f} thresholds={thresholds} bare />
      </td>
      {f.alpha === null ? (
        <td colSpan={2 + probHeads.length} className="ag-undefined-reason small" data-testid="interval-text">
          {f.undefinedReason}
        </td>
      ) : (
        <>
          <td className="ag-barcell">
            <IntervalBar figure={f} scale={scale} thresholds={thresholds} />
          </td>
          <td className="num mono small" data-testid="interval-text">
            {f.interval && f.interval.low !== null ? `[${formatAlpha(f.interval.low)}, ${formatAlpha(f.interval.high)}]` : f.interval ? 'no defined resample' : 'no bootstrap'}
          </td>
          {probHeads.map((t) => (
            <td key={t} className="num mono small">
              {f.interval ? formatShare(f.interval.probabilityBelow[t as '0.800'] ?? null) : ''}
            </td>
          ))}
        </>
      )}
      <td className="num" data-testid="units">
        {f.units}
      </td>
      <td className="num">{f.values}</td>
      <td className="num">{f.raters}</td>
      <td className="muted">{f.level}</td>
    </tr>
  );

  return (
    <table className="ag-table" data-testid="agreement-table">
      <thead>
        <tr>
          <th>Dimension</th>
          <th>Measure</th>
          <th className="num">α</th>
          <th className="ag-barcell">
            95% interval
            <IntervalScale scale={scale} thresholds={thresholds} compact />
          </th>
          <th className="num" />
          {probHeads.map((t) => (
            <th key={t} className="num" title={`Share of bootstrap resamples with alpha below ${t}`}>
              P(α&lt;{t.replace(/^0/, '')})
            </th>
          ))}
          <th className="num" title="Pairable units: units with values from at least two raters">
            Units
          </th>
          <th className="num" title="Pairable values">
            Values
          </th>
          <th className="num">Raters</th>
          <th>Level</th>
        </tr>
      </thead>
      <tbody>
        {report.pooled &&
          row(
            { scope: 'pooled', measure: 'masi', dimensions: report.pooled.dimensions },
            <strong>Pooled</strong>,
            'masi',
            report.pooled.description,
            report.pooled.figure,
            true,
            'pooled-row',
            'pooled',
          )}
        {report.pooledNominal &&
          row(
            { scope: 'pooled', measure: 'nominal', dimensions: report.pooledNominal.dimensions },
            '',
            'nominal',
            report.pooledNominal.description,
            report.pooledNominal.figure,
            false,
            'pooled-row',
            'pooled',
          )}
        {report.dimensions.map((d) => (
          <Fragment key={d.id}>
            {d.measures.map((m, i) =>
              row(
                { scope: 'dimension', dimension: d.id, measure: m.id },
                i === 0 ? (
                  <>
                    <strong>{d.label}</strong> <span className="muted small">{d.kind}</span>
                  </>
                ) : (
                  ''
                ),
                m.id,
                m.description,
                m.figure,
                m.id === d.primary,
                'dimension-row',
                d.id,
              ),
            )}
            {d.measures.length === 0 && (
              <tr className="ag-row is-static" data-testid="dimension-row" data-dimension={d.id}>
                <td className="ag-dim">
                  <strong>{d.label}</strong> <span className="muted small">{d.kind}</span>
                </td>
                <td colSpan={8 + probHeads.length} className="muted">
                  {d.note ?? 'no measure'}
                </td>
              </tr>
            )}
            {d.ignored.map((ig) => (
              <tr key={ig.reason} className="ag-row is-static">
                <td />
                <td colSpan={8 + probHeads.length} className="ag-warn small">
                  {ig.count} label{ig.count === 1 ? '' : 's'} left out: {ig.reason}
                </td>
              </tr>
            ))}
          </Fragment>
        ))}
      </tbody>
    </table>
  );
}

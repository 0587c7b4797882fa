import { useMemo } from 'react';
import type { Codebook } from '../../../shared/codebook/schema.ts';
import type { DbDriftReport, DriftBy } from '../../../shared/agreement/drift.ts';
import { driftChartSvg } from '../../../shared/tables/charts.ts';
import { provenanceText } from '../../../shared/tables/provenance.ts';
import { svgDataUrl } from '../export/download.ts';
import { AlphaValue } from './AlphaValue.tsx';
import { formatAlpha } from './format.ts';
import { IntervalBar, IntervalScale } from './IntervalBar.tsx';

interface Props {
  report: DbDriftReport;
  by: DriftBy;
  dimension: string | null;
  codebook: Codebook | null;
  thresholds: number[];
  onChange(patch: { by?: DriftBy; dimension?: string | null }): void;
}

/**
 * Alpha per week of labelling time or per batch of 50 entries: the chart the export writes, the
 * figures of each group with their intervals, and which time was used.
 */
export function DriftPanel({ report, by, dimension, codebook, thresholds, onChange }: Props) {
  const chart = useMemo(() => svgDataUrl(driftChartSvg(report, provenanceText(report.provenance))), [report]);
  const scale = useMemo(() => {
    let min = 0;
    for (const f of [report.overall, ...report.groups.map((g) => g.figure)]) for (const x of [f.alpha, f.interval?.low ?? null]) if (x !== null && x < min) min = x;
    return { min: Math.floor(min * 10) / 10, max: 1 };
  }, [report]);
  const followable = (codebook?.dimensions ?? []).filter((d) => d.kind !== 'text');
  return (
    <div className="fig-panel" data-testid="drift-panel" data-by={report.by} data-scope={report.figure.scope}>
      <section className="ag-section">
        <div className="ag-section-head fig-controls">
          <div className="segmented" role="radiogroup" aria-label="Group by">
            {(['week', 'batch'] as const).map((b) => (
              <button key={b} role="radio" aria-checked={b === by} className={b === by ? 'is-on' : ''} data-testid={`drift-by-${b}`} onClick={() => onChange({ by: b })}>
                {b === 'week' ? 'Per week of labelling time' : `Per batch of ${report.batchSize} entries`}
              </button>
            ))}
          </div>
          <label className="field fig-inline">
            <span>Figure</span>
            <select className="select select-sm" value={dimension ?? ''} onChange={(e) => onChange({ dimension: e.target.value || null })} data-testid="drift-dimension">
              <option value="">Pooled α (all categorical dimensions)</option>
              {followable.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.label}
                </option>
              ))}
            </select>
          </label>
        </div>
        <div className="fig-note" data-testid="drift-time">
          <strong>Which time.</strong> {report.time.replace(/^Time: /, '')}
          {report.undated > 0 && ` ${report.undated} entr${report.undated === 1 ? 'y carries' : 'ies carry'} no time and ${report.undated === 1 ? 'is' : 'are'} left out of the groups.`}
        </div>
      </section>
      <section className="ag-section">
        <div className="fig-chart">
          <img src={chart} alt={`Alpha per ${by === 'week' ? 'week' : 'batch'}, with 95% intervals`} data-testid="drift-chart" />
        </div>
      </section>
      <section className="ag-section">
        <div className="ag-table-wrap">
          <table className="ag-table fig-table" data-testid="drift-table">
            <thead>
              <tr>
                <th>{by === 'week' ? 'Week' : 'Batch'}</th>
                <th className="num">Entries</th>
                <th className="num">α</th>
                <th className="ag-barcell">
                  95% interval
                  <IntervalScale scale={scale} thresholds={thresholds} compact />
                </th>
                <th className="num" />
                <th className="num">Units</th>
              </tr>
            </thead>
            <tbody>
              {[...report.groups.map((g) => ({ key: g.key, label: g.label, entries: g.entries, f: g.figure, total: false })), { key: 'all', label: 'All entries', entries: report.groups.reduce((n, g) => n + g.entries, 0), f: report.overall, total: true }].map((g) => (
                <tr
                  key={g.key}
                  className={`ag-row is-static ${g.total ? 'fig-total' : ''}`}
                  data-testid="drift-row"
                  data-key={g.key}
                  data-alpha={g.f.alpha ?? ''}
                  data-low={g.f.interval?.low ?? ''}
                  data-high={g.f.interval?.high ?? ''}
                  data-entries={g.entries}
                >
                  <td>{g.total ? <strong>{g.label}</strong> : g.label}</td>
                  <td className="num">{g.entries}</td>
                  <td className="num">
                    <AlphaValue result={g.f} thresholds={thresholds} bare />
                  </td>
                  {g.f.alpha === null ? (
                    <td colSpan={2} className="ag-undefined-reason small">
                      {g.f.undefinedReason}
                    </td>
                  ) : (
                    <>
                      <td className="ag-barcell">
                        <IntervalBar figure={g.f} scale={scale} thresholds={thresholds} />
                      </td>
                      <td className="fig-ci mono small">{g.f.interval && g.f.interval.low !== null ? `[${formatAlpha(g.f.interval.low)}, ${formatAlpha(g.f.interval.high)}]` : ''}</td>
                    </>
                  )}
                  <td className="num">{g.f.units}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div className="muted small">
          {report.figure.description}; 95% intervals from {report.bootstrap.resamples} bootstrap resamples of units, seed {report.bootstrap.seed}. Computed by {provenanceText(report.provenance)}.
        </div>
      </section>
    </div>
  );
}

import type { DbAgreementReport, Figure } from '../../../shared/agreement/report.ts';
import type { MeasureRef } from './cell-entries.ts';
import { AlphaValue } from './AlphaValue.tsx';
import { clickable } from './clickable.ts';
import { formatAlpha, formatShare, probabilities } from './format.ts';
import { IntervalBar, IntervalScale } from './IntervalBar.tsx';

interface Props {
  report: DbAgreementReport;
  scale: { min: number; max: number };
  thresholds: number[];
  selected: MeasureRef | null;
  onSelect(ref: MeasureRef): void;
}

function Numbers({ figure }: { figure: Figure }) {
  return (
    <span className="muted">
      {figure.units} units · {figure.values} values · {figure.raters} raters
    </span>
  );
}

/** The single figure a paper reports: pooled MASI alpha, its interval and how likely it is below the thresholds. */
export function PooledFigure({ report, scale, thresholds, selected, onSelect }: Props) {
  const pooled = report.pooled;
  const nominal = report.pooledNominal;
  if (!pooled) return null;
  const f = pooled.figure;
  const iv = f.interval;
  const dimLabels = pooled.dimensions.map((id) => report.dimensions.find((d) => d.id === id)?.label ?? id);
  const isSel = (m: 'masi' | 'nominal') => selected?.scope === 'pooled' && selected.measure === m;
  return (
    <div className="ag-hero-row">
      <div
        className={`ag-card ag-hero ${isSel('masi') ? 'is-selected' : ''}`}
        data-testid="pooled-figure"
        data-alpha={f.alpha ?? ''}
        data-units={f.units}
        {...clickable(() => onSelect({ scope: 'pooled', measure: 'masi', dimensions: pooled.dimensions }))}
      >
        <div className="ag-card-label">
          Pooled <span className="nocase">α</span> · the figure to report
        </div>
        <div className="ag-hero-main">
          <div className="ag-hero-alpha" data-testid="pooled-alpha">
            <AlphaValue result={f} thresholds={thresholds} full />
          </div>
          <div className="ag-hero-side">
            {iv && iv.low !== null ? (
              <div data-testid="pooled-interval">
                95% interval <strong className="mono">[{formatAlpha(iv.low)}, {formatAlpha(iv.high)}]</strong>
              </div>
            ) : (
              <div className="muted">{iv ? 'no resample gave a defined alpha' : 'no interval: computed without bootstrap'}</div>
            )}
            <div className="ag-probs" data-testid="pooled-probabilities">
              {probabilities(iv).map(({ threshold, p }) => (
                <span key={threshold} data-threshold={threshold}>
                  P(α &lt; {threshold}) <strong className="mono">{formatShare(p)}</strong>
                </span>
              ))}
            </div>
            <Numbers figure={f} />
          </div>
        </div>
        <div className="ag-hero-bar">
          <IntervalBar figure={f} scale={scale} thresholds={thresholds} wide />
          <IntervalScale scale={scale} thresholds={thresholds} />
        </div>
        <div className="small muted">
          MASI over {dimLabels.join(', ')}: one unit per entry and dimension; a one-value dimension counts as nominal, sets get partial credit.
          {iv && ` ${iv.defined} of ${iv.resamples} resamples defined, seed ${iv.seed}.`}
        </div>
      </div>
      {nominal && (
        <div
          className={`ag-card ag-side-card ${isSel('nominal') ? 'is-selected' : ''}`}
          data-testid="pooled-nominal"
          data-alpha={nominal.figure.alpha ?? ''}
          {...clickable(() => onSelect({ scope: 'pooled', measure: 'nominal', dimensions: nominal.dimensions }))}
        >
          <div className="ag-card-label">
            Pooled <span className="nocase">α</span> · nominal
          </div>
          <div className="ag-side-alpha">
            <AlphaValue result={nominal.figure} thresholds={thresholds} full />
          </div>
          {nominal.figure.interval && nominal.figure.interval.low !== null && (
            <div className="mono small">
              [{formatAlpha(nominal.figure.interval.low)}, {formatAlpha(nominal.figure.interval.high)}]
            </div>
          )}
          <Numbers figure={nominal.figure} />
          <div className="small muted">Sets compared by exact match: a stricter reading of the same units.</div>
        </div>
      )}
    </div>
  );
}

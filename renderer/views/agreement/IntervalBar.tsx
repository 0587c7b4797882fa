import type { Figure } from '../../../shared/agreement/report.ts';
import { formatAlpha, toneOf } from './format.ts';

interface Props {
  figure: Figure;
  scale: { min: number; max: number };
  thresholds: number[];
  wide?: boolean;
}

/** The bootstrap 95% interval as a bar on a common alpha scale, the point estimate as a tick, thresholds as guides. */
export function IntervalBar({ figure, scale, thresholds, wide }: Props) {
  const span = scale.max - scale.min || 1;
  const at = (x: number) => `${(100 * (Math.min(scale.max, Math.max(scale.min, x)) - scale.min)) / span}%`;
  const iv = figure.interval;
  const tone = toneOf(figure.alpha, thresholds);
  const title =
    figure.alpha === null
      ? `undefined: ${figure.undefinedReason ?? ''}`
      : iv && iv.low !== null
        ? `α ${formatAlpha(figure.alpha)}, 95% interval [${formatAlpha(iv.low)}, ${formatAlpha(iv.high)}] from ${iv.defined} of ${iv.resamples} resamples`
        : `α ${formatAlpha(figure.alpha)} (no interval: ${iv ? 'no resample gave a defined alpha' : 'computed without bootstrap'})`;
  return (
    <div className={`ivbar ${wide ? 'ivbar-wide' : ''}`} title={title} data-testid="interval-bar">
      <div className="ivbar-track" />
      {scale.min < 0 && <div className="ivbar-zero" style={{ left: at(0) }} />}
      {thresholds.map((t) => (
        <div key={t} className="ivbar-guide" style={{ left: at(t) }} />
      ))}
      {iv && iv.low !== null && iv.high !== null && (
        <div className={`ivbar-span tone-${tone}`} style={{ left: at(iv.low), width: `calc(${at(iv.high)} - ${at(iv.low)})` }} />
      )}
      {figure.alpha !== null && <div className={`ivbar-point tone-${tone}`} style={{ left: at(figure.alpha) }} />}
    </div>
  );
}

/** Tick labels under a column of interval bars: the scale's ends, zero and the thresholds. */
export function IntervalScale({ scale, thresholds, compact }: { scale: { min: number; max: number }; thresholds: number[]; compact?: boolean }) {
  const span = scale.max - scale.min || 1;
  // A narrow column has no room to name the thresholds: their dashed guides stand alone there.
  const marks = [...new Set([scale.min, 0, ...(compact ? [] : thresholds), scale.max])].filter((x) => x >= scale.min && x <= scale.max);
  return (
    <div className="ivscale">
      {marks.map((m) => (
        <span key={m} style={{ left: `${(100 * (m - scale.min)) / span}%` }}>
          {thresholds.includes(m) ? m.toFixed(3).replace(/^0/, '') : String(m)}
        </span>
      ))}
    </div>
  );
}

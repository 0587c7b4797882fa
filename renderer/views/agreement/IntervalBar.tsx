import type { Coefficient } from '../../../shared/agreement/coefficient-table.ts';
import type { Figure } from '../../../shared/agreement/report.ts';
import { formatAlpha, toneOf, type Tone } from './format.ts';

interface BarProps {
  value: number | null;
  low: number | null;
  high: number | null;
  tone: Tone;
  title: string;
  scale: { min: number; max: number };
  thresholds: number[];
  wide?: boolean;
}

/** A 95% interval as a bar on a common scale, the point estimate as a tick, thresholds as guides. */
function Bar({ value, low, high, tone, title, scale, thresholds, wide }: BarProps) {
  const span = scale.max - scale.min || 1;
  const at = (x: number) => `${(100 * (Math.min(scale.max, Math.max(scale.min, x)) - scale.min)) / span}%`;
  return (
    <div className={`ivbar ${wide ? 'ivbar-wide' : ''} ${thresholds.length ? '' : 'ivbar-neutral'}`} title={title} data-testid="interval-bar">
      <div className="ivbar-track" />
      {scale.min < 0 && <div className="ivbar-zero" style={{ left: at(0) }} />}
      {thresholds.map((t) => (
        <div key={t} className="ivbar-guide" style={{ left: at(t) }} />
      ))}
      {low !== null && high !== null && <div className={`ivbar-span tone-${tone}`} style={{ left: at(low), width: `calc(${at(high)} - ${at(low)})` }} />}
      {value !== null && <div className={`ivbar-point tone-${tone}`} style={{ left: at(value) }} />}
    </div>
  );
}

interface Props {
  figure: Figure;
  scale: { min: number; max: number };
  thresholds: number[];
  wide?: boolean;
}

/** Alpha's bootstrap 95% interval as a bar. */
export function IntervalBar({ figure, scale, thresholds, wide }: Props) {
  const iv = figure.interval;
  const title =
    figure.alpha === null
      ? `undefined: ${figure.undefinedReason ?? ''}`
      : iv && iv.low !== null
        ? `α ${formatAlpha(figure.alpha)}, 95% interval [${formatAlpha(iv.low)}, ${formatAlpha(iv.high)}] from ${iv.defined} of ${iv.resamples} resamples`
        : `α ${formatAlpha(figure.alpha)} (no interval: ${iv ? 'no resample gave a defined alpha' : 'computed without bootstrap'})`;
  return (
    <Bar
      value={figure.alpha}
      low={iv?.low ?? null}
      high={iv?.high ?? null}
      tone={toneOf(figure.alpha, thresholds)}
      title={title}
      scale={scale}
      thresholds={thresholds}
      wide={wide}
    />
  );
}

/** Any coefficient's 95% interval (analytic or bootstrap) as the same bar. */
export function CoefficientBar({ c, name, scale, thresholds, wide }: { c: Coefficient; name: string; scale: { min: number; max: number }; thresholds: number[]; wide?: boolean }) {
  const how = c.ciMethod === 'analytic' ? `Gwet's standard error, t on ${c.analytic?.df} df` : c.ciMethod === 'bootstrap' ? `bootstrap, ${c.bootstrap?.defined} of ${c.bootstrap?.resamples} resamples` : '';
  const title =
    c.value === null
      ? `${name} undefined: ${c.reason ?? ''}`
      : c.ci
        ? `${name} ${formatAlpha(c.value)}, 95% interval [${formatAlpha(c.ci[0])}, ${formatAlpha(c.ci[1])}] (${how})`
        : `${name} ${formatAlpha(c.value)} (no interval: ${c.ciReason ?? 'none'})`;
  return <Bar value={c.value} low={c.ci?.[0] ?? null} high={c.ci?.[1] ?? null} tone={toneOf(c.value, thresholds)} title={title} scale={scale} thresholds={thresholds} wide={wide} />;
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

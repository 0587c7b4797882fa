import type { AgreementGroup } from '../../../shared/types.ts';
import type { IntervalsJob } from '../../store/study-slice.ts';

const fixed = (x: number | null) => (x === null ? '—' : x.toFixed(3));

/**
 * Alpha per group (round or version): pooled, then each dimension's primary figure, with intervals
 * (shown on hover) once the bootstrap computing them is done; until then, how far it got.
 */
export function AlphaTable({
  groups,
  by,
  testId,
  intervals,
  onCancel,
}: {
  groups: AgreementGroup[];
  by: 'round' | 'version';
  testId: string;
  intervals?: IntervalsJob | null;
  onCancel?: () => void;
}) {
  if (!groups.length) return <p className="muted small">{by === 'round' ? 'No rounds yet.' : 'No labels yet.'}</p>;
  const dims = [...new Map(groups.flatMap((g) => g.dimensions.filter((d) => d.units > 0).map((d) => [d.id, d.label] as const)))];
  return (
    <div className="alpha-table-wrap">
      <table className="table-plain alpha-table" data-testid={testId}>
        <thead>
          <tr>
            <th>{by === 'round' ? 'Round' : 'Version'}</th>
            <th className="num">Entries</th>
            <th className="num">Pooled α</th>
            {dims.map(([id, label]) => (
              <th key={id} className="num">
                {label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {groups.map((g) => (
            <tr key={g.group} data-testid="alpha-group" data-group={g.group} data-alpha={g.pooled?.alpha ?? ''}>
              <td>
                {g.group} <span className="muted small">{g.detail}</span>
              </td>
              <td className="num">{g.entries}</td>
              <td
                className="num"
                data-testid="alpha-pooled"
                data-low={g.pooled?.low ?? ''}
                data-high={g.pooled?.high ?? ''}
                title={g.pooled?.low !== null && g.pooled?.low !== undefined ? `95% interval [${fixed(g.pooled.low)}, ${fixed(g.pooled.high)}], ${g.pooled.units} units` : undefined}>
                <strong>{fixed(g.pooled?.alpha ?? null)}</strong>
              </td>
              {dims.map(([id]) => {
                const d = g.dimensions.find((x) => x.id === id);
                return (
                  <td key={id} className="num" data-testid={`alpha-${id}`} data-alpha={d?.alpha ?? ''} title={d ? `${d.measure}, ${d.units} units${d.low !== null ? `, [${fixed(d.low)}, ${fixed(d.high)}]` : ''}` : undefined}>
                    {d && d.units > 0 ? fixed(d.alpha) : ''}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      {intervals && (
        <p className="muted small alpha-intervals" data-testid={`${testId}-intervals`}>
          95% intervals: resampling{intervals.total > 0 ? `, ${Math.floor((100 * intervals.done) / intervals.total)}%` : '…'}{' '}
          {onCancel && (
            <button type="button" className="link-button" data-testid={`${testId}-stop`} onClick={onCancel}>
              Stop
            </button>
          )}
        </p>
      )}
    </div>
  );
}

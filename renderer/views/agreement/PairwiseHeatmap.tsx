import type { PairAgreement } from '../../../shared/agreement/pairwise.ts';
import { formatAlpha, formatPercent, shortReason, toneOf } from './format.ts';

/**
 * Every annotator pair's alpha on the units the pair shares, as a symmetric rater x rater grid, in
 * a box of its own that scrolls when a large team makes it wider than the column (never clipped).
 */
export function PairwiseHeatmap({ raters, pairs, thresholds }: { raters: string[]; pairs: PairAgreement[]; thresholds: number[] }) {
  const find = (a: string, b: string) => pairs.find((p) => (p.raters[0] === a && p.raters[1] === b) || (p.raters[0] === b && p.raters[1] === a));
  if (raters.length < 2) return <div className="muted small">Pairwise agreement needs two annotators or more.</div>;
  return (
    <div className="pw-scroll" data-testid="pairwise">
      <table className="heatmap pairwise" data-testid="pairwise-heatmap">
        <thead>
          <tr>
            <th />
            {raters.map((r) => (
              <th key={r} className="hm-col pw-name" title={r}>
                {r}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {raters.map((a) => (
            <tr key={a}>
              <th className="hm-row pw-name" title={a}>
                {a}
              </th>
              {raters.map((b) => {
                if (a === b) return <td key={b} className="hm-cell hm-self" />;
                const p = find(a, b);
                if (!p) return <td key={b} className="hm-cell" />;
                const alpha = p.result.alpha;
                const tone = toneOf(alpha, thresholds);
                const title = `${p.raters.join(' / ')}: alpha ${alpha === null ? `undefined (${p.result.undefinedReason})` : formatAlpha(alpha)}, ${formatPercent(p.percentAgreement)} agreement on ${p.units} shared units`;
                return (
                  <td
                    key={b}
                    className={`hm-cell pw-cell tone-bg-${tone}`}
                    style={alpha !== null ? { ['--heat' as string]: String(Math.max(0.12, Math.min(1, Math.abs(alpha)))) } : undefined}
                    title={title}
                    data-testid="pairwise-cell"
                    data-pair={`${a}/${b}`}
                    data-alpha={alpha ?? ''}
                  >
                    <div className="pw-alpha">{alpha === null ? 'undefined' : formatAlpha(alpha)}</div>
                    {alpha === null ? (
                        <div className="pw-sub pw-reason">{shortReason(p.result.undefinedReason)}</div>
                      ) : (
                        <div className="pw-sub">{`${formatPercent(p.percentAgreement)} · ${p.units} u`}</div>
                      )}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

import type { CoincidenceTable } from '../../../shared/agreement/types.ts';
import { formatCount } from './format.ts';

interface Props {
  table: CoincidenceTable;
  active: { row: number; col: number } | null;
  onCell(row: number, col: number): void;
}

/** Coincidences o_ck: how often value c was paired with value k by two raters in a unit (agreement on the diagonal). */
export function CoincidenceHeatmap({ table, active, onCell }: Props) {
  const { values, counts } = table;
  const offMax = Math.max(0, ...counts.flatMap((r, c) => r.filter((_, k) => k !== c)));
  const diagMax = Math.max(0, ...counts.map((r, c) => r[c]));
  const totals = counts.map((r) => r.reduce((s, x) => s + x, 0));
  if (values.length === 0) return <div className="muted small">No values were paired: there is no matrix to show.</div>;
  return (
    <div className="hm-scroll">
      <table className="heatmap coincidence" data-testid="coincidence-heatmap">
        <thead>
          <tr>
            <th className="hm-corner muted small">value \ paired with</th>
            {values.map((v, k) => (
              <th key={v.id} className="hm-col hm-num" title={v.label}>
                {k + 1}
              </th>
            ))}
            <th className="hm-col hm-num muted" title="n_c: how many pairable values are c">
              n
            </th>
          </tr>
        </thead>
        <tbody>
          {values.map((v, c) => (
            <tr key={v.id}>
              <th className="hm-row" title={v.label}>
                <span className="hm-index">{c + 1}</span>
                {v.label}
              </th>
              {values.map((w, k) => {
                const x = counts[c][k];
                const diag = c === k;
                const max = diag ? diagMax : offMax;
                const isActive = active?.row === c && active?.col === k;
                return (
                  <td
                    key={w.id}
                    className={`hm-cell co-cell ${diag ? 'is-diag' : 'is-off'} ${x > 0 ? 'has-count' : ''} ${isActive ? 'is-active' : ''}`}
                    style={x > 0 ? { ['--heat' as string]: String(0.15 + (0.85 * x) / (max || 1)) } : undefined}
                    title={`${v.label} paired with ${w.label}: ${formatCount(x)}`}
                    data-testid="coincidence-cell"
                    data-row={c}
                    data-col={k}
                    data-count={x}
                    onClick={x > 0 ? () => onCell(c, k) : undefined}
                  >
                    {x > 0 ? formatCount(x) : ''}
                  </td>
                );
              })}
              <td className="hm-cell hm-total muted">{formatCount(totals[c])}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The off-diagonal pairs with the most coincidences: where the annotators most often disagree. */
export function TopConfusions({ table, limit, onCell }: { table: CoincidenceTable; limit: number; onCell(row: number, col: number): void }) {
  const pairs: { c: number; k: number; x: number }[] = [];
  table.counts.forEach((r, c) => r.forEach((x, k) => k > c && x > 0 && pairs.push({ c, k, x })));
  pairs.sort((a, b) => b.x - a.x || a.c - b.c || a.k - b.k);
  const total = pairs.reduce((s, p) => s + p.x, 0);
  if (!pairs.length) return <div className="muted small" data-testid="top-confusions">No disagreements: every pair of values matched.</div>;
  return (
    <ol className="confusions" data-testid="top-confusions">
      {pairs.slice(0, limit).map((p) => (
        <li key={`${p.c}-${p.k}`}>
          <button className="confusion" data-testid="confusion" onClick={() => onCell(p.c, p.k)}>
            <span className="confusion-count mono">{formatCount(p.x)}</span>
            <span className="confusion-text">
              {table.values[p.c].label} <span className="muted">↔</span> {table.values[p.k].label}
            </span>
            <span className="muted small">{total ? `${Math.round((100 * p.x) / total)}%` : ''}</span>
          </button>
        </li>
      ))}
      {pairs.length > limit && <li className="muted small">and {pairs.length - limit} smaller pairs</li>}
    </ol>
  );
}

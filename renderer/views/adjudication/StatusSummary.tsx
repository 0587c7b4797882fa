import { useShallow } from 'zustand/react/shallow';
import type { ConsensusStatus } from '../../../shared/consensus/consensus.ts';
import { useApp } from '../../store/index.ts';

const COLUMNS: { status: ConsensusStatus; title: string; short: string }[] = [
  { status: 'agreed', title: 'Unanimous: final already', short: 'Agreed' },
  { status: 'majority', title: 'A strict majority: accept or override', short: 'Maj.' },
  { status: 'needs-decision', title: 'No majority: someone must decide', short: 'Split' },
  { status: 'decided', title: 'A decision is recorded', short: 'Decided' },
];

/** Agreed / majority / needs decision / decided, per dimension (from adjudication.summary). */
export function StatusSummary() {
  const { summary } = useApp(useShallow((s) => ({ summary: s.adjSummary })));
  if (!summary) return <div className="adj-summary muted small pad">Loading…</div>;
  // Stale decisions are counted under Decided too; the column shows only while there are any.
  const anyStale = summary.dimensions.some((d) => d.stale > 0);
  return (
    <div className="adj-summary" data-testid="adj-summary">
      <table className="adj-summary-table">
        <thead>
          <tr>
            <th />
            {COLUMNS.map((c) => (
              <th key={c.status} title={c.title} className={`adj-sum-${c.status}`}>
                {c.short}
              </th>
            ))}
            {anyStale && (
              <th title="Decided, but labels changed since the decision: look again" className="adj-sum-stale">
                Stale
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {summary.dimensions.map((d) => (
            <tr key={d.dimension} data-testid={`adj-summary-${d.dimension}`}>
              <th scope="row">{d.label}</th>
              {COLUMNS.map((c) => (
                <td key={c.status} data-status={c.status} className={d.counts[c.status] ? `adj-sum-${c.status}` : 'adj-sum-zero'}>
                  {d.counts[c.status]}
                </td>
              ))}
              {anyStale && (
                <td data-status="stale" className={d.stale ? 'adj-sum-stale' : 'adj-sum-zero'}>
                  {d.stale}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

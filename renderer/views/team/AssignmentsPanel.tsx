import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useApp } from '../../store/index.ts';
import { ManualAssign } from './ManualAssign.tsx';

/** The design's default: each entry labelled by three annotators (DESIGN.md §1). */
const DEFAULT_PER_ENTRY = 3;

/** Progress per annotator (assigned, to do, draft, submitted) and a balanced automatic assignment. */
export function AssignmentsPanel() {
  const { progress, annotators, busy, outcome, autoAssign } = useApp(
    useShallow((s) => ({ progress: s.teamProgress, annotators: s.annotators, busy: s.teamBusy, outcome: s.assignOutcome, autoAssign: s.autoAssign })),
  );
  const labellers = annotators.filter((a) => a.role === 'annotator').map((a) => a.name);
  // A smaller team than the default cannot give every entry that many annotators: offer what it can.
  const [perEntry, setPerEntry] = useState(String(Math.max(1, Math.min(DEFAULT_PER_ENTRY, labellers.length))));
  const [picked, setPicked] = useState<string[] | null>(null);
  const chosen = picked ?? labellers;
  const n = Number(perEntry);
  const valid = Number.isInteger(n) && n >= 1 && chosen.length >= n;
  return (
    <section className="team-card" data-testid="assignments">
      <div className="team-card-head">
        <h3>Assignments</h3>
        <span className="muted small">each annotator's queue and how far along it is</span>
      </div>
      <table className="team-table" data-testid="progress-table">
        <thead>
          <tr>
            <th>Annotator</th>
            <th className="num">Assigned</th>
            <th className="num">To do</th>
            <th className="num">Draft</th>
            <th className="num">Submitted</th>
            <th className="team-progress-col">Progress</th>
          </tr>
        </thead>
        <tbody>
          {(progress ?? []).map((p) => {
            const pct = (x: number) => (p.queue ? (100 * x) / p.queue : 0);
            return (
              <tr key={p.annotator} data-testid="progress-row" data-annotator={p.annotator} data-submitted={p.submitted} data-queue={p.queue}>
                <td>
                  {p.annotator} {p.role !== 'annotator' && <span className="muted small">{p.role}</span>}
                </td>
                <td className="num" title={p.assigned ? undefined : 'no assignments: the whole project is in this queue'}>
                  {p.assigned || <span className="muted">all ({p.queue})</span>}
                </td>
                <td className="num">{p.todo}</td>
                <td className="num">{p.draft}</td>
                <td className="num">{p.submitted}</td>
                <td className="team-progress-col">
                  <div className="team-progress">
                    <div className="stacked" title={`${p.submitted} submitted, ${p.draft} draft, ${p.todo} to do of ${p.queue}`}>
                      <div className="stacked-submitted" style={{ width: `${pct(p.submitted)}%` }} />
                      <div className="stacked-draft" style={{ width: `${pct(p.draft)}%` }} />
                    </div>
                    <span className="muted small mono">{p.queue ? Math.round(pct(p.submitted)) : 0}%</span>
                  </div>
                </td>
              </tr>
            );
          })}
          {progress && progress.length === 0 && (
            <tr>
              <td colSpan={6} className="muted">
                No annotators yet.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <form
        className="team-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (valid) void autoAssign(n, chosen);
        }}
      >
        <div className="team-sub">Automatically</div>
        <div className="row gap">
          <span>Assign each entry to</span>
          <input className="input input-sm mono team-num" data-testid="assign-per-entry" inputMode="numeric" value={perEntry} onChange={(e) => setPerEntry(e.target.value)} />
          <span>of</span>
          <div className="team-checks">
            {labellers.map((name) => (
              <label key={name} className="check">
                <input
                  type="checkbox"
                  data-testid="assign-annotator"
                  data-name={name}
                  checked={chosen.includes(name)}
                  onChange={() => setPicked(chosen.includes(name) ? chosen.filter((x) => x !== name) : [...chosen, name])}
                />
                {name}
              </label>
            ))}
          </div>
          <div className="grow" />
          <button className="btn btn-sm btn-primary" data-testid="assign-run" type="submit" disabled={!valid || busy !== null}>
            {busy === 'assign' ? 'Assigning…' : 'Assign'}
          </button>
        </div>
        <div className="muted small">Balanced and deterministic; existing assignments are kept.</div>
        {!valid && chosen.length < n && <div className="ag-warn small">{n} per entry needs at least {n} annotators ticked.</div>}
        {outcome?.ok === false && <div className="callout callout-error" data-testid="assign-error">{outcome.error}</div>}
        {outcome?.ok && (
          <div className="callout callout-ok small" data-testid="assign-result">
            Added {outcome.result.added} assignment{outcome.result.added === 1 ? '' : 's'} ({outcome.result.perEntry} per entry among {outcome.result.annotators.join(', ')});{' '}
            {outcome.result.entriesAlreadyCovered} entr{outcome.result.entriesAlreadyCovered === 1 ? 'y was' : 'ies were'} already covered.
            {outcome.result.annotatorsCreated.length > 0 && ` New annotators: ${outcome.result.annotatorsCreated.join(', ')}.`}
          </div>
        )}
      </form>
      <ManualAssign />
    </section>
  );
}

import { useShallow } from 'zustand/react/shallow';
import { useApp } from '../../store/index.ts';

/** Asks before turning every open majority into a decision, and says what each dimension gets. */
export function AcceptMajoritiesDialog() {
  const { summary, me, accept, close } = useApp(
    useShallow((s) => ({ summary: s.adjSummary, me: s.me, accept: s.acceptAllMajorities, close: s.setConfirmAccept })),
  );
  const dims = (summary?.dimensions ?? []).filter((d) => d.counts.majority > 0);
  const total = dims.reduce((n, d) => n + d.counts.majority, 0);
  return (
    <div
      className="overlay"
      data-testid="adj-accept-dialog"
      onKeyDown={(e) => {
        if (e.key === 'Escape') close(false);
      }}
    >
      <div className="dialog dialog-narrow" role="dialog" aria-modal="true" aria-labelledby="adj-accept-title">
        <h2 id="adj-accept-title">Accept {total} majority proposals?</h2>
        <p className="muted">
          Each value a strict majority chose becomes the decision, recorded under <strong>{me}</strong>. Unanimous values are final already; splits
          with no majority stay in the queue. One undo reverses the whole batch.
        </p>
        <ul className="adj-accept-list">
          {dims.map((d) => (
            <li key={d.dimension}>
              <span>{d.label}</span>
              <span className="mono">{d.counts.majority}</span>
            </li>
          ))}
        </ul>
        <div className="row gap end">
          <button className="btn" data-testid="adj-accept-cancel" onClick={() => close(false)}>
            Cancel
          </button>
          <button autoFocus className="btn btn-primary" data-testid="adj-accept-confirm" onClick={() => void accept()}>
            Accept {total}
          </button>
        </div>
      </div>
    </div>
  );
}

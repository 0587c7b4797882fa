import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useApp } from '../../store/index.ts';
import { formatBytes } from '../../lib/files.ts';
import { formatTime } from '../../lib/format-time.ts';

/**
 * Backups beside the project file: taken before every merge, every import that changes entries
 * already there and every restore, or by hand; each is checked when written, and one that is not
 * whole (interrupted, cut short) is shown as damaged and cannot be put back.
 */
export function BackupsPanel() {
  const { backups, busy, created, restored, createBackup, restoreBackup } = useApp(
    useShallow((s) => ({
      backups: s.teamBackups,
      busy: s.teamBusy,
      created: s.backupOutcome,
      restored: s.restoreOutcome,
      createBackup: s.createBackup,
      restoreBackup: s.restoreBackup,
    })),
  );
  const [confirming, setConfirming] = useState<string | null>(null);
  return (
    <section className="team-card" data-testid="backups">
      <div className="team-card-head">
        <h3>Backups</h3>
        <span className="muted small">newest first</span>
        <div className="grow" />
        <button className="btn btn-sm" data-testid="backup-create" disabled={busy !== null} onClick={() => void createBackup()}>
          {busy === 'backup' ? 'Backing up…' : 'Back up now'}
        </button>
      </div>
      {created?.ok === false && <div className="callout callout-error">{created.error}</div>}
      {restored?.ok === false && (
        <div className="callout callout-error" data-testid="restore-error">
          {restored.error}
        </div>
      )}
      {restored?.ok && (
        <div className="callout callout-ok small" data-testid="restore-result">
          Restored <span className="mono">{restored.result.restored.name}</span>.
          {restored.result.safety && (
            <>
              {' '}
              The state before it is kept as <span className="mono">{restored.result.safety.name}</span>.
            </>
          )}
        </div>
      )}
      <table className="team-table" data-testid="backup-table">
        <thead>
          <tr>
            <th>Taken</th>
            <th>Reason</th>
            <th>File</th>
            <th className="num">Size</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(backups ?? []).map((b) => (
            <tr key={b.name} data-testid="backup-row" data-name={b.name} data-status={b.status}>
              <td className="mono small">{formatTime(b.time)}</td>
              <td>{b.reason}</td>
              <td className="mono small team-file" title={b.name}>
                {b.name}
              </td>
              <td className="num small">{formatBytes(b.size)}</td>
              <td className="team-actions">
                {b.status === 'damaged' ? (
                  <span className="team-backup-bad small" data-testid="backup-damaged" title={`Damaged: ${b.problem ?? 'cannot be restored'}`}>
                    Damaged: {b.problem ?? 'cannot be restored'}
                  </span>
                ) : confirming === b.name ? (
                  <span className="row gap" data-testid="restore-confirm">
                    <span className="ag-warn small">Replace the project with this backup? The current state is backed up first.</span>
                    <button
                      className="btn btn-sm btn-danger"
                      data-testid="restore-confirm-yes"
                      disabled={busy !== null}
                      onClick={async () => {
                        await restoreBackup(b.name);
                        setConfirming(null);
                      }}
                    >
                      {busy === 'restore' ? 'Restoring…' : 'Restore'}
                    </button>
                    <button className="btn btn-sm" data-testid="restore-confirm-no" onClick={() => setConfirming(null)}>
                      Cancel
                    </button>
                  </span>
                ) : (
                  <button className="btn btn-sm" data-testid="backup-restore" disabled={busy !== null} onClick={() => setConfirming(b.name)}>
                    Restore…
                  </button>
                )}
              </td>
            </tr>
          ))}
          {backups && backups.length === 0 && (
            <tr>
              <td colSpan={5} className="muted">
                No backups yet. One is taken before every pack merge, every import that changes entries already here, and every restore.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </section>
  );
}

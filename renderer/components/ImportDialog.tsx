import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { importFormats, type ImportFormat } from '../../shared/types.ts';
import { formatError } from '../../shared/errors.ts';
import { nativePicker } from '../api/client.ts';
import { useApp } from '../store/index.ts';

const FORMAT_LABELS: Record<ImportFormat, string> = {
  dlbench: 'Deep-Bench entry files (.txt folder)',
  'taxonomy-data': 'Deep-Bench Taxonomy-Data folder',
  jsonl: 'Generic entries, JSONL',
  csv: 'Generic entries, CSV',
  annotations: 'Annotations (CSV / JSONL)',
  results: 'Model results (CSV / JSONL)',
};

/** Imports a file or folder on this machine, with a progress bar; all-or-nothing on the service side. */
export function ImportDialog() {
  const { job, running, failure, startImport, resetImport, setImportOpen } = useApp(
    useShallow((s) => ({
      job: s.importJob,
      running: s.importRunning,
      failure: s.importFailure,
      startImport: s.startImport,
      resetImport: s.resetImport,
      setImportOpen: s.setImportOpen,
    })),
  );
  const [path, setPath] = useState('');
  const [format, setFormat] = useState<ImportFormat | 'auto'>('auto');
  const close = () => setImportOpen(false);
  const pick = nativePicker();

  useEffect(() => resetImport, [resetImport]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && !running && close();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [running, close]);

  const p = job?.progress;
  const pct = p?.phase === 'done' ? 100 : p && p.total > 0 ? Math.round((100 * p.done) / p.total) : 0;
  const done = p?.phase === 'done' && !job?.error;
  const refused = job?.error ?? (p?.phase === 'failed' ? { message: 'The import failed; nothing was written.' } : undefined);

  return (
    <div className="overlay" data-testid="import-dialog" onMouseDown={(e) => e.target === e.currentTarget && !running && close()}>
      <div className="dialog">
        <h2>Import entries or labels</h2>
        <p className="muted">
          A Deep-Bench folder, a Taxonomy-Data folder, JSONL or CSV. Imports are all-or-nothing: a file with a problem is named, with its line and
          field, and nothing is written.
        </p>
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            if (path.trim() && !running) void startImport(path.trim(), format);
          }}
        >
          <label className="field">
            <span>Path on this machine</span>
            <div className="row gap">
              <input
                autoFocus
                className="input grow mono"
                data-testid="import-path"
                placeholder="/home/me/deep-bench/entries"
                value={path}
                onChange={(e) => setPath(e.target.value)}
                disabled={running}
              />
              {pick && (
                <>
                  <button type="button" className="btn" onClick={() => void pick(true).then((p) => p && setPath(p))} disabled={running}>
                    Folder…
                  </button>
                  <button type="button" className="btn" onClick={() => void pick(false).then((p) => p && setPath(p))} disabled={running}>
                    File…
                  </button>
                </>
              )}
            </div>
          </label>
          <label className="field">
            <span>Format</span>
            <select className="select" data-testid="import-format" value={format} onChange={(e) => setFormat(e.target.value as ImportFormat | 'auto')} disabled={running}>
              <option value="auto">Detect automatically</option>
              {importFormats.map((f) => (
                <option key={f} value={f}>
                  {FORMAT_LABELS[f]}
                </option>
              ))}
            </select>
          </label>

          {(running || job) && (
            <div className="import-progress" data-testid="import-progress" data-phase={p?.phase ?? 'starting'}>
              <div className="progress">
                <div className={`progress-bar ${refused ? 'is-failed' : ''}`} style={{ width: `${refused ? 100 : pct}%` }} />
              </div>
              <div className="muted small">
                {p ? `${p.phase === 'reading' ? 'Reading' : p.phase === 'writing' ? 'Writing' : p.phase === 'done' ? 'Done' : 'Failed'} · ${p.done} / ${p.total}` : 'Starting…'}
              </div>
            </div>
          )}
          {done && job?.summary && (
            <div className="callout callout-ok" data-testid="import-summary">
              Imported from {job.summary.files} file{job.summary.files === 1 ? '' : 's'}: {job.summary.entriesCreated} new entries, {job.summary.entriesUpdated}{' '}
              updated, {job.summary.labels} labels.
              {/* One line per kind of warning, with its count: the same lines `concord import` prints. */}
              {job.summary.groups.length > 0 && (
                <ul className="warnings" data-testid="import-warnings">
                  {job.summary.groups.map((g) => (
                    <li key={`${g.kind}:${g.message}`} data-kind={g.kind} data-count={g.count}>
                      {g.message}
                    </li>
                  ))}
                </ul>
              )}
              {job.summary.conflicts.length > 0 && (
                <p className="small" data-testid="import-conflicts">
                  {job.summary.conflicts.length} label{job.summary.conflicts.length === 1 ? '' : 's'} disagree with the test results; the Adjudicate view lists
                  them under Conflicts.
                </p>
              )}
            </div>
          )}
          {refused && (
            <div className="callout callout-error" data-testid="import-error">
              {formatError({ message: refused.message, where: 'file' in refused ? refused : undefined })}
            </div>
          )}
          {failure && (
            <div className="callout callout-error" data-testid="import-error">
              {failure}
            </div>
          )}
          <div className="row gap end">
            <button type="button" className="btn" data-testid="import-close" onClick={close} disabled={running}>
              {done ? 'Close' : 'Cancel'}
            </button>
            <button type="submit" className="btn btn-primary" data-testid="import-start" disabled={running || !path.trim()}>
              {running ? 'Importing…' : 'Import'}
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}

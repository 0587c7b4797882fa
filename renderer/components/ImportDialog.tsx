import './any-shape.css';
import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { importFormats, type ImportFormat } from '../../shared/types.ts';
import { formatError } from '../../shared/errors.ts';
import { fieldLayoutOf, shownFields } from '../../shared/codebook/fields.ts';
import { closest, type FieldMapping } from '../../shared/field-mapping.ts';
import { api } from '../store/client.ts';
import { describeError } from '../store/session-slice.ts';
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
  const [mapping, setMapping] = useState<FieldMapping | null>(null);
  const mappable = (format === 'auto' && /\.(jsonl|ndjson|csv)$/i.test(path.trim())) || format === 'jsonl' || format === 'csv';
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
            if (path.trim() && !running) void startImport(path.trim(), format, mappable && mapping ? mapping : undefined);
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
                onChange={(e) => {
                  setPath(e.target.value);
                  setMapping(null);
                }}
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

          {mappable && <FieldMappingForm path={path.trim()} mapping={mapping} onChange={setMapping} disabled={running} />}

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

/**
 * Which column of a JSONL or CSV file holds the entries' ids and each text the codebook shows
 * (the command line's --id and --field). The columns are read from the file; a column named like
 * a field is chosen for it at first. Without a mapping, the file's columns keep their own names.
 */
function FieldMappingForm({ path, mapping, onChange, disabled }: { path: string; mapping: FieldMapping | null; onChange(m: FieldMapping | null): void; disabled: boolean }) {
  const codebook = useApp((s) => s.codebook);
  const fields = shownFields(fieldLayoutOf(codebook));
  const [columns, setColumns] = useState<string[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const read = async () => {
    setProblem(null);
    try {
      const found = (await api().call('imports.columns', { path })).columns;
      setColumns(found);
      // A column that is, or is close to, a field's name or label is its first guess.
      const guess = (...names: string[]) => names.map((n) => found.find((c) => c.toLowerCase() === n.toLowerCase()) ?? closest(n, found)).find(Boolean);
      const chosen: Record<string, string> = {};
      for (const f of fields) {
        const c = guess(f.field, f.label);
        if (c) chosen[f.field] = c;
      }
      onChange({ id: guess('id') ?? found[0], fields: chosen });
    } catch (e) {
      setColumns(null);
      setProblem(describeError(e));
    }
  };
  const set = (field: string, column: string) => {
    if (!mapping) return;
    const next = { ...mapping.fields };
    if (column) next[field] = column;
    else delete next[field];
    onChange({ ...mapping, fields: next });
  };
  return (
    <fieldset className="field-mapping" data-testid="field-mapping">
      <legend>Fields</legend>
      {!mapping || !columns ? (
        <div className="row gap">
          <span className="muted small grow">Choose which column of the file holds each text the codebook shows, or import the columns under their own names.</span>
          <button type="button" className="btn" data-testid="mapping-read" onClick={() => void read()} disabled={disabled || !path}>
            Map columns…
          </button>
        </div>
      ) : (
        <div className="mapping-grid">
          <label className="mapping-row">
            <span>Entry id</span>
            <select className="select" data-testid="mapping-id" value={mapping.id ?? ''} onChange={(e) => onChange({ ...mapping, id: e.target.value })} disabled={disabled}>
              {columns.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
          </label>
          {fields.map((f) => (
            <label className="mapping-row" key={f.field}>
              <span>
                {f.label} <span className="muted mono small">{f.field}</span>
              </span>
              <select className="select" data-testid={`mapping-${f.field}`} value={mapping.fields[f.field] ?? ''} onChange={(e) => set(f.field, e.target.value)} disabled={disabled}>
                <option value="">— not in this file —</option>
                {columns.map((c) => (
                  <option key={c} value={c}>
                    {c}
                  </option>
                ))}
              </select>
            </label>
          ))}
          <p className="muted small">Other columns are kept with each entry as its details (passed and failing_tests keep their meaning).</p>
          <button type="button" className="btn btn-link small" data-testid="mapping-clear" onClick={() => onChange(null)} disabled={disabled}>
            Import the columns under their own names instead
          </button>
        </div>
      )}
      {problem && (
        <div className="callout callout-error" data-testid="mapping-error">
          {problem}
        </div>
      )}
    </fieldset>
  );
}

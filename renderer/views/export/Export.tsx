import { useEffect, useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { exportKinds, formatsOf, type ExportFile } from '../../../shared/tables/export-kinds.ts';
import { matrixDimensions } from '../../../shared/tables/reliability-matrix.ts';
import { dimensionKinds, exportBlocker, exportRequest } from '../../store/export-slice.ts';
import { useApp } from '../../store/index.ts';
import { formatBytes, saveBytes } from '../../lib/files.ts';
import { downloadable, fileBytes, svgDataUrl } from './download.ts';
import { formatTitle, kindInfo } from './kinds.ts';

/** Exports: choose what and in which format, see it, download it. */
export function Export() {
  const render = useApp((s) => s.renderCurrentExport);
  // Decisions may have changed since the last visit: render afresh whenever the view opens.
  useEffect(() => {
    void render();
  }, [render]);
  return (
    <main className="export" data-testid="export">
      <ExportForm />
      <ExportPreview />
    </main>
  );
}

function ExportForm() {
  const { kind, format, options, codebook, annotators, setKind, setFormat, setOptions, undecided, stale, setView } = useApp(
    useShallow((s) => ({
      annotators: s.annotators,
      undecided: s.exportUndecided,
      stale: s.exportStale ?? 0,
      setView: s.setView,
      kind: s.exportKind,
      format: s.exportFormat,
      options: s.exportOptions,
      codebook: s.codebook,
      setKind: s.setExportKind,
      setFormat: s.setExportFormat,
      setOptions: s.setExportOptions,
    })),
  );
  const matrixDims = useMemo(() => (codebook ? matrixDimensions(codebook.dimensions) : []), [codebook]);
  return (
    <aside className="export-form" data-testid="export-form">
      {!!undecided && (
        <section className="export-section">
          <div className="callout export-pending" data-testid="export-undecided">
            {undecided} value{undecided === 1 ? '' : 's'} still wait{undecided === 1 ? 's' : ''} for a decision
            {stale > 0 && (
              <span data-testid="export-stale">
                {' '}
                ({stale === undecided ? (stale === 1 ? 'it was' : 'all were') : `${stale} of them`} decided before labels changed, and keep{stale === 1 ? 's' : ''} that decision until decided again)
              </span>
            )}
            {stale < undecided ? (kind === 'dlbench' ? '; until then the release carries the published value, where there is one.' : '; until then their final value is empty.') : '.'}{' '}
            <button className="link-button" onClick={() => setView('adjudicate')}>
              Adjudicate…
            </button>
          </div>
        </section>
      )}
      <section className="export-section">
        <h3 className="export-heading">Export</h3>
        <div className="export-kinds" role="radiogroup" aria-label="What to export">
          {exportKinds.map((k) => (
            <button
              key={k}
              role="radio"
              aria-checked={k === kind}
              className={`export-kind ${k === kind ? 'is-on' : ''}`}
              data-testid={`export-kind-${k}`}
              onClick={() => setKind(k)}
            >
              <span className="export-kind-title">{kindInfo[k].title}</span>
              <span className="export-kind-about">{kindInfo[k].about}</span>
            </button>
          ))}
        </div>
      </section>
      <section className="export-section">
        <h3 className="export-heading">Format</h3>
        <div className="segmented export-formats" role="radiogroup" aria-label="Format">
          {formatsOf[kind].map((f) => (
            <button key={f} role="radio" aria-checked={f === format} className={f === format ? 'is-on' : ''} data-testid={`export-format-${f}`} onClick={() => setFormat(f)}>
              {formatTitle[f]}
            </button>
          ))}
        </div>
      </section>
      <section className="export-section">
        <h3 className="export-heading">Options</h3>
        {kind === 'labels' && (
          <label className="check small">
            <input type="checkbox" data-testid="export-per-annotator" checked={options.perAnnotator} onChange={(e) => setOptions({ perAnnotator: e.target.checked })} />
            Each annotator’s own value beside the final one
          </label>
        )}
        {kind === 'category-distribution' && (
          <label className="field">
            <span>Count</span>
            <select
              className="select select-sm"
              data-testid="export-annotator"
              value={options.annotator ?? ''}
              onChange={(e) => setOptions({ annotator: e.target.value || null })}
            >
              <option value="">Final labels (agreed or decided)</option>
              {annotators.map((a) => (
                <option key={a.name} value={a.name}>
                  {a.name}
                  {a.role === 'reference' ? ' (published labels)' : a.role === 'adjudicator' ? ' (lead)' : ''}
                </option>
              ))}
            </select>
          </label>
        )}
        {kind === 'reliability-matrix' && (
          <label className="field">
            <span>Dimension{format === 'csv' ? ' (a CSV holds one matrix)' : ''}</span>
            <select
              className="select select-sm"
              data-testid="export-dimension"
              value={options.dimension ?? ''}
              onChange={(e) => setOptions({ dimension: e.target.value || null })}
            >
              <option value="">{format === 'csv' ? 'Choose a dimension…' : 'Every dimension'}</option>
              {matrixDims.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.label}
                </option>
              ))}
            </select>
          </label>
        )}
        {dimensionKinds.has(kind) && (
          <label className="field">
            <span>Dimension</span>
            <select className="select select-sm" data-testid="export-figure-dimension" value={options.dimension ?? ''} onChange={(e) => setOptions({ dimension: e.target.value || null })}>
              <option value="">{kind === 'drift' ? 'Pooled (all categorical dimensions)' : 'Every dimension, and pooled'}</option>
              {(codebook?.dimensions ?? [])
                .filter((d) => d.kind !== 'text' && (kind === 'drift' || kind === 'coefficients' || kind === 'r-script' || matrixDims.some((m) => m.id === d.id)))
                .map((d) => (
                  <option key={d.id} value={d.id}>
                    {d.label}
                  </option>
                ))}
            </select>
          </label>
        )}
        {kind === 'drift' && (
          <div className="segmented" role="radiogroup" aria-label="Group by">
            {(['week', 'batch'] as const).map((b) => (
              <button key={b} role="radio" aria-checked={options.by === b} className={options.by === b ? 'is-on' : ''} data-testid={`export-by-${b}`} onClick={() => setOptions({ by: b })}>
                {b === 'week' ? 'Per week' : 'Per batch of 50'}
              </button>
            ))}
          </div>
        )}
        {(kind === 'ratings-long' || kind === 'ratings-wide' || kind === 'k-alpha' || kind === 'r-script') && (
          <div className="muted small" data-testid="export-analysis-note">
            {kind === 'k-alpha'
              ? 'A folder: one file per dimension for the K-Alpha calculator, and codes.csv naming each code.'
              : kind === 'r-script'
                ? 'Run it beside ratings-long.csv: Rscript concord-agreement.r ratings-long.csv (needs the irrCAC and irr packages).'
                : 'The first line names the app version and a SHA-256 of the labels: read with pandas.read_csv(path, skiprows=1) or read.csv(path, skip = 1).'}
          </div>
        )}
        {kind === 'dlbench' && (
          <label className="check small">
            <input type="checkbox" data-testid="export-revised-prompts" checked={options.revisedPrompts} onChange={(e) => setOptions({ revisedPrompts: e.target.checked })} />
            The team’s final rewrite of each prompt, where there is one
          </label>
        )}
        {kind === 'rounds' && (
          <label className="field">
            <span>Group by</span>
            <select className="select select-sm" data-testid="export-by" value={options.roundsBy} onChange={(e) => setOptions({ roundsBy: e.target.value as 'round' | 'version' })}>
              <option value="round">Calibration round</option>
              <option value="version">Codebook version</option>
            </select>
          </label>
        )}
        <label className="check small">
          <input type="checkbox" data-testid="export-include-drafts" checked={options.includeDrafts} onChange={(e) => setOptions({ includeDrafts: e.target.checked })} />
          Count draft labels too (by default only submitted work)
        </label>
      </section>
    </aside>
  );
}

function ExportPreview() {
  const s = useApp(
    useShallow((st) => ({
      exportKind: st.exportKind,
      exportFormat: st.exportFormat,
      exportOptions: st.exportOptions,
      result: st.exportResult,
      resultFor: st.exportResultFor,
      busy: st.exportBusy,
      saving: st.exportSaving,
      error: st.exportError,
      wholeExport: st.wholeExport,
    })),
  );
  const [fileIndex, setFileIndex] = useState(0);
  const current = s.resultFor === JSON.stringify(exportRequest(s));
  const result = current ? s.result : null;
  const files: ExportFile[] = result ? (result.shape === 'file' ? [result.file] : result.files) : [];
  // Several files (a Deep-Bench release, the K-Alpha files): downloaded as one ZIP, browsed one by one.
  const folder = result && result.shape !== 'file' ? result : null;
  const shown = files[Math.min(fileIndex, files.length - 1)] ?? null;
  useEffect(() => setFileIndex(0), [s.resultFor]);
  const save = useMemo(() => (result ? downloadable(result) : null), [result]);
  const partial = result?.shape === 'file' ? result.partial : undefined;
  const blocker = exportBlocker(s);
  const download = async () => {
    const whole = await s.wholeExport();
    if (!whole) return;
    const d = whole === result && save ? save : downloadable(whole);
    saveBytes(d.fileName, d.mimeType, d.bytes);
  };

  return (
    <section className="export-preview" data-testid="export-preview" data-ready={!!result && !s.busy} data-format={s.exportFormat}>
      <header className="export-preview-head">
        <div className="export-file">
          {save ? (
            <>
              <span className="mono export-file-name" data-testid="export-file-name">
                {save.fileName}
              </span>
              <span className="muted small" data-testid="export-size">
                {partial
                  ? `the first ${partial.entries.toLocaleString('en')} of ${partial.of.toLocaleString('en')} entries shown; the download holds them all`
                  : formatBytes(save.bytes.length)}
                {folder && ` · ${folder.files.length} files`}
              </span>
            </>
          ) : (
            <span className="muted small">{s.busy ? 'Rendering…' : (blocker ?? (s.error ? 'Nothing to show' : ''))}</span>
          )}
        </div>
        <button
          className="btn btn-primary"
          data-testid="export-download"
          disabled={!save || s.busy || s.saving}
          onClick={() => void download()}
          title={folder ? 'The whole folder as one ZIP' : undefined}
        >
          {s.saving ? 'Preparing…' : `Download${folder ? ' .zip' : ''}`}
        </button>
      </header>
      {s.error && !blocker && (
        <div className="callout callout-error export-error" role="alert" data-testid="export-error">
          {s.error}
        </div>
      )}
      {folder && folder.notes.length > 0 && (
        <div className="callout export-notes" data-testid="export-notes">
          {folder.notes.map((n) => (
            <p key={n}>{n}</p>
          ))}
        </div>
      )}
      {folder && shown && (
        <div className="export-files" data-testid="export-files">
          <span className="muted small">Showing</span>
          <select className="select select-sm grow" data-testid="export-file-pick" value={files.indexOf(shown)} onChange={(e) => setFileIndex(Number(e.target.value))}>
            {files.map((f, i) => (
              <option key={f.fileName} value={i}>
                {folder.folderName}/{f.fileName}
              </option>
            ))}
          </select>
          <button className="btn btn-sm" data-testid="export-download-one" onClick={() => saveBytes(shown.fileName, shown.mimeType, fileBytes(shown))}>
            Download this file
          </button>
        </div>
      )}
      <div className={`export-body ${s.busy ? 'is-stale' : ''}`}>
        {shown ? (
          <FilePreview file={shown} partial={!!partial} />
        ) : (
          !s.error && <div className="splash muted small">{blocker ?? 'Rendering…'}</div>
        )}
      </div>
    </section>
  );
}

/** Text as text (monospace, scrollable), SVG as the picture it draws, a spreadsheet as a note. */
function FilePreview({ file, partial }: { file: ExportFile; partial: boolean }) {
  const svg = file.mimeType.startsWith('image/svg');
  const src = useMemo(() => (svg ? svgDataUrl(file.content) : null), [svg, file]);
  if (file.encoding === 'base64')
    return (
      <div className="splash muted" data-testid="export-binary">
        {file.fileName} is a spreadsheet{partial ? '' : ` (${formatBytes(fileBytes(file).length)})`}: download it to open in Excel, LibreOffice or Numbers.
      </div>
    );
  if (src)
    return (
      <div className="export-svg" data-testid="export-svg">
        <img src={src} alt={file.fileName} />
      </div>
    );
  return (
    <pre className="export-text" data-testid="export-text">
      {file.content}
    </pre>
  );
}

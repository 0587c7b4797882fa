import { useEffect, useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { exportKinds, formatsOf, type ExportFile } from '../../../shared/tables/export-kinds.ts';
import { matrixDimensions } from '../../../shared/tables/reliability-matrix.ts';
import { dimensionKinds, exportBlocker, exportRequest, type ExportMaking } from '../../store/export-slice.ts';
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
      making: st.exportMaking,
      cancelled: st.exportCancelled,
      error: st.exportError,
      wholeExport: st.wholeExport,
      cancelExport: st.cancelExport,
      renderAgain: st.renderCurrentExport,
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
  // A long text is shown from its beginning: the page need not lay out megabytes no one reads there.
  const clip = useMemo(() => (shown && shown.encoding === 'utf8' && !partial ? clippedText(shown.content) : null), [shown, partial]);
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
                {clip?.cut && ` · its first ${clip.lines.toLocaleString('en')} lines shown`}
                {folder && ` · ${folder.files.length} files`}
              </span>
            </>
          ) : (
            <span className="muted small">{s.busy ? (s.making ? '' : 'Rendering…') : (blocker ?? (s.error ? 'Nothing to show' : ''))}</span>
          )}
        </div>
        <button
          className="btn btn-primary"
          data-testid="export-download"
          disabled={!save || s.busy || !!s.saving}
          onClick={() => void download()}
          title={folder ? 'The whole folder as one ZIP' : undefined}
        >
          {s.saving ? 'Preparing…' : `Download${folder ? ' .zip' : ''}`}
        </button>
      </header>
      {s.saving && (
        <JobProgress testId="export-saving" making={s.saving} what={`Preparing ${save?.fileName ?? 'the download'}`} onCancel={() => void s.cancelExport('download')} />
      )}
      {s.making && <JobProgress testId="export-making" making={s.making} what={`Making the ${kindInfo[s.exportKind].title.toLowerCase()} export`} onCancel={() => void s.cancelExport('preview')} />}
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
          <FilePreview file={clip?.cut ? { ...shown, content: clip.text } : shown} partial={!!partial} />
        ) : s.cancelled && !s.busy ? (
          <div className="splash muted small" data-testid="export-cancelled">
            Cancelled: nothing was made.
            <button className="btn btn-sm" onClick={() => void s.renderAgain()}>
              Make it
            </button>
          </div>
        ) : (
          !s.error && <div className="splash muted small">{blocker ?? (s.making ? 'The export appears here when it is made; labelling goes on meanwhile.' : 'Rendering…')}</div>
        )}
      </div>
    </section>
  );
}

/** Characters of a text shown at most (about 4,000 lines of a CSV); the download holds the rest. */
const SHOWN_CHARS = 400_000;

/** The beginning of a long text, cut at the end of a line, and how many lines that is. */
function clippedText(text: string): { cut: boolean; text: string; lines: number } {
  if (text.length <= SHOWN_CHARS) return { cut: false, text, lines: 0 };
  const end = text.lastIndexOf('\n', SHOWN_CHARS);
  const shown = text.slice(0, end > 0 ? end + 1 : SHOWN_CHARS);
  return { cut: true, text: shown, lines: shown.split('\n').length - 1 };
}

/** A job making an export off the request thread: what, how far (entries, when counted), for how long, and a way to stop it. */
function JobProgress({ testId, making, what, onCancel }: { testId: string; making: ExportMaking; what: string; onCancel: () => void }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  const seconds = Math.max(0, Math.round((now - making.since) / 1000));
  const counted = making.total > 0;
  return (
    <div className="export-progress small" data-testid={testId} data-done={making.done} data-total={making.total}>
      <span className="muted export-progress-text">
        {what} in the background
        {counted ? `: ${making.done.toLocaleString('en')} of ${making.total.toLocaleString('en')} entries` : ''}
        {seconds >= 2 ? ` (${seconds} s so far)` : ''}…
      </span>
      {counted && (
        <div className="progress export-progress-bar">
          <div className="progress-bar" style={{ width: `${(100 * making.done) / making.total}%` }} />
        </div>
      )}
      <button className="btn btn-sm" data-testid={`${testId}-cancel`} onClick={onCancel}>
        Cancel
      </button>
    </div>
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

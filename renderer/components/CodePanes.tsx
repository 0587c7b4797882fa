import { DiffEditor, Editor } from '@monaco-editor/react';
import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { MONACO_THEME, monaco } from '../monaco/setup.ts';
import { summarizeChanges } from '../lib/change-summary.ts';
import type { Entry } from '../../shared/types.ts';
import { useApp } from '../store/index.ts';

const baseOptions: monaco.editor.IStandaloneEditorConstructionOptions = {
  readOnly: true,
  domReadOnly: true,
  minimap: { enabled: false },
  fontSize: 12,
  lineHeight: 18,
  scrollBeyondLastLine: false,
  automaticLayout: true,
  renderLineHighlight: 'none',
  overviewRulerLanes: 0,
  folding: true,
  lineNumbersMinChars: 3,
  padding: { top: 6 },
  scrollbar: { verticalScrollbarSize: 8, horizontalScrollbarSize: 8 },
  stickyScroll: { enabled: false },
};

function CodePane({ title, value, language, testId, wrap, fontSize }: { title: string; value: string; language: string; testId: string; wrap?: boolean; fontSize?: number }) {
  return (
    <section className="code-pane" data-testid={testId}>
      <header className="pane-title">
        {title}
        <span className="muted small">{value ? `${value.split('\n').length} lines` : 'empty'}</span>
      </header>
      <div className="pane-body">
        <Editor
          value={value}
          language={language}
          theme={MONACO_THEME}
          options={{ ...baseOptions, ...sized(fontSize), wordWrap: 'on', wrappingIndent: 'same', lineNumbers: wrap ? 'off' : 'on' }}
          loading={<div className="muted small pad">Loading editor…</div>}
        />
      </div>
    </section>
  );
}

/** A larger type for the projector keeps Monaco's line height in proportion. */
function sized(fontSize: number | undefined): monaco.editor.IStandaloneEditorConstructionOptions {
  return fontSize ? { fontSize, lineHeight: Math.round(fontSize * 1.5) } : {};
}

interface CodePanesProps {
  /** The entry to show; by default the labelling workspace's current entry. */
  entry?: Entry | null;
  /** Editor font size in px (the adjudication meeting mode enlarges it). */
  fontSize?: number;
}

/** Prompt, ground truth and LLM output side by side, or a diff of ground truth against output. */
export function CodePanes({ entry: shown, fontSize }: CodePanesProps = {}) {
  const { current, diffMode, toggleDiff } = useApp(useShallow((s) => ({ current: s.current?.entry ?? null, diffMode: s.diffMode, toggleDiff: s.toggleDiff })));
  const entry = shown === undefined ? current : shown;
  const summary = useMemo(() => (entry ? summarizeChanges(entry.groundTruth, entry.output) : null), [entry]);
  if (!entry) return <div className="code-area empty muted">Choose an entry in the queue.</div>;
  const meta = entry.metadata;
  return (
    <div className="code-area">
      <div className="entry-header" data-testid="entry-header" data-entry-id={entry.id}>
        <div className="entry-title">
          <span className="entry-id" data-testid="entry-id">
            {entry.id}
          </span>
          {entry.passed !== null && (
            <span className={`badge ${entry.passed ? 'badge-pass' : 'badge-fail'}`} data-testid="entry-passed">
              {entry.passed ? 'passed' : 'failed'}
            </span>
          )}
          <span className="muted small entry-meta">
            {[meta.repo, meta.class ? `${meta.class}.${meta.function ?? ''}` : meta.function, meta.model].filter(Boolean).join(' · ')}
          </span>
        </div>
        <div className="row gap-sm">
          {summary && (
            <span className="change-summary" data-testid="change-summary" title="Lines the output adds to and removes from the ground truth">
              <span className="added">+{summary.added}</span> <span className="removed">−{summary.removed}</span>
            </span>
          )}
          <div className="segmented" role="tablist">
            <button className={!diffMode ? 'is-on' : ''} data-testid="view-side-by-side" onClick={() => diffMode && toggleDiff()} title="Side by side (Alt+D)">
              Side by side
            </button>
            <button className={diffMode ? 'is-on' : ''} data-testid="diff-toggle" onClick={() => !diffMode && toggleDiff()} title="Diff ground truth → output (Alt+D)">
              Diff
            </button>
          </div>
        </div>
      </div>
      {diffMode ? (
        <div className="panes panes-diff" data-testid="diff-pane">
          <section className="code-pane">
            <header className="pane-title">
              Ground truth <span className="muted">→</span> LLM output
            </header>
            <div className="pane-body">
              <DiffEditor
                original={entry.groundTruth}
                modified={entry.output}
                language="python"
                theme={MONACO_THEME}
                options={{ ...baseOptions, ...sized(fontSize), renderSideBySide: true, originalEditable: false, ignoreTrimWhitespace: false, renderOverviewRuler: false }}
                loading={<div className="muted small pad">Loading diff…</div>}
              />
            </div>
          </section>
        </div>
      ) : (
        <div className="panes" data-testid="code-panes">
          <CodePane title="Prompt" value={entry.prompt} language="plaintext" testId="pane-prompt" wrap fontSize={fontSize} />
          <CodePane title="Ground truth" value={entry.groundTruth} language="python" testId="pane-ground-truth" fontSize={fontSize} />
          <CodePane title="LLM output" value={entry.output} language="python" testId="pane-output" fontSize={fontSize} />
        </div>
      )}
    </div>
  );
}

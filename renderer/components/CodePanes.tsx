import { DiffEditor } from '@monaco-editor/react';
import { Fragment, useEffect, useMemo, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { MONACO_THEME, monaco } from '../monaco/setup.ts';
import { modelKey } from '../monaco/models.ts';
import { MonacoView, type LineMark } from '../monaco/MonacoView.tsx';
import { summarizeChanges } from '../lib/change-summary.ts';
import type { Entry } from '../../shared/types.ts';
import { useApp } from '../store/index.ts';
import { CODE_PANES, resizePanes, toggleCodePane, type CodePaneId } from './pane-layout.ts';
import { SplitHandle } from './SplitHandle.tsx';

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

const TITLES: Record<CodePaneId, string> = { prompt: 'Prompt', groundTruth: 'Ground truth', output: 'LLM output' };
const TEST_IDS: Record<CodePaneId, string> = { prompt: 'pane-prompt', groundTruth: 'pane-ground-truth', output: 'pane-output' };

interface CodePaneProps {
  id: CodePaneId;
  /** The entry's id and content hash: with the pane, they name the text's Monaco model. */
  entryId: string;
  contentHash: string;
  value: string;
  language: string;
  /** Prose (the prompt): no line numbers. */
  prose?: boolean;
  fontSize?: number;
  weight: number;
  /** Folding is refused for the last open pane. */
  canFold: boolean;
  onFold(): void;
  marks?: readonly LineMark[];
  onSelectLines?(start: number, end: number): void;
}

/** Below this width, wrapped lines start at the margin: kept at a deep indent they would be a column of a few letters. */
const SAME_INDENT_MIN_WIDTH = 520;

function CodePane({ id, entryId, contentHash, value, language, prose, fontSize, weight, canFold, onFold, marks, onSelectLines }: CodePaneProps) {
  const box = useRef<HTMLElement>(null);
  const [wide, setWide] = useState(true);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const watch = new ResizeObserver(() => setWide(el.getBoundingClientRect().width >= SAME_INDENT_MIN_WIDTH));
    watch.observe(el);
    return () => watch.disconnect();
  }, []);
  // One options object per look, so the editor is not told its options again on every render.
  const options = useMemo(
    () => ({ ...baseOptions, ...sized(fontSize), wordWrap: 'on' as const, wrappingIndent: wide ? ('same' as const) : ('none' as const), lineNumbers: prose ? ('off' as const) : ('on' as const) }),
    [fontSize, wide, prose],
  );
  return (
    <section className="code-pane" data-testid={TEST_IDS[id]} style={{ flexGrow: weight }} ref={box}>
      <header className="pane-title">
        {TITLES[id]}
        <span className="muted small">{value ? `${value.split('\n').length} lines` : 'empty'}</span>
        <span className="grow" />
        <button className="pane-fold" data-testid="pane-fold" disabled={!canFold} onClick={onFold} title={canFold ? `Fold the ${TITLES[id].toLowerCase()} away` : 'One pane stays open'} aria-label={`Fold ${TITLES[id]}`}>
          ‹
        </button>
      </header>
      <div className="pane-body">
        <MonacoView modelKey={modelKey(entryId, contentHash, id)} text={value} language={language} options={options} marks={marks} onSelectLines={onSelectLines} />
      </div>
    </section>
  );
}

/** A folded pane: a narrow strip with its name, which opens it again. */
function FoldedPane({ id, lines, onOpen }: { id: CodePaneId; lines: number; onOpen(): void }) {
  return (
    <button className="pane-strip" data-testid={`${TEST_IDS[id]}-folded`} onClick={onOpen} title={`Show the ${TITLES[id].toLowerCase()} (${lines} lines)`}>
      <span className="pane-strip-mark">›</span>
      <span className="pane-strip-title">{TITLES[id]}</span>
    </button>
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
  /** Marks on lines of each pane's text (bugs pinned to lines), by pane. */
  marks?: Partial<Record<CodePaneId, readonly LineMark[]>>;
  /** Told the lines selected in a pane (or the cursor's line). */
  onSelectLines?(pane: CodePaneId, start: number, end: number): void;
}

/** Prompt, ground truth and LLM output side by side, or a diff of ground truth against output. */
export function CodePanes({ entry: shown, fontSize, marks, onSelectLines }: CodePanesProps = {}) {
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
        <SidePanes entry={entry} fontSize={fontSize} marks={marks} onSelectLines={onSelectLines} />
      )}
    </div>
  );
}

/** The three panes side by side: each can be folded to a strip, and the borders between open ones dragged. */
function SidePanes({ entry, fontSize, marks, onSelectLines }: { entry: Entry } & Pick<CodePanesProps, 'fontSize' | 'marks' | 'onSelectLines'>) {
  const { layout, setLayout, me, loadLayoutOf } = useApp(useShallow((s) => ({ layout: s.layout, setLayout: s.setLayout, me: s.me, loadLayoutOf: s.loadLayoutOf })));
  const box = useRef<HTMLDivElement>(null);
  // The Adjudicate view shows these panes too, in its viewer's layout.
  useEffect(() => loadLayoutOf(me), [me, loadLayoutOf]);
  const text: Record<CodePaneId, string> = { prompt: entry.prompt, groundTruth: entry.groundTruth, output: entry.output };
  const open = CODE_PANES.filter((id) => !layout.collapsed[id]);
  /** The border after `left` moves it against the next open pane, from their widths when the drag began. */
  const begin = (left: CodePaneId, right: CodePaneId) => {
    const width = (id: CodePaneId) => box.current?.querySelector<HTMLElement>(`[data-testid=${TEST_IDS[id]}]`)?.getBoundingClientRect().width ?? 0;
    const start = { left: width(left), right: width(right) };
    const from = useApp.getState().layout;
    return (delta: number) => setLayout(resizePanes(from, left, right, start, delta));
  };
  return (
    <div className="panes" data-testid="code-panes" ref={box}>
      {CODE_PANES.map((id) => {
        if (layout.collapsed[id]) return <FoldedPane key={id} id={id} lines={text[id] ? text[id].split('\n').length : 0} onOpen={() => setLayout((l) => toggleCodePane(l, id))} />;
        const next = open[open.indexOf(id) + 1];
        return (
          <Fragment key={id}>
            <CodePane
              id={id}
              entryId={entry.id}
              contentHash={entry.contentHash}
              value={text[id]}
              language={id === 'prompt' ? 'plaintext' : 'python'}
              prose={id === 'prompt'}
              fontSize={fontSize}
              weight={layout.paneWeights[id]}
              canFold={open.length > 1}
              onFold={() => setLayout((l) => toggleCodePane(l, id))}
              marks={marks?.[id]}
              onSelectLines={onSelectLines && ((start, end) => onSelectLines(id, start, end))}
            />
            {next && <SplitHandle axis="x" label={`Resize ${TITLES[id].toLowerCase()} and ${TITLES[next].toLowerCase()}`} testId={`split-${id}`} begin={() => begin(id, next)} />}
          </Fragment>
        );
      })}
    </div>
  );
}

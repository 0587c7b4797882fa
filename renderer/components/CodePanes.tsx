import './any-shape.css';
import { Fragment, useEffect, useMemo, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { monaco } from '../monaco/setup.ts';
import { useEditors } from '../monaco/loader.ts';
import { modelKey } from '../monaco/model-key.ts';
import type { AheadText } from '../monaco/MonacoView.tsx';
import type { LineMark } from '../lib/line-marks.ts';
import { PlainCode } from './PlainCode.tsx';
import { summarizeChanges } from '../lib/change-summary.ts';
import type { FieldPane } from '../../shared/codebook/fields.ts';
import { lowerIsTestLog, textOf, useFieldLayout } from './field-layout.ts';
import type { Entry, EntryForAnnotator } from '../../shared/types.ts';
import { useApp } from '../store/index.ts';
import { openPanes, paneKey, resizePanes, toggleCodePane, weightOf, type CodePaneId } from './pane-layout.ts';
import { SplitHandle } from './SplitHandle.tsx';

const baseOptions: monaco.editor.IStandaloneEditorConstructionOptions = {
  // The app's monospace stack (styles.css --mono), which the panes' text shows in before Monaco is in.
  fontFamily: getComputedStyle(document.documentElement).getPropertyValue('--mono').trim() || 'monospace',
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

/** A pane's test id: `pane-` and its field's name in kebab-case (`pane-ground-truth`, `pane-trace`). */
const testIdOf = (field: string) => `pane-${field.replace(/_/g, '-')}`;

interface CodePaneProps {
  pane: FieldPane;
  /** The entry's id and content hash: with the pane, they name the text's Monaco model. */
  entryId: string;
  contentHash: string;
  value: string;
  fontSize?: number;
  weight: number;
  /** Folding is refused for the last open pane. */
  canFold: boolean;
  onFold(): void;
  marks?: readonly LineMark[];
  onSelectLines?(start: number, end: number): void;
  /** The entries likely shown next (the labelling workspace's neighbours of its entry), drawn ahead. */
  ahead?: readonly EntryForAnnotator[];
}

/** Below this width, wrapped lines start at the margin: kept at a deep indent they would be a column of a few letters. */
const SAME_INDENT_MIN_WIDTH = 520;

function CodePane({ pane, entryId, contentHash, value, fontSize, weight, canFold, onFold, marks, onSelectLines, ahead }: CodePaneProps) {
  const prose = pane.lineNumbers === false;
  const box = useRef<HTMLElement>(null);
  const editors = useEditors();
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
  const aheadTexts = useMemo<AheadText[] | undefined>(
    () => ahead?.map((e) => ({ modelKey: modelKey(e.entry.id, e.entry.contentHash, paneKey(pane.field)), text: textOf(e.entry, pane.field) })),
    [ahead, pane.field],
  );
  return (
    <section className="code-pane" data-testid={testIdOf(pane.field)} data-field={pane.field} style={{ flexGrow: weight }} ref={box}>
      <header className="pane-title">
        {pane.label}
        <span className="muted small">{value ? linesInWords(lineCount(value)) : 'empty'}</span>
        <span className="grow" />
        <button className="pane-fold" data-testid="pane-fold" disabled={!canFold} onClick={onFold} title={canFold ? `Fold the ${pane.label.toLowerCase()} away` : 'One pane stays open'} aria-label={`Fold ${pane.label}`}>
          ‹
        </button>
      </header>
      <div className="pane-body">
        {editors ? (
          <editors.MonacoView
            modelKey={modelKey(entryId, contentHash, paneKey(pane.field))}
            text={value}
            language={pane.language}
            options={options}
            marks={marks}
            onSelectLines={onSelectLines}
            ahead={aheadTexts}
          />
        ) : (
          <PlainCode text={value} lineNumbers={!prose} fontSize={options.fontSize!} lineHeight={options.lineHeight!} />
        )}
      </div>
    </section>
  );
}

/** Lines of a text, counted without copying it (a trace can be megabytes). */
function lineCount(text: string): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

const linesInWords = (n: number) => `${n} line${n === 1 ? '' : 's'}`;

/** A folded pane: a narrow strip with its name, which opens it again. */
function FoldedPane({ pane, lines, onOpen }: { pane: FieldPane; lines: number; onOpen(): void }) {
  return (
    <button className="pane-strip" data-testid={`${testIdOf(pane.field)}-folded`} onClick={onOpen} title={`Show the ${pane.label.toLowerCase()} (${linesInWords(lines)})`}>
      <span className="pane-strip-mark">›</span>
      <span className="pane-strip-title">{pane.label}</span>
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
  /** Marks on lines of each pane's text (bugs pinned to lines), by pane (`paneKey` of its field). */
  marks?: Partial<Record<CodePaneId, readonly LineMark[]>>;
  /** Told the lines selected in a pane (or the cursor's line). */
  onSelectLines?(pane: CodePaneId, start: number, end: number): void;
  /** Show the codebook's lower row of panes here too, unless it is Deep-Bench's test log (the Adjudicate view; the labelling workspace has its own). */
  lowerRow?: boolean;
}

/**
 * An entry's texts as the codebook lays them out (Deep-Bench: prompt, ground truth and LLM
 * output side by side), or a diff of the two texts it names.
 */
export function CodePanes({ entry: shown, fontSize, lowerRow, marks, onSelectLines }: CodePanesProps = {}) {
  const { current, diffMode, toggleDiff, nearby } = useApp(
    useShallow((s) => ({ current: s.current?.entry ?? null, diffMode: s.diffMode, toggleDiff: s.toggleDiff, nearby: s.ahead })),
  );
  const fields = useFieldLayout();
  const entry = shown === undefined ? current : shown;
  // The workspace's neighbours are drawn ahead; another view's entry (Adjudicate) has none.
  const ahead = shown === undefined ? nearby : undefined;
  const diff = fields.diff && { before: fields.diff[0], after: fields.diff[1] };
  const summary = useMemo(() => (entry && diff ? summarizeChanges(textOf(entry, diff.before), textOf(entry, diff.after)) : null), [entry, diff?.before, diff?.after]);
  if (!entry) return <div className="code-area empty muted">Choose an entry in the queue.</div>;
  const meta = entry.metadata;
  const paneOf = (field: string) => [...fields.panes, ...(fields.bottom ?? [])].find((p) => p.field === field);
  const diffTitle = diff ? `${paneOf(diff.before)?.label ?? diff.before} → ${paneOf(diff.after)?.label ?? diff.after}` : '';
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
          {diff && (
            <div className="segmented" role="tablist">
              <button className={!diffMode ? 'is-on' : ''} data-testid="view-side-by-side" onClick={() => diffMode && toggleDiff()} title="Side by side (Alt+D)">
                Side by side
              </button>
              <button className={diffMode ? 'is-on' : ''} data-testid="diff-toggle" onClick={() => !diffMode && toggleDiff()} title={`Diff ${diffTitle.toLowerCase()} (Alt+D)`}>
                Diff
              </button>
            </div>
          )}
        </div>
      </div>
      {diffMode && diff ? (
        <div className="panes panes-diff" data-testid="diff-pane">
          <section className="code-pane">
            <header className="pane-title">
              {paneOf(diff.before)?.label ?? diff.before} <span className="muted">→</span> {paneOf(diff.after)?.label ?? diff.after}
            </header>
            <div className="pane-body">
              <DiffView original={textOf(entry, diff.before)} modified={textOf(entry, diff.after)} language={paneOf(diff.after)?.language ?? 'plaintext'} fontSize={fontSize} />
            </div>
          </section>
        </div>
      ) : (
        <PaneRow panes={fields.panes} entry={entry} fontSize={fontSize} testId="code-panes" marks={marks} onSelectLines={onSelectLines} ahead={ahead} />
      )}
      {/* Deep-Bench's test log stays the labelling workspace's, as it always was. */}
      {lowerRow && fields.bottom?.length && !lowerIsTestLog(fields) ? (
        <div className="lower-row">
          <PaneRow panes={fields.bottom} entry={entry} fontSize={fontSize} testId="lower-panes" />
        </div>
      ) : null}
    </div>
  );
}

/** The diff of two texts, once Monaco's editors are in. */
function DiffView({ original, modified, language, fontSize }: { original: string; modified: string; language: string; fontSize?: number }) {
  const editors = useEditors();
  const options = useMemo(
    () => ({ ...baseOptions, ...sized(fontSize), renderSideBySide: true, originalEditable: false, ignoreTrimWhitespace: false, renderOverviewRuler: false }),
    [fontSize],
  );
  if (!editors) return <div className="muted small pad">Loading diff…</div>;
  return <editors.DiffView original={original} modified={modified} language={language} options={options} />;
}

/** The codebook's lower row of panes under the labelling workspace's code (any fields but a lone test log, which has its own view). */
export function LowerPanes() {
  const { entry, layout, setLayout, ahead } = useApp(useShallow((s) => ({ entry: s.current?.entry ?? null, layout: s.layout, setLayout: s.setLayout, ahead: s.ahead })));
  const fields = useFieldLayout();
  if (!entry || !fields.bottom?.length) return null;
  const folded = layout.logCollapsed;
  const labels = fields.bottom.map((p) => p.label).join(', ');
  return (
    <section className={`lower-row test-log ${folded ? 'is-folded' : ''}`} data-testid="lower-row">
      {folded ? (
        <header className="pane-title">
          <button className="pane-fold" data-testid="lower-fold" onClick={() => setLayout({ ...layout, logCollapsed: false })} title={`Show ${labels}`} aria-expanded={false}>
            ▸
          </button>
          {labels}
        </header>
      ) : (
        <PaneRow panes={fields.bottom} entry={entry} testId="lower-panes" onFoldRow={() => setLayout({ ...layout, logCollapsed: true })} ahead={ahead} />
      )}
    </section>
  );
}

/** A row of panes side by side: each can be folded to a strip, and the borders between open ones dragged. */
function PaneRow({
  panes,
  entry,
  fontSize,
  testId,
  onFoldRow,
  marks,
  onSelectLines,
  ahead,
}: { panes: FieldPane[]; entry: Entry; fontSize?: number; testId: string; onFoldRow?: () => void; ahead?: readonly EntryForAnnotator[] } & Pick<CodePanesProps, 'marks' | 'onSelectLines'>) {
  const { layout, setLayout, me, loadLayoutOf } = useApp(useShallow((s) => ({ layout: s.layout, setLayout: s.setLayout, me: s.me, loadLayoutOf: s.loadLayoutOf })));
  const box = useRef<HTMLDivElement>(null);
  // The Adjudicate view shows these panes too, in its viewer's layout.
  useEffect(() => loadLayoutOf(me), [me, loadLayoutOf]);
  const row = panes.map((p) => paneKey(p.field));
  const open = openPanes(layout, row);
  /** The border after `left` moves it against the next open pane, from their widths when the drag began. */
  const begin = (left: FieldPane, right: FieldPane) => {
    const width = (p: FieldPane) => box.current?.querySelector<HTMLElement>(`[data-testid=${testIdOf(p.field)}]`)?.getBoundingClientRect().width ?? 0;
    const start = { left: width(left), right: width(right) };
    const from = useApp.getState().layout;
    return (delta: number) => setLayout(resizePanes(from, paneKey(left.field), paneKey(right.field), start, delta));
  };
  const fold = (id: CodePaneId) => setLayout((l) => toggleCodePane(l, id, row));
  return (
    <div className="panes" data-testid={testId} ref={box}>
      {panes.map((pane, k) => {
        const id = row[k];
        const value = textOf(entry, pane.field);
        if (!open.includes(id)) return <FoldedPane key={id} pane={pane} lines={value ? lineCount(value) : 0} onOpen={() => fold(id)} />;
        const nextId = open[open.indexOf(id) + 1];
        const next = nextId && panes[row.indexOf(nextId)];
        return (
          <Fragment key={id}>
            <CodePane
              pane={pane}
              entryId={entry.id}
              contentHash={entry.contentHash}
              value={value}
              fontSize={fontSize}
              weight={weightOf(layout, id)}
              // The lower row's last open pane folds the whole row away.
              canFold={open.length > 1 || !!onFoldRow}
              onFold={() => (open.length > 1 ? fold(id) : onFoldRow?.())}
              marks={marks?.[id]}
              onSelectLines={onSelectLines && ((start, end) => onSelectLines(id, start, end))}
              ahead={ahead}
            />
            {next && <SplitHandle axis="x" label={`Resize ${pane.label.toLowerCase()} and ${next.label.toLowerCase()}`} testId={`split-${id}`} begin={() => begin(pane, next)} />}
          </Fragment>
        );
      })}
    </div>
  );
}

import { useEffect, useLayoutEffect, useRef } from 'react';
import { modelFor } from './models.ts';
import { MONACO_THEME, monaco } from './setup.ts';

interface Props {
  /** The text's model key (renderer/monaco/models.ts): a new key swaps the model in. */
  modelKey: string;
  text: string;
  language: string;
  options: monaco.editor.IStandaloneEditorConstructionOptions;
  testId?: string;
  /** Marks on ranges of lines (bugs pinned to lines): a gutter bar, a line tint and a hover. */
  marks?: readonly LineMark[];
  /** Told the lines the user selects (or the cursor's line), 1-based and inclusive. */
  onSelectLines?(start: number, end: number): void;
}

/** A mark on lines `start`..`end`; `tone` picks its colour (one per annotator in Adjudicate). */
export interface LineMark {
  start: number;
  end: number;
  /** Markdown shown on hover: what the lines hold, and whose mark it is. */
  hover: string;
  tone: number;
}

/** Tones the stylesheet colours (`.line-pin-<n>`). */
export const MARK_TONES = 4;

function decorationsOf(marks: readonly LineMark[], lines: number): monaco.editor.IModelDeltaDecoration[] {
  return marks
    .filter((m) => m.start <= lines)
    .map((m) => ({
      range: new monaco.Range(m.start, 1, Math.min(m.end, lines), 1),
      options: {
        isWholeLine: true,
        className: `line-pin line-pin-${m.tone % MARK_TONES}`,
        linesDecorationsClassName: `line-pin-bar line-pin-bar-${m.tone % MARK_TONES}`,
        hoverMessage: { value: m.hover },
        overviewRuler: { color: ['#e5534b', '#d29922', '#3fb8af', '#a371f7'][m.tone % MARK_TONES], position: monaco.editor.OverviewRulerLane.Full },
        stickiness: monaco.editor.TrackedRangeStickiness.NeverGrowsWhenTypingAtEdges,
      },
    }));
}

/**
 * A read-only Monaco editor made once and kept: a new text swaps its model, and the editor draws
 * it at once (rather than at the next animation frame), so that a key press shows the next entry
 * within the same task.
 */
export function MonacoView({ modelKey, text, language, options, testId, marks, onSelectLines }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const editor = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const decorations = useRef<monaco.editor.IEditorDecorationsCollection | null>(null);
  const onSelect = useRef(onSelectLines);
  onSelect.current = onSelectLines;

  useLayoutEffect(() => {
    const e = monaco.editor.create(box.current!, { ...options, theme: MONACO_THEME, model: null });
    editor.current = e;
    decorations.current = e.createDecorationsCollection();
    // What the user selects, not what a new model resets the cursor to.
    const selecting = e.onDidChangeCursorSelection((ev) => {
      if (ev.source === 'modelChange' || ev.reason === monaco.editor.CursorChangeReason.ContentFlush) return;
      const s = ev.selection;
      // A selection that ends at the start of a line (a dragged or triple-clicked line) stops on the line before.
      const end = s.endLineNumber > s.startLineNumber && s.endColumn === 1 ? s.endLineNumber - 1 : s.endLineNumber;
      onSelect.current?.(s.startLineNumber, end);
    });
    return () => {
      selecting.dispose();
      e.setModel(null);
      e.dispose();
      editor.current = null;
    };
    // Made once: options and models follow in the effects below.
  }, []);

  useLayoutEffect(() => {
    const e = editor.current;
    if (!e) return;
    const model = modelFor(modelKey, text, language);
    if (e.getModel() !== model) {
      e.setModel(model);
      e.setScrollPosition({ scrollTop: 0, scrollLeft: 0 });
      e.render(true);
    }
  }, [modelKey, text, language]);

  useEffect(() => editor.current?.updateOptions(options), [options]);

  // After the model effect above, so the marks land on the text they belong to.
  useLayoutEffect(() => {
    const lines = editor.current?.getModel()?.getLineCount() ?? 0;
    decorations.current?.set(marks?.length ? decorationsOf(marks, lines) : []);
  }, [marks, modelKey, text]);

  return <div className="monaco-view" ref={box} data-testid={testId} data-model={modelKey} data-marks={marks?.length ?? 0} style={{ width: '100%', height: '100%' }} />;
}

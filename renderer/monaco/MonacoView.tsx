import { useEffect, useLayoutEffect, useRef } from 'react';
import { modelFor } from './models.ts';
import { MONACO_THEME, monaco } from './setup.ts';
import { MARK_TONES, type LineMark } from '../lib/line-marks.ts';

/** A text the view may be asked to show next (a neighbour of the entry shown), with its model key. */
export interface AheadText {
  modelKey: string;
  text: string;
}

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
  /** Texts likely shown next, most likely first: each is drawn ahead in an editor of its own (at most `STANDBY`). */
  ahead?: readonly AheadText[];
}

/** Editors a view keeps drawn ahead besides the one it shows (the next entry's text and the previous one's). */
export const STANDBY = 2;

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

/** One editor of a view, in a box of its own: shown in the view, or waiting in the standby host with a text drawn ahead. */
interface Slot {
  editor: monaco.editor.IStandaloneCodeEditor;
  box: HTMLDivElement;
  decorations: monaco.editor.IEditorDecorationsCollection;
  /** The model key it shows (null: none yet). */
  key: string | null;
  selecting: monaco.IDisposable;
}

interface Slots {
  shown: Slot;
  standby: Slot[];
}

/** Editors made so far in this page; each editor's box carries its number (`data-editor`), so tests can tell editors apart. */
let editorsMade = 0;

let host: HTMLDivElement | null = null;
/**
 * Where editors wait with a text drawn ahead: laid out at their pane's size (Monaco measures its
 * lines), never seen, never focused, and outside every pane, so a pane holds one editor only.
 */
function standbyHost(): HTMLDivElement {
  if (!host?.isConnected) {
    host = document.createElement('div');
    host.className = 'monaco-standby';
    host.setAttribute('aria-hidden', 'true');
    host.inert = true;
    document.body.appendChild(host);
  }
  return host;
}

/** Runs `work` when the page is idle (within a second at the latest); where there are no idle callbacks, in a later task. */
function whenIdle(work: () => void): number {
  return typeof requestIdleCallback === 'function' ? requestIdleCallback(work, { timeout: 1000 }) : (setTimeout(work, 0) as unknown as number);
}

function cancelIdle(handle: number): void {
  if (typeof cancelIdleCallback === 'function') cancelIdleCallback(handle);
  else clearTimeout(handle);
}

/** Moves an editor out of view, at the size it had, to wait for a text drawn ahead. */
function park(slot: Slot, size: { width: number; height: number }): void {
  sizeBox(slot.box, size);
  standbyHost().appendChild(slot.box);
}

function sizeBox(box: HTMLElement, size: { width: number; height: number } | null): void {
  box.style.width = size ? `${size.width}px` : '';
  box.style.height = size ? `${size.height}px` : '';
}

/** A new editor in a box of its own in `parent`; `reportsSelection` says whether it is the one shown. */
function makeSlot(
  parent: HTMLElement,
  options: monaco.editor.IStandaloneEditorConstructionOptions,
  size: { width: number; height: number } | null,
  reportsSelection: (slot: Slot) => boolean,
  onSelect: (start: number, end: number) => void,
): Slot {
  const box = document.createElement('div');
  box.className = 'monaco-slot';
  box.dataset.editor = String(++editorsMade);
  sizeBox(box, size);
  parent.appendChild(box);
  const editor = monaco.editor.create(box, { ...options, theme: MONACO_THEME, model: null });
  const slot: Slot = { editor, box, decorations: editor.createDecorationsCollection(), key: null, selecting: { dispose() {} } };
  // What the user selects, not what a new model resets the cursor to.
  slot.selecting = editor.onDidChangeCursorSelection((ev) => {
    if (!reportsSelection(slot) || ev.source === 'modelChange' || ev.reason === monaco.editor.CursorChangeReason.ContentFlush) return;
    const s = ev.selection;
    // A selection that ends at the start of a line (a dragged or triple-clicked line) stops on the line before.
    onSelect(s.startLineNumber, s.endLineNumber > s.startLineNumber && s.endColumn === 1 ? s.endLineNumber - 1 : s.endLineNumber);
  });
  return slot;
}

/** Notes the model key an editor shows, on its box too (`data-model`: tests see which texts wait drawn ahead). */
function showKey(slot: Slot, key: string): void {
  slot.key = key;
  slot.box.dataset.model = key;
}

function disposeSlot(slot: Slot): void {
  slot.selecting.dispose();
  slot.editor.setModel(null);
  slot.editor.dispose();
  slot.box.remove();
}

/**
 * Read-only Monaco editors made once and kept. Monaco builds a whole new view (DOM, line layout,
 * measurements) whenever an editor's model changes, which takes tens of milliseconds a pane; so
 * the texts likely shown next (`ahead`) are drawn in idle time in editors of their own, out of
 * view, and a key press only swaps the drawn editor into the pane. A text not drawn ahead is
 * swapped into the shown editor's model and drawn at once (rather than at the next animation
 * frame), so that a key press shows the next entry within the same task either way.
 */
export function MonacoView({ modelKey, text, language, options, testId, marks, onSelectLines, ahead }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const slots = useRef<Slots | null>(null);
  const onSelect = useRef(onSelectLines);
  onSelect.current = onSelectLines;
  const latestOptions = useRef(options);
  latestOptions.current = options;
  /** A new editor for this view: shown in `parent`, or standing by at `size`. */
  const make = (parent: HTMLElement, size: { width: number; height: number } | null) =>
    makeSlot(parent, latestOptions.current, size, (slot) => slots.current?.shown === slot, (start, end) => onSelect.current?.(start, end));

  useLayoutEffect(() => {
    slots.current = { shown: make(box.current!, null), standby: [] };
    return () => {
      const all = slots.current;
      slots.current = null;
      if (all) [all.shown, ...all.standby].forEach(disposeSlot);
    };
    // Made once: options and models follow in the effects below.
  }, []);

  useLayoutEffect(() => {
    const all = slots.current;
    if (!all) return;
    const model = modelFor(modelKey, text, language);
    const shown = all.shown;
    if (shown.editor.getModel() === model) return;
    const ready = all.standby.find((s) => s.editor.getModel() === model);
    if (ready) {
      // Drawn ahead: swap its box into the pane, and park the one shown until now (the previous text, for k).
      const size = shown.editor.getLayoutInfo();
      sizeBox(ready.box, null);
      box.current!.replaceChildren(ready.box);
      all.standby = [...all.standby.filter((s) => s !== ready), shown];
      all.shown = ready;
      park(shown, size);
      shown.decorations.clear();
      // It opens at the top next time, as any entry does.
      shown.editor.setScrollPosition({ scrollTop: 0, scrollLeft: 0 });
      shown.editor.setPosition({ lineNumber: 1, column: 1 });
    } else {
      shown.editor.setModel(model);
      showKey(shown, modelKey);
      shown.editor.setScrollPosition({ scrollTop: 0, scrollLeft: 0 });
      shown.editor.render(true);
    }
  }, [modelKey, text, language]);

  useEffect(() => {
    const all = slots.current;
    if (!all) return;
    for (const slot of [all.shown, ...all.standby]) slot.editor.updateOptions(options);
  }, [options]);

  // After the model effect above, so the marks land on the text they belong to.
  useLayoutEffect(() => {
    const shown = slots.current?.shown;
    const lines = shown?.editor.getModel()?.getLineCount() ?? 0;
    shown?.decorations.set(marks?.length ? decorationsOf(marks, lines) : []);
  }, [marks, modelKey, text]);

  // Draws the texts likely shown next, one editor at a time when the page is idle (after the frame
  // that shows the current text, and never in the way of a key press for long).
  useEffect(() => {
    const wanted = (ahead ?? []).slice(0, STANDBY);
    if (!wanted.length) return;
    let pending = 0;
    const step = () => {
      const all = slots.current;
      if (!all) return;
      const has = (key: string) => [all.shown, ...all.standby].some((s) => s.key === key && s.editor.getModel() !== null);
      const next = wanted.find((a) => !has(a.modelKey));
      if (!next) return;
      const size = all.shown.editor.getLayoutInfo();
      let slot = all.standby.find((s) => !wanted.some((a) => a.modelKey === s.key));
      if (!slot && all.standby.length < STANDBY) {
        slot = make(standbyHost(), size);
        all.standby.push(slot);
      }
      if (!slot) return;
      sizeBox(slot.box, size);
      slot.editor.setModel(modelFor(next.modelKey, next.text, language));
      showKey(slot, next.modelKey);
      // Laid out at the pane's size and drawn now, rather than at a frame that a key press might precede.
      slot.editor.layout({ width: size.width, height: size.height }, true);
      slot.editor.render(true);
      pending = whenIdle(step);
    };
    pending = whenIdle(step);
    return () => cancelIdle(pending);
  }, [ahead, language]);

  return <div className="monaco-view" ref={box} data-testid={testId} data-model={modelKey} data-marks={marks?.length ?? 0} style={{ width: '100%', height: '100%' }} />;
}

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
}

/**
 * A read-only Monaco editor made once and kept: a new text swaps its model, and the editor draws
 * it at once (rather than at the next animation frame), so that a key press shows the next entry
 * within the same task.
 */
export function MonacoView({ modelKey, text, language, options, testId }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const editor = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);

  useLayoutEffect(() => {
    const e = monaco.editor.create(box.current!, { ...options, theme: MONACO_THEME, model: null });
    editor.current = e;
    return () => {
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

  return <div className="monaco-view" ref={box} data-testid={testId} data-model={modelKey} style={{ width: '100%', height: '100%' }} />;
}

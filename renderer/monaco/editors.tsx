import { DiffEditor } from '@monaco-editor/react';
import { useEffect, useRef } from 'react';
import { MONACO_THEME, monaco } from './setup.ts';

/**
 * Monaco's editors as the code panes use them: most of the app's script, in a chunk of its own
 * (loader.ts). The panes show their texts without it until it has loaded.
 */
export { MonacoView } from './MonacoView.tsx';

/**
 * The diff of two texts. The diff editor's models are disposed after the editor itself: disposed
 * with it (the wrapper's default), Monaco reports "TextModel got disposed before DiffEditorWidget
 * model got reset" on leaving the diff.
 */
export function DiffView({ original, modified, language, options }: { original: string; modified: string; language: string; options: monaco.editor.IDiffEditorConstructionOptions }) {
  const models = useRef<monaco.editor.ITextModel[]>([]);
  useEffect(
    () => () => {
      const kept = models.current;
      setTimeout(() => kept.forEach((m) => m.isDisposed() || m.dispose()));
    },
    [],
  );
  return (
    <DiffEditor
      original={original}
      modified={modified}
      language={language}
      theme={MONACO_THEME}
      keepCurrentOriginalModel
      keepCurrentModifiedModel
      onMount={(editor) => {
        const m = editor.getModel();
        models.current = m ? [m.original, m.modified] : [];
      }}
      options={options}
      loading={<div className="muted small pad">Loading diff…</div>}
    />
  );
}

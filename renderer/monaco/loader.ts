import { useEffect, useState } from 'react';

/**
 * Monaco's editors (editors.tsx), loaded once, when the first pane has shown its text: index.html
 * preloads the chunk, so it is fetched and compiled as the page opens, and run (some 0.7 s of the
 * page's one thread) only after. Until then the code panes show their texts plainly (PlainCode).
 */
type EditorsModule = typeof import('./editors.tsx');

let loading: Promise<EditorsModule> | null = null;
let loaded: EditorsModule | null = null;

export function loadEditors(): Promise<EditorsModule> {
  loading ??= import('./editors.tsx').then((m) => (loaded = m));
  return loading;
}

/**
 * Monaco's editors, or null until they have loaded (the caller is drawn again when they arrive).
 * Not React.lazy with Suspense: Suspense holds content back for up to 300 ms after its fallback
 * appeared (its reveal throttle). A failed load is thrown while rendering, as lazy would, for the
 * error to show.
 */
export function useEditors(): EditorsModule | null {
  const [state, setState] = useState<{ module: EditorsModule | null; error?: unknown }>({ module: loaded });
  useEffect(() => {
    if (state.module || state.error) return;
    let live = true;
    loadEditors().then(
      (module) => live && setState({ module }),
      (error: unknown) => live && setState({ module: null, error: error ?? new Error('the code editor could not be loaded') }),
    );
    return () => {
      live = false;
    };
  }, [state]);
  if (state.error) throw state.error;
  return state.module;
}

import { useEffect, useState } from 'react';

/**
 * The code panes and Monaco, in a chunk of their own: most of the app's script. main.tsx starts
 * loading it at once, so the browser compiles Monaco while the first entry is read from the
 * service, instead of reading nothing until the whole script has run.
 */
type CodePanesModule = typeof import('./CodePanes.tsx');

let loading: Promise<CodePanesModule> | null = null;
let loaded: CodePanesModule | null = null;

export function loadCodePanes(): Promise<CodePanesModule> {
  loading ??= import('./CodePanes.tsx').then((m) => (loaded = m));
  return loading;
}

/**
 * The code panes' module, or null until it has loaded (the caller draws a placeholder meanwhile
 * and is drawn again when it arrives). Not React.lazy with Suspense: Suspense holds content back
 * for up to 300 ms after its fallback appeared (its reveal throttle), and the entry usually
 * arrives just before Monaco does, so the first entry would wait on a timer. A failed load is
 * thrown while rendering, as lazy would, for the error to show.
 */
export function useCodePanes(): CodePanesModule | null {
  const [state, setState] = useState<{ module: CodePanesModule | null; error?: unknown }>({ module: loaded });
  useEffect(() => {
    if (state.module || state.error) return;
    let live = true;
    loadCodePanes().then(
      (module) => live && setState({ module }),
      (error: unknown) => live && setState({ module: null, error: error ?? new Error('the code panes could not be loaded') }),
    );
    return () => {
      live = false;
    };
  }, [state]);
  if (state.error) throw state.error;
  return state.module;
}

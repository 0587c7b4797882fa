import { useEffect, useState } from 'react';

/**
 * Monaco's editors (editors.tsx), loaded once, after the first pane has drawn its text: the chunk
 * (about 3 MB) is fetched, compiled and run (some 0.7 s of the page's one thread) only then, so
 * that on a machine of two cores none of it competes with the page's own script and the first
 * entry. Until then the code panes show their texts plainly (PlainCode).
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
    const cancel = afterNextFrame(() =>
      loadEditors().then(
        (module) => live && setState({ module }),
        (error: unknown) => live && setState({ module: null, error: error ?? new Error('the code editor could not be loaded') }),
      ),
    );
    return () => {
      live = false;
      cancel();
    };
  }, [state]);
  if (state.error) throw state.error;
  return state.module;
}

/**
 * Runs `run` in a task of its own once the page has drawn its next frame: an effect runs before
 * the frame that shows what it was rendered with. No timer and no animation frame, which a
 * paused clock would hold back: a ResizeObserver is told of the body as that frame is laid out,
 * and the message it posts is handled after the frame is painted. Returns a cancel.
 */
function afterNextFrame(run: () => void): () => void {
  let live = true;
  const channel = new MessageChannel();
  channel.port1.onmessage = () => {
    channel.port1.close();
    if (live) run();
  };
  const watch = new ResizeObserver(() => {
    watch.disconnect();
    channel.port2.postMessage(null);
  });
  watch.observe(document.body);
  return () => {
    live = false;
    watch.disconnect();
    channel.port1.close();
  };
}

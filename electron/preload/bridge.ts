import { isMethodName } from '../../shared/api.ts';
import type { ConcordBridge, Envelope } from '../../shared/bridge.ts';
import { PICK_PATH_CHANNEL, channelFor } from '../channels.ts';

/** How the bridge reaches main: ipcRenderer.invoke in the preload, a fake in tests. */
export type Invoke = (channel: string, arg: unknown) => Promise<unknown>;

/**
 * The object exposed as `window.concord`. It can only invoke the contract's channels: the method
 * name is checked here (so a page cannot reach any other channel) and the arguments in main.
 */
export function createBridge(invoke: Invoke) {
  const bridge = {
    host: 'electron' as const,
    async call(method: string, args: unknown): Promise<Envelope<unknown>> {
      if (typeof method !== 'string' || !isMethodName(method))
        return { ok: false, error: { code: 'bad-input', message: `unknown API method "${String(method)}"` } };
      return (await invoke(channelFor(method), args)) as Envelope<unknown>;
    },
    async pickPath(options: { directory: boolean; title?: string }): Promise<string | null> {
      const r = (await invoke(PICK_PATH_CHANNEL, { directory: options?.directory, title: options?.title })) as Envelope<string | null>;
      if (!r.ok) throw new Error(r.error.message);
      return r.result;
    },
  } satisfies ConcordBridge;
  return bridge;
}

import type { SerializedError } from './errors.ts';

/**
 * How a result crosses a process boundary (Electron IPC, HTTP): errors travel as data because
 * thrown errors lose their code and location on the way.
 */
export type Envelope<T> = { ok: true; result: T } | { ok: false; error: SerializedError };

/** The one object the Electron preload exposes as `window.concord`. */
export interface ConcordBridge {
  host: 'electron';
  /** Calls one API method; the method name is checked against the contract in main. */
  call(method: string, args: unknown): Promise<Envelope<unknown>>;
  /** Native open dialog (folder or file); null when cancelled. */
  pickPath(options: { directory: boolean; title?: string }): Promise<string | null>;
}

/** HTTP header that carries browser mode's per-run token. */
export const TOKEN_HEADER = 'x-concord-token';

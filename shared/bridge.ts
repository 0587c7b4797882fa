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

/**
 * Browser mode's socket: the page opens one WebSocket at SOCKET_PATH, offering SOCKET_PROTOCOL
 * and its token as a second protocol (SOCKET_TOKEN_PREFIX + token: a page cannot set a header on
 * a socket), and sends each call as a message. Answers come by id, in whatever order they finish.
 */
export const SOCKET_PATH = '/api/socket';
export const SOCKET_PROTOCOL = 'concord.v1';
export const SOCKET_TOKEN_PREFIX = 'concord.token.';

/** One call on the socket. */
export interface SocketCall {
  id: number;
  method: string;
  args: unknown;
}

/** Its answer: the call's id with the result, or the error (as a POST's body has them). */
export type SocketAnswer = { id: number } & ({ result: unknown } | { error: SerializedError });

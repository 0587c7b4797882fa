import type { ApiClient, ArgsOf, MethodName, ResultOf } from '../../shared/api.ts';
import { SOCKET_PATH, SOCKET_PROTOCOL, SOCKET_TOKEN_PREFIX, TOKEN_HEADER, type SocketAnswer } from '../../shared/bridge.ts';
import { ConcordError, deserializeError, type SerializedError } from '../../shared/errors.ts';

const TOKEN_KEY = 'concord.token';

/**
 * Browser mode's per-run token arrives once in the page URL. It is kept in sessionStorage so a
 * reload still works, and removed from the address bar so it is not copied or bookmarked.
 */
export function takeToken(loc: Location = window.location, storage: Storage = window.sessionStorage): string | null {
  const url = new URL(loc.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    storage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  return storage.getItem(TOKEN_KEY);
}

/** A call's text above this goes by POST (a pack uploaded, a codebook): its answer to a body too large is an HTTP one. */
const SOCKET_MAX_TEXT = 1 << 20;
/** How soon a socket that closed (the server stopped, restarted) is opened again, at the next call. */
const SOCKET_RETRY_MS = 2000;

/** The page's socket to the server that served it (shared/bridge.ts), or null where a page has none (jsdom, an old browser). */
export function socketUrlOf(loc: Location | undefined = globalThis.location): string | null {
  if (!loc || typeof WebSocket === 'undefined' || !/^https?:$/.test(loc.protocol)) return null;
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}${SOCKET_PATH}`;
}

/**
 * Browser mode's calls: on the page's socket while it is open, as `POST /api/<method>` otherwise
 * (while it opens, after it closed, for a call too large for it). Both reach the same door with
 * the same checks (cli/server.ts); a label's round trip on the socket takes a fraction of a fetch's.
 */
export function createHttpClient(token: string | null, base = '/api/', socketUrl: string | null = socketUrlOf(), Socket: typeof WebSocket | undefined = globalThis.WebSocket): ApiClient {
  const socket = token && socketUrl && Socket ? socketChannel(socketUrl, token, Socket) : null;
  return {
    async call<M extends MethodName>(method: M, args: ArgsOf<M>): Promise<ResultOf<M>> {
      const text = JSON.stringify(args ?? {});
      if (socket?.isOpen() && text.length <= SOCKET_MAX_TEXT) return answered(await socket.call(method, text), method);
      socket?.reopen();
      let res: Response;
      try {
        res = await fetch(base + method, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(token ? { [TOKEN_HEADER]: token } : {}) },
          body: text,
        });
      } catch (e) {
        throw notAnswered(e instanceof Error ? e.message : String(e));
      }
      let body: { result?: unknown; error?: SerializedError } | null = null;
      try {
        body = await res.json();
      } catch {
        body = null;
      }
      if (res.ok && body && 'result' in body) return body.result as ResultOf<M>;
      if (body?.error) throw deserializeError(body.error);
      if (res.status === 401 || res.status === 403)
        throw new ConcordError('forbidden', 'The server refused this page’s token. Open the URL that `concord serve` printed.');
      throw new ConcordError('internal', `${method}: HTTP ${res.status}`);
    },
  };
}

const notAnswered = (why: string) => new ConcordError('internal', `The Concord server did not answer (${why}). Is \`concord serve\` still running?`);

function answered<M extends MethodName>(answer: SocketAnswer, method: M): ResultOf<M> {
  if ('result' in answer) return answer.result as ResultOf<M>;
  if ('error' in answer && answer.error) throw deserializeError(answer.error);
  throw new ConcordError('internal', `${method}: the server's answer holds neither a result nor an error`);
}

/**
 * One socket kept open to the server, its calls matched to their answers by id. Calls waiting
 * when it closes fail as a fetch to a stopped server does; the next call after a pause opens it again.
 */
function socketChannel(url: string, token: string, Socket: typeof WebSocket) {
  let ws: WebSocket | null = null;
  let nextId = 1;
  let openedAt = -Infinity;
  const waiting = new Map<number, { resolve: (a: SocketAnswer) => void; reject: (e: Error) => void }>();
  const open = () => {
    openedAt = Date.now();
    const it = new Socket(url, [SOCKET_PROTOCOL, SOCKET_TOKEN_PREFIX + token]);
    ws = it;
    it.onmessage = (e: MessageEvent) => {
      let answer: SocketAnswer;
      try {
        answer = JSON.parse(String(e.data)) as SocketAnswer;
      } catch {
        return;
      }
      const w = waiting.get(answer.id);
      waiting.delete(answer.id);
      w?.resolve(answer);
    };
    it.onclose = (e: CloseEvent) => {
      if (ws === it) ws = null;
      const why = e.reason ? `the connection closed: ${e.reason}` : 'the connection closed';
      for (const w of waiting.values()) w.reject(notAnswered(why));
      waiting.clear();
    };
  };
  open();
  return {
    isOpen: () => ws !== null && ws.readyState === Socket.OPEN,
    reopen: () => {
      if (ws === null && Date.now() - openedAt >= SOCKET_RETRY_MS) open();
    },
    call: (method: string, argsText: string) =>
      new Promise<SocketAnswer>((resolve, reject) => {
        const id = nextId++;
        waiting.set(id, { resolve, reject });
        // The arguments as the POST would send them, placed in the call whole (not parsed again here).
        ws!.send(`{"id":${id},"method":${JSON.stringify(method)},"args":${argsText}}`);
      }),
  };
}

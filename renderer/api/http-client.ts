import type { ApiClient, ArgsOf, MethodName, ResultOf } from '../../shared/api.ts';
import { TOKEN_HEADER } from '../../shared/bridge.ts';
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

/** `POST /api/<method>` on the loopback server that served this page. */
export function createHttpClient(token: string | null, base = '/api/'): ApiClient {
  return {
    async call<M extends MethodName>(method: M, args: ArgsOf<M>): Promise<ResultOf<M>> {
      let res: Response;
      try {
        res = await fetch(base + method, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(token ? { [TOKEN_HEADER]: token } : {}) },
          body: JSON.stringify(args ?? {}),
        });
      } catch (e) {
        throw new ConcordError('internal', `The Concord server did not answer (${e instanceof Error ? e.message : String(e)}). Is \`concord serve\` still running?`);
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

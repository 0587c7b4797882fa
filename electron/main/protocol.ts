import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Protocol } from 'electron';
import { CONTENT_SECURITY_POLICY } from '../../shared/csp.ts';
import { mimeTypeOf, staticFileOf } from '../../shared/static-files.ts';

/**
 * The renderer is served from our own scheme, not file://: every local file shares file://'s
 * opaque origin and its extra privileges, while concord://app is an origin of its own that holds
 * only the built renderer.
 */
export const APP_SCHEME = 'concord';
export const APP_HOST = 'app';
export const APP_INDEX_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** Must run before the app is ready: a standard, secure scheme gets a real origin, fetch and workers. */
export function registerAppScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } }]);
}

const notFound = () => new Response('not found', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } });

/** Answers a concord:// request with a file of the built renderer, or 404 for anything else. */
export async function rendererResponse(rendererDir: string, url: string): Promise<Response> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return notFound();
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST) return notFound();
  const rel = staticFileOf(u.pathname);
  if (rel === null) return notFound();
  const file = path.join(rendererDir, ...rel.split('/'));
  try {
    if (!(await stat(file)).isFile()) return notFound();
    return new Response(new Uint8Array(await readFile(file)), {
      status: 200,
      headers: { 'content-type': mimeTypeOf(file), 'content-security-policy': CONTENT_SECURITY_POLICY, 'x-content-type-options': 'nosniff' },
    });
  } catch {
    return notFound();
  }
}

/** After the app is ready: serve the renderer folder on concord://app. */
export function serveRenderer(protocol: Pick<Protocol, 'handle'>, rendererDir: string): void {
  protocol.handle(APP_SCHEME, (request) => rendererResponse(rendererDir, request.url));
}

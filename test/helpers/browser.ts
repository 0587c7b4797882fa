import { existsSync } from 'node:fs';
import { expect } from 'vitest';
import { SOCKET_PATH } from '../../shared/bridge.ts';
import { callApi } from './api.ts';
import { chromium, type Browser, type BrowserContext, type Page, type Request } from 'playwright-core';

/** Chromium from the system (never a downloaded one); CHROMIUM_PATH overrides. */
export function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
  const found = candidates.find((p): p is string => !!p && existsSync(p));
  if (!found) throw new Error('no Chromium found: install it (apt-get install chromium) or set CHROMIUM_PATH');
  return found;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
}

/** One API call a page made, by POST or on its socket, and its answer once it came. */
export interface ApiSeen {
  method: string;
  args: Record<string, unknown>;
  via: 'post' | 'socket';
  answer?: { result?: unknown; error?: { code: string; message: string } };
}

/** What a page did that a test wants to assert was clean. */
export interface PageWatch {
  /** Every URL the page requested (documents, scripts, workers, fetches). */
  requests: string[];
  /** Refused requests, and calls on the socket answered with an error (`<socket URL> <method> <code>`). */
  failedRequests: string[];
  /** Every socket the page opened (its URL). */
  sockets: string[];
  /** Every API call the page made, either way, in the order made. */
  api: ApiSeen[];
  /** Calls `listener` on each API call's answer from now on, as it comes (`api` holds them all). */
  onAnswer(listener: (seen: ApiSeen) => void): void;
  consoleErrors: string[];
  pageErrors: string[];
}

/** Pages a test is reloading (reloadWhenIdle). */
const reloading = new WeakSet<Page>();

/** A 1440x900 page that records requests, console errors (CSP violations among them) and crashes. */
export async function openPage(context: BrowserContext): Promise<{ page: Page; watch: PageWatch }> {
  const page = await context.newPage();
  const listeners: ((seen: ApiSeen) => void)[] = [];
  const watch: PageWatch = { requests: [], failedRequests: [], sockets: [], api: [], onAnswer: (l) => listeners.push(l), consoleErrors: [], pageErrors: [] };
  const answered = (seen: ApiSeen, answer: ApiSeen['answer']) => {
    seen.answer = answer;
    for (const l of listeners) l(seen);
  };
  const posted = new Map<Request, ApiSeen>();
  page.on('request', (r) => {
    watch.requests.push(r.url());
    const method = /^\/api\/([^/]+)$/.exec(new URL(r.url()).pathname)?.[1];
    if (!method || r.method() !== 'POST') return;
    const seen: ApiSeen = { method, args: JSON.parse(r.postData() ?? '{}') as Record<string, unknown>, via: 'post' };
    watch.api.push(seen);
    posted.set(r, seen);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) watch.failedRequests.push(`${r.url()} HTTP ${r.status()}`);
    const seen = posted.get(r.request());
    if (seen) r.json().then((body: ApiSeen['answer']) => answered(seen, body), () => answered(seen, {}));
  });
  page.on('websocket', (ws) => {
    watch.sockets.push(ws.url());
    const waiting = new Map<number, ApiSeen>();
    ws.on('framesent', (f) => {
      const call = JSON.parse(String(f.payload)) as { id: number; method: string; args: Record<string, unknown> };
      const seen: ApiSeen = { method: call.method, args: call.args, via: 'socket' };
      watch.api.push(seen);
      waiting.set(call.id, seen);
    });
    ws.on('framereceived', (f) => {
      const { id, ...answer } = JSON.parse(String(f.payload)) as { id: number } & NonNullable<ApiSeen['answer']>;
      const seen = waiting.get(id);
      waiting.delete(id);
      if (!seen) return;
      if (answer.error) watch.failedRequests.push(`${ws.url()} ${seen.method} ${answer.error.code}`);
      answered(seen, answer);
    });
  });
  page.on('requestfailed', (r) => {
    // A request the test's own reload cancelled is the test's doing, not the page's (reloadWhenIdle).
    if (reloading.has(page) && r.failure()?.errorText === 'net::ERR_ABORTED') return;
    watch.failedRequests.push(`${r.url()} ${r.failure()?.errorText ?? ''}`);
  });
  page.on('console', (m) => m.type() === 'error' && watch.consoleErrors.push(m.text()));
  page.on('pageerror', (e) => watch.pageErrors.push(String(e)));
  return { page, watch };
}

export async function newContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  // Workers count too: a request from a Monaco worker to a CDN must show up in the watch.
  return context;
}

/**
 * Holds the page's calls of `method`, either way it sends them (by POST, on its socket), until the
 * returned `release()`; set before the page opens. Other calls go on as usual.
 */
export async function holdCalls(page: Page, method: string): Promise<() => void> {
  let release = () => {};
  const held = new Promise<void>((r) => (release = r));
  await page.route(`**/api/${method}`, async (route) => {
    await held;
    await route.continue().catch(() => {});
  });
  await page.routeWebSocket(
    (url) => url.pathname === SOCKET_PATH,
    (ws) => {
      const server = ws.connectToServer();
      ws.onMessage((message) => {
        const call = JSON.parse(String(message)) as { method?: string };
        if (call.method === method) void held.then(() => server.send(message));
        else server.send(message);
      });
    },
  );
  return release;
}

/** Nothing left the loopback server, nothing failed, no CSP violation or crash. */
export function expectCleanPage(watch: PageWatch, origin: string): void {
  const foreign = watch.requests.filter((u) => !u.startsWith(origin + '/') && !u.startsWith('data:') && !u.startsWith('blob:'));
  expect(foreign).toEqual([]);
  expect(watch.requests.every((u) => u.startsWith('data:') || u.startsWith('blob:') || new URL(u).hostname === '127.0.0.1')).toBe(true);
  expect(watch.failedRequests).toEqual([]);
  // A socket only to the server that served the page, where its API is.
  expect(watch.sockets.filter((u) => u !== `${origin.replace(/^http/, 'ws')}${SOCKET_PATH}`)).toEqual([]);
  expect(watch.consoleErrors).toEqual([]);
  expect(watch.pageErrors).toEqual([]);
}

/** The study's lead: an adjudicator the page opens as (the lead's views answer no one else). */
export async function joinAsLead(page: Page, serverUrl: string, name = 'lead'): Promise<void> {
  await callApi(serverUrl, 'project.addAnnotator', { name, role: 'adjudicator' });
  await page.addInitScript((who) => localStorage.setItem('concord.annotator', who), name);
}

/**
 * Reloads once the page has no request in flight: a reload cancels what is still loading, and
 * the browser reports each cancelled request as failed (ERR_ABORTED), which is the test's doing.
 * A request the page starts after it fell idle (Monaco's icon font, asked for once an editor
 * draws, on a loaded machine more than half a second after the rest) may still be cancelled:
 * the watch does not count what the reload cancels.
 */
export async function reloadWhenIdle(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle');
  reloading.add(page);
  try {
    await page.reload();
  } finally {
    reloading.delete(page);
  }
}

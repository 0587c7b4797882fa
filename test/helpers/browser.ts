import { existsSync } from 'node:fs';
import { expect } from 'vitest';
import { SOCKET_PATH } from '../../shared/bridge.ts';
import { callApi } from './api.ts';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

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

/** What a page did that a test wants to assert was clean. */
export interface PageWatch {
  /** Every URL the page requested (documents, scripts, workers, fetches). */
  requests: string[];
  failedRequests: string[];
  /** Every socket the page opened (its URL), and the API methods called on them. */
  sockets: string[];
  socketCalls: string[];
  consoleErrors: string[];
  pageErrors: string[];
}

/** Pages a test is reloading (reloadWhenIdle). */
const reloading = new WeakSet<Page>();

/** A 1440x900 page that records requests, console errors (CSP violations among them) and crashes. */
export async function openPage(context: BrowserContext): Promise<{ page: Page; watch: PageWatch }> {
  const page = await context.newPage();
  const watch: PageWatch = { requests: [], failedRequests: [], sockets: [], socketCalls: [], consoleErrors: [], pageErrors: [] };
  page.on('request', (r) => watch.requests.push(r.url()));
  page.on('websocket', (ws) => {
    watch.sockets.push(ws.url());
    ws.on('framesent', (f) => {
      const method = /^\{"id":\d+,"method":"([^"]+)"/.exec(String(f.payload))?.[1];
      if (method) watch.socketCalls.push(method);
    });
  });
  page.on('response', (r) => r.status() >= 400 && watch.failedRequests.push(`${r.url()} HTTP ${r.status()}`));
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

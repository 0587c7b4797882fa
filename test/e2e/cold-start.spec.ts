import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callApi, importThroughApi } from '../helpers/api.ts';
import { expectCleanPage, launchChromium, newContext, openPage } from '../helpers/browser.ts';
import { repoRoot, startConcord, type ConcordServer } from '../helpers/concord-server.ts';
import { importSample } from '../helpers/fixtures.ts';

// Opening the app on the labelling view: what stands between the page and the first entry's code
// on screen. The project and the first queue page, with its first entry, are asked for as soon as
// the script runs (one round trip, not two); the panes show the entry's text as soon as it is in,
// without waiting for Monaco, whose editors take the panes over when its chunk has run.

let browser: Browser;
let server: ConcordServer;
let first: { id: string; heads: string[] };

const PANES = ['prompt', 'ground-truth', 'output'] as const;

beforeAll(async () => {
  if (!existsSync(join(repoRoot, 'build', 'renderer', 'index.html'))) throw new Error('build the renderer first: `node scripts/build.mjs renderer`');
  browser = await launchChromium();
  server = await startConcord();
  await importThroughApi(server.url, importSample('dlbench'));
  await callApi(server.url, 'project.addAnnotator', { name: 'ana' });
  const id = (await callApi(server.url, 'entries.page', { annotator: 'ana', limit: 1 })).rows[0].id;
  const e = (await callApi(server.url, 'entries.get', { annotator: 'ana', id })).entry;
  first = { id, heads: [e.prompt, e.groundTruth, e.output].map((t) => (t.split('\n').find((l) => l.trim()) ?? '').trim().slice(0, 30)) };
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** Whether all three panes show the first entry's text. */
const showsFirst = (page: Page) =>
  page.evaluate(
    ({ ids, heads }) => ids.every((id, i) => (document.querySelector(`[data-testid=pane-${id}] .view-lines`)?.textContent ?? '').replace(/\u00a0/g, ' ').includes(heads[i])),
    { ids: PANES as unknown as string[], heads: first.heads },
  );

/** Whether all three panes show the first entry's text as plain text, before Monaco. */
const plainShowsFirst = (page: Page) =>
  page.evaluate(
    ({ ids, heads }) => ids.every((id, i) => (document.querySelector(`[data-testid=pane-${id}] [data-testid=plain-code]`)?.textContent ?? '').includes(heads[i])),
    { ids: PANES as unknown as string[], heads: first.heads },
  );

describe('cold start to the first entry', () => {
  it(
    'asks for the project before the first render, and gets the first entry with the first queue page, never on its own',
    async () => {
      const context = await newContext(browser);
      const { page, watch } = await openPage(context);
      try {
        await page.addInitScript(() => {
          localStorage.setItem('concord.annotator', 'ana');
          // When the page first asks the service for anything, and when React first puts anything on the page.
          const w = window as unknown as { __firstCall?: number; __firstRender?: number };
          const fetch = window.fetch.bind(window);
          window.fetch = (input, init) => {
            if (String(input).includes('/api/')) w.__firstCall ??= performance.now();
            return fetch(input, init);
          };
          new MutationObserver(() => {
            if (document.getElementById('root')?.firstChild) w.__firstRender ??= performance.now();
          }).observe(document, { childList: true, subtree: true });
        });
        await page.goto(server.url);
        await expect.poll(() => showsFirst(page), { timeout: 30_000 }).toBe(true);
        await page.locator(`[data-testid=label-panel][data-entry-id="${first.id}"]`).waitFor();

        const t = await page.evaluate(() => {
          const w = window as unknown as { __firstCall?: number; __firstRender?: number };
          return { __firstCall: w.__firstCall, __firstRender: w.__firstRender };
        });
        expect(t.__firstCall).toBeDefined();
        expect(t.__firstRender).toBeDefined();
        expect(t.__firstCall!).toBeLessThan(t.__firstRender!);
        // One queue page, asked for with its first entry; that entry is never read again on its own
        // (its neighbours are, ahead of j and k).
        // (Either way the page sends them: by POST while its socket opens, on it once open.)
        const calls = watch.api.map(({ method, args }) => ({ method, args }));
        expect(calls.filter((c) => c.method === 'entries.page')).toEqual([{ method: 'entries.page', args: expect.objectContaining({ annotator: 'ana', withFirst: true }) }]);
        expect(calls.filter((c) => c.method === 'entries.get' && c.args.id === first.id)).toEqual([]);
        expect(calls.filter((c) => c.method === 'entries.get').length).toBeGreaterThan(0);
        expectCleanPage(watch, server.origin);
      } finally {
        await context.close();
      }
    },
    120_000,
  );

  it(
    'shows the first entry’s text in its panes before Monaco’s chunk is in, then Monaco’s editors take the panes over, with no timer to wait for',
    async () => {
      const context = await newContext(browser);
      const { page, watch } = await openPage(context);
      try {
        await page.addInitScript(() => localStorage.setItem('concord.annotator', 'ana'));
        // Monaco's chunk is held back until the entry's text is on the page without it.
        let release!: () => void;
        const held = new Promise<void>((r) => (release = r));
        await page.route(/\/assets\/editors-[\w-]+\.js$/, async (route: Route) => {
          await held;
          await route.continue();
        });
        // The page's clock stands still from the start: a timer set on the way to the panes never fires.
        await page.clock.install();
        await page.clock.pauseAt(Date.now() + 60_000);
        await page.goto(server.url);
        await page.locator(`[data-testid=label-panel][data-entry-id="${first.id}"]`).waitFor();
        // Each pane shows the start of its text, the code panes with line numbers, before any editor exists.
        await expect.poll(() => plainShowsFirst(page), { timeout: 30_000 }).toBe(true);
        expect(await page.locator('.monaco-editor').count()).toBe(0);
        expect(await page.locator('[data-testid=pane-ground-truth] .plain-n').first().textContent()).toBe('1');
        expect(await page.locator('[data-testid=pane-prompt] .plain-n').count()).toBe(0);
        release();
        await expect.poll(() => showsFirst(page), { timeout: 30_000 }).toBe(true);
        expect(await page.getByTestId('plain-code').count()).toBe(0);
        expectCleanPage(watch, server.origin);
      } finally {
        await context.close();
      }
    },
    120_000,
  );
});

describe('Monaco’s script, as index.html asks for it', () => {
  it('comes in several chunks, none of them most of Monaco, none asked for by the page before its first entry', () => {
    const dir = join(repoRoot, 'build', 'renderer');
    const html = readFileSync(join(dir, 'index.html'), 'utf8');
    const monaco = readdirSync(join(dir, 'assets')).filter((f) => /^monaco-[\w-]+\.js$/.test(f));
    const sizes = monaco.map((f) => statSync(join(dir, 'assets', f)).size);
    // All of Monaco (about 3 MB), in chunks that Chromium parses on threads of their own...
    expect(sizes.reduce((a, b) => a + b, 0)).toBeGreaterThan(2_500_000);
    expect(monaco.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...sizes)).toBeLessThan(1_200_000);
    // ...none of which index.html loads or preloads but a few kilobytes the page's own script
    // imports: on two cores, compiling them beside that script held the first entry back.
    const asked = monaco.filter((f) => html.includes(`/${f}"`));
    expect(asked.reduce((n, f) => n + statSync(join(dir, 'assets', f)).size, 0)).toBeLessThan(20_000);
    expect(html).not.toMatch(/href="\.\/assets\/editors-/);
  });

  it('leaves zod, and the schemas built with it, out of the script the page runs before its first entry', () => {
    const dir = join(repoRoot, 'build', 'renderer');
    const html = readFileSync(join(dir, 'index.html'), 'utf8');
    const entry = html.match(/<script type="module"[^>]*src="\.\/([^"]+)"/)![1];
    // The page's script and every chunk it imports statically (what runs before the app asks for anything).
    const first = new Set<string>();
    const visit = (file: string) => {
      if (first.has(file)) return;
      first.add(file);
      const code = readFileSync(join(dir, file), 'utf8');
      for (const m of code.matchAll(/(?:from|import)\s*"\.\/([\w.-]+\.js)"/g)) visit(join(file, '..', m[1]));
    };
    visit(entry);
    expect(first.size).toBeGreaterThan(1);
    // `_zod` names zod's internals in every schema it builds; minifying leaves property names alone.
    const withZod = (file: string) => readFileSync(join(dir, file), 'utf8').includes('._zod');
    expect([...first].filter(withZod)).toEqual([]);
    // ...while the chunks loaded later (the codebook editor, the import dialog) do hold it.
    const later = readdirSync(join(dir, 'assets')).map((f) => `assets/${f}`).filter((f) => f.endsWith('.js') && !first.has(f));
    expect(later.some(withZod)).toBe(true);
  });
});

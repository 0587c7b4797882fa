import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callApi, importThroughApi } from '../helpers/api.ts';
import { expectCleanPage, launchChromium, newContext, openPage } from '../helpers/browser.ts';
import { repoRoot, startConcord, type ConcordServer } from '../helpers/concord-server.ts';
import { importSample } from '../helpers/fixtures.ts';

// Moving between entries with j and k: the next and previous entries' texts are drawn ahead in
// editors out of view, and a key press swaps them into the panes. No editor is made per switch,
// each pane holds one editor, and it shows the right entry's text.

let browser: Browser;

beforeAll(async () => {
  if (!existsSync(join(repoRoot, 'build', 'renderer', 'index.html'))) throw new Error('build the renderer first: `node scripts/build.mjs renderer`');
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

const PANES = ['prompt', 'ground-truth', 'output'] as const;


/** The first line with text of each pane's text, as the panes should show it. */
function heads(e: { prompt: string; groundTruth: string; output: string }): string[] {
  return [e.prompt, e.groundTruth, e.output].map((t) => (t.split('\n').find((l) => l.trim()) ?? '').trim().slice(0, 30));
}

/** What each pane shows, and whether its editor was on the page (drawn) before `mark` was last called. */
function panes(page: Page) {
  return page.evaluate((ids) => {
    return ids.map((id) => {
      const pane = document.querySelector(`[data-testid=pane-${id}]`)!;
      const editors = pane.querySelectorAll('.monaco-editor');
      return {
        text: (pane.querySelector('.view-lines')?.textContent ?? '').replace(/\u00a0/g, ' '),
        editors: editors.length,
        drawnBefore: [...editors].every((e) => (e as HTMLElement & { __before?: boolean }).__before === true),
      };
    });
  }, PANES as unknown as string[]);
}

/** Marks every editor now in the page (shown or waiting out of view). */
const mark = (page: Page) => page.evaluate(() => document.querySelectorAll('.monaco-editor').forEach((e) => ((e as HTMLElement & { __before?: boolean }).__before = true)));

/** How many of the panes' texts of entry `id` wait drawn ahead, out of view. */
const drawnAhead = (page: Page, id: string) =>
  page.evaluate((id) => [...document.querySelectorAll<HTMLElement>('.monaco-standby .monaco-slot')].filter((b) => b.dataset.model?.split('\u0000')[0] === id).length, id);

/** The number of the last editor made in the page (each editor's box carries its number). */
const editorsMade = (page: Page) => page.evaluate(() => Math.max(...[...document.querySelectorAll<HTMLElement>('.monaco-slot')].map((b) => Number(b.dataset.editor))));

describe('switching entries', () => {
  it(
    'swaps editors drawn ahead into the panes on j and k, keeps one editor per pane, and makes no editor per switch',
    async () => {
      const server = await startConcord();
      const context = await newContext(browser);
      const { page, watch } = await openPage(context);
      try {
        for (const format of ['dlbench', 'taxonomy-data'] as const) await importThroughApi(server.url, importSample(format));
        await callApi(server.url, 'project.addAnnotator', { name: 'ana' });
        await page.addInitScript(() => localStorage.setItem('concord.annotator', 'ana'));
        const queue = (await callApi(server.url, 'entries.page', { annotator: 'ana', limit: 8 })).rows.map((r) => r.id);
        const texts = await Promise.all(queue.map(async (id) => heads((await callApi(server.url, 'entries.get', { annotator: 'ana', id })).entry)));

        await page.goto(server.url);
        await page.locator(`[data-testid=label-panel][data-entry-id="${queue[0]}"]`).waitFor();
        const showing = async (i: number) => {
          const shown = await panes(page);
          shown.forEach((p, k) => expect(p.text, `pane ${PANES[k]} of ${queue[i]}`).toContain(texts[i][k]));
          return shown;
        };
        await expect.poll(async () => (await panes(page)).every((p, k) => p.text.includes(texts[0][k]))).toBe(true);

        for (let i = 1; i <= 5; i++) {
          // The next entry's three texts are drawn out of view before the key is pressed...
          await expect.poll(() => drawnAhead(page, queue[i])).toBe(PANES.length);
          await mark(page);
          await page.keyboard.press('j');
          await page.locator(`[data-testid=label-panel][data-entry-id="${queue[i]}"]`).waitFor();
          // ...and the key press puts those very editors in the panes, one each.
          for (const p of await showing(i)) expect(p).toMatchObject({ editors: 1, drawnBefore: true });
        }
        // Back with k: the previous entry's editors were kept drawn.
        await expect.poll(() => drawnAhead(page, queue[4])).toBe(PANES.length);
        await mark(page);
        await page.keyboard.press('k');
        await page.locator(`[data-testid=label-panel][data-entry-id="${queue[4]}"]`).waitFor();
        for (const p of await showing(4)) expect(p).toMatchObject({ editors: 1, drawnBefore: true });

        // Six switches, and at most three editors per pane were ever made: the one shown and two drawn ahead.
        expect(await editorsMade(page)).toBeLessThanOrEqual(3 * PANES.length);
        expectCleanPage(watch, server.origin);
      } finally {
        await context.close();
        await server.stop();
      }
    },
    180_000,
  );
});

import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LineRange } from '../../shared/codebook/lines.ts';
import { callApi } from '../helpers/api.ts';
import { expectCleanPage, launchChromium, newContext, openPage, reloadWhenIdle } from '../helpers/browser.ts';
import { repoRoot, startConcord } from '../helpers/concord-server.ts';

/**
 * The reasoning-trace demo, end to end in browser mode: an annotator pins an inference error to
 * lines of a trace from the keyboard (select lines, press the dimension's key, choose the error),
 * takes a line off again with Delete, reloads and finds the pins where they were; the lead sees
 * every annotator's ranges side by side in Adjudicate and decides the union.
 */

const demo = join(repoRoot, 'fixtures', 'reasoning-trace-demo');
const ENTRY = 'digital_root-regular-b';
const DIM = 'error-lines';
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(join(repoRoot, 'build', 'renderer', 'index.html'))) throw new Error('build the renderer first: `node scripts/build.mjs renderer`');
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

/** The line number in the gutter of a pane's editor (Monaco draws only the lines in view). */
const lineNumber = (page: Page, pane: string, n: number) => page.locator(`[data-testid=${pane}] .line-numbers`).getByText(String(n), { exact: true });

describe('bugs pinned to lines of a reasoning trace', () => {
  it(
    'are pinned and taken off from the keyboard, drawn on the trace, kept over a reload, and shown per annotator in Adjudicate',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'concord-lines-e2e-'));
      const dbPath = join(dir, 'trace.db');
      // The demo, imported with the one command the README gives.
      await promisify(execFile)(process.execPath, [join(repoRoot, 'cli', 'concord.js'), 'import', join(demo, 'entries.jsonl'), join(demo, 'annotations.jsonl'), '--codebook', join(demo, 'codebook.json'), '--db', dbPath], { cwd: repoRoot });
      const server = await startConcord({ dbPath });
      const context = await newContext(browser);
      const { page, watch } = await openPage(context);
      try {
        // cai joins the study, and the lead assigns them the entry beside ana and ben.
        await callApi(server.url, 'project.addAnnotator', { name: 'cai' });
        await callApi(server.url, 'project.addAnnotator', { name: 'lead', role: 'adjudicator' });
        await callApi(server.url, 'assignments.set', { as: 'lead', entryIds: [ENTRY], annotators: ['ana', 'ben', 'cai'] });
        await page.addInitScript(() => localStorage.setItem('concord.annotator', 'cai'));
        await page.goto(server.url);
        await page.locator(`[data-testid=queue-row][data-entry-id="${ENTRY}"]`).click();
        await page.locator(`[data-testid=entry-header][data-entry-id="${ENTRY}"]`).waitFor();

        // Prediction wrong (n), which makes the error dimensions apply.
        await page.keyboard.press('n');
        await expect.poll(() => page.getByTestId(`dimension-${DIM}`).getAttribute('aria-disabled')).toBe('false');

        // Lines 8-9 of the trace: the line number selects a line, Shift extends the selection.
        await lineNumber(page, 'pane-output', 8).click();
        await lineNumber(page, 'pane-output', 9).click({ modifiers: ['Shift'] });
        await expect.poll(() => page.getByTestId(`lines-add-${DIM}`).textContent()).toContain('Pin L8–9');
        await page.keyboard.press('l');
        await page.getByTestId('bug-picker-input').fill('arith');
        await page.keyboard.press('Enter');
        const chips = page.locator(`[data-testid=line-chips-${DIM}] [data-testid=line-chip]`);
        await expect.poll(() => chips.count()).toBe(1);
        expect(await chips.first().getAttribute('data-start')).toBe('8');
        expect(await chips.first().getAttribute('data-end')).toBe('9');
        await page.keyboard.press('Escape');
        // Drawn on the trace: a gutter bar on each pinned line, and the hover names the error.
        await expect.poll(() => page.locator('[data-testid=pane-output] .line-pin-bar').count()).toBe(2);
        await page.locator('[data-testid=pane-output] .view-overlays .line-pin').first().waitFor({ state: 'attached' });
        await page.locator('[data-testid=pane-output] .view-line', { hasText: 'total = 20 + 9 = 28' }).hover();
        await expect.poll(() => page.locator('.monaco-hover').filter({ hasText: 'Computation Errors › Arithmetic' }).count()).toBeGreaterThan(0);
        await page.mouse.move(700, 880);
        await page.screenshot({ path: join(process.env.CONCORD_SCREENSHOTS ?? server.dir, 'label-lines.png') });

        // Line 9 off again, from the keyboard: select it, press Delete.
        await lineNumber(page, 'pane-output', 9).click();
        await page.keyboard.press('Delete');
        await expect.poll(() => chips.first().getAttribute('data-end')).toBe('8');
        await expect.poll(() => page.locator('[data-testid=pane-output] .line-pin-bar').count()).toBe(1);
        const mine = await callApi(server.url, 'entries.get', { annotator: 'cai', id: ENTRY });
        expect(mine.labels[DIM] as LineRange[]).toEqual([{ start: 8, end: 8, value: 'computation-errors::arithmetic' }]);

        // Submitted (Ctrl+Enter), reloaded: the pins are still there, and still drawn.
        await page.keyboard.press('Control+Enter');
        await expect.poll(async () => (await callApi(server.url, 'entries.get', { annotator: 'cai', id: ENTRY })).status).toBe('submitted');
        await reloadWhenIdle(page);
        await page.locator(`[data-testid=queue-row][data-entry-id="${ENTRY}"]`).click();
        await expect.poll(() => chips.count()).toBe(1);
        await expect.poll(() => page.locator('[data-testid=pane-output] .line-pin-bar').count()).toBe(1);
        expectCleanPage(watch, server.origin);

        // The lead: every annotator's ranges side by side, each annotator's in their own colour on the trace.
        const lead = await openPage(await newContext(browser));
        await lead.page.addInitScript(() => localStorage.setItem('concord.annotator', 'lead'));
        await lead.page.goto(server.url);
        await lead.page.getByTestId('view-tab-adjudicate').click();
        await lead.page.locator(`[data-testid=adj-queue-row][data-entry-id="${ENTRY}"]`).click();
        await lead.page.locator(`[data-testid=adj-grid][data-entry-id="${ENTRY}"]`).waitFor();
        const row = lead.page.getByTestId(`adj-row-${DIM}`);
        const values = await row.getByTestId(`adj-value-${DIM}`).allTextContents();
        expect(values).toEqual(['L8 Computation Errors › Arithmetic', 'L8–9 Computation Errors › Arithmetic', 'L8 Computation Errors › Arithmetic']);
        for (const tone of [0, 1, 2]) await expect.poll(() => lead.page.locator(`[data-testid=pane-output] .line-pin-bar-${tone}`).count()).toBeGreaterThan(0);
        // The union of the three: chosen, with a rationale (it overrides the majority), decided.
        await row.click();
        await row.locator(`[data-testid=adj-cand-${DIM}]`, { hasText: 'union' }).click();
        await lead.page.getByTestId('adj-rationale').fill('line 9 carries the wrong sum on: it is part of the error');
        await lead.page.keyboard.press('Enter');
        await expect
          .poll(async () => (await callApi(server.url, 'adjudication.entry', { as: 'lead', entryId: ENTRY })).dimensions.find((d) => d.dimension === DIM)?.decision?.value)
          .toEqual([{ start: 8, end: 9, value: 'computation-errors::arithmetic' }]);
        if (process.env.CONCORD_SCREENSHOTS) await lead.page.screenshot({ path: join(process.env.CONCORD_SCREENSHOTS, 'adjudicate-lines.png') });
        expectCleanPage(lead.watch, server.origin);
      } finally {
        await context.close();
        await server.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    },
    180_000,
  );
});

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deepBenchCodebook } from '../../shared/codebook/index.ts';
import { callApi } from '../helpers/api.ts';
import { launchChromium, newContext, openPage, reloadWhenIdle } from '../helpers/browser.ts';
import { repoRoot, startConcord } from '../helpers/concord-server.ts';

// The Activity tab shows the event log; a label changed after a decision makes that decision
// stale, and the Adjudicate view says so until it is decided again. Waits are on what the user sees.

let browser: Browser;

beforeAll(async () => {
  if (!existsSync(join(repoRoot, 'build', 'renderer', 'index.html')))
    throw new Error('build the renderer first: `npm run test:e2e` does, or `node scripts/build.mjs renderer`');
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

const stage = deepBenchCodebook.dimensions.find((d) => d.id === 'stage')!;
const rows = (page: Page) => page.locator('[data-testid=activity-row]');

describe('activity log and stale decisions in browser mode', () => {
  it('shows a new label at the top of the Activity tab, pages, filters, and opens the entry whose decision went stale', async () => {
    const server = await startConcord({ demo: true });
    const ctx = await newContext(browser);
    const { page, watch } = await openPage(ctx);
    try {
      // The lead, an adjudicator, decides; ana labels (blind: she sees only the Label and Team tabs).
      await callApi(server.url, 'project.addAnnotator', { name: 'lena', role: 'adjudicator' });
      // An entry ana labelled (and submitted) whose stage the lead has decided.
      const mine = await callApi(server.url, 'entries.list', { annotator: 'ana', filter: { status: 'submitted' } });
      const target = mine.find((e) => typeof e.labels.stage === 'string')!;
      expect(target).toBeTruthy();
      const old = target.labels.stage as string;
      await callApi(server.url, 'adjudication.decide', { as: 'lena', entryId: target.id, dimension: 'stage', value: old, rationale: 'agreed in the meeting', decidedBy: 'lena' });
      const fresh = await callApi(server.url, 'adjudication.entry', { as: 'lena', entryId: target.id });
      expect(fresh.dimensions.find((d) => d.dimension === 'stage')!.stale).toBe(false);

      // A season of note-taking by ben: an import now logs its labels as one event, so the log needs
      // more than two pages of its own for the Activity tab to page through.
      const all = await callApi(server.url, 'entries.list', { annotator: 'ben' });
      for (let i = 0; i < 130; i++)
        await callApi(server.url, 'labels.setNote', { annotator: 'ben', entryId: all[i % all.length].id, text: `reading ${i}: check the tensor shapes again` });

      // ana changes her stage label with a codebook hotkey.
      const next = stage.values.find((v) => v.id !== old && v.hotkey)!;
      await page.goto(server.url);
      await page.getByTestId('whoami-name').fill('ana');
      await page.getByTestId('whoami-add').click();
      await page.locator('[data-testid=workspace][data-annotator=ana]').waitFor();
      await page.getByTestId('queue-search').fill(target.id);
      await page.locator(`[data-testid=queue-row][data-entry-id="${target.id}"]`).click();
      await page.locator(`[data-testid=label-panel][data-entry-id="${target.id}"]`).waitFor();
      await page.keyboard.press(next.hotkey!);
      await page.locator('[data-testid=save-state][data-pending="0"]').waitFor();
      await expect.poll(async () => (await callApi(server.url, 'entries.get', { annotator: 'ana', id: target.id })).labels.stage).toBe(next.id);

      // An annotator sees only the Label tab: the lead's views would show everyone's labels.
      expect(await page.getByTestId('view-tab-activity').count()).toBe(0);
      expect(await page.getByTestId('view-tab-adjudicate').count()).toBe(0);

      // The lead (an adjudicator) opens the Activity tab: that change at the top, with who and what, in codebook words.
      await page.evaluate(() => localStorage.setItem('concord.annotator', 'lena'));
      await reloadWhenIdle(page);
      await page.locator('[data-testid=app][data-annotator=lena]').waitFor();
      await page.getByTestId('view-tab-activity').click();
      await page.locator('[data-testid=activity-view][data-ready=true]').waitFor();
      const top = rows(page).first();
      await expect.poll(() => top.getAttribute('data-kind')).toBe('label.set');
      expect(await top.getAttribute('data-actor')).toBe('ana');
      expect(await top.getAttribute('data-entry-id')).toBe(target.id);
      expect(await top.getByTestId('activity-actor').textContent()).toBe('ana');
      const oldLabel = stage.values.find((v) => v.id === old)!.label;
      expect(await top.getByTestId('activity-change').textContent()).toBe(`${oldLabel} → ${next.label}`);

      // A page is 100 events; there are more, so older ones load on demand.
      expect(await rows(page).count()).toBe(100);
      await page.getByTestId('activity-more').click();
      await expect.poll(() => rows(page).count()).toBe(200);

      // Filters: decisions only, then one entry's events, then one actor's.
      await page.getByTestId('activity-kind-filter').selectOption('decision');
      await expect.poll(() => rows(page).first().getAttribute('data-kind')).toBe('decision.set');
      expect(await rows(page).count()).toBe(1);
      expect(await rows(page).first().getAttribute('data-actor')).toBe('lena');
      await page.getByTestId('activity-kind-filter').selectOption('');
      await page.getByTestId('activity-entry-filter').fill(target.id);
      await expect.poll(() => rows(page).evaluateAll((els) => [...new Set(els.map((e) => e.getAttribute('data-entry-id')))])).toEqual([target.id]);
      await page.getByTestId('activity-actor-filter').fill('ana');
      await expect.poll(() => rows(page).evaluateAll((els) => [...new Set(els.map((e) => e.getAttribute('data-actor')))])).toEqual(['ana']);
      await expect.poll(() => rows(page).first().getAttribute('data-kind')).toBe('label.set');

      // Its entry opens in the Adjudicate view, where the decision is marked stale.
      await rows(page).first().getByTestId('activity-entry').click();
      await page.locator(`[data-testid=adj-grid][data-entry-id="${target.id}"]`).waitFor();
      await page.getByTestId('adj-stale-stage').waitFor();
      expect(await page.getByTestId('adj-stale-stage').textContent()).toBe('labels changed since the decision');
      expect(await page.getByTestId('adj-row-stage').getAttribute('data-stale')).toBe('true');
      await page.locator(`[data-testid=adj-queue-row][data-entry-id="${target.id}"] [data-testid=adj-queue-stale]`).waitFor();
      const queued = await callApi(server.url, 'adjudication.queue', { as: 'lena' });
      expect(queued.find((q) => q.entryId === target.id)!.open).toContainEqual(expect.objectContaining({ dimension: 'stage', stale: true, reason: 'labels changed since the decision' }));

      // Deciding again clears it: the stale row has the keyboard; Enter confirms the decision as it stands.
      await expect.poll(() => page.locator('tr[data-focused=true]').getAttribute('data-testid')).toBe('adj-row-stage');
      await page.keyboard.press('Enter');
      await expect.poll(() => page.getByTestId('adj-row-stage').getAttribute('data-stale')).toBe('false');
      expect(await page.getByTestId('adj-stale-stage').count()).toBe(0);
      const after = await callApi(server.url, 'adjudication.entry', { as: 'lena', entryId: target.id });
      expect(after.dimensions.find((d) => d.dimension === 'stage')!).toMatchObject({ stale: false, decision: { value: old, rationale: 'agreed in the meeting', decidedBy: 'lena' } });

      expect(watch.consoleErrors).toEqual([]);
      expect(watch.pageErrors).toEqual([]);
      expect(watch.failedRequests).toEqual([]);
    } finally {
      await ctx.close();
      await server.stop();
    }
  });
});

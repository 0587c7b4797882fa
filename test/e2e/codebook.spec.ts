import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callApi } from '../helpers/api.ts';
import { expectCleanPage, joinAsLead, launchChromium, newContext, openPage } from '../helpers/browser.ts';
import { repoRoot, startConcord } from '../helpers/concord-server.ts';
import { demoFixtures } from '../helpers/fixtures.ts';
import { DEFAULT_REVIEW_PAGE } from '../../shared/queue-page.ts';

/**
 * A study that calibrates, end to end in browser mode: the lead makes a pilot round, edits the
 * codebook (renames one value, splits another), publishes version 2.0.0; an annotator finds the
 * labels made under the old meaning in their queue and labels again under the new version; the
 * lead reads alpha per codebook version and per round, each equal to what the service computes.
 */

let browser: Browser;

beforeAll(async () => {
  if (!existsSync(join(repoRoot, 'build', 'renderer', 'index.html'))) throw new Error('build the renderer first: `node scripts/build.mjs renderer`');
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

const fixed = (x: number | null | undefined) => (x === null || x === undefined ? '—' : x.toFixed(3));

async function openAs(name: string, url: string): Promise<{ page: Page; watch: Awaited<ReturnType<typeof openPage>>['watch'] }> {
  const context = await newContext(browser);
  const opened = await openPage(context);
  await opened.page.addInitScript((who) => localStorage.setItem('concord.annotator', who), name);
  await opened.page.goto(url);
  return opened;
}

describe('the codebook editor', () => {
  it(
    'renames a value and splits another, publishes a new version, relabels under it, and shows agreement per version and per round',
    async () => {
      expect(existsSync(join(demoFixtures, 'dlbench')), 'the demo project (fixtures/demo/dlbench) is missing').toBe(true);
      const server = await startConcord({ demo: true });
      const context = await newContext(browser);
      const { page, watch } = await openPage(context);
      try {
        await joinAsLead(page, server.url);
        await page.goto(server.url);

        // A pilot round of 12 entries, drawn with a seed, from the Rounds view.
        await page.getByTestId('view-tab-rounds').click();
        await page.getByTestId('round-name').fill('Pilot');
        await page.getByTestId('round-size').fill('12');
        await page.getByTestId('round-seed').fill('4');
        await page.getByTestId('round-create').click();
        await page.locator('[data-testid=round-card][data-round=Pilot]').waitFor();
        const rounds = await callApi(server.url, 'rounds.list', {});
        expect(rounds.map((r) => [r.name, r.entries])).toEqual([['Pilot', 12]]);

        // The codebook: rename Training, split Inference into batch and online.
        await page.getByTestId('view-tab-codebook').click();
        await page.getByTestId('cb-dim-stage').click();
        await page.getByTestId('cb-value-training').click();
        await page.getByTestId('cb-value-label').fill('Model training');
        await page.getByTestId('cb-value-inference').click();
        await page.getByTestId('cb-split').click();
        await page.getByTestId('cb-split-label-0').fill('Batch inference');
        await page.getByTestId('cb-split-definition-0').fill('Predicts for a whole dataset at once, offline.');
        await page.getByTestId('cb-split-label-1').fill('Online inference');
        await page.getByTestId('cb-split-definition-1').fill('Answers one request at a time: *serving* code, `predict` behind an API.');
        await page.getByTestId('cb-split-keep').uncheck();
        await page.getByTestId('cb-split-labels-to').selectOption({ label: 'Batch inference' });
        await page.getByTestId('cb-split-apply').click();
        await page.getByTestId('cb-value-batch-inference').waitFor();
        await page.getByTestId('cb-value-online-inference').click();
        // The definition's Markdown is shown, not run: emphasis and code, no HTML.
        await expect.poll(() => page.getByTestId('cb-value-definition-preview').innerHTML()).toContain('<em>serving</em>');
        await page.getByTestId('cb-value-use-when').fill('A request <img src=x onerror="window.__pwned=1"> comes in; see [this](javascript:window.__pwned=2).');
        const preview = page.getByTestId('cb-value-use-when-preview');
        await expect.poll(() => preview.textContent()).toContain('<img src=x onerror="window.__pwned=1">');
        expect(await preview.locator('img, a, script').count()).toBe(0);
        expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();

        await page.getByTestId('cb-publish-open').click();
        await page.locator('[data-testid=cb-publish][data-ready=true]').waitFor();
        const version = page.getByTestId('cb-publish-version');
        expect(await version.getAttribute('data-version')).toBe('2.0.0');
        expect(await version.getAttribute('data-new')).toBe('true');
        const kinds = await page.locator('[data-testid=cb-publish-changes] li').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')));
        expect(kinds.sort()).toEqual(['value-renamed', 'value-split']);
        await page.getByTestId('cb-publish-note').fill('After the pilot: batch and online inference apart.');
        await page.getByTestId('cb-publish-round').selectOption('Pilot');
        await page.getByTestId('cb-publish-confirm').click();
        await expect.poll(() => page.getByTestId('cb-version').textContent()).toBe('2.0.0');

        const history = await callApi(server.url, 'codebook.history', {});
        expect(history.map((h) => [h.version, h.round])).toEqual([
          ['1.0.0', null],
          ['2.0.0', 'Pilot'],
        ]);
        const listed = await callApi(server.url, 'reviews.all', { as: 'lead' });
        // The demo's list fits one page.
        const reviews = listed.items;
        expect(listed.total).toBe(reviews.length);
        expect(reviews.length).toBeGreaterThan(0);
        expect(reviews.every((r) => r.dimension === 'stage' && r.value === 'batch-inference' && r.labelVersion === '1.0.0')).toBe(true);
        await page.getByTestId('cb-tab-review').click();
        await expect.poll(() => page.getByTestId('cb-review-list').getAttribute('data-count')).toBe(String(reviews.length));

        // An annotator relabels what the split touched, under the new version.
        const who = reviews[0].annotator;
        const mine = reviews.filter((r) => r.annotator === who).map((r) => r.entryId);
        const annotator = await openAs(who, server.url);
        const ap = annotator.page;
        await ap.getByTestId('filter-status').selectOption('review');
        await expect.poll(() => ap.locator('[data-testid=queue-row]').count()).toBe(mine.length);
        const first = (await ap.locator('[data-testid=queue-row]').first().getAttribute('data-entry-id'))!;
        await ap.locator(`[data-testid=label-panel][data-entry-id="${first}"]`).waitFor();
        await ap.getByTestId('review-notice-stage').waitFor();
        expect(await ap.getByTestId('review-notice-stage').textContent()).toContain('Inference split into Batch inference, Online inference');
        expect(await ap.getByTestId('value-stage-training').textContent()).toContain('Model training');
        await ap.getByTestId('value-stage-online-inference').click();
        await ap.getByTestId('review-notice-stage').waitFor({ state: 'detached' });
        // The next one is kept as it is.
        if (mine.length > 1) {
          const second = mine.find((id) => id !== first)!;
          await ap.getByTestId('filter-status').selectOption('');
          await ap.getByTestId('queue-search').fill(second);
          await ap.locator(`[data-testid=label-panel][data-entry-id="${second}"]`).waitFor();
          await ap.getByTestId('review-keep-stage').click();
          await ap.getByTestId('review-notice-stage').waitFor({ state: 'detached' });
        }
        const stored = await callApi(server.url, 'entries.get', { annotator: who, id: first });
        expect(stored.labels.stage).toBe('online-inference');
        expect((await callApi(server.url, 'reviews.list', { annotator: who })).filter((r) => mine.slice(0, 2).includes(r.entryId))).toEqual([]);
        expectCleanPage(annotator.watch, server.origin);
        await ap.context().close();

        // Two more annotators label a few entries under the new version, so it has an agreement of its own.
        const others = (await callApi(server.url, 'project.annotators', {})).filter((a) => a.role === 'annotator').map((a) => a.name);
        const fresh = (await callApi(server.url, 'entries.list', { annotator: others[0] })).slice(0, 4).map((e) => e.id);
        const values = ['training', 'online-inference', 'batch-inference', 'evaluation-metrics'];
        for (const [i, id] of fresh.entries())
          for (const [k, name] of others.slice(0, 2).entries()) {
            await callApi(server.url, 'labels.set', { annotator: name, entryId: id, dimension: 'stage', value: k === 1 && i === 3 ? 'training' : values[i] });
            await callApi(server.url, 'labels.setStatus', { annotator: name, entryId: id, status: 'submitted' });
          }

        // Agreement per version: the Agreement view's selector, against the service.
        const v2 = await callApi(server.url, 'agreement.report', { as: 'lead', codebookVersion: '2.0.0', bootstrap: 0 });
        const v1 = await callApi(server.url, 'agreement.report', { as: 'lead', codebookVersion: '1.0.0', bootstrap: 0 });
        expect(v2.selection.labels).toBeGreaterThan(0);
        await page.getByTestId('view-tab-agreement').click();
        await page.locator('[data-testid=agreement-view][data-ready=true]').waitFor();
        await page.getByTestId('agreement-codebook-version').selectOption('2.0.0');
        await expect.poll(() => page.getByTestId('agreement-version-note').count()).toBe(1);
        await page.locator('[data-testid=agreement-view][data-ready=true]').waitFor();
        await expect.poll(async () => Number(await page.getByTestId('pooled-figure').getAttribute('data-units'))).toBe(v2.pooled!.figure.units);
        expect(await page.getByTestId('pooled-figure').getAttribute('data-alpha')).toBe(v2.pooled!.figure.alpha === null ? '' : String(v2.pooled!.figure.alpha));

        // And the table of alpha per version in the codebook's history.
        await page.getByTestId('view-tab-codebook').click();
        await page.getByTestId('cb-tab-history').click();
        const versionRows = page.locator('[data-testid=cb-version-alpha] [data-testid=alpha-group]');
        await expect.poll(() => versionRows.count()).toBe(2);
        expect(await versionRows.evaluateAll((els) => els.map((e) => e.getAttribute('data-group')))).toEqual(['1.0.0', '2.0.0']);
        const stageCell = (group: string) => page.locator(`[data-testid=cb-version-alpha] [data-group="${group}"] [data-testid=alpha-stage]`);
        const stageOf = (r: typeof v1) => r.dimensions.find((d) => d.id === 'stage')!.measures[0].figure.alpha;
        expect(await stageCell('1.0.0').textContent()).toBe(fixed(stageOf(v1)));
        expect(await stageCell('2.0.0').textContent()).toBe(fixed(stageOf(v2)));
        // The figures come at once; their 95% intervals when the bootstrap off the request thread is done.
        const byVersion = await callApi(server.url, 'agreement.groups', { as: 'lead', by: 'version', bootstrap: 200 });
        const pooledCell = (table: string, group: string) => page.locator(`[data-testid=${table}] [data-group="${group}"] [data-testid=alpha-pooled]`);
        await expect.poll(() => pooledCell('cb-version-alpha', '1.0.0').getAttribute('data-low'), { timeout: 60_000 }).toBe(String(byVersion[0].pooled!.low));
        expect(await pooledCell('cb-version-alpha', '2.0.0').getAttribute('data-high')).toBe(String(byVersion[1].pooled!.high));
        expect(await page.getByTestId('cb-version-alpha-intervals').count()).toBe(0);
        // The diff of the two versions says what changed.
        await expect.poll(() => page.locator('[data-testid=cb-diff] li').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')))).toEqual(['value-split', 'value-renamed']);
        expect(await page.getByTestId('cb-diff').textContent()).toContain('Inference split into Batch inference, Online inference');

        // Agreement per round: the Rounds view, against the agreement report of the round's entries.
        const pilot = await callApi(server.url, 'agreement.report', { as: 'lead', round: 'Pilot', bootstrap: 0 });
        await page.getByTestId('view-tab-rounds').click();
        await page.locator('[data-testid=rounds-view][data-ready=true]').waitFor();
        const row = page.locator('[data-testid=rounds-alpha] [data-group=Pilot]');
        await row.waitFor();
        expect(Number(await row.getAttribute('data-alpha'))).toBe(pilot.pooled!.figure.alpha);
        expect(await row.locator('[data-testid=alpha-stage]').textContent()).toBe(fixed(stageOf(pilot)));
        const byRound = await callApi(server.url, 'agreement.groups', { as: 'lead', by: 'round', bootstrap: 200 });
        expect(await pooledCell('rounds-alpha', 'Pilot').getAttribute('data-low')).toBe(String(byRound.find((g) => g.group === 'Pilot')!.pooled!.low));
        await page.getByTestId('rounds-chart').waitFor();
        expect(await page.getByTestId('round-followed-by').textContent()).toContain('2.0.0');

        // The round's meeting: its queue in Adjudicate.
        await page.locator('[data-testid=round-card][data-round=Pilot] [data-testid=round-discuss]').click();
        await page.getByTestId('adj-queue').waitFor();
        await expect.poll(() => page.getByTestId('adj-round').inputValue()).toBe('Pilot');
        const queued = await callApi(server.url, 'adjudication.queue', { as: 'lead', round: 'Pilot' });
        await expect.poll(() => page.getByTestId('adj-left').getAttribute('data-left')).toBe(String(queued.length));
        const pilotEntries = new Set((await callApi(server.url, 'entries.list', { annotator: others[0], filter: { round: 'Pilot' } })).map((e) => e.id));
        const shown = await page.locator('[data-testid=adj-queue-row]').evaluateAll((els) => els.map((e) => e.getAttribute('data-entry-id')!));
        expect(shown.every((id) => pilotEntries.has(id))).toBe(true);

        expectCleanPage(watch, server.origin);
      } finally {
        await context.close();
        await server.stop();
      }
    },
    180_000,
  );

  it('shows a re-review list longer than a page a page at a time, in the list\'s order, with every annotator\'s count', async () => {
    const server = await startConcord({ demo: true });
    const context = await newContext(browser);
    const { page, watch } = await openPage(context);
    try {
      await joinAsLead(page, server.url);
      // Every value of Stage, Task and Input type defined anew: every annotator's label on them is listed.
      const codebook = await callApi(server.url, 'project.codebook', {});
      for (const d of codebook.dimensions.filter((x) => ['stage', 'task', 'input'].includes(x.id))) for (const v of d.values) v.definition = `${v.definition ?? ''} Read with the prompt.`;
      const published = await callApi(server.url, 'codebook.publish', { as: 'lead', codebook });
      expect(published.reviews).toBeGreaterThan(DEFAULT_REVIEW_PAGE);
      await page.goto(server.url);
      await page.getByTestId('view-tab-codebook').click();
      await page.getByTestId('cb-tab-review').click();
      const rows = page.locator('[data-testid=cb-review-row]');
      const shownRows = () => rows.evaluateAll((els) => els.map((e) => `${e.getAttribute('data-annotator')}/${e.getAttribute('data-entry-id')}`));
      await expect.poll(() => rows.count()).toBe(DEFAULT_REVIEW_PAGE);
      expect(await page.getByTestId('cb-review-list').getAttribute('data-count')).toBe(String(published.reviews));
      expect(await page.getByTestId('cb-review-shown').textContent()).toBe(`${DEFAULT_REVIEW_PAGE} of ${published.reviews} shown`);
      const listed = await callApi(server.url, 'reviews.all', { as: 'lead', limit: 2 * DEFAULT_REVIEW_PAGE });
      expect(listed.total).toBe(published.reviews);
      const open = listed.byAnnotator.map((a) => `${a.annotator} ${a.open}`).join(', ');
      expect(await page.getByTestId('cb-review-list').locator('p').textContent()).toContain(`Open: ${open}.`);
      await page.getByTestId('cb-review-more').click();
      await expect.poll(() => rows.count()).toBe(Math.min(2 * DEFAULT_REVIEW_PAGE, published.reviews));
      expect(await shownRows()).toEqual(listed.items.map((r) => `${r.annotator}/${r.entryId}`));
      if (published.reviews <= 2 * DEFAULT_REVIEW_PAGE) expect(await page.getByTestId('cb-review-more').count()).toBe(0);
      expectCleanPage(watch, server.origin);
    } finally {
      await context.close();
      await server.stop();
    }
  }, 120_000);
});

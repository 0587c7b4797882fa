import { existsSync, mkdirSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callApi } from '../helpers/api.ts';
import { expectCleanPage, launchChromium, newContext, openPage, type PageWatch } from '../helpers/browser.ts';
import { repoRoot, startConcord, type ConcordServer } from '../helpers/concord-server.ts';
import { importSample } from '../helpers/fixtures.ts';

// The user guide's screenshots, taken of browser mode at 1440 x 900 on the demo project. Every e2e
// run takes them (so each view must still load as the guide shows it), into a folder of its own;
// `CONCORD_GUIDE_SHOTS=1 npm run test:e2e` writes them over docs/guide/img/*.png, to be reviewed and
// committed when the UI changes (a test run never changes tracked files).
// Each view is shot once what it shows has loaded (its own data-ready, never a clock).

const img = process.env.CONCORD_GUIDE_SHOTS ? join(repoRoot, 'docs', 'guide', 'img') : mkdtempSync(join(tmpdir(), 'concord-guide-img-'));
let browser: Browser;
let server: ConcordServer;

beforeAll(async () => {
  if (!existsSync(join(repoRoot, 'build', 'renderer', 'index.html'))) throw new Error('build the renderer first: `node scripts/build.mjs renderer`');
  mkdirSync(img, { recursive: true });
  browser = await launchChromium();
  server = await startConcord({ demo: true });
  // The study as the guide describes it: a lead, each entry assigned to the three annotators,
  // a pilot round, and comments written while labelling.
  await callApi(server.url, 'project.addAnnotator', { name: 'lea', role: 'adjudicator' });
  await callApi(server.url, 'assignments.auto', { as: 'lea', perEntry: 3, annotators: ['ana', 'ben', 'cai'] });
  await callApi(server.url, 'rounds.create', { as: 'lea', name: 'Pilot', note: 'The first twelve entries, before the codebook meeting', sample: { size: 12, seed: 4 } });
  await callApi(server.url, 'comments.add', {
    annotator: 'ben',
    entryId: 'segtools_tta_predict26',
    text: 'Flipping the batch back after the forward pass is post-processing, but the whole function is inference. Which wins?',
  });
  await callApi(server.url, 'rounds.create', { as: 'lea', name: 'Round 2', note: 'After the meeting: stage and input definitions reworded', sample: { size: 12, seed: 5 } });
  await callApi(server.url, 'comments.add', { annotator: 'cai', entryId: 'segtools_tta_predict26', text: 'I read it as evaluation: it is only called from the benchmark script.' });
});

afterAll(async () => {
  await server?.stop();
  await browser?.close();
});

async function openAs(name: string): Promise<{ context: BrowserContext; page: Page; watch: PageWatch }> {
  const context = await newContext(browser);
  const { page, watch } = await openPage(context);
  await page.addInitScript((who) => localStorage.setItem('concord.annotator', who), name);
  await page.goto(server.url);
  await page.locator(`[data-testid=workspace][data-annotator=${name}]`).waitFor();
  return { context, page, watch };
}

/** Writes docs/guide/img/<name>.png once the page has settled, and checks it is a real picture. */
async function shoot(page: Page, name: string): Promise<void> {
  await page.waitForLoadState('networkidle');
  await page.evaluate(() => document.fonts.ready);
  const file = join(img, `${name}.png`);
  await page.screenshot({ path: file });
  expect(statSync(file).size).toBeGreaterThan(20_000);
}

async function openEntry(page: Page, id: string): Promise<void> {
  await page.getByTestId('queue-search').fill(id);
  await page.locator(`[data-testid=queue-row][data-entry-id="${id}"]`).click();
  await page.locator(`[data-testid=label-panel][data-entry-id="${id}"]`).waitFor();
  await page.locator('[data-testid=pane-output] .monaco-editor').waitFor();
}

describe('the user guide screenshots', () => {
  it('shoots the Label view and the import dialog as an annotator sees them', async () => {
    const { context, page, watch } = await openAs('ben');
    try {
      await openEntry(page, 'segtools_tta_predict26');
      await page.getByTestId('queue-search').fill('');
      await page.locator('[data-testid=queue-row]').nth(10).waitFor();
      await shoot(page, 'label');

      await page.getByTestId('import-open').click();
      await page.getByTestId('import-path').fill(importSample('taxonomy-data'));
      await page.getByTestId('import-start').click();
      await page.getByTestId('import-summary').waitFor();
      await shoot(page, 'import');
      await page.getByTestId('import-close').click();
      expectCleanPage(watch, server.origin);
    } finally {
      await context.close();
    }
  });

  it('shoots the lead\'s views: agreement, adjudication, export, team, codebook, rounds, activity', async () => {
    const { context, page, watch } = await openAs('lea');
    try {
      await page.getByTestId('view-tab-agreement').click();
      await page.locator('[data-testid=agreement-view][data-ready=true]').waitFor();
      await shoot(page, 'agreement');
      await page.getByTestId('agreement-tab-coefficients').click();
      await page.locator('[data-testid=figure-tab][data-tab=coefficients][data-ready=true]').waitFor();
      await shoot(page, 'agreement-coefficients');

      await page.getByTestId('view-tab-adjudicate').click();
      // The entry two annotators commented on: their comments sit beside the labels.
      await page.locator('[data-testid=adj-queue-row][data-entry-id=segtools_tta_predict26]').click();
      await page.locator('[data-testid=adj-discussion][data-entry-id=segtools_tta_predict26][data-ready=true]').waitFor();
      await page.locator('[data-testid=adj-discussion] [data-testid=comment]').nth(1).waitFor();
      await shoot(page, 'adjudicate');

      // The majorities accepted, as in the worked example, so the exports have final labels.
      await callApi(server.url, 'adjudication.acceptMajorities', { as: 'lea', decidedBy: 'lea' });

      await page.getByTestId('view-tab-export').click();
      await page.getByTestId('export-kind-bug-distribution').click();
      await page.getByTestId('export-format-md').click();
      await page.locator('[data-testid=export-preview][data-ready=true]').waitFor();
      await page.getByTestId('export-kind-labels').scrollIntoViewIfNeeded();
      await shoot(page, 'export');

      await page.getByTestId('view-tab-team').click();
      await page.locator('[data-testid=team-view][data-ready=true]').waitFor();
      await shoot(page, 'team');

      await page.getByTestId('view-tab-codebook').click();
      await page.getByTestId('cb-dim-bug').click();
      await page.getByTestId('cb-value-missing-corner-case').click();
      await page.getByTestId('cb-detail').waitFor();
      await shoot(page, 'codebook');

      await page.getByTestId('view-tab-rounds').click();
      await page.locator('[data-testid=rounds-view][data-ready=true]').waitFor();
      await page.locator('[data-testid=round-card][data-round=Pilot]').waitFor();
      await shoot(page, 'rounds');

      await page.getByTestId('view-tab-activity').click();
      await page.locator('[data-testid=activity-view][data-ready=true]').waitFor();
      await shoot(page, 'activity');
      expectCleanPage(watch, server.origin);
    } finally {
      await context.close();
    }
  });
});

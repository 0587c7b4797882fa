import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeStudyFiles } from '../../cli/bench/project.ts';
import { callApi } from '../helpers/api.ts';
import { joinAsLead, launchChromium, newContext, openPage } from '../helpers/browser.ts';
import { repoRoot, startConcord, type ConcordServer } from '../helpers/concord-server.ts';

// A study large enough that resampling every coefficient per category as many times as the lead
// asked would take minutes: the Coefficients tab keeps its analytic intervals, says so, and offers
// as many resamples as fit, rather than starting a job the service would refuse.

const run = promisify(execFile);
const cli = (...args: string[]) => run(process.execPath, [join(repoRoot, 'cli', 'concord.js'), ...args], { cwd: repoRoot });
const dir = mkdtempSync(join(tmpdir(), 'concord-e2e-budget-'));
let browser: Browser;
let server: ConcordServer;
let page: Page;

beforeAll(async () => {
  if (!existsSync(join(repoRoot, 'build', 'renderer', 'index.html'))) throw new Error('build the renderer first: `node scripts/build.mjs renderer`');
  // 700 entries labelled by three annotators, imported as a team would.
  const files = await writeStudyFiles(join(dir, 'files'), 700);
  const dbPath = join(dir, 'study.db');
  await cli('import', files.entries, '--db', dbPath, '--format', 'jsonl');
  await cli('import', files.labels, '--db', dbPath, '--format', 'annotations');
  browser = await launchChromium();
  server = await startConcord({ dbPath });
  ({ page } = await openPage(await newContext(browser)));
  await joinAsLead(page, server.url);
  await page.goto(server.url);
  await page.getByTestId('view-tab-agreement').click();
  await page.locator('[data-testid=agreement-view][data-ready=true]').waitFor({ timeout: 60_000 });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the Coefficients tab on a study too large for the resamples asked', () => {
  it('keeps the analytic intervals, says how many resamples fit, and computes that many when asked', async () => {
    const resamples = page.getByTestId('agreement-resamples');
    await resamples.fill('100000');
    await resamples.press('Enter');
    if (await page.getByTestId('agreement-cancel').count()) await page.getByTestId('agreement-cancel').click();
    await page.getByTestId('agreement-tab-coefficients').click();
    const note = page.getByTestId('figure-too-much');
    await note.waitFor({ timeout: 120_000 });
    // As many as the service itself allows these figures (the view asks for the first dimension's categories).
    const fits = (await callApi(server.url, 'agreement.coefficients', { as: 'lead', bootstrap: 0, categories: 'first' })).bootstrapFits;
    expect(fits).toBeGreaterThan(0);
    expect(fits).toBeLessThan(100_000);
    expect(Number(await note.getAttribute('data-fits'))).toBe(fits);
    expect(await note.textContent()).toContain(`up to ${fits.toLocaleString('en-US')} resamples fit`);
    // No refusal shown, no job started: the figures stand with their analytic intervals.
    expect(await page.getByTestId('figure-error').count()).toBe(0);
    expect(await page.locator('[data-testid=figure-progress][data-tab=coefficients]').count()).toBe(0);
    expect(await page.locator('[data-testid=figure-tab][data-tab=coefficients][data-ready=true]').count()).toBe(1);
    expect(await page.getByTestId('agreement-view').textContent()).toContain('analytic');
    // Asked for as many as fit: the intervals are computed in the background (and cancelled here, to spare the minute).
    await page.getByTestId('figure-resample-fitting').click();
    await page.locator('[data-testid=figure-progress][data-tab=coefficients][data-stage=intervals]').waitFor({ timeout: 120_000 });
    expect(await note.count()).toBe(0);
    await page.getByTestId('figure-cancel').click();
    await page.locator('[data-testid=figure-tab][data-tab=coefficients][data-ready=true]').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('figure-cancelled').textContent()).toContain('Intervals cancelled');
  });
});

import { execFile } from 'node:child_process';
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbAgreementReport, Figure } from '../../shared/agreement/report.ts';
import { callApi } from '../helpers/api.ts';
import { holdCalls, joinAsLead, launchChromium, newContext, openPage } from '../helpers/browser.ts';
import { repoRoot, startConcord } from '../helpers/concord-server.ts';
import { demoFixtures } from '../helpers/fixtures.ts';

// The Agreement view against an independent path: `concord alpha --json` on the same database.

const run = promisify(execFile);
type AlphaJson = DbAgreementReport & { alpha: number | null; units: number; annotators: string[]; figure: string };

async function cliAlpha(db: string, ...flags: string[]): Promise<AlphaJson> {
  const { stdout } = await run(process.execPath, [join(repoRoot, 'cli', 'concord.js'), 'alpha', '--db', db, '--json', ...flags], { cwd: repoRoot });
  return JSON.parse(stdout) as AlphaJson;
}

const fixed = (x: number | null) => (x === null ? 'undefined' : x.toFixed(3));

let browser: Browser;

beforeAll(async () => {
  if (!existsSync(join(repoRoot, 'build', 'renderer', 'index.html'))) throw new Error('build the renderer first: `node scripts/build.mjs renderer`');
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

async function waitReport(page: Page): Promise<void> {
  await page.locator('[data-testid=agreement-view][data-ready=true]').waitFor();
}

/** What the table row shows for a figure equals the CLI's figure. */
async function expectRowMatches(page: Page, selector: string, f: Figure): Promise<void> {
  const row = page.locator(selector);
  expect(await row.count(), selector).toBe(1);
  const alphaAttr = await row.getAttribute('data-alpha');
  if (f.alpha === null) {
    expect(alphaAttr).toBe('');
    expect(await row.getByTestId('alpha-undefined').textContent()).toContain('undefined');
  } else {
    expect(Number(alphaAttr)).toBe(f.alpha);
    expect(await row.getByTestId('alpha-value').textContent()).toBe(fixed(f.alpha));
  }
  expect(await row.getByTestId('units').textContent()).toBe(String(f.units));
  expect(await row.getAttribute('data-values')).toBe(String(f.values));
  expect(await row.getAttribute('data-raters')).toBe(String(f.raters));
  if (f.interval && f.interval.low !== null)
    expect(await row.getByTestId('interval-text').textContent()).toBe(`[${fixed(f.interval.low)}, ${fixed(f.interval.high)}]`);
}

describe('agreement view', () => {
  it(
    'shows the pooled alpha and per-dimension figures the CLI computes, lists the entries behind a coincidence cell and opens one',
    async () => {
      expect(existsSync(join(demoFixtures, 'dlbench')), 'the demo project (fixtures/demo/dlbench) is missing').toBe(true);
      const server = await startConcord({ demo: true });
      const context = await newContext(browser);
      const { page, watch } = await openPage(context);
      try {
        // The lead looks on as an adjudicator, whose own labels (none) never enter agreement.
        await joinAsLead(page, server.url);
        const cli = await cliAlpha(server.dbPath);

        await page.goto(server.url);
        await page.getByTestId('view-tab-agreement').click();
        await waitReport(page);

        // The pooled figure, prominent, with its interval and the probabilities below the thresholds.
        const pooled = cli.pooled!.figure;
        expect(cli.figure).toBe('pooled');
        expect(Number(await page.getByTestId('pooled-figure').getAttribute('data-alpha'))).toBe(cli.alpha);
        expect(await page.getByTestId('pooled-alpha').textContent()).toBe(fixed(pooled.alpha));
        expect(await page.getByTestId('pooled-interval').textContent()).toContain(`[${fixed(pooled.interval!.low)}, ${fixed(pooled.interval!.high)}]`);
        const probs = await page.getByTestId('pooled-probabilities').textContent();
        for (const [t, p] of Object.entries(pooled.interval!.probabilityBelow)) expect(probs).toContain(`P(α < ${t}) ${fixed(p)}`);
        expect(cli.annotators).toEqual(['ana', 'ben', 'cai']);
        for (const name of cli.annotators) expect(await page.locator(`[data-testid=agreement-annotator][data-name="${name}"]`).isChecked()).toBe(true);
        expect(await page.locator('[data-testid=agreement-annotator][data-name="lead"]').isChecked()).toBe(false);

        // Every measure of every dimension, number for number.
        await expectRowMatches(page, '[data-testid=pooled-row][data-measure=masi]', pooled);
        await expectRowMatches(page, '[data-testid=pooled-row][data-measure=nominal]', cli.pooledNominal!.figure);
        let rows = 0;
        for (const d of cli.dimensions)
          for (const m of d.measures) {
            await expectRowMatches(page, `[data-testid=dimension-row][data-dimension="${d.id}"][data-measure="${m.id}"]`, m.figure);
            rows++;
          }
        expect(rows).toBeGreaterThanOrEqual(6);
        expect(await page.getByTestId('cross-check').getAttribute('data-agree')).toBe(String(cli.crossCheck.agree));
        expect(await page.getByTestId('cross-check').textContent()).toContain(cli.crossCheck.agree ? 'agrees' : 'differs');

        // Per-value alphas, worst first; the undefined ones say so, with a reason, and nothing reads NaN.
        const perValue = cli.dimensions.flatMap((d) => d.perValue.map((v) => v.figure.alpha));
        const shown = await page.getByTestId('per-value-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-alpha')));
        expect(shown.length).toBe(perValue.length);
        const defined = shown.filter((a) => a !== '').map(Number);
        expect(defined).toEqual([...defined].sort((a, b) => a - b));
        expect(shown.slice(defined.length).every((a) => a === '')).toBe(true);
        const undefinedCount = perValue.filter((a) => a === null).length;
        expect(await page.locator('[data-testid=per-value] [data-testid=alpha-undefined]').count()).toBe(undefinedCount);
        if (undefinedCount) expect(await page.locator('[data-testid=per-value] [data-testid=alpha-undefined]').first().textContent()).toMatch(/undefined \(.+\)/);
        expect(await page.getByTestId('agreement-view').textContent()).not.toMatch(/NaN/);

        // The bug taxonomy at type level: a disagreement cell lists the entries behind it.
        await page.locator('[data-testid=dimension-row][data-dimension=bug][data-measure=masi-type]').click();
        await page.locator('[data-testid=figure-detail][data-ref="dim/bug/masi-type"]').waitFor();
        expect(await page.getByTestId('pairwise-cell').count()).toBe(6);
        const cell = page.locator('[data-testid=coincidence-cell].is-off.has-count').first();
        await cell.click();
        const panel = page.locator('[data-testid=cell-entries]');
        await panel.waitFor();
        // The entries behind a cell are read when it is opened (agreement.cell).
        await page.getByTestId('cell-entry').first().waitFor();
        const ids = await page.getByTestId('cell-entry').evaluateAll((els) => els.map((e) => e.getAttribute('data-entry-id')!));
        expect(ids.length).toBeGreaterThan(0);

        // Independently, from each annotator's own pack (every label and submission, assigned or not) and
        // from which entries failed (the lead has no assignments, so the lead's queue is every entry):
        // the listed entries are exactly those where two annotators submitted those two type sets.
        const a = (await panel.getAttribute('data-a'))!.split('|').sort().join('|');
        const b = (await panel.getAttribute('data-b'))!.split('|').sort().join('|');
        expect(a).not.toBe(b);
        const failing = (await callApi(server.url, 'entries.list', { annotator: 'lead' })).filter((r) => r.passed === false).map((r) => r.id);
        const typeSets = await Promise.all(
          cli.annotators.map(async (n) => {
            const pack = JSON.parse((await callApi(server.url, 'packs.export', { as: 'lead', annotator: n })).text) as {
              labels: { entry: string; dimension: string; value: unknown }[];
              submissions: { entry: string; status: string }[];
            };
            const submitted = new Set(pack.submissions.filter((x) => x.status === 'submitted').map((x) => x.entry));
            const sets = new Map<string, string>();
            for (const l of pack.labels)
              if (l.dimension === 'bug' && submitted.has(l.entry) && Array.isArray(l.value) && l.value.length > 0)
                sets.set(l.entry, [...new Set((l.value as string[]).map((p) => p.split('::')[0]))].sort().join('|'));
            return sets;
          }),
        );
        const expected = failing.filter((id) => {
          const sets = typeSets.map((m) => m.get(id));
          return sets.includes(a) && sets.includes(b);
        });
        expect([...ids].sort()).toEqual(expected.sort());
        // The panel shows ids only: none of the annotators' values.
        expect(await page.getByTestId('cell-entry').first().textContent()).not.toContain(':');

        // Opening one switches to the Label view on that entry.
        await page.locator(`[data-testid=cell-entry][data-entry-id="${ids[0]}"]`).click();
        await page.locator('[data-testid=app][data-view=label]').waitFor();
        await page.locator(`[data-testid=label-panel][data-entry-id="${ids[0]}"]`).waitFor();

        // Back in Agreement: leave cai out, and the figure is the CLI's for ana and ben.
        await page.getByTestId('view-tab-agreement').click();
        await waitReport(page);
        await page.locator('[data-testid=agreement-annotator][data-name=cai]').uncheck();
        const two = await cliAlpha(server.dbPath, '--annotators', 'ana,ben');
        await expect.poll(() => page.getByTestId('pooled-figure').getAttribute('data-alpha')).toBe(String(two.alpha));
        await waitReport(page);
        expect(await page.getByTestId('agreement-selection').textContent()).toContain('ana, ben');
        await expectRowMatches(page, '[data-testid=dimension-row][data-dimension=stage][data-measure=nominal]', two.dimensions.find((d) => d.id === 'stage')!.measures[0].figure);

        await page.screenshot({ path: join(server.dir, 'agreement.png') });
        expect(watch.pageErrors).toEqual([]);
        expect(watch.consoleErrors).toEqual([]);
        expect(watch.failedRequests).toEqual([]);
      } finally {
        await context.close();
        await server.stop();
      }
    },
  );

  it(
    'limits the figures to the labels of one codebook version, as the CLI does, and back to all versions',
    async () => {
      expect(existsSync(join(demoFixtures, 'dlbench')), 'the demo project (fixtures/demo/dlbench) is missing').toBe(true);
      const server = await startConcord({ demo: true });
      const context = await newContext(browser);
      const { page, watch } = await openPage(context);
      try {
        // The demo labels all under 1.0.0; say the labels of half the entries were made under an earlier codebook.
        const db = new Database(server.dbPath);
        try {
          db.prepare("UPDATE label SET codebook_version = '0.9.0' WHERE entry_id IN (SELECT id FROM entry WHERE ext_id < 'm')").run();
        } finally {
          db.close();
        }
        const all = await cliAlpha(server.dbPath);
        const old = await cliAlpha(server.dbPath, '--codebook-version', '0.9.0');
        expect(all.selection.codebookVersions).toEqual(['0.9.0', '1.0.0']);
        expect(old.selection.labels).toBeLessThan(all.selection.labels);
        expect(old.alpha).not.toBe(all.alpha);

        // The Agreement view is the lead's (an adjudicator's): annotators label blind.
        await joinAsLead(page, server.url);
        await page.goto(server.url);
        await page.getByTestId('view-tab-agreement').click();
        await waitReport(page);
        const select = page.getByTestId('agreement-codebook-version');
        const options = () => select.locator('option').evaluateAll((els) => els.map((e) => (e as HTMLOptionElement).value));
        expect(await select.inputValue()).toBe('');
        expect(await options()).toEqual(['', '0.9.0', '1.0.0']);
        expect(Number(await page.getByTestId('pooled-figure').getAttribute('data-alpha'))).toBe(all.alpha);
        expect(await page.getByTestId('agreement-selection').textContent()).toContain('labels from versions 0.9.0, 1.0.0');

        await select.selectOption('0.9.0');
        await expect.poll(() => page.getByTestId('pooled-figure').getAttribute('data-alpha')).toBe(String(old.alpha));
        await waitReport(page);
        expect(await page.getByTestId('agreement-selection').textContent()).toContain(`${old.selection.labels} submitted labels`);
        expect(await page.getByTestId('agreement-version-note').textContent()).toContain('version 0.9.0 only');
        await expectRowMatches(page, '[data-testid=dimension-row][data-dimension=stage][data-measure=nominal]', old.dimensions.find((d) => d.id === 'stage')!.measures[0].figure);
        // The report now names one version; the choice of versions stays.
        expect(await options()).toEqual(['', '0.9.0', '1.0.0']);
        // KEEP_E2E=1 keeps a screenshot of the limited report for a look (the server's folder goes with it).
        if (process.env.KEEP_E2E) await page.screenshot({ path: join(tmpdir(), 'concord-agreement-version.png') });

        await select.selectOption('');
        await expect.poll(() => page.getByTestId('pooled-figure').getAttribute('data-alpha')).toBe(String(all.alpha));
        await waitReport(page);
        expect(await page.getByTestId('agreement-version-note').count()).toBe(0);
        expect(watch.pageErrors).toEqual([]);
        expect(watch.consoleErrors).toEqual([]);
        expect(watch.failedRequests).toEqual([]);
      } finally {
        await context.close();
        await server.stop();
      }
    },
  );

  it('says the resamples and seed the intervals being computed use, not the 0 of the figures shown before them', async () => {
    const server = await startConcord({ demo: true });
    const context = await newContext(browser);
    const { page } = await openPage(context);
    // The intervals' job is held at its first poll: the view shows the figures without intervals meanwhile.
    const release = await holdCalls(page, 'agreement.job');
    try {
      await joinAsLead(page, server.url);
      await page.goto(server.url);
      await page.getByTestId('view-tab-agreement').click();
      await page.getByTestId('agreement-progress').waitFor();
      await page.getByTestId('pooled-figure').waitFor();
      expect(await page.getByTestId('agreement-resamples').inputValue()).toBe('1000');
      expect(await page.getByTestId('agreement-seed').inputValue()).toBe('1');
    } finally {
      release();
      await context.close();
      await server.stop();
    }
  });
});

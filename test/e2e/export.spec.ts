import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCleanPage, joinAsLead, launchChromium, newContext, openPage } from '../helpers/browser.ts';
import { PREVIEW_ENTRIES } from '../../shared/tables/export-kinds.ts';
import { formatBarChartsSvg } from '../../shared/tables/svg.ts';
import { callApi, importThroughApi } from '../helpers/api.ts';
import { repoRoot, startConcord } from '../helpers/concord-server.ts';
import { writeStudyFiles } from '../../cli/bench/project.ts';

// The Export view on the demo project: the published distribution of the release (one
// annotator's labels), a workbook, and a Deep-Bench release that says where its values came
// from, each equal to what the CLI writes from the same database.

let browser: Browser;

beforeAll(async () => {
  if (!existsSync(join(repoRoot, 'build', 'renderer', 'index.html')))
    throw new Error('build the renderer first: `npm run test:e2e` does, or `node scripts/build.mjs renderer`');
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

function cliExport(dbPath: string, args: string[]): Buffer {
  return execFileSync(process.execPath, [join(repoRoot, 'cli', 'concord.js'), 'export', ...args, '--db', dbPath], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('the Export view', () => {
  it('counts the published labels, downloads a workbook and a release, each as the CLI writes it', async () => {
    const server = await startConcord({ demo: true });
    const ctx = await newContext(browser);
    try {
      const { page, watch } = await openPage(ctx);
      await joinAsLead(page, server.url);
      await page.goto(server.url);
      await page.getByTestId('view-tab-export').click();

      // The category distribution of the published labels.
      await page.getByTestId('export-kind-category-distribution').click();
      await page.getByTestId('export-format-md').click();
      await page.getByTestId('export-annotator').selectOption('deepbench-published');
      await page.locator('[data-testid=export-preview][data-ready=true][data-format=md]').waitFor();
      await expect.poll(() => page.getByTestId('export-file-name').textContent()).toBe('category-distribution-deepbench-published.md');
      const published = cliExport(server.dbPath, ['category-distribution', '--format', 'md', '--annotator', 'deepbench-published']).toString('utf8');
      await expect.poll(() => page.getByTestId('export-text').textContent()).toBe(published);
      expect(published).toContain('Counts the labels of deepbench-published');
      // Back to the final labels: a different table.
      await page.getByTestId('export-annotator').selectOption('');
      await expect.poll(() => page.getByTestId('export-file-name').textContent()).toBe('category-distribution.md');
      await expect.poll(() => page.getByTestId('export-text').textContent()).toBe(cliExport(server.dbPath, ['category-distribution', '--format', 'md']).toString('utf8'));

      // A workbook, downloaded, byte for byte the CLI's.
      await page.getByTestId('export-kind-pass-at-1').click();
      await page.getByTestId('export-format-xlsx').click();
      await page.locator('[data-testid=export-preview][data-ready=true][data-format=xlsx]').waitFor();
      const [xlsx] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-download').click()]);
      expect(xlsx.suggestedFilename()).toBe('pass-at-1.xlsx');
      const saved = join(server.dir, 'pass-at-1.xlsx');
      await xlsx.saveAs(saved);
      const cliFile = join(server.dir, 'cli.xlsx');
      cliExport(server.dbPath, ['pass-at-1', '--format', 'xlsx', '--out', cliFile]);
      expect(readFileSync(saved).equals(readFileSync(cliFile))).toBe(true);

      // The release says where its values came from.
      await page.getByTestId('export-kind-dlbench').click();
      await page.locator('[data-testid=export-preview][data-ready=true][data-format=txt]').waitFor();
      const cli = spawnSync(process.execPath, [join(repoRoot, 'cli', 'concord.js'), 'export', 'dlbench', '--db', server.dbPath, '--out', join(server.dir, 'release')], {
        cwd: repoRoot,
        encoding: 'utf8',
      });
      const notes = cli.stderr.split('\n').filter((l) => l.startsWith('  ')).map((l) => l.trim());
      expect(notes[0]).toMatch(/^33 entry files: stage \d+ final, \d+ published, 0 empty;/);
      await expect.poll(() => page.locator('[data-testid=export-notes] p').allTextContents()).toEqual(notes);
      expectCleanPage(watch, server.origin);
    } finally {
      await ctx.close();
      await server.stop();
    }
  });

  it('draws a chart whose labels hold characters XML cannot hold: they are dropped, and the browser still opens the SVG', async () => {
    const hostile = 'Pre\u0000/Post\u0008 \u000bProcessing\u001b[31m \ud800& <Training> "x" \'y\'\uffff';
    const svg = formatBarChartsSvg([{ title: hostile, bars: [{ label: hostile, value: 3 }] }], hostile);
    const ctx = await newContext(browser);
    try {
      const page = await ctx.newPage();
      const parsed = await page.evaluate((text) => {
        const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
        return { error: doc.querySelector('parsererror')?.textContent ?? null, texts: [...doc.querySelectorAll('text')].map((t) => t.textContent) };
      }, svg);
      expect(parsed.error).toBeNull();
      const clean = 'Pre/Post Processing[31m & <Training> "x" \'y\'';
      expect(parsed.texts.slice(0, 3)).toEqual([clean, clean, clean]);
    } finally {
      await ctx.close();
    }
  });

  it('shows a large study’s labels a first page at a time, and downloads them all, as the CLI writes them', async () => {
    const server = await startConcord();
    const ctx = await newContext(browser);
    try {
      const n = PREVIEW_ENTRIES + 30;
      const file = join(server.dir, 'entries.jsonl');
      writeFileSync(file, Array.from({ length: n }, (_, i) => `${JSON.stringify({ id: `e${i + 1}`, prompt: `Write f${i + 1}.`, ground_truth: 'def f(): pass', output: 'def f(): return 1', passed: i % 2 === 0 })}\n`).join(''));
      await importThroughApi(server.url, file);
      const { page, watch } = await openPage(ctx);
      await joinAsLead(page, server.url);
      await page.goto(server.url);
      await page.getByTestId('view-tab-export').click();
      await page.getByTestId('export-kind-labels').click();
      await page.getByTestId('export-format-csv').click();
      await page.locator('[data-testid=export-preview][data-ready=true][data-format=csv]').waitFor();
      const whole = cliExport(server.dbPath, ['labels', '--format', 'csv']).toString('utf8');
      const lines = whole.split('\n');
      expect(lines.length).toBe(n + 2);
      // The head and the first entries, as the whole file begins; the rest is said, not shown.
      await expect.poll(() => page.getByTestId('export-text').textContent()).toBe(`${lines.slice(0, PREVIEW_ENTRIES + 1).join('\n')}\n`);
      await expect.poll(() => page.getByTestId('export-size').textContent()).toBe(`the first ${PREVIEW_ENTRIES} of ${n} entries shown; the download holds them all`);
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-download').click()]);
      expect(download.suggestedFilename()).toBe('labels.csv');
      const saved = join(server.dir, 'labels.csv');
      await download.saveAs(saved);
      expect(readFileSync(saved, 'utf8')).toBe(whole);
      expectCleanPage(watch, server.origin);
    } finally {
      await ctx.close();
      await server.stop();
    }
  }, 120_000);

  it('makes the whole labels file in the background with its progress, while the server answers other requests, and it is the CLI’s file', async () => {
    const server = await startConcord();
    const ctx = await newContext(browser);
    try {
      // A study whose whole labels export takes a while: entries labelled by three annotators.
      const n = 8000;
      const files = await writeStudyFiles(join(server.dir, 'study'), n);
      await importThroughApi(server.url, files.entries, 'jsonl');
      await importThroughApi(server.url, files.labels, 'annotations');
      const { page, watch } = await openPage(ctx);
      await joinAsLead(page, server.url);
      await page.goto(server.url);
      await page.getByTestId('view-tab-export').click();
      await page.getByTestId('export-kind-labels').click();
      await page.getByTestId('export-format-md').click();
      await page.getByTestId('export-per-annotator').check();
      await page.locator('[data-testid=export-preview][data-ready=true][data-format=md]').waitFor();

      // What happens, in the order it happens: the page's polls of the job, and an annotator's requests answered.
      const events: string[] = [];
      watch.onAnswer((c) => c.method === 'exports.job' && events.push(`poll ${(c.answer?.result as { progress: { phase: string } } | undefined)?.progress.phase}`));
      const ids = (await callApi(server.url, 'entries.page', { annotator: 'ana', limit: 200 })).rows.map((r) => r.id);
      let finished = false;
      const downloaded = page.waitForEvent('download').finally(() => (finished = true));
      await page.getByTestId('export-download').click();
      // An annotator going from entry to entry all the while.
      const labelling = (async () => {
        for (let i = 0; !finished; i++) {
          await callApi(server.url, 'entries.get', { annotator: 'ana', id: ids[i % ids.length] });
          events.push('answered');
          await new Promise((r) => setTimeout(r, 50));
        }
      })();
      // The progress, in entries, part of the way.
      const saving = page.getByTestId('export-saving');
      await expect.poll(async () => Number(await saving.getAttribute('data-done')), { timeout: 60_000 }).toBeGreaterThan(0);
      expect(await saving.getAttribute('data-total')).toBe(String(n));
      expect(await saving.textContent()).toMatch(new RegExp(`^Preparing labels\\.md in the background: [\\d,]+ of ${n.toLocaleString('en')} entries`));
      expect(await page.getByTestId('export-download').textContent()).toBe('Preparing…');
      const download = await downloaded;
      await labelling;
      await expect.poll(() => events.includes('poll done')).toBe(true);
      // Requests answered between two polls that found the job making the file: it ran beside them, not before or after.
      const making = events.flatMap((e, i) => (e === 'poll making' ? [i] : []));
      const between = events.slice(making[0], making[making.length - 1]).filter((e) => e === 'answered').length;
      expect(between).toBeGreaterThan(0);
      await expect.poll(() => saving.count()).toBe(0);

      // The file is the CLI's, written from the same database.
      expect(download.suggestedFilename()).toBe('labels.md');
      const saved = join(server.dir, 'labels.md');
      await download.saveAs(saved);
      const cliFile = join(server.dir, 'cli-labels.md');
      cliExport(server.dbPath, ['labels', '--format', 'md', '--per-annotator', '--out', cliFile]);
      expect(readFileSync(saved, 'utf8')).toBe(readFileSync(cliFile, 'utf8'));
      expectCleanPage(watch, server.origin);
    } finally {
      await ctx.close();
      await server.stop();
    }
  }, 300_000);
});

import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnnotatorProgress, ProjectInfo } from '../../shared/types.ts';
import { callApi } from '../helpers/api.ts';
import { joinAsLead, launchChromium, newContext, openPage } from '../helpers/browser.ts';
import { repoRoot, startConcord } from '../helpers/concord-server.ts';
import { demoFixtures } from '../helpers/fixtures.ts';

// The Team view's starter files and assignment by hand, on the demo project in browser mode; what the
// UI did is checked on the side: the downloaded file with the CLI, the assignments through the API.

const run = promisify(execFile);
const concord = async <T,>(...args: string[]): Promise<T> =>
  JSON.parse((await run(process.execPath, [join(repoRoot, 'cli', 'concord.js'), ...args, '--json'], { cwd: repoRoot })).stdout) as T;

let browser: Browser;
let dir: string;

beforeAll(async () => {
  if (!existsSync(join(repoRoot, 'build', 'renderer', 'index.html'))) throw new Error('build the renderer first: `node scripts/build.mjs renderer`');
  browser = await launchChromium();
  dir = mkdtempSync(join(tmpdir(), 'concord-team-'));
});

afterAll(async () => {
  await browser?.close();
  // KEEP_E2E=1 keeps the starter files and screenshots for a look.
  if (dir && !process.env.KEEP_E2E) rmSync(dir, { recursive: true, force: true });
  else if (dir) console.log(`kept ${dir}`);
});

/** Clicks ana's (or anyone's) "Starter file", saves the download, and returns where with what the view said. */
async function downloadStarter(page: Page, name: string, as: string): Promise<{ file: string; suggested: string; entries: number; labels: number }> {
  const row = page.locator(`[data-testid=starter-row][data-annotator="${name}"]`);
  const [download] = await Promise.all([page.waitForEvent('download'), row.getByTestId('starter-download').click()]);
  const file = join(dir, as);
  await download.saveAs(file);
  const result = row.getByTestId('starter-result');
  await result.waitFor();
  expect(await result.textContent()).toContain(download.suggestedFilename());
  return {
    file,
    suggested: download.suggestedFilename(),
    entries: Number(await result.getAttribute('data-entries')),
    labels: Number(await result.getAttribute('data-labels')),
  };
}

describe('team view', () => {
  it(
    'downloads a starter file that opens on its own with one annotator and their entries, and assigns entries by hand',
    async () => {
      expect(existsSync(join(demoFixtures, 'dlbench')), 'the demo project (fixtures/demo/dlbench) is missing').toBe(true);
      const server = await startConcord({ demo: true });
      const context = await newContext(browser);
      const { page, watch } = await openPage(context);
      try {
        await joinAsLead(page, server.url);
        const progressOf = async (name: string) => (await callApi(server.url, 'assignments.progress', {})).find((p) => p.annotator === name)!;
        const anaBefore = await progressOf('ana');
        expect(anaBefore.assigned).toBeGreaterThan(2);

        await page.goto(server.url);
        await page.getByTestId('view-tab-team').click();
        await page.locator('[data-testid=team-view][data-ready=true]').waitFor();
        // Starter files are offered to the labelling annotators only.
        expect(await page.getByTestId('starter-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-annotator')))).toEqual(['ana', 'ben', 'cai']);
        expect(await page.getByTestId('starters').textContent()).toContain('npm run web -- --db');

        // ana's starter file, downloaded like any file, then opened independently with the CLI.
        const first = await downloadStarter(page, 'ana', 'ana-1.concord.db');
        expect(first.suggested).toBe('ana.concord.db');
        expect(statSync(first.file).size).toBeGreaterThan(0);
        expect(first.entries).toBe(anaBefore.assigned);
        const info = await concord<ProjectInfo>('info', '--db', first.file);
        expect(info.counts.entries).toBe(anaBefore.assigned);
        expect(info.counts.annotators).toBe(1);
        expect(info.counts.labels).toBe(first.labels);
        expect(info.counts.decisions).toBe(0);
        const inStarter = await concord<{ progress: AnnotatorProgress[] }>('assign', '--progress', '--db', first.file);
        expect(inStarter.progress.map((p) => [p.annotator, p.queue])).toEqual([['ana', anaBefore.assigned]]);

        // By hand: two entries (one id with ", " in it) to ben and cai only, so ana loses them.
        const all = (await callApi(server.url, 'assignments.list', {})).map((a) => a.entryId);
        const comma = all.find((id) => id.includes(', '))!;
        const plain = all.find((id) => !/[, ]/.test(id))!;
        expect(comma).toBeTruthy();
        const hand = page.getByTestId('assign-by-hand');
        // An unknown id is refused by name, and nothing is written.
        await hand.getByTestId('assign-ids').fill(`${plain}\nno such entry, 1`);
        await hand.locator('[data-testid=assign-hand-annotator][data-name=ben]').check();
        await hand.locator('[data-testid=assign-hand-annotator][data-name=cai]').check();
        await hand.getByTestId('assign-hand-run').click();
        await expect.poll(async () => (await hand.getByTestId('assign-hand-error').isVisible()) && (await hand.getByTestId('assign-hand-error').textContent())).toContain(
          'unknown entry "no such entry, 1"',
        );
        expect((await progressOf('ana')).assigned).toBe(anaBefore.assigned);
        await page.screenshot({ path: join(dir, 'team-refused.png') });

        await hand.getByTestId('assign-ids').fill(`${comma}\n  ${plain}  \n\n`);
        expect(await hand.getByTestId('assign-hand-run').textContent()).toBe('Assign 2');
        await hand.getByTestId('assign-hand-run').click();
        const result = hand.getByTestId('assign-hand-result');
        await result.waitFor();
        expect(await result.getAttribute('data-count')).toBe('2');
        expect(await result.locator(`[data-testid=assign-hand-row][data-entry-id="${comma}"]`).textContent()).toContain('ben, cai');

        // The progress table follows, and so does the service.
        const anaRow = page.locator('[data-testid=progress-row][data-annotator=ana]');
        await expect.poll(() => anaRow.locator('td').nth(1).textContent()).toBe(String(anaBefore.assigned - 2));
        const listed = new Map((await callApi(server.url, 'assignments.list', {})).map((a) => [a.entryId, a.annotators]));
        expect(listed.get(comma)).toEqual(['ben', 'cai']);
        expect(listed.get(plain)).toEqual(['ben', 'cai']);
        expect((await progressOf('ana')).assigned).toBe(anaBefore.assigned - 2);
        expect((await progressOf('ben')).assigned).toBe((await concord<{ progress: AnnotatorProgress[] }>('assign', '--progress', '--db', server.dbPath)).progress.find((p) => p.annotator === 'ben')!.assigned);

        // ana's next starter file leaves those two entries out.
        const second = await downloadStarter(page, 'ana', 'ana-2.concord.db');
        expect(second.entries).toBe(anaBefore.assigned - 2);
        expect((await concord<ProjectInfo>('info', '--db', second.file)).counts.entries).toBe(anaBefore.assigned - 2);

        await page.screenshot({ path: join(dir, 'team.png') });
        expect(watch.pageErrors).toEqual([]);
        // The one refused call (the unknown entry) is the only failed call (answered on the page's socket: no console error).
        expect(watch.failedRequests).toEqual([expect.stringMatching(/\/api\/socket assignments\.set bad-input$/)]);
        expect(watch.consoleErrors).toEqual([]);
      } finally {
        await context.close();
        await server.stop();
      }
    },
  );
});

import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbAgreementReport } from '../../shared/agreement/report.ts';
import { callApi, importThroughApi } from '../helpers/api.ts';
import { expectCleanPage, joinAsLead, launchChromium, newContext, openPage, reloadWhenIdle } from '../helpers/browser.ts';
import { repoRoot, startConcord, type ConcordServer } from '../helpers/concord-server.ts';

// The label and agreement views on code of a real size, at 1440 x 900: a 141-line ground truth,
// a pytest log with 300-character lines, a team of six. KEEP_E2E=1 keeps the screenshots (the
// path is printed).

const ID = 'segtools_sliding_window_inference41';
const longEntry = join(repoRoot, 'fixtures', 'long-entry');
const groundTruth = readFileSync(join(longEntry, 'taxonomy-data', 'Original', `processed_${ID}.py`), 'utf8').split('\n');
const LINE_HEIGHT = 18;
const shots = join(tmpdir(), 'concord-e2e-long-entry');
const run = promisify(execFile);

let browser: Browser;

beforeAll(async () => {
  if (!existsSync(join(repoRoot, 'build', 'renderer', 'index.html'))) throw new Error('build the renderer first: `node scripts/build.mjs renderer`');
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  if (process.env.KEEP_E2E) console.log(`screenshots kept in ${shots}`);
});

async function shot(page: Page, name: string): Promise<void> {
  if (!process.env.KEEP_E2E) return;
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: join(shots, name) });
}


async function openEntry(page: Page, id: string): Promise<void> {
  await page.getByTestId('queue-search').fill(id);
  await page.locator(`[data-testid=queue-row][data-entry-id="${id}"]`).click();
  await page.locator(`[data-testid=label-panel][data-entry-id="${id}"]`).waitFor();
}

/** How far below line `n`'s number Monaco draws line `n + 1`'s: one line height unless line `n` wraps. */
async function lineAdvance(pane: Locator, n: number): Promise<number> {
  await pane.locator('.margin .line-numbers', { hasText: new RegExp(`^${n + 1}$`) }).waitFor();
  return pane.locator('.margin .line-numbers').evaluateAll((els, n) => {
    const top = (k: number) => els.find((e) => e.textContent?.trim() === String(k))!.getBoundingClientRect().top;
    return top(n + 1) - top(n);
  }, n);
}

const widthOf = async (l: Locator) => (await l.boundingBox())!.width;

/** Whether the last character of `text`'s element is drawn inside the log's visible box. */
async function endIsVisible(page: Page, text: string): Promise<boolean> {
  return page.getByTestId('log-body').evaluate((body, text) => {
    const el = [...body.querySelectorAll('.log-text')].find((e) => e.textContent === text)!;
    // Bring its line into view vertically only: sideways is what is being tested.
    body.scrollTop = (el.closest('.log-line') as HTMLElement).offsetTop - body.clientHeight / 2;
    const node = el.firstChild!;
    const range = document.createRange();
    range.setStart(node, text.length - 1);
    range.setEnd(node, text.length);
    const ch = range.getBoundingClientRect();
    const box = body.getBoundingClientRect();
    return ch.width > 0 && ch.left >= box.left && ch.right <= box.left + body.clientWidth + 0.5 && ch.top >= box.top && ch.bottom <= box.top + body.clientHeight + 0.5;
  }, text);
}

/** Adds an assigned annotator who labels the demo entries like `like`, changing every `every`-th stage. */
async function addRater(server: ConcordServer, name: string, like: string, every: number): Promise<void> {
  await callApi(server.url, 'project.addAnnotator', { name });
  const stages = ['pre-post-processing', 'model-construction', 'training', 'inference', 'evaluation-metrics'];
  const ids = (await callApi(server.url, 'assignments.list', {})).filter((e) => e.annotators.includes(like)).map((e) => e.entryId);
  for (const [i, id] of ids.entries()) {
    const assigned = (await callApi(server.url, 'assignments.list', {})).find((e) => e.entryId === id)!.annotators;
    await callApi(server.url, 'assignments.set', { as: 'lena', entryIds: [id], annotators: [...assigned, name] });
    const theirs = (await callApi(server.url, 'entries.get', { annotator: like, id })).labels;
    for (const dim of ['stage', 'task', 'input'] as const) {
      let value = theirs[dim];
      if (dim === 'stage' && i % every === 0) value = stages[(stages.indexOf(value as string) + 1) % stages.length];
      if (value !== undefined) await callApi(server.url, 'labels.set', { annotator: name, entryId: id, dimension: dim, value });
    }
    await callApi(server.url, 'labels.setStatus', { annotator: name, entryId: id, status: 'submitted' });
  }
}

async function cliAlpha(db: string, ...flags: string[]): Promise<DbAgreementReport & { alpha: number | null; annotators: string[] }> {
  const { stdout } = await run(process.execPath, [join(repoRoot, 'cli', 'concord.js'), 'alpha', '--db', db, '--json', '--bootstrap', '200', ...flags], { cwd: repoRoot });
  return JSON.parse(stdout);
}

describe('the label view on real code at 1440 x 900', () => {
  it('folds and widens panes until a 100-character line fits, keeps the layout per person, and shows the end of every log line', async () => {
    expect(groundTruth[3].length).toBe(100);
    const server = await startConcord({ demo: true });
    const context = await newContext(browser);
    const { page, watch } = await openPage(context);
    try {
      await importThroughApi(server.url, join(longEntry, 'dlbench'));
      await importThroughApi(server.url, join(longEntry, 'taxonomy-data'));
      await callApi(server.url, 'project.addAnnotator', { name: 'lena', role: 'adjudicator' });
      await callApi(server.url, 'assignments.set', { as: 'lena', entryIds: [ID], annotators: ['ana', 'ben', 'cai'] });

      await page.addInitScript(() => localStorage.setItem('concord.annotator', 'ana'));
      await page.goto(server.url);
      await openEntry(page, ID);
      const gt = page.getByTestId('pane-ground-truth');
      // ana is assigned: no notice.
      expect(await page.getByTestId('standing-notice').count()).toBe(0);

      // Three panes side by side: the 100-character line 4 wraps.
      expect(await lineAdvance(gt, 4)).toBeGreaterThan(LINE_HEIGHT);
      await shot(page, 'label-default.png');

      // Read the prompt once, fold it and the queue away, and drag the border towards the output.
      await page.locator('[data-testid=pane-prompt] [data-testid=pane-fold]').click();
      await page.getByTestId('pane-prompt-folded').waitFor();
      await shot(page, 'label-prompt-folded.png');
      await page.getByTestId('queue-fold').click();
      await page.getByTestId('queue-unfold').waitFor();
      const handle = (await page.getByTestId('split-groundTruth').boundingBox())!;
      await page.mouse.move(handle.x + handle.width / 2, handle.y + 200);
      await page.mouse.down();
      await page.mouse.move(handle.x + 260, handle.y + 200, { steps: 6 });
      await page.mouse.up();
      const wide = await widthOf(gt);
      expect(wide).toBeGreaterThan(await widthOf(page.getByTestId('pane-output')));
      await expect.poll(() => lineAdvance(gt, 4)).toBe(LINE_HEIGHT);
      // The prompt is a click away.
      expect(await page.getByTestId('pane-prompt-folded').textContent()).toContain('Prompt');
      await shot(page, 'label-wide.png');

      // The log: the last character of the longest line is on screen, wrapped...
      const log = readFileSync(join(longEntry, 'taxonomy-data', 'Result', `processed_${ID}.txt`), 'utf8').split('\n');
      const longest = log.filter((l) => l.startsWith('  /repos/segtools/tests/conftest.py'))[0];
      expect(longest.length).toBeGreaterThan(250);
      expect(await page.getByTestId('test-log').getAttribute('data-wrap')).toBe('true');
      expect(await endIsVisible(page, longest)).toBe(true);
      // ...or, unwrapped, once the log is scrolled sideways to its end.
      await page.getByTestId('log-wrap').uncheck();
      await page.locator('[data-testid=test-log][data-wrap=false]').waitFor();
      expect(await endIsVisible(page, longest)).toBe(false);
      await page.getByTestId('log-body').evaluate((el) => (el.scrollLeft = el.scrollWidth));
      expect(await endIsVisible(page, longest)).toBe(true);
      await page.getByTestId('log-wrap').check();

      // The layout is ana's: it survives a reload (whichever entry opens first)...
      await reloadWhenIdle(page);
      await page.getByTestId('pane-prompt-folded').waitFor();
      await page.getByTestId('queue-unfold').waitFor();
      expect(Math.abs((await widthOf(gt)) - wide)).toBeLessThan(2);
      // ...and ben starts from his own (the default), in the same browser.
      const other = await context.newPage();
      await other.addInitScript(() => localStorage.setItem('concord.annotator', 'ben'));
      await other.goto(server.url);
      await other.getByTestId('pane-prompt').waitFor();
      await other.getByTestId('queue-search').waitFor();
      expect(await other.getByTestId('pane-prompt-folded').count()).toBe(0);
      await other.close();
      expectCleanPage(watch, server.origin);
    } finally {
      await context.close();
      await server.stop();
    }
  });

  it('tells someone labelling an entry not assigned to them, leaves them out of agreement, and lets the lead count them; the pairwise grid stays inside the view', async () => {
    const server = await startConcord({ demo: true });
    const context = await newContext(browser);
    const { page, watch } = await openPage(context);
    try {
      await importThroughApi(server.url, join(longEntry, 'dlbench'));
      await importThroughApi(server.url, join(longEntry, 'taxonomy-data'));
      await callApi(server.url, 'project.addAnnotator', { name: 'lena', role: 'adjudicator' });
      // ana and ben label the long entry, assigned to them and cai; two more raters, one with a long name, make a team of five.
      await callApi(server.url, 'assignments.set', { as: 'lena', entryIds: [ID], annotators: ['ana', 'ben', 'cai'] });
      for (const who of ['ana', 'ben']) {
        for (const [dimension, value] of [['stage', 'training'], ['task', 'image-segmentation'], ['input', 'image']])
          await callApi(server.url, 'labels.set', { annotator: who, entryId: ID, dimension, value });
        await callApi(server.url, 'labels.setStatus', { annotator: who, entryId: ID, status: 'submitted' });
      }
      await addRater(server, 'dee', 'ana', 5);
      await addRater(server, 'eve.okafor-lindqvist', 'ben', 4);

      // frank says who he is and labels the long entry, which nobody assigned him.
      await page.goto(server.url);
      await page.getByTestId('whoami-name').fill('frank');
      await page.getByTestId('whoami-add').click();
      await openEntry(page, ID);
      const notice = page.getByTestId('standing-notice');
      await notice.waitFor();
      expect(await notice.getAttribute('data-standing')).toBe('not-assigned');
      expect(await notice.textContent()).toContain('You are not assigned to this entry');
      expect(await notice.textContent()).toContain('only if the lead includes you');
      // The codebook's hotkeys: stage Inference, task Image Segmentation, input Image.
      for (const key of ['4', 'r', 'a']) await page.keyboard.press(key);
      await page.locator('[data-testid=save-state][data-pending="0"]').waitFor();
      await page.keyboard.press('Control+Enter');
      await page.locator(`[data-testid=queue-row][data-entry-id="${ID}"][data-status=submitted]`).waitFor();
      await shot(page, 'label-unassigned.png');

      // The lead's Agreement view: frank is left out, and the CLI says the same.
      const cli = await cliAlpha(server.dbPath);
      expect(cli.selection.unassigned).toEqual([expect.objectContaining({ annotator: 'frank', included: false })]);
      const lead = await context.newPage();
      await joinAsLead(lead, server.url, 'lena');
      await lead.goto(server.url);
      await lead.getByTestId('view-tab-agreement').click();
      await lead.locator('[data-testid=agreement-view][data-ready=true]').waitFor();
      expect(Number(await lead.getByTestId('pooled-figure').getAttribute('data-alpha'))).toBe(cli.alpha);
      const left = lead.locator('[data-testid=agreement-include-unassigned][data-name=frank]');
      expect(await left.isChecked()).toBe(false);
      const count = cli.selection.unassigned[0].labels;
      expect(await lead.getByTestId('agreement-unassigned').textContent()).toContain(`${count} label${count === 1 ? '' : 's'}`);
      expect(await lead.getByTestId('pairwise-cell').count()).toBe(5 * 4);

      // Counting him: the figures are the CLI's with --include-unassigned frank, and the grid grows to six.
      await left.check();
      const withFrank = await cliAlpha(server.dbPath, '--include-unassigned', 'frank');
      expect(withFrank.alpha).not.toBe(cli.alpha);
      await expect.poll(() => lead.getByTestId('pooled-figure').getAttribute('data-alpha')).toBe(String(withFrank.alpha));
      await lead.locator('[data-testid=agreement-view][data-ready=true]').waitFor();
      expect(await lead.getByTestId('pairwise-cell').count()).toBe(6 * 5);
      expect(await left.isChecked()).toBe(true);
      await shot(lead, 'agreement-top.png');

      // The grid lies inside the view: its box is within the main column and the window, a team of
      // six fits whole, and a larger one would scroll inside that box rather than be cut off.
      const main = (await lead.locator('.ag-main').boundingBox())!;
      const grid = lead.getByTestId('pairwise');
      await grid.scrollIntoViewIfNeeded();
      const box = (await grid.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(main.x);
      expect(box.x + box.width).toBeLessThanOrEqual(main.x + main.width);
      expect(box.x + box.width).toBeLessThanOrEqual(1440);
      const table = (await lead.getByTestId('pairwise-heatmap').boundingBox())!;
      expect(table.x + table.width).toBeLessThanOrEqual(box.x + box.width + 0.5);
      expect(await grid.evaluate((el) => getComputedStyle(el).overflowX)).toBe('auto');
      // Every name is there in full, on hover at least.
      expect(await lead.locator('[data-testid=pairwise-heatmap] th.hm-col').evaluateAll((els) => els.map((e) => e.getAttribute('title')))).toEqual(withFrank.annotators);
      await shot(lead, 'agreement.png');

      // One dimension's detail: its matrix, its confusions and its pairwise grid, one above the other.
      await lead.locator('[data-testid=dimension-row][data-dimension=stage][data-measure=nominal]').click();
      const detail = lead.locator('[data-testid=figure-detail][data-ref="dim/stage/nominal"]');
      await detail.waitFor();
      expect(await detail.getByTestId('pairwise-cell').count()).toBe(6 * 5);
      await detail.evaluate((el) => el.scrollIntoView({ block: 'start' }));
      await shot(lead, 'agreement-stage.png');
      expectCleanPage(watch, server.origin);
    } finally {
      await context.close();
      await server.stop();
    }
  });
});

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callApi } from '../helpers/api.ts';
import { expectCleanPage, launchChromium, newContext, openPage } from '../helpers/browser.ts';
import { repoRoot, startConcord } from '../helpers/concord-server.ts';

// The done-when: adjudicate the demo project in browser mode, through to an export whose
// bytes match what the CLI writes from the same database. Every wait is on something the user
// would see, never on a clock.

let browser: Browser;

beforeAll(async () => {
  if (!existsSync(join(repoRoot, 'build', 'renderer', 'index.html')))
    throw new Error('build the renderer first: `npm run test:e2e` does, or `node scripts/build.mjs renderer`');
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

/** The independent path: the CLI renders the same export from the same file. */
function cliExport(dbPath: string, kind: string, format: string): Buffer {
  return execFileSync(process.execPath, [join(repoRoot, 'cli', 'concord.js'), 'export', kind, '--db', dbPath, '--format', format], { cwd: repoRoot });
}

/** Where the keyboard is: the entry in the grid, the focused row's dimension and status. */
async function focusState(page: Page): Promise<{ entryId: string; dimension: string; status: string }> {
  return page.evaluate(() => {
    const grid = document.querySelector('[data-testid=adj-grid]')!;
    const row = grid.querySelector('tr[data-focused=true]')!;
    return { entryId: grid.getAttribute('data-entry-id')!, dimension: row.getAttribute('data-testid')!.replace('adj-row-', ''), status: row.getAttribute('data-status')! };
  });
}

/** Waits until the view has finished what the last key asked for (a decision, an undo, a move). */
async function waitIdle(page: Page): Promise<void> {
  await page.locator('[data-testid=adjudication][data-busy=false]').waitFor();
}

/** Waits until a decision on (entry, dimension) shows and the view is idle: the row says decided, or the grid moved on. */
async function waitDecided(page: Page, entryId: string, dimension: string): Promise<void> {
  await page.waitForFunction(
    ([id, dim]) => {
      if (document.querySelector('[data-testid=adjudication]')?.getAttribute('data-busy') !== 'false') return false;
      const grid = document.querySelector('[data-testid=adj-grid]');
      if (!grid) return false;
      if (grid.getAttribute('data-entry-id') !== id) return true;
      const row = grid.querySelector(`[data-testid="adj-row-${dim}"]`);
      return row?.getAttribute('data-status') === 'decided';
    },
    [entryId, dimension],
  );
}

const meetingLeft = (page: Page) => page.getByTestId('adj-meeting-left').getAttribute('data-left').then(Number);

function eventCounts(dbPath: string): Record<string, number> {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare("SELECT kind, COUNT(*) AS n FROM event WHERE kind LIKE 'decision.%' GROUP BY kind").all() as { kind: string; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.kind, r.n]));
  } finally {
    db.close();
  }
}

describe('conflicts between labels and results', () => {
  it('imports bug labels on a passing output with a grouped warning, then shows them under the Conflicts filter with a badge, until decided', async () => {
    const server = await startConcord({ demo: true });
    const ctx = await newContext(browser);
    const { page, watch } = await openPage(ctx);
    try {
      // A spreadsheet of bug labels: the demo's recsyslab_bpr_loss20 passed its tests.
      const entry = 'recsyslab_bpr_loss20';
      const csv = join(server.dir, 'published-bugs.csv');
      writeFileSync(csv, `entry_id,annotator,dimension,value\n${entry},ana,bug,Operation/Calculation Error\n${entry},ben,bug,Operation/Calculation Error\n`);
      await page.goto(server.url);
      await page.getByTestId('whoami-name').fill('lena');
      await page.getByTestId('whoami-lead').check();
      await page.getByTestId('whoami-add').click();
      await page.locator('[data-testid=app][data-annotator=lena]').waitFor();

      await page.getByTestId('import-open').click();
      await page.getByTestId('import-path').fill(csv);
      await page.getByTestId('import-start').click();
      await page.getByTestId('import-summary').waitFor();
      const warning = page.locator('[data-testid=import-warnings] li[data-kind=label-conflicts-with-result]');
      await expect.poll(() => warning.textContent()).toMatch(/^2 labels conflict with the entry's test result/);
      expect(await page.locator('[data-testid=import-warnings] li').count()).toBe(1);
      expect(await page.getByTestId('import-conflicts').textContent()).toMatch(/^2 labels disagree with the test results/);
      await page.getByTestId('import-close').click();

      await page.getByTestId('view-tab-adjudicate').click();
      await page.getByTestId('adj-grid').waitFor();
      await expect.poll(() => page.getByTestId('adj-filter-conflicts').textContent()).toBe('Conflicts 1');
      await page.getByTestId('adj-filter-conflicts').click();
      await expect.poll(() => page.getByTestId('adj-left').getAttribute('data-left')).toBe('1');
      await expect.poll(() => page.getByTestId('adj-grid').getAttribute('data-entry-id')).toBe(entry);
      expect(await page.locator(`[data-testid=adj-queue-row][data-entry-id="${entry}"] [data-testid=adj-queue-conflict]`).count()).toBe(1);
      const badge = page.getByTestId('adj-conflict-bug');
      await badge.waitFor();
      expect(await badge.getAttribute('title')).toMatch(/Bug applies only to failing outputs; the entry's output passed/);
      expect(await page.getByTestId('adj-row-bug').getAttribute('data-conflict')).toBe('true');
      if (process.env.CONCORD_SCREENSHOTS) await page.screenshot({ path: join(process.env.CONCORD_SCREENSHOTS, 'adjudicate-conflict.png') });

      // The lead settles it: no bug, the result is right; overriding the agreed value needs a rationale.
      await page.getByTestId('adj-row-bug').click();
      await page.locator('[data-testid=adj-cand-bug][data-value="[]"]').click();
      await page.getByTestId('adj-rationale').fill('Their run failed; here the output passes every test');
      await page.keyboard.press('Enter');
      await expect.poll(() => page.getByTestId('adj-left').getAttribute('data-left')).toBe('0');
      await expect.poll(() => page.getByTestId('adj-queue-empty').textContent()).toMatch(/No open conflicts/);
      const decided = await callApi(server.url, 'adjudication.entry', { as: 'lena', entryId: entry });
      expect(decided.dimensions.find((d) => d.dimension === 'bug')).toMatchObject({ status: 'decided', final: [], conflict: expect.stringMatching(/passed/) });
      await page.getByTestId('adj-filter-all').click();
      await expect.poll(() => page.getByTestId('adj-left').getAttribute('data-left').then(Number)).toBeGreaterThan(0);
      expectCleanPage(watch, server.origin);
    } finally {
      await ctx.close();
      await server.stop();
    }
  });
});

describe('adjudication and export in browser mode', () => {
  it('accepts the majorities, decides every split with the keyboard, undoes and redoes, and downloads exports equal to the CLI', async () => {
    const server = await startConcord({ demo: true });
    const ctx = await newContext(browser);
    const { page, watch } = await openPage(ctx);
    try {
      await page.goto(server.url);
      // The lead says who decides; decisions are recorded under this name.
      await page.getByTestId('whoami-name').fill('lena');
      await page.getByTestId('whoami-lead').check();
      await page.getByTestId('whoami-add').click();
      await page.locator('[data-testid=app][data-annotator=lena]').waitFor();

      const before = await callApi(server.url, 'adjudication.summary', { as: 'lena' });
      const majorities = before.dimensions.reduce((n, d) => n + d.counts.majority, 0);
      const splits = before.dimensions.reduce((n, d) => n + d.counts['needs-decision'], 0);
      const queue = await callApi(server.url, 'adjudication.queue', { as: 'lena' });
      const splitEntries = queue.filter((q) => q.needsDecision > 0).length;
      expect(majorities).toBeGreaterThan(0);
      expect(splits).toBeGreaterThan(0);

      await page.getByTestId('view-tab-adjudicate').click();
      await page.getByTestId('adj-grid').waitFor();
      await expect.poll(() => page.getByTestId('adj-left').getAttribute('data-left')).toBe(String(queue.length));
      // Most split first: the grid opens on the queue's first entry, its first open dimension in focus.
      expect((await focusState(page)).entryId).toBe(queue[0].entryId);

      // Names can be hidden: the columns become Annotator A, B, C.
      await page.getByTestId('adj-hide-names').check();
      await expect.poll(() => page.getByTestId('adj-annotator').allTextContents()).toEqual(['Annotator A', 'Annotator B', 'Annotator C']);
      expect(await page.getByTestId('adj-grid').textContent()).not.toMatch(/\b(ana|ben|cai)\b/);
      await page.getByTestId('adj-hide-names').uncheck();
      await expect.poll(() => page.getByTestId('adj-annotator').allTextContents()).toEqual(['ana', 'ben', 'cai']);

      // Accept all majorities, after a confirmation; unanimous values need no decision.
      await page.getByTestId('adj-accept-majorities').click();
      await page.getByTestId('adj-accept-confirm').click();
      await expect.poll(() => page.getByTestId('adj-left').getAttribute('data-left')).toBe(String(splitEntries));
      const accepted = await callApi(server.url, 'adjudication.summary', { as: 'lena' });
      for (const d of accepted.dimensions) expect(d.counts.majority).toBe(0);
      expect(accepted.dimensions.reduce((n, d) => n + d.counts.decided, 0)).toBe(majorities);

      // The meeting: one entry at a time, large type, "N of M left".
      await page.getByTestId('adj-meeting-on').click();
      await page.locator('[data-testid=adjudication][data-meeting=true]').waitFor();
      expect(await meetingLeft(page)).toBe(splitEntries);
      await expect.poll(() => page.getByTestId('adj-meeting-left').textContent()).toBe(`${splitEntries} of ${splitEntries} left`);

      // Override an accepted majority on the first entry: refused without a rationale, accepted with one.
      const first = await focusState(page);
      expect(first.status).toBe('needs-decision');
      const grid = await callApi(server.url, 'adjudication.entry', { as: 'lena', entryId: first.entryId });
      const majorityDim = grid.dimensions.find((d) => d.labelStatus === 'majority')!;
      expect(majorityDim).toBeTruthy();
      for (let i = 0; i < grid.dimensions.length && (await focusState(page)).dimension !== majorityDim.dimension; i++) await page.keyboard.press('ArrowDown');
      expect(await focusState(page)).toMatchObject({ dimension: majorityDim.dimension, status: 'decided' });
      await page.keyboard.press('ArrowRight');
      const rationale = page.getByTestId('adj-rationale');
      await rationale.waitFor();
      await expect.poll(() => rationale.evaluate((el) => el === document.activeElement)).toBe(true);
      await page.keyboard.press('Enter');
      await expect.poll(() => page.getByTestId('adj-error').textContent()).toMatch(/needs a rationale/);
      await waitIdle(page);
      const refused = await callApi(server.url, 'adjudication.entry', { as: 'lena', entryId: first.entryId });
      expect(refused.dimensions.find((d) => d.dimension === majorityDim.dimension)!.decision!.method).toBe('majority');
      await page.keyboard.type('The output fails on the shape check, as the minority said');
      await page.keyboard.press('Enter');
      // Focus moves on to the split that is still open.
      await page.locator('[data-testid=adjudication][data-busy=false] tr[data-focused=true][data-status=needs-decision]').waitFor();
      await expect
        .poll(async () => (await callApi(server.url, 'adjudication.entry', { as: 'lena', entryId: first.entryId })).dimensions.find((d) => d.dimension === majorityDim.dimension)!.decision)
        .toMatchObject({ method: 'adjudicated', decidedBy: 'lena', rationale: 'The output fails on the shape check, as the minority said' });

      // A focused pane border keeps its arrow keys: the border moves, the candidate chosen stays.
      const chosen = () => page.evaluate(() => document.querySelector('[data-testid=adj-grid] tr[data-focused=true] [aria-pressed=true]')?.getAttribute('data-value') ?? null);
      const chosenBefore = await chosen();
      const border = page.getByTestId('adjudication').locator('[role=separator]').first();
      await border.focus();
      const borderAt = (await border.boundingBox())!.x;
      await page.keyboard.press('ArrowLeft');
      await expect.poll(async () => (await border.boundingBox())!.x).toBeLessThan(borderAt);
      expect(await chosen()).toBe(chosenBefore);
      await border.blur();

      // Walk every split with the keyboard: → picks a candidate, Enter decides, the grid moves on.
      let decided = 0;
      while ((await meetingLeft(page)) > 0) {
        const at = await focusState(page);
        expect(at.status).toBe('needs-decision');
        await page.keyboard.press('ArrowRight');
        await page.keyboard.press('Enter');
        await waitDecided(page, at.entryId, at.dimension);
        decided++;
        expect(decided).toBeLessThanOrEqual(splits);
      }
      expect(decided).toBe(splits);
      await expect.poll(() => page.getByTestId('adj-meeting-left').textContent()).toBe(`0 of ${splitEntries} left`);
      expect(await callApi(server.url, 'adjudication.queue', { as: 'lena' })).toEqual([]);

      // Undo the last decision (Ctrl+Z: u is a codebook hotkey here) and decide it again.
      const last = await focusState(page);
      await page.keyboard.press('Control+z');
      await expect.poll(() => meetingLeft(page)).toBe(1);
      await waitIdle(page);
      const reopened = await focusState(page);
      expect(reopened).toMatchObject({ entryId: last.entryId, status: 'needs-decision' });
      expect(await callApi(server.url, 'adjudication.queue', { as: 'lena' })).toHaveLength(1);
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('Enter');
      await expect.poll(() => meetingLeft(page)).toBe(0);
      await page.keyboard.press('Escape');
      await expect.poll(() => page.getByTestId('adj-left').getAttribute('data-left')).toBe('0');
      await expect.poll(() => page.getByTestId('adj-left').textContent()).toBe('0 entries left');

      // Every decision is in the event log: the batch, each accepted majority, each decision, the undo.
      const events = eventCounts(server.dbPath);
      expect(events['decision.accept-majorities']).toBe(1);
      expect(events['decision.set']).toBe(majorities + 1 + splits + 1);
      expect(events['decision.undo']).toBe(1);
      const done = await callApi(server.url, 'adjudication.summary', { as: 'lena' });
      for (const d of done.dimensions) expect(d.counts['needs-decision'] + d.counts.majority).toBe(0);

      // Export: labels as CSV and the bug distribution as Markdown, downloaded, equal to the CLI's bytes.
      await page.getByTestId('view-tab-export').click();
      for (const [kind, format] of [
        ['labels', 'csv'],
        ['bug-distribution', 'md'],
      ] as const) {
        await page.getByTestId(`export-kind-${kind}`).click();
        await page.getByTestId(`export-format-${format}`).click();
        await page.locator(`[data-testid=export-preview][data-ready=true][data-format=${format}]`).waitFor();
        const expected = cliExport(server.dbPath, kind, format);
        await expect.poll(() => page.getByTestId('export-text').textContent()).toBe(expected.toString('utf8'));
        const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-download').click()]);
        expect(download.suggestedFilename()).toBe(await page.getByTestId('export-file-name').textContent());
        expect(download.suggestedFilename().endsWith(`.${format}`)).toBe(true);
        const file = join(server.dir, download.suggestedFilename());
        await download.saveAs(file);
        const saved = readFileSync(file);
        expect(saved.equals(expected)).toBe(true);
      }
      // The override reached the release, rationale and all, and no value is left without a final.
      const csv = readFileSync(join(server.dir, 'labels.csv'), 'utf8');
      expect(csv).toContain('The output fails on the shape check, as the minority said');
      // An open status is followed by an empty method; a decided one names its method and decider.
      expect(csv).toContain(',decided,adjudicated,lena,');
      expect(csv).not.toMatch(/,(majority|needs-decision),,/);
      expectCleanPage(watch, server.origin);
    } finally {
      await ctx.close();
      await server.stop();
    }
  });
});

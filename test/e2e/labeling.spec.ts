import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callApi } from '../helpers/api.ts';
import { expectCleanPage, launchChromium, newContext, openPage, reloadWhenIdle } from '../helpers/browser.ts';
import { repoRoot, startConcord } from '../helpers/concord-server.ts';
import { demoFixtures, importSample } from '../helpers/fixtures.ts';

// Browser mode end to end: `concord serve` on a temporary database, Chromium driving the built
// renderer. Every wait is on a condition the user would see, never on a clock.

let browser: Browser;

beforeAll(async () => {
  if (!existsSync(join(repoRoot, 'build', 'renderer', 'index.html')))
    throw new Error('build the renderer first: `npm run test:e2e` does, or `npx vite build`');
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

async function waitSaved(page: Page): Promise<void> {
  await page.locator('[data-testid=save-state][data-pending="0"]').waitFor();
}

async function openEntry(page: Page, id: string): Promise<void> {
  await page.getByTestId('queue-search').fill(id);
  const row = page.locator(`[data-testid=queue-row][data-entry-id="${id}"]`);
  await row.click();
  await page.locator(`[data-testid=label-panel][data-entry-id="${id}"]`).waitFor();
}

const pressed = (page: Page, testId: string) => page.getByTestId(testId).getAttribute('aria-pressed');

describe('labeling workspace in browser mode', () => {
  it('imports a Deep-Bench folder, labels an entry with the keyboard, keeps it across a reload, and hides it from another annotator', async () => {
    const server = await startConcord();
    const context = await newContext(browser);
    const { page, watch } = await openPage(context);
    try {
      await page.goto(server.url);
      // The token leaves the address bar but stays for the session.
      await page.getByTestId('no-entries').waitFor();
      expect(page.url()).not.toContain('token=');

      // Import the entry files, then the code and test logs that belong to them.
      for (const folder of [importSample('dlbench'), importSample('taxonomy-data')]) {
        await page.getByTestId('import-open').click();
        await page.getByTestId('import-path').fill(folder);
        await page.getByTestId('import-start').click();
        await page.locator('[data-testid=import-progress][data-phase=done]').waitFor();
        await page.getByTestId('import-summary').waitFor();
        await page.getByTestId('import-close').click();
      }

      // Say who I am.
      await page.getByTestId('whoami-name').fill('alice');
      await page.getByTestId('whoami-add').click();
      await page.locator('[data-testid=workspace][data-annotator=alice]').waitFor();

      // A failing entry with code on both sides.
      await page.getByTestId('filter-passed').selectOption('fail');
      const firstFailing = page.locator('[data-testid=queue-row]').first();
      await firstFailing.waitFor();
      const entryId = (await firstFailing.getAttribute('data-entry-id'))!;
      await openEntry(page, entryId);
      await page.locator('[data-testid=pane-output] .monaco-editor').waitFor();
      await expect.poll(() => page.getByTestId('change-summary').textContent()).toMatch(/\+\d+ −\d+/);
      expect(await page.locator('[data-testid=test-log] [data-kind=fail]').count()).toBeGreaterThan(0);

      // A clicked checkbox keeps the focus but not the keyboard: the hotkeys below still label.
      await page.getByTestId('log-wrap').click();
      expect(await page.getByTestId('log-wrap').evaluate((el) => el === document.activeElement)).toBe(true);

      // Label with the codebook's hotkeys: stage 2, task q, input a, checklist z and x, then undo x.
      for (const key of ['2', 'q', 'a', 'z', 'x']) await page.keyboard.press(key);
      await waitSaved(page);
      expect(await pressed(page, 'value-prompt-review-input-and-output-format-specified')).toBe('true');
      await page.keyboard.press('Control+z');
      await expect.poll(() => pressed(page, 'value-prompt-review-input-and-output-format-specified')).toBe('false');
      await page.getByTestId('notice').filter({ hasText: 'Undid' }).waitFor();

      // Two type/subtype pairs in the bug tree, through the picker.
      await page.keyboard.press('b');
      await page.getByTestId('bug-picker-input').fill('shape dimension mismatch');
      await page.keyboard.press('Enter');
      await page.getByTestId('bug-picker-input').fill('type mismatch problem');
      await page.keyboard.press('Enter');
      await page.keyboard.press('Escape');
      await waitSaved(page);
      await expect.poll(() => page.getByTestId('tree-chip').count()).toBe(2);

      // A note, saved when the field is left.
      await page.getByTestId('note').fill('rotation matrix built with the wrong stacking');
      await page.getByTestId('note').blur();
      await waitSaved(page);

      const expectLabels = async () => {
        expect(await pressed(page, 'value-stage-model-construction')).toBe('true');
        expect(await pressed(page, 'value-task-classification')).toBe('true');
        expect(await pressed(page, 'value-input-image')).toBe('true');
        expect(await pressed(page, 'value-prompt-review-clear-and-sufficient-information')).toBe('true');
        expect(await pressed(page, 'value-prompt-review-input-and-output-format-specified')).toBe('false');
        const paths = await page.getByTestId('tree-chip').evaluateAll((els) => els.map((e) => e.getAttribute('data-path')));
        expect(paths).toEqual(['misinterpretation::shape-and-dimension-mismatch', 'wrong-input-type::type-mismatch-problem']);
        expect(await page.getByTestId('note').inputValue()).toBe('rotation matrix built with the wrong stacking');
      };
      await expectLabels();

      // Every label went on the page's socket, none by a POST of its own.
      const labelCalls = watch.api.filter((c) => c.method.startsWith('labels.'));
      expect(labelCalls.filter((c) => c.method === 'labels.set').length).toBeGreaterThanOrEqual(7);
      expect(labelCalls.filter((c) => c.via !== 'socket')).toEqual([]);

      // On disk, not just on screen.
      const stored = await callApi(server.url, 'entries.get', { annotator: 'alice', id: entryId });
      expect(stored.labels.stage).toBe('model-construction');
      expect(stored.labels.bug).toEqual(['misinterpretation::shape-and-dimension-mismatch', 'wrong-input-type::type-mismatch-problem']);

      // Reload: still alice, labels still there.
      await reloadWhenIdle(page);
      await page.locator('[data-testid=workspace][data-annotator=alice]').waitFor();
      await openEntry(page, entryId);
      await expectLabels();

      // Ctrl+Enter submits and moves on.
      await page.getByTestId('queue-search').fill('');
      await page.locator('[data-testid=queue-row]').nth(1).waitFor();
      await page.locator(`[data-testid=queue-row][data-entry-id="${entryId}"]`).click();
      await page.locator(`[data-testid=label-panel][data-entry-id="${entryId}"]`).waitFor();
      await page.keyboard.press('Control+Enter');
      await page.locator(`[data-testid=queue-row][data-entry-id="${entryId}"][data-status=submitted]`).waitFor();
      await expect.poll(() => page.getByTestId('label-panel').getAttribute('data-entry-id')).not.toBe(entryId);

      // Another annotator sees none of alice's work.
      await page.getByTestId('annotator-switch').selectOption({ label: '+ Add annotator…' });
      await page.getByTestId('annotator-add-input').fill('bob');
      await page.getByTestId('annotator-add-submit').click();
      await page.locator('[data-testid=workspace][data-annotator=bob]').waitFor();
      await openEntry(page, entryId);
      expect(await page.locator('[data-testid=label-panel] [aria-pressed=true]').count()).toBe(0);
      expect(await page.getByTestId('tree-chip').count()).toBe(0);
      expect(await page.getByTestId('note').inputValue()).toBe('');
      expect(await page.getByTestId('entry-status').textContent()).toBe('to do');
      const bobs = await callApi(server.url, 'entries.list', { annotator: 'bob' });
      expect(bobs.every((r) => Object.keys(r.labels).length === 0)).toBe(true);

      await page.screenshot({ path: join(server.dir, 'labeling.png') });
      expectCleanPage(watch, server.origin);
    } finally {
      await context.close();
      await server.stop();
    }
  });

  it('names the file and line when an import is refused, and writes nothing', async () => {
    const server = await startConcord();
    const dir = mkdtempSync(join(tmpdir(), 'concord-bad-'));
    const bad = join(dir, 'entries.jsonl');
    writeFileSync(bad, '{"id":"ok-1","prompt":"p","ground_truth":"a","output":"b","passed":false}\n{"prompt":"no id here"}\n');
    const context = await newContext(browser);
    const { page, watch } = await openPage(context);
    try {
      await page.goto(server.url);
      await page.getByTestId('no-entries').waitFor();
      await page.getByTestId('import-open').click();
      await page.getByTestId('import-path').fill(bad);
      await page.getByTestId('import-format').selectOption('jsonl');
      await page.getByTestId('import-start').click();
      const error = page.getByTestId('import-error');
      await error.waitFor();
      expect(await error.textContent()).toContain('entries.jsonl');
      expect(await error.textContent()).toMatch(/line 2/);
      const info = await callApi(server.url, 'project.info', {});
      expect(info.counts.entries).toBe(0);
      // The refusal is shown, not thrown: no console errors beyond the API's own 4xx, if any.
      expect(watch.pageErrors).toEqual([]);
    } finally {
      await context.close();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('opens the demo project on a first run, blind to the demo annotators', async () => {
    expect(existsSync(join(demoFixtures, 'dlbench')), 'the demo project (fixtures/demo/dlbench) is missing').toBe(true);
    const server = await startConcord({ demo: true });
    const context = await newContext(browser);
    const { page, watch } = await openPage(context);
    try {
      await page.goto(server.url);
      await page.getByTestId('whoami').waitFor();
      expect(await page.getByTestId('project-name').textContent()).toMatch(/demo/i);
      await page.getByTestId('whoami-name').fill('dana');
      await page.getByTestId('whoami-add').click();
      await page.locator('[data-testid=label-panel][data-entry-id]').waitFor();
      expect(await page.locator('[data-testid=queue-row]').count()).toBeGreaterThan(3);
      // The demo's annotators have labelled these entries; dana sees none of it.
      expect(await page.locator('[data-testid=label-panel] [aria-pressed=true]').count()).toBe(0);
      await page.locator('[data-testid=pane-ground-truth] .monaco-editor').waitFor();
      expectCleanPage(watch, server.origin);
    } finally {
      await context.close();
      await server.stop();
    }
  });
});

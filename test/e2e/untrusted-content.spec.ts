import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIO } from '../../cli/command.ts';
import { main } from '../../cli/main.ts';
import { callApi } from '../helpers/api.ts';
import { launchChromium, newContext, openPage } from '../helpers/browser.ts';
import { repoRoot, startConcord } from '../helpers/concord-server.ts';

// What an entry holds is data, never markup: prompts, code, logs, ids and metadata that carry
// HTML and script are shown as text and run nothing. And a refused import shows in the UI the
// same message the CLI prints.

let browser: Browser;
let dir: string;

beforeAll(async () => {
  if (!existsSync(join(repoRoot, 'build', 'renderer', 'index.html')))
    throw new Error('build the renderer first: `npm run test:e2e` does, or `node scripts/build.mjs renderer`');
  browser = await launchChromium();
  dir = mkdtempSync(join(tmpdir(), 'concord-untrusted-'));
});

afterAll(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const SCRIPT = '<script>window.__pwned=1</script>';
const IMG = '<img src=x onerror="window.__pwned=1">';
const LINK = '<a href="javascript:window.__pwned=1">click me</a>';
const hostile = {
  id: `<img src=x onerror=window.__pwned=1>${'<b>bold</b>'}`,
  prompt: `Write f. ${SCRIPT}\nSee ${LINK} and ${IMG}`,
  ground_truth: `def f():\n    return "${SCRIPT}"`,
  output: `def f():\n    return '${IMG}'`,
  test_log: `FAILED tests/test_f.py::test_f - ${SCRIPT}\nE   AssertionError: ${IMG}\n${LINK}`,
  passed: false,
  repo: `<a href="javascript:window.__pwned=1">repo</a>`,
  function: '<svg onload="window.__pwned=1">',
};

/** Text without any white space: Monaco wraps long lines, indents the wrapped part and draws spaces as no-break spaces. */
const squeeze = (s: string) => s.replace(/[\s\u00a0]+/g, '');

/** A Monaco pane's visible text, squeezed. */
async function paneText(page: Page, testId: string): Promise<string> {
  const lines = page.locator(`[data-testid=${testId}] .view-lines`);
  await lines.waitFor();
  return squeeze(await lines.innerText());
}

describe('untrusted content in browser mode', () => {
  it('shows HTML and script from an imported entry as text, and no script runs', async () => {
    const file = join(dir, 'hostile-entry.jsonl');
    writeFileSync(file, `${JSON.stringify(hostile)}\n`);
    const server = await startConcord();
    const context = await newContext(browser);
    const { page, watch } = await openPage(context);
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    try {
      await page.goto(server.url);
      await page.getByTestId('no-entries').waitFor();
      await page.getByTestId('import-open').click();
      await page.getByTestId('import-path').fill(file);
      await page.getByTestId('import-format').selectOption('jsonl');
      await page.getByTestId('import-start').click();
      await page.locator('[data-testid=import-progress][data-phase=done]').waitFor();
      await page.getByTestId('import-close').click();

      await page.getByTestId('whoami-name').fill('erin');
      await page.getByTestId('whoami-add').click();
      await page.locator('[data-testid=workspace][data-annotator=erin]').waitFor();
      await page.locator('[data-testid=queue-row]').first().click();
      await page.locator('[data-testid=label-panel][data-entry-id]').waitFor();

      // The id, the metadata, the code panes and the log read exactly what the file held.
      expect(await page.getByTestId('entry-id').textContent()).toBe(hostile.id);
      expect(await page.getByTestId('label-panel').getAttribute('data-entry-id')).toBe(hostile.id);
      expect(await page.locator('[data-testid=entry-header] .entry-meta').textContent()).toBe(`${hostile.repo} · ${hostile.function}`);
      expect(await paneText(page, 'pane-prompt')).toContain(squeeze(SCRIPT));
      expect(await paneText(page, 'pane-prompt')).toContain(squeeze(LINK));
      expect(await paneText(page, 'pane-ground-truth')).toContain(squeeze(SCRIPT));
      expect(await paneText(page, 'pane-output')).toContain(squeeze(IMG));
      const log = await page.getByTestId('test-log').innerText();
      for (const piece of [SCRIPT, IMG, LINK]) expect(log).toContain(piece);
      await expect.poll(() => page.locator('[data-testid=queue-row]').first().innerText()).toContain('<b>bold</b>');

      // None of it became markup, and nothing ran.
      expect(await page.locator('img[src="x"], svg[onload], a[href^="javascript:"], b:text("bold")').count()).toBe(0);
      expect(await page.evaluate(() => [...document.scripts].filter((s) => s.textContent?.includes('__pwned')).length)).toBe(0);
      expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
      expect(dialogs).toEqual([]);
      expect(watch.pageErrors).toEqual([]);
      // Not even an attempt the CSP had to stop, and no request for the "x" image.
      expect(watch.consoleErrors).toEqual([]);
      expect(watch.requests.filter((u) => /\/x$/.test(u))).toEqual([]);
    } finally {
      await context.close();
      await server.stop();
    }
  });

  it('shows a refused import with the message the CLI prints, and writes nothing', async () => {
    const server = await startConcord();
    const context = await newContext(browser);
    const { page, watch } = await openPage(context);
    try {
      await page.goto(server.url);
      await page.getByTestId('no-entries').waitFor();
      for (const [rel, format] of [
        ['jsonl/bom-crlf-duplicate.jsonl', 'jsonl'],
        ['csv/unclosed-quote.csv', 'csv'],
      ]) {
        // Copies, so the path in both messages is the same and neither touches the fixtures.
        const file = join(dir, rel.replace('/', '-'));
        copyFileSync(join(repoRoot, 'fixtures', 'hostile', 'files', rel), file);
        let stderr = '';
        const io: CliIO = { stdout: () => {}, stderr: (t) => void (stderr += t) };
        expect(await main(['import', file, '--db', join(dir, `cli-${format}.db`), '--format', format], io)).toBe(2);
        const cliMessage = stderr.trim().replace(/^concord: /, '');
        expect(cliMessage).toContain(file);

        await page.getByTestId('import-open').click();
        await page.getByTestId('import-path').fill(file);
        await page.getByTestId('import-format').selectOption(format);
        await page.getByTestId('import-start').click();
        const error = page.getByTestId('import-error');
        await error.waitFor();
        expect((await error.textContent())?.trim()).toBe(cliMessage);
        await page.getByTestId('import-close').click();
      }
      expect((await callApi(server.url, 'project.info', {})).counts.entries).toBe(0);
      expect(watch.pageErrors).toEqual([]);
    } finally {
      await context.close();
      await server.stop();
    }
  });
});

import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbAgreementReport } from '../../shared/agreement/report.ts';
import { callApi } from '../helpers/api.ts';
import { joinAsLead, launchChromium, newContext, openPage } from '../helpers/browser.ts';
import { repoRoot, startConcord } from '../helpers/concord-server.ts';
import { importSample } from '../helpers/fixtures.ts';

// The Packs issue: two annotators label in browser mode against their own databases, their packs
// are merged into a third (the lead's), where agreement is then computed.

const run = promisify(execFile);
const concord = (...args: string[]) => run(process.execPath, [join(repoRoot, 'cli', 'concord.js'), ...args], { cwd: repoRoot });

let browser: Browser;
let dir: string;

beforeAll(async () => {
  if (!existsSync(join(repoRoot, 'build', 'renderer', 'index.html'))) throw new Error('build the renderer first: `node scripts/build.mjs renderer`');
  browser = await launchChromium();
  dir = mkdtempSync(join(tmpdir(), 'concord-packs-'));
});

afterAll(async () => {
  await browser?.close();
  // KEEP_E2E=1 keeps the databases, packs and screenshots for a look.
  if (dir && !process.env.KEEP_E2E) rmSync(dir, { recursive: true, force: true });
  else if (dir) console.log(`kept ${dir}`);
});

/** Stage, task and input hotkeys per entry (Deep-Bench codebook), in queue order. */
type Plan = [stage: string, task: string, input: string][];

/** Labels the first entries of the queue with the keyboard and submits each (Ctrl+Enter moves on). */
async function labelWithKeys(page: Page, plan: Plan): Promise<string[]> {
  const ids: string[] = [];
  for (const keys of plan) {
    const panel = page.locator('[data-testid=label-panel][data-entry-id]');
    await panel.waitFor();
    const id = (await panel.getAttribute('data-entry-id'))!;
    ids.push(id);
    for (const k of keys) await page.keyboard.press(k);
    await page.locator('[data-testid=save-state][data-pending="0"]').waitFor();
    await page.keyboard.press('Control+Enter');
    await page.locator(`[data-testid=queue-row][data-entry-id="${id}"][data-status=submitted]`).waitFor();
    await expect.poll(() => page.getByTestId('label-panel').getAttribute('data-entry-id')).not.toBe(id);
  }
  return ids;
}

/** One annotator's laptop: their starter database in browser mode; label, submit, download the pack. */
async function annotatorSession(name: string, plan: Plan): Promise<{ ids: string[]; pack: string }> {
  const server = await startConcord({ dbPath: join(dir, `${name}.db`) });
  const context = await newContext(browser);
  const { page, watch } = await openPage(context);
  try {
    await page.goto(server.url);
    await page.locator(`[data-testid=whoami-person]`, { hasText: name }).click();
    await page.locator(`[data-testid=workspace][data-annotator="${name}"]`).waitFor();
    const ids = await labelWithKeys(page, plan);

    await page.getByTestId('view-tab-team').click();
    await page.locator('[data-testid=team-view][data-ready=true]').waitFor();
    // An annotator's Team view offers only their own pack (assignments, merges and backups are the lead's).
    expect(await page.getByTestId('progress-count').textContent()).toMatch(new RegExp(`^${plan.length} / \\d+ submitted$`));
    expect(await page.getByTestId('assignments').count()).toBe(0);
    expect(await page.getByTestId('pack-annotator').locator('option').count()).toBe(1);
    expect(await page.getByTestId('pack-annotator').inputValue()).toBe(name);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('pack-export').click()]);
    const pack = join(dir, download.suggestedFilename());
    await download.saveAs(pack);
    await page.getByTestId('pack-export-result').waitFor();
    expect(await page.getByTestId('pack-export-result').textContent()).toContain(download.suggestedFilename());
    expect(download.suggestedFilename()).toMatch(new RegExp(`${name}\\.concord-pack\\.json$`));
    expect(JSON.parse(readFileSync(pack, 'utf8'))).toBeTypeOf('object');
    await page.screenshot({ path: join(dir, `${name}-team.png`) });
    expect(watch.pageErrors).toEqual([]);
    expect(watch.consoleErrors).toEqual([]);
    return { ids, pack };
  } finally {
    await context.close();
    await server.stop();
  }
}

describe('annotation packs end to end', () => {
  it('two annotators label offline, their packs merge into the lead project, and agreement is computed on them', async () => {
    const lead = join(dir, 'lead.db');
    await concord('import', importSample('dlbench'), '--db', lead);
    await concord('import', importSample('taxonomy-data'), '--db', lead);
    await concord('assign', '--db', lead, '--per-entry', '2', '--annotators', 'xia,yan');
    for (const who of ['xia', 'yan']) await concord('pack', 'starter', '--db', lead, '--annotator', who, '--out', join(dir, `${who}.db`));

    // Same first three entries (both hold every entry); they agree on some labels and not on others.
    const xia = await annotatorSession('xia', [
      ['1', 'q', 'a'],
      ['2', 'w', 's'],
      ['3', 'e', 'd'],
    ]);
    const yan = await annotatorSession('yan', [
      ['1', 'q', 'a'],
      ['2', 'w', 'd'],
      ['4', 'e', 'd'],
    ]);
    expect(yan.ids).toEqual(xia.ids);

    // The lead's project: merge both packs in the Team view.
    const server = await startConcord({ dbPath: lead });
    const context = await newContext(browser);
    const { page, watch } = await openPage(context);
    try {
      await joinAsLead(page, server.url);
      const labelsBefore = (await callApi(server.url, 'project.info', {})).counts.labels;
      await page.goto(server.url);
      await page.getByTestId('view-tab-team').click();
      await page.locator('[data-testid=team-view][data-ready=true]').waitFor();
      await page.getByTestId('pack-import-input').setInputFiles([xia.pack, yan.pack]);
      const summary = page.getByTestId('pack-import-summary');
      await summary.waitFor();
      expect(await summary.getAttribute('data-changed')).toBe('true');
      expect(await page.getByTestId('merged-pack').evaluateAll((els) => els.map((e) => e.getAttribute('data-annotator')).sort())).toEqual(['xia', 'yan']);
      // The merge took a backup first, and the progress table now shows the submitted work.
      await page.locator('[data-testid=backup-row]').first().waitFor();
      await expect.poll(() => page.locator('[data-testid=progress-row][data-annotator=xia]').getAttribute('data-submitted')).toBe('3');
      expect(await page.locator('[data-testid=progress-row][data-annotator=yan]').getAttribute('data-submitted')).toBe('3');
      await page.screenshot({ path: join(dir, 'lead-team.png') });

      // Merging the same packs again changes nothing, and says so.
      await page.getByTestId('pack-import-input').setInputFiles([yan.pack, xia.pack]);
      await page.locator('[data-testid=pack-import-summary][data-changed=false]').waitFor();

      // Agreement on the two annotators, over the entries they labelled.
      await page.getByTestId('view-tab-agreement').click();
      await page.locator('[data-testid=agreement-view][data-ready=true]').waitFor();
      for (const name of ['xia', 'yan']) {
        const box = page.locator(`[data-testid=agreement-annotator][data-name="${name}"]`);
        if (!(await box.isChecked())) {
          await box.check();
          await page.locator('[data-testid=agreement-view][data-ready=true]').waitFor();
        }
      }
      expect(await page.locator('[data-testid=agreement-annotator][data-name=deepbench-published]').isChecked()).toBe(false);
      expect(await page.locator('[data-testid=agreement-annotator][data-name=lead]').isChecked()).toBe(false);
      expect(await page.getByTestId('agreement-selection').textContent()).toContain('18 submitted labels of xia, yan');

      const { stdout } = await concord('alpha', '--db', lead, '--annotators', 'xia,yan', '--json');
      const cli = JSON.parse(stdout) as DbAgreementReport & { alpha: number | null };
      for (const dim of ['stage', 'task', 'input']) {
        const row = page.locator(`[data-testid=dimension-row][data-dimension=${dim}][data-measure=nominal]`);
        expect(await row.getByTestId('units').textContent()).toBe(String(xia.ids.length));
        expect(await row.getAttribute('data-raters')).toBe('2');
        const fig = cli.dimensions.find((d) => d.id === dim)!.measures[0].figure;
        expect(await row.getAttribute('data-alpha')).toBe(fig.alpha === null ? '' : String(fig.alpha));
      }
      // Stage and input each split once in three entries; task agreed on all three (three different values, so alpha is 1).
      expect(await page.locator('[data-testid=dimension-row][data-dimension=task]').getAttribute('data-alpha')).toBe('1');
      expect(Number(await page.getByTestId('pooled-figure').getAttribute('data-alpha'))).toBe(cli.alpha);
      expect(await page.getByTestId('pooled-figure').getAttribute('data-units')).toBe(String(3 * xia.ids.length));
      expect(await page.getByTestId('pairwise-cell').count()).toBe(2);
      await page.screenshot({ path: join(dir, 'lead-agreement.png') });

      // Restoring the backup taken before the merge puts the project back as it was, after a confirm.
      await page.getByTestId('view-tab-team').click();
      await page.locator('[data-testid=team-view][data-ready=true]').waitFor();
      const before = page.locator('[data-testid=backup-row][data-name$="pack-import.db"]');
      expect(await before.count()).toBe(1);
      await before.getByTestId('backup-restore').click();
      await before.getByTestId('restore-confirm-yes').click();
      await page.getByTestId('restore-result').waitFor();
      await expect.poll(() => page.locator('[data-testid=progress-row][data-annotator=xia]').getAttribute('data-submitted')).toBe('0');
      expect((await callApi(server.url, 'project.info', {})).counts.labels).toBe(labelsBefore);
      expect(watch.pageErrors).toEqual([]);
      expect(watch.consoleErrors).toEqual([]);
    } finally {
      await context.close();
      await server.stop();
    }
  });
});

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupDir } from '../../db/backup.ts';
import { callApi } from '../helpers/api.ts';
import { joinAsLead, launchChromium, newContext, openPage, reloadWhenIdle } from '../helpers/browser.ts';
import { startConcord, type ConcordServer } from '../helpers/concord-server.ts';
import { ensureRendererBuilt } from './renderer-build.ts';

// The Team view, as the lead sees it in browser mode: a forged pack is refused with what is
// wrong, an unsigned one merges only when the lead ticks that they vouch for it, and a backup that
// is not whole is shown as damaged, with no way to restore it.

let browser: Browser;
let server: ConcordServer;
let dir: string;

beforeAll(async () => {
  await ensureRendererBuilt();
  browser = await launchChromium();
  server = await startConcord({ demo: true });
  dir = mkdtempSync(join(tmpdir(), 'concord-team-trust-'));
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (dir && !process.env.KEEP_E2E) rmSync(dir, { recursive: true, force: true });
  else if (dir) console.log(`kept ${dir}`);
});

describe('the Team view', () => {
  it('refuses a forged pack saying why, merges an unsigned one only on the lead’s word, and shows a damaged backup as damaged', async () => {
    const context = await newContext(browser);
    const { page, watch } = await openPage(context);
    await joinAsLead(page, server.url);
    const exported = await callApi(server.url, 'packs.export', { as: 'lead', annotator: 'ana' });
    const pack = JSON.parse(exported.text);
    const forged = join(dir, 'ben.concord-pack.json');
    writeFileSync(forged, JSON.stringify({ ...pack, annotator: 'ben' }));
    // ana's pack as a Concord before signing wrote it: format 1, no clocks, no signature.
    const drop = ({ clock: _c, ...r }: { clock: number }) => r;
    const { signature: _s, ...head } = pack;
    const unsigned = join(dir, 'ana-old.concord-pack.json');
    writeFileSync(unsigned, JSON.stringify({ ...head, formatVersion: 1, labels: pack.labels.map(drop), notes: pack.notes.map(drop), submissions: pack.submissions.map(drop) }));
    // What a kill during a backup used to leave: an empty file under a backup's name.
    await callApi(server.url, 'backups.create', { as: 'lead' });
    writeFileSync(join(backupDir(server.dbPath), '2026-01-01T00-00-00-000Z-pack-import.db'), '');

    try {
      await page.goto(server.url);
      await page.getByTestId('view-tab-team').click();
      await page.locator('[data-testid=team-view][data-ready=true]').waitFor();

      await page.getByTestId('pack-import-input').setInputFiles([forged]);
      const error = page.getByTestId('pack-import-error');
      await error.waitFor();
      expect(await error.textContent()).toMatch(/^Nothing was merged\. .*it names ben but is signed with ana's key: it was edited to speak for someone else/);
      await page.screenshot({ path: join(dir, 'team-forged.png') });

      await page.getByTestId('pack-import-input').setInputFiles([unsigned]);
      await expect.poll(async () => (await error.textContent()) ?? '').toMatch(/unsigned pack \(format version 1.*--trust-unsigned/);
      await page.getByTestId('pack-trust-unsigned').check();
      await page.getByTestId('pack-import-input').setInputFiles([unsigned]);
      const summary = page.getByTestId('pack-import-summary');
      await summary.waitFor();
      expect(await page.getByTestId('merged-pack-signed').textContent()).toBe('no');
      expect(await summary.textContent()).toContain('Unsigned packs were merged on your word; the Activity log records it.');
      await page.screenshot({ path: join(dir, 'team-unsigned.png') });
      const log = await callApi(server.url, 'events.list', { as: 'lead', kind: 'pack.merge' });
      expect(log.events[0]).toMatchObject({ actor: 'ana', after: expect.objectContaining({ signed: false, trustedBy: 'lead' }) });

      // The backups, newest first; the empty one marked damaged, with no Restore button.
      await reloadWhenIdle(page);
      await page.getByTestId('view-tab-team').click();
      await page.locator('[data-testid=team-view][data-ready=true]').waitFor();
      const bad = page.locator('[data-testid=backup-row][data-name="2026-01-01T00-00-00-000Z-pack-import.db"]');
      await bad.waitFor();
      expect(await bad.getAttribute('data-status')).toBe('damaged');
      expect(await bad.getByTestId('backup-damaged').textContent()).toBe('Damaged: empty: it was interrupted while being taken');
      expect(await bad.getByTestId('backup-restore').count()).toBe(0);
      const good = page.locator('[data-testid=backup-row][data-status=ok]');
      expect(await good.count()).toBeGreaterThan(0);
      expect(await good.first().getByTestId('backup-restore').count()).toBe(1);

      await page.getByTestId('backups').scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(dir, 'team-trust.png'), fullPage: false });
      expect(watch.pageErrors).toEqual([]);
      // The two refused merges are the only failed calls (answered on the page's socket).
      expect(watch.failedRequests).toEqual([expect.stringMatching(/\/api\/socket packs\.import bad-input$/), expect.stringMatching(/\/api\/socket packs\.import bad-input$/)]);
      expect(readFileSync(forged, 'utf8')).toContain('"annotator":"ben"');
    } finally {
      await context.close();
    }
  }, 120_000);
});

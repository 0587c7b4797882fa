import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinAsLead, launchChromium, newContext, openPage } from '../helpers/browser.ts';
import { repoRoot, startConcord, type ConcordServer } from '../helpers/concord-server.ts';
import { callApi } from '../helpers/api.ts';

// The figures beside alpha in the Agreement view, against the CLI on the same database: every
// coefficient and its interval (`concord agreement --json`), the charts (`concord export ... svg`),
// drift (`concord alpha --by week --json`), the coders' matrices (the wide ratings file) and the
// machine coders (`concord export machine-coders --format json`).

const run = promisify(execFile);
async function cli(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [join(repoRoot, 'cli', 'concord.js'), ...args], { cwd: repoRoot, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

interface Json {
  value: number | null;
  ci: [number, number] | null;
}
const CONTRACT = ['percent', 'cohen', 'fleiss', 'conger', 'gwet_ac1', 'brennan_prediger', 'alpha'];

let browser: Browser;
let server: ConcordServer;
let page: Page;
let watch: Awaited<ReturnType<typeof openPage>>['watch'];

beforeAll(async () => {
  if (!existsSync(join(repoRoot, 'build', 'renderer', 'index.html'))) throw new Error('build the renderer first: `node scripts/build.mjs renderer`');
  browser = await launchChromium();
  server = await startConcord({ demo: true });
  await cli('import', join(repoRoot, 'fixtures', 'machine', 'labels.jsonl'), '--db', server.dbPath, '--format', 'annotations', '--machine', 'gpt-4o', '--machine', 'llama-3-70b');
  const context = await newContext(browser);
  ({ page, watch } = await openPage(context));
  await joinAsLead(page, server.url);
  await page.goto(server.url);
  await page.getByTestId('view-tab-agreement').click();
  await page.locator('[data-testid=agreement-view][data-ready=true]').waitFor();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function openTab(tab: string): Promise<void> {
  await page.getByTestId(`agreement-tab-${tab}`).click();
  await page.locator(`[data-testid=figure-tab][data-tab=${tab}][data-ready=true]`).waitFor({ timeout: 120_000 });
}

/** The SVG an <img> shows, from its data: URL. */
async function svgOf(testId: string): Promise<string> {
  const src = (await page.getByTestId(testId).getAttribute('src'))!;
  expect(src.startsWith('data:image/svg+xml;base64,')).toBe(true);
  return Buffer.from(src.slice(src.indexOf(',') + 1), 'base64').toString('utf8');
}

const num = (s: string | null) => (s === '' || s === null ? null : Number(s));

describe('the figures beside alpha', () => {
  it('shows every coefficient with its interval, pooled and per dimension, equal to `concord agreement --json`', async () => {
    const out = JSON.parse(await cli('agreement', '--db', server.dbPath, '--json'));
    await openTab('coefficients');
    const dims = (out.dimensions as (Record<string, Json> & { id: string; level?: string })[]).filter((d) => d.level);
    const scopes: [string, Record<string, Json>][] = [['pooled', out], ...dims.map((d): [string, Record<string, Json>] => [d.id, d])];
    expect(scopes.map(([s]) => s)).toEqual(['pooled', 'stage', 'task', 'input', 'bug', 'prompt-review']);
    let compared = 0;
    for (const [scope, figures] of scopes)
      for (const key of CONTRACT) {
        const cell = page.locator(`[data-testid=coefficient-cell][data-scope="${scope}"][data-key="${key}"]`);
        expect(await cell.count(), `${scope} ${key}`).toBe(1);
        expect(num(await cell.getAttribute('data-value')), `${scope} ${key}`).toBe(figures[key].value);
        expect(num(await cell.getAttribute('data-low')), `${scope} ${key} low`).toBe(figures[key].ci?.[0] ?? null);
        expect(num(await cell.getAttribute('data-high')), `${scope} ${key} high`).toBe(figures[key].ci?.[1] ?? null);
        compared++;
      }
    expect(compared).toBe(42);

    // Alpha stays the primary figure: selected first, with its note; each coefficient says what it assumes.
    expect(await page.getByTestId('coefficient-table').getAttribute('data-key')).toBe('alpha');
    expect(await page.getByTestId('coefficient-row').count()).toBe(6);
    for (const key of ['percent', 'cohen', 'fleiss', 'conger', 'gwet', 'brennanPrediger']) {
      await page.locator(`[data-testid=coefficient-option][data-key=${key}]`).click();
      const note = page.getByTestId('coefficient-note');
      await expect.poll(() => note.getAttribute('data-key')).toBe(key);
      expect(await note.textContent()).toMatch(/Assumes:.+Missing ratings:.+/);
      const contract = (await page.getByTestId('coefficient-table').getAttribute('data-contract-key'))!;
      const row = page.locator('[data-testid=coefficient-row][data-scope=stage]');
      const stage = out.dimensions.find((d: { id: string }) => d.id === 'stage')[contract] as Json;
      expect(num(await row.getAttribute('data-value'))).toBe(stage.value);
      expect(await row.getByTestId('interval-bar').count()).toBe(1);
    }
    // Cohen's kappa: every pair, as the CLI lists them.
    await page.locator('[data-testid=coefficient-option][data-key=cohen]').click();
    for (const p of out.cohen.pairs as (Json & { raters: string[] })[]) {
      const row = page.locator(`[data-testid=cohen-pair-row][data-scope=pooled][data-pair="${p.raters.join('/')}"]`);
      expect(num(await row.getAttribute('data-value'))).toBe(p.value);
      expect(num(await row.getAttribute('data-low'))).toBe(p.ci![0]);
    }
    // The interval chart is the export's SVG, byte for byte.
    expect(await svgOf('interval-chart')).toBe(await cli('export', 'coefficients', '--db', server.dbPath, '--format', 'svg'));
    expect(await page.getByTestId('coefficient-provenance').textContent()).toMatch(/labels sha256 [0-9a-f]{64} \(402\)/);
    expect(await page.getByTestId('figure-tab').textContent()).not.toMatch(/NaN/);
  });

  it('computes the categories of another dimension when it is chosen, equal to the full report `concord agreement --json` gives', async () => {
    const out = JSON.parse(await cli('agreement', '--db', server.dbPath, '--json'));
    await openTab('coefficients');
    await page.locator('[data-testid=coefficient-option][data-key=alpha]').click();
    const select = page.getByTestId('coefficient-category-dimension');
    // The first dimension's categories come with the report; the others are computed, each in a job of its own, when chosen.
    const from = watch.api.length;
    expect(await select.inputValue()).toBe('stage');
    await page.locator('[data-testid=coefficient-category-table][data-dimension=stage]').waitFor();
    for (const dimension of ['task', 'bug', 'stage']) {
      const full = out.dimensions.find((d: { id: string }) => d.id === dimension).perCategory as (Record<string, Json> & { category: string })[];
      expect(full.length, dimension).toBeGreaterThan(2);
      await select.selectOption(dimension);
      await page.locator(`[data-testid=coefficient-category-table][data-dimension=${dimension}]`).waitFor({ timeout: 60_000 });
      const rows = page.locator(`[data-testid=category-row][data-scope=${dimension}]`);
      expect(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-category'))), dimension).toEqual(full.map((c) => c.category));
      for (const c of full) {
        const row = page.locator(`[data-testid=category-row][data-scope=${dimension}][data-category="${c.category}"]`);
        expect(num(await row.getAttribute('data-value')), `${dimension} ${c.category}`).toBe(c.alpha.value);
        expect(num(await row.getAttribute('data-low')), `${dimension} ${c.category} low`).toBe(c.alpha.ci?.[0] ?? null);
      }
    }
    expect(await page.getByTestId('coefficient-categories-loading').count()).toBe(0);
    const asked = watch.api.slice(from).filter((c) => c.method === 'agreement.startFigures').map((c) => String(c.args.dimension ?? ''));
    expect([...new Set(asked.filter(Boolean))].sort()).toEqual(['bug', 'task']);
  });

  it('compares each coder with the rest of the team, and a cell opens its entries in Adjudicate', async () => {
    await openTab('coders');
    await page.getByTestId('coders-dimension').selectOption('stage');
    await page.getByTestId('coders-reference-others').click();
    expect(await page.getByTestId('coder-card').evaluateAll((els) => els.map((e) => e.getAttribute('data-coder')))).toEqual(['ana', 'ben', 'cai']);

    // By hand, from the wide ratings file: where a strict majority of the two others agree, against each coder.
    const wide = (await cli('export', 'ratings-wide', '--db', server.dbPath, '--format', 'csv')).split('\n').slice(1).filter(Boolean);
    const header = wide[0].split(',');
    const rows = wide.slice(1).map((l) => l.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.map((c) => c.replace(/,$/, '').replace(/^"|"$/g, '')));
    const stage = rows.filter((r) => r[1] === 'stage');
    const col = (name: string) => header.indexOf(name);
    const sentence = page.getByTestId('confusion-sentence').first();
    const who = (await sentence.getAttribute('data-coder'))!;
    const others = ['ana', 'ben', 'cai'].filter((n) => n !== who);
    await sentence.click();
    // The tab's report carries the counts; the entries of the opened cell are asked for alone.
    const panel = page.locator('[data-testid=coder-entries][data-listed=true]');
    await panel.waitFor();
    const listed = await page.getByTestId('coder-entry').evaluateAll((els) => els.map((e) => e.getAttribute('data-entry-id')!));
    const card = page.locator(`[data-testid=coder-card][data-coder="${who}"]`);
    const cell = card.locator('[data-testid=coder-cell].is-active');
    expect(Number(await cell.getAttribute('data-count'))).toBe(listed.length);
    // Entries where the two others agree (a strict majority of two) and this coder chose otherwise.
    const departures = stage
      .filter((r) => r[col(others[0])] !== '' && r[col(others[0])] === r[col(others[1])] && r[col(who)] !== '' && r[col(who)] !== r[col(others[0])])
      .map((r) => ({ entry: r[0], pair: `${r[col(who)]}>${r[col(others[0])]}` }));
    // The cell lists exactly the entries of its pair of values.
    const pair = departures.find((x) => x.entry === listed[0])!.pair;
    expect([...listed].sort()).toEqual(departures.filter((x) => x.pair === pair).map((x) => x.entry).sort());
    // Precision and recall are shown per category, and kappa is a number or says why not.
    expect(await card.getByTestId('coder-score').count()).toBeGreaterThan(0);

    // The entries listed are those the full coder report (every cell's entries) gives that cell, against the majority of the others and against the final labels.
    const full = await callApi(server.url, 'agreement.coders', { as: 'lead', bootstrap: 0, dimension: 'stage' });
    const inFull = async (reference: string) => {
      const on = page.locator(`[data-testid=coder-card][data-reference=${reference}] [data-testid=coder-cell].is-active`);
      const coder = await page.getByTestId('coder-entries').getAttribute('data-coder');
      const comparison = full.dimensions[0].comparisons.find((c) => c.coder === coder && c.reference === reference)!;
      return comparison.cellEntries![`${await on.getAttribute('data-row')},${await on.getAttribute('data-col')}`];
    };
    expect(listed).toEqual(await inFull('others'));
    await page.getByTestId('coders-reference-final').click();
    // The final labels are the unanimous values here (nothing is decided): a coder agrees with every one, so the cell is on the diagonal.
    await page.locator('[data-testid=coder-card][data-reference=final] [data-testid=coder-cell].has-count').first().click();
    await panel.waitFor();
    const listedFinal = await page.getByTestId('coder-entry').evaluateAll((els) => els.map((e) => e.getAttribute('data-entry-id')!));
    expect(listedFinal.length).toBeGreaterThan(0);
    expect(listedFinal).toEqual(await inFull('final'));
    await page.getByTestId('coders-reference-others').click();
    await sentence.click();
    await panel.waitFor();

    await page.getByTestId('coder-entry').first().click();
    await page.locator('[data-testid=app][data-view=adjudicate]').waitFor();
    await page.locator(`[data-testid=adj-grid][data-entry-id="${listed[0]}"]`).waitFor();
    await page.getByTestId('view-tab-agreement').click();
    await page.locator('[data-testid=agreement-view][data-ready=true]').waitFor();
  });

  it('follows alpha week by week, as `concord alpha --by week` does, with the exported chart and the time it used', async () => {
    const weeks = JSON.parse(await cli('alpha', '--db', server.dbPath, '--by', 'week', '--json'));
    await openTab('drift');
    const rows = page.getByTestId('drift-row');
    expect(await rows.count()).toBe(weeks.groups.length + 1);
    for (const g of weeks.groups) {
      const row = page.locator(`[data-testid=drift-row][data-key="${g.key}"]`);
      expect(num(await row.getAttribute('data-alpha'))).toBe(g.alpha);
      expect(num(await row.getAttribute('data-low'))).toBe(g.interval.low);
      expect(num(await row.getAttribute('data-high'))).toBe(g.interval.high);
      expect(Number(await row.getAttribute('data-entries'))).toBe(g.entries);
    }
    expect(num(await page.locator('[data-testid=drift-row][data-key=all]').getAttribute('data-alpha'))).toBe(weeks.alpha);
    expect(await page.getByTestId('drift-time').textContent()).toContain("when the annotator's machine recorded their last label on the entry");
    expect(await svgOf('drift-chart')).toBe(await cli('export', 'drift', '--db', server.dbPath, '--format', 'svg', '--by', 'week'));

    await page.getByTestId('drift-by-batch').click();
    await page.locator('[data-testid=drift-panel][data-by=batch]').waitFor({ timeout: 120_000 });
    await page.locator('[data-testid=figure-tab][data-tab=drift][data-ready=true]').waitFor();
    expect(await page.locator('[data-testid=drift-row][data-key="1"]').getAttribute('data-entries')).toBe('33');
  });

  it('holds each machine coder against the human consensus, as the export does, and lists where it departs', async () => {
    const exported = JSON.parse(await cli('export', 'machine-coders', '--db', server.dbPath, '--format', 'json'));
    await openTab('machines');
    for (const d of exported.dimensions as { id: string; machines: { coder: string; kappa: Json; accuracy: number; departures: { entry: string }[] }[] }[])
      for (const m of d.machines) {
        const row = page.locator(`[data-testid=machine-row][data-dimension="${d.id}"][data-coder="${m.coder}"]`);
        expect(num(await row.getAttribute('data-kappa')), `${d.id} ${m.coder}`).toBe(m.kappa.value);
        expect(num(await row.getAttribute('data-accuracy'))).toBe(m.accuracy);
      }
    const gpt = exported.dimensions.find((d: { id: string }) => d.id === 'stage').machines.find((m: { coder: string }) => m.coder === 'gpt-4o');
    await page.locator('[data-testid=machine-row][data-dimension=stage][data-coder="gpt-4o"]').click();
    const departures = await page.getByTestId('machine-departure').evaluateAll((els) => els.map((e) => e.getAttribute('data-entry-id')));
    expect(departures).toEqual(gpt.departures.map((x: { entry: string }) => x.entry));
    // The people sit beside the machines, never among them in the human figures.
    expect(await page.locator('[data-testid=machine-row][data-dimension=stage][data-kind=person]').count()).toBe(3);
    expect(await page.locator('[data-testid=agreement-annotator][data-name="gpt-4o"]').isChecked()).toBe(false);

    expect(watch.pageErrors).toEqual([]);
    expect(watch.consoleErrors).toEqual([]);
    expect(watch.failedRequests).toEqual([]);
  });

  it('computes a tab in the background: the figures first, then their intervals, with a Cancel that leaves the figures standing', async () => {
    await openTab('coders');
    // Many resamples: the intervals take a while, the figures come first.
    const resamples = page.getByTestId('agreement-resamples');
    await resamples.fill('100000');
    await resamples.press('Enter');
    const progress = page.locator('[data-testid=figure-progress][data-tab=coders][data-stage=intervals]');
    await progress.waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('coder-card').count()).toBeGreaterThan(0);
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.screenshot({ path: join(repoRoot, '.tmp', 'coders-intervals.png') });
    // The request thread keeps answering meanwhile: the answer comes while the intervals are still being computed.
    expect((await callApi(server.url, 'project.info', {})).counts.entries).toBe(33);
    expect(await progress.isVisible()).toBe(true);
    // Another tab stops this one's job; coming back computes it again.
    await page.getByTestId('agreement-tab-machines').click();
    await page.locator('[data-testid=machine-row]').first().waitFor({ timeout: 60_000 });
    await page.getByTestId('agreement-tab-coders').click();
    await page.locator('[data-testid=figure-progress][data-tab=coders]').waitFor({ timeout: 120_000 });
    await progress.waitFor({ timeout: 120_000 });
    await page.getByTestId('figure-cancel').click();
    await page.locator('[data-testid=figure-tab][data-tab=coders][data-ready=true]').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('figure-cancelled').textContent()).toContain('Intervals cancelled');
    expect(await page.getByTestId('coder-card').count()).toBeGreaterThan(0);
    await page.getByTestId('agreement-tab-alpha').click();
    if (await page.getByTestId('agreement-cancel').count()) await page.getByTestId('agreement-cancel').click();
  });
});

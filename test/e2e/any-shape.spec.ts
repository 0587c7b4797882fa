import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { traceRows } from '../../fixtures/any-shape/make-any-shape.ts';
import { callApi } from '../helpers/api.ts';
import { expectCleanPage, joinAsLead, launchChromium, newContext, openPage } from '../helpers/browser.ts';
import { repoRoot, startConcord } from '../helpers/concord-server.ts';

/**
 * Entries of any shape, end to end in browser mode: a reasoning-trace project imports a JSONL of
 * traces through the import dialog, mapping the file's columns to the codebook's fields; the Label
 * view shows them in the codebook's panes (code and trace side by side, input and results below,
 * the two results as the diff); the lead labels one trace with the keyboard.
 */

let browser: Browser;
const traces = fileURLToPath(new URL('../../fixtures/any-shape/traces.jsonl', import.meta.url));

beforeAll(async () => {
  if (!existsSync(join(repoRoot, 'build', 'renderer', 'index.html'))) throw new Error('build the renderer first: `node scripts/build.mjs renderer`');
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

describe('entries of any shape', () => {
  it(
    'imports a JSONL of traces with a field mapping, shows them in the configured panes, and labels one',
    async () => {
      const server = await startConcord({ codebook: 'reasoning-trace' });
      const context = await newContext(browser);
      const { page, watch } = await openPage(context);
      try {
        await joinAsLead(page, server.url);
        await page.goto(server.url);
        await page.getByTestId('no-entries').waitFor();

        // The dialog reads the file's columns and offers them for each field the codebook shows.
        await page.getByTestId('import-open').click();
        await page.getByTestId('import-path').fill(traces);
        await page.getByTestId('mapping-read').click();
        await page.getByTestId('mapping-id').selectOption('qid');
        const options = await page.getByTestId('mapping-trace').locator('option').allTextContents();
        expect(options.slice(1).sort()).toEqual(['args', 'input_kind', 'model', 'predicted', 'qid', 'reasoning', 'snippet', 'truth']);
        for (const [field, column] of [['code', 'snippet'], ['trace', 'reasoning'], ['input', 'args'], ['expected_output', 'truth'], ['predicted_output', 'predicted']])
          await page.getByTestId(`mapping-${field}`).selectOption(column);
        if (process.env.CONCORD_SCREENSHOTS) await page.screenshot({ path: join(process.env.CONCORD_SCREENSHOTS, 'any-shape-import.png') });
        await page.getByTestId('import-start').click();
        await page.locator('[data-testid=import-progress][data-phase=done]').waitFor();
        expect(await page.getByTestId('import-summary').textContent()).toContain('4 new entries');
        await page.getByTestId('import-close').click();

        // The trace that went wrong: its code and trace side by side, its input and both results below.
        const wrong = traceRows[1];
        await page.getByTestId('queue-search').fill(wrong.qid);
        await page.locator(`[data-testid=queue-row][data-entry-id="${wrong.qid}"]`).click();
        await page.locator(`[data-testid=label-panel][data-entry-id="${wrong.qid}"]`).waitFor();
        const top = page.getByTestId('code-panes');
        const lower = page.getByTestId('lower-panes');
        await top.locator('[data-testid=pane-trace] .monaco-editor').waitFor();
        await lower.locator('[data-testid=pane-predicted-output] .monaco-editor').waitFor();
        expect(await top.locator('[data-field]').evaluateAll((els) => els.map((e) => e.getAttribute('data-field')))).toEqual(['code', 'trace']);
        expect(await lower.locator('[data-field]').evaluateAll((els) => els.map((e) => e.getAttribute('data-field')))).toEqual(['input', 'expected_output', 'predicted_output']);
        expect(await top.locator('[data-testid=pane-trace] .pane-title').textContent()).toContain('Reasoning trace');
        // Monaco draws spaces as no-break spaces.
        const text = async (testId: string) => (await page.locator(`[data-testid=${testId}] .view-lines`).innerText()).replace(/\u00a0/g, ' ');
        await expect.poll(() => text('pane-code')).toContain('def digit_sum_steps(n):');
        await expect.poll(() => text('pane-trace')).toContain('Iteration 2');
        await expect.poll(() => text('pane-expected-output')).toContain('(8, 3)');
        await expect.poll(() => text('pane-predicted-output')).toContain('(8, 2)');
        // The panes sit where the codebook puts them: the lower row under the main one, side by side.
        const box = async (testId: string) => (await page.getByTestId(testId).boundingBox())!;
        const [code, trace, input, predicted] = await Promise.all(['pane-code', 'pane-trace', 'pane-input', 'pane-predicted-output'].map(box));
        expect(trace.x).toBeGreaterThan(code.x + code.width - 2);
        expect(input.y).toBeGreaterThan(code.y + code.height - 2);
        expect(predicted.x).toBeGreaterThan(input.x + input.width - 2);

        // The diff is the true result against the predicted one.
        await page.getByTestId('diff-toggle').click();
        expect(await page.locator('[data-testid=diff-pane] .pane-title').textContent()).toMatch(/True result\s*→\s*Predicted result/);
        // The diff is drawn: the predicted result's changed characters are marked.
        await page.locator('[data-testid=diff-pane] .modified .char-insert, [data-testid=diff-pane] .modified .line-insert').first().waitFor();
        await page.getByTestId('view-side-by-side').click();
        await top.locator('[data-testid=pane-trace] .monaco-editor').waitFor();

        // Search covers every field: a word only the trace holds finds this entry alone.
        await page.getByTestId('queue-search').fill('recount');
        await expect.poll(() => page.locator('[data-testid=queue-row]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-entry-id')))).toEqual([wrong.qid]);

        // Label it with the codebook's keys: a regular input, the prediction wrong.
        await page.locator('[data-testid=label-panel]').click({ position: { x: 5, y: 5 } });
        await page.keyboard.press('1');
        await page.keyboard.press('n');
        await expect.poll(async () => (await callApi(server.url, 'entries.get', { annotator: 'lead', id: wrong.qid })).labels).toEqual({ 'input-kind': 'regular', 'prediction-correct': 'no' });

        if (process.env.CONCORD_SCREENSHOTS) await page.screenshot({ path: join(process.env.CONCORD_SCREENSHOTS, 'any-shape.png') });

        // Two annotators disagree on this trace: the Adjudicate view shows it in the same panes, both rows.
        const labels = join(server.dir, 'labels.csv');
        writeFileSync(labels, `entry_id,annotator,dimension,value\n${wrong.qid},ana,prediction-correct,no\n${wrong.qid},ben,prediction-correct,yes\n`);
        let job = await callApi(server.url, 'imports.start', { path: labels, format: 'annotations' });
        while (!job.error && job.progress.phase !== 'done') job = await callApi(server.url, 'imports.status', { jobId: job.jobId });
        expect(job.error).toBeUndefined();
        await page.getByTestId('view-tab-adjudicate').click();
        await page.locator(`[data-testid=adj-queue-row][data-entry-id="${wrong.qid}"]`).click();
        const adj = page.getByTestId('adjudication');
        await adj.locator('[data-testid=lower-panes] [data-testid=pane-predicted-output] .monaco-editor').waitFor();
        expect(await adj.locator('[data-testid=code-panes] [data-field]').evaluateAll((els) => els.map((e) => e.getAttribute('data-field')))).toEqual(['code', 'trace']);
        if (process.env.CONCORD_SCREENSHOTS) await page.screenshot({ path: join(process.env.CONCORD_SCREENSHOTS, 'any-shape-adjudicate.png') });
        expectCleanPage(watch, server.origin);
      } finally {
        await context.close();
        await server.stop();
      }
    },
    180_000,
  );

  it(
    'shows traces of tens of thousands of tokens in one editor per pane, each entry its own kept model',
    async () => {
      const server = await startConcord({ codebook: 'reasoning-trace' });
      const context = await newContext(browser);
      const { page, watch } = await openPage(context);
      try {
        // Two traces of 6,000 steps each (about 60,000 tokens), each ending in its own final answer.
        const file = join(server.dir, 'long-traces.jsonl');
        const trace = (k: number) => [...Array.from({ length: 6000 }, (_, i) => `Step ${i}: acc = acc + xs[${i % 97}], so acc = ${i * (k + 2)}.`), `**Final answer:** trace ${k} ends here`].join('\n');
        writeFileSync(file, [0, 1].map((k) => JSON.stringify({ qid: `long-${k}`, snippet: `def f(xs):\n    return sum(xs) * ${k + 2}`, reasoning: trace(k) })).join('\n') + '\n');
        let job = await callApi(server.url, 'imports.start', { path: file, mapping: { id: 'qid', fields: { code: 'snippet', trace: 'reasoning' } } });
        while (!job.error && job.progress.phase !== 'done') job = await callApi(server.url, 'imports.status', { jobId: job.jobId });
        expect(job.error).toBeUndefined();

        await joinAsLead(page, server.url);
        await page.goto(server.url);
        await page.getByTestId('queue-search').fill('long-');
        await page.locator('[data-testid=queue-row][data-entry-id="long-0"]').click();
        const pane = page.getByTestId('pane-trace');
        await pane.locator('.monaco-editor').waitFor();
        expect(await pane.locator('.pane-title').textContent()).toContain('6001 lines');
        const model = () => pane.locator('.monaco-view').getAttribute('data-model');
        expect(await model()).toContain('long-0');

        // The end of the trace is there: Monaco draws what is in view, whatever the text's length.
        await pane.locator('.view-lines').click();
        await page.keyboard.press('Control+End');
        await expect.poll(async () => (await pane.locator('.view-lines').innerText()).replace(/\u00a0/g, ' ')).toContain('trace 0 ends here');

        // The next entry (j, from outside the editor) shows its own model, in one editor.
        await page.getByTestId('entry-header').click();
        await page.keyboard.press('j');
        await page.locator('[data-testid=label-panel][data-entry-id="long-1"]').waitFor();
        await expect.poll(model).toContain('long-1');
        expect(await pane.locator('.monaco-editor').count()).toBe(1);
        expectCleanPage(watch, server.origin);
      } finally {
        await context.close();
        await server.stop();
      }
    },
    180_000,
  );
});

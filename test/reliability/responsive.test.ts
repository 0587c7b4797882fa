import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callApi } from '../helpers/api.ts';
import { startConcord, type ConcordServer } from '../helpers/concord-server.ts';
import { ensureRendererBuilt } from './renderer-build.ts';

// Browser mode keeps answering while an import reads a big file: the file is streamed a chunk at
// a time, and each chunk lets other requests in. (Writing the plan, one transaction, is the
// Performance work's to take off the request thread.)

let server: ConcordServer;

beforeAll(async () => {
  await ensureRendererBuilt();
  server = await startConcord({ demo: true });
}, 180_000);
afterAll(() => server?.stop());

describe('a label write during a long import', () => {
  it('is answered while the import is still reading', async () => {
    // 40 MB of entries, one of them with a 50 MB cell at the end, so the import reads everything and is then refused.
    const file = join(server.dir, 'long.csv');
    const fd = openSync(file, 'w');
    writeSync(fd, 'id,prompt\n');
    const row = (i: number) => `big-${i},"${'p'.repeat(4000)}"\n`;
    for (let i = 0; i < 10_000; i++) writeSync(fd, row(i));
    writeSync(fd, `last,"${'q'.repeat(50 * 1024 * 1024)}"\n`);
    closeSync(fd);

    const job = await callApi(server.url, 'imports.start', { path: file, format: 'csv' });
    const entries = await callApi(server.url, 'entries.list', { annotator: 'ana' });
    const labelled = await callApi(server.url, 'labels.set', { annotator: 'ana', entryId: entries[0].id, dimension: 'stage', value: 'training' });
    expect(labelled.labels.stage).toBe('training');
    // The label was answered before the import got to the end of the file.
    const during = await callApi(server.url, 'imports.status', { jobId: job.jobId });
    expect(during.progress.phase).toBe('reading');

    let status = during;
    while (status.progress.phase === 'reading') {
      await new Promise((r) => setTimeout(r, 100));
      status = await callApi(server.url, 'imports.status', { jobId: job.jobId });
    }
    expect(status.progress.phase).toBe('failed');
    expect(status.error).toMatchObject({ file, line: 10_002, field: 'prompt', message: expect.stringMatching(/larger than 32\.0 MB/) });
  }, 120_000);
});

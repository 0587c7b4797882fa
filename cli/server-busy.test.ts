import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appCall } from '../test/helpers/service.ts';
import { openProject } from '../db/project.ts';
import type { Service } from '../db/service.ts';
import { TOKEN_HEADER } from '../shared/bridge.ts';
import { startServer, type RunningServer } from './server.ts';

// While another connection holds the project file's write lock (a worker writing an import in
// one transaction), browser mode keeps answering: reads at once, writes as soon as the lock is
// free, none refused.
let dir: string;
let service: Service;
let srv: RunningServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'concord-busy-'));
  mkdirSync(join(dir, 'app'));
  writeFileSync(join(dir, 'app', 'index.html'), '<h1>app</h1>');
  service = await openProject(join(dir, 'p.db'), { seedDemo: true, busyTimeoutMs: 50 });
  appCall(service, 'project.addAnnotator', { name: 'ana' });
  srv = await startServer({ service, staticDir: join(dir, 'app') });
});
afterAll(async () => {
  await srv.close();
  service.close();
  rmSync(dir, { recursive: true, force: true });
});

const post = async (method: string, body: unknown) => {
  const res = await fetch(`http://127.0.0.1:${srv.port}/api/${method}`, { method: 'POST', headers: { [TOKEN_HEADER]: srv.token, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as { result?: unknown; error?: { message: string } }, at: Date.now() };
};

describe('browser mode while the project file is locked by another writer', () => {
  it('answers reads at once and writes once the lock is free, refusing none', async () => {
    const entryId = (appCall(service, 'entries.page', { annotator: 'ana', limit: 1 }).rows[0]).id;
    const other = new Database(join(dir, 'p.db'));
    other.exec('BEGIN IMMEDIATE');
    other.prepare("INSERT INTO annotator (name, role, created_at) VALUES ('held', 'annotator', 'x')").run();
    const held = 800;
    const release = new Promise<number>((r) =>
      setTimeout(() => {
        other.exec('COMMIT');
        other.close();
        r(Date.now());
      }, held),
    );
    const started = Date.now();
    const [write, read] = await Promise.all([post('labels.set', { annotator: 'ana', entryId, dimension: 'stage', value: 'training' }), post('project.info', {})]);
    const freed = await release;
    expect(read.status).toBe(200);
    expect(read.at - started).toBeLessThan(held);
    expect(write.status, JSON.stringify(write.body)).toBe(200);
    expect(write.at).toBeGreaterThanOrEqual(freed);
    expect(appCall(service, 'entries.get', { annotator: 'ana', id: entryId }).labels.stage).toBe('training');
  });
});

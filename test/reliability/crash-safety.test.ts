import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIO } from '../../cli/command.ts';
import { main } from '../../cli/main.ts';
import { writeDeepBenchLike } from '../../db/import/synthetic.ts';
import { deepBenchCodebook } from '../../shared/codebook/index.ts';
import { TOKEN_HEADER } from '../../shared/bridge.ts';
import { repoRoot } from '../helpers/concord-server.ts';
import { demoFixtures } from '../helpers/fixtures.ts';
import { ensureRendererBuilt } from './renderer-build.ts';

// Crash safety, by killing the real process: `concord serve` takes SIGKILL while a client writes
// labels as fast as it can, and `concord import` takes SIGKILL at several points of a big import.
// What was acknowledged must be on disk; an import is there entirely or not at all; SQLite's own
// integrity check passes every time.

const concordJs = join(repoRoot, 'cli', 'concord.js');
let work: string;
const quiet: CliIO = { stdout: () => {}, stderr: () => {} };

function integrity(file: string): string {
  const db = new Database(file);
  try {
    return db.pragma('integrity_check', { simple: true }) as string;
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'concord-crash-'));
  await ensureRendererBuilt();
}, 180_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

interface Serve {
  child: ChildProcess;
  origin: string;
  token: string;
  exited: Promise<void>;
}

function serve(db: string): Promise<Serve> {
  const child = spawn(process.execPath, [concordJs, 'serve', '--db', db, '--port', '0'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = out.match(/https?:\/\/\S+/);
      if (m) {
        const url = new URL(m[0]);
        resolve({ child, origin: url.origin, token: url.searchParams.get('token')!, exited });
      }
    });
    child.once('exit', (code, signal) => reject(new Error(`concord serve exited (${code ?? signal}) before printing its URL\n${stderr}`)));
  });
}

/** One API call on a keep-alive agent; resolves with the HTTP status and parsed body, rejects when the connection dies. */
function call(s: Serve, agent: Agent, method: string, args: unknown): Promise<{ status: number; body: { result?: unknown; error?: { message: string } } }> {
  const body = JSON.stringify(args);
  const url = new URL(`/api/${method}`, s.origin);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), [TOKEN_HEADER]: s.token } },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : {} }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function ok<T>(s: Serve, agent: Agent, method: string, args: unknown): Promise<T> {
  const r = await call(s, agent, method, args);
  if (r.status !== 200) throw new Error(`${method}: HTTP ${r.status} ${r.body.error?.message ?? ''}`);
  return r.body.result as T;
}

describe('crash safety of concord serve', () => {
  it('keeps every acknowledged label through a SIGKILL in the middle of 10,000+ writes, with integrity_check ok', async () => {
    const db = join(work, 'labels.db');
    expect(await main(['import', join(demoFixtures, 'dlbench'), '--db', db], quiet)).toBe(0);

    let s = await serve(db);
    const agent = new Agent({ keepAlive: true, maxSockets: 16 });
    await ok(s, agent, 'project.addAnnotator', { name: 'crash' });
    const entries = (await ok<{ id: string }[]>(s, agent, 'entries.list', { annotator: 'crash' })).map((e) => e.id);
    expect(entries.length).toBeGreaterThan(20);
    // Single-choice dimensions that apply to every entry: each write below is a real change.
    const dims = deepBenchCodebook.dimensions.filter((d) => d.kind === 'single' && !d.appliesWhen).map((d) => ({ id: d.id, values: d.values.map((v) => v.id) }));
    expect(dims.length).toBeGreaterThanOrEqual(3);
    const keys = entries.flatMap((entryId) => dims.map((d) => ({ entryId, dimension: d.id, values: d.values })));

    // Workers own disjoint keys and keep one request each in flight, so for every key the order
    // of writes is known: after the kill its value is the last acknowledged one, or the one
    // that was in flight.
    const workers = 12;
    const target = 10_000;
    const acked = new Map<string, string>();
    const inFlight = new Map<string, string>();
    let ackCount = 0;
    let killed = false;
    const keyOf = (k: { entryId: string; dimension: string }) => `${k.entryId}\u0000${k.dimension}`;

    const writer = async (w: number) => {
      const mine = keys.filter((_, i) => i % workers === w);
      const writesPerKey = new Map<string, number>();
      for (let i = 0; !killed; i++) {
        const k = mine[i % mine.length];
        const n = (writesPerKey.get(keyOf(k)) ?? 0) + 1;
        writesPerKey.set(keyOf(k), n);
        const value = k.values[n % k.values.length];
        inFlight.set(keyOf(k), value);
        let r;
        try {
          r = await call(s, agent, 'labels.set', { annotator: 'crash', entryId: k.entryId, dimension: k.dimension, value });
        } catch {
          return; // the server died under this request: it may or may not have been written
        }
        if (r.status !== 200) throw new Error(`labels.set: HTTP ${r.status} ${r.body.error?.message ?? ''}`);
        inFlight.delete(keyOf(k));
        acked.set(keyOf(k), value);
        ackCount++;
        if (ackCount >= target && !killed) {
          killed = true;
          s.child.kill('SIGKILL');
        }
      }
    };
    await Promise.all(Array.from({ length: workers }, (_, w) => writer(w)));
    await s.exited;
    agent.destroy();
    expect(s.child.signalCode).toBe('SIGKILL');
    expect(ackCount).toBeGreaterThanOrEqual(target);

    // Restart on the same file: it opens, and every acknowledged write is there.
    s = await serve(db);
    const agent2 = new Agent({ keepAlive: true });
    try {
      const lost: string[] = [];
      for (const entryId of entries) {
        const got = await ok<{ labels: Record<string, unknown> }>(s, agent2, 'entries.get', { annotator: 'crash', id: entryId });
        for (const d of dims) {
          const key = keyOf({ entryId, dimension: d.id });
          const want = acked.get(key);
          if (want === undefined) continue;
          const allowed = [want, inFlight.get(key)];
          if (!allowed.includes(got.labels[d.id] as string)) lost.push(`${entryId} ${d.id}: ${String(got.labels[d.id])}, acknowledged ${want}`);
        }
      }
      expect(lost).toEqual([]);
      expect(acked.size).toBe(keys.length);
    } finally {
      agent2.destroy();
      s.child.kill('SIGTERM');
      await s.exited;
    }

    expect(integrity(db)).toBe('ok');
    // One event per acknowledged write, at least (a write in flight may have landed too).
    const check = new Database(db, { readonly: true });
    const events = (check.prepare("SELECT COUNT(*) AS n FROM event WHERE actor = 'crash' AND kind = 'label.set'").get() as { n: number }).n;
    check.close();
    expect(events).toBeGreaterThanOrEqual(ackCount);
    expect(events).toBeLessThanOrEqual(ackCount + workers);
  }, 240_000);
});

/** `concord import` in its own process, killed with SIGKILL `delayMs` after its stderr matches `after` (never, with null). */
async function runImport(db: string, dir: string, kill: { after: RegExp; delayMs: number } | null): Promise<{ code: number | null; stderr: string; writeMs: number }> {
  const child = spawn(process.execPath, [concordJs, 'import', dir, '--db', db, '--format', 'dlbench'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  let writingAt = 0;
  let armed = kill !== null;
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
    if (!writingAt && /writing to the database/.test(stderr)) writingAt = performance.now();
    if (armed && kill!.after.test(stderr)) {
      armed = false;
      if (kill!.delayMs) setTimeout(() => child.kill('SIGKILL'), kill!.delayMs);
      else child.kill('SIGKILL');
    }
  });
  const code = await exited;
  return { code, stderr, writeMs: writingAt ? performance.now() - writingAt : 0 };
}

describe('crash safety of concord import', () => {
  it('leaves all of an import or none of it when killed at any point, with integrity_check ok', async () => {
    const seed = join(work, 'import-seed.db');
    expect(await main(['import', join(demoFixtures, 'dlbench'), '--db', seed], quiet)).toBe(0);
    const count = (file: string) => {
      const db = new Database(file, { readonly: true });
      try {
        return (db.prepare('SELECT COUNT(*) AS n FROM entry').get() as { n: number }).n;
      } finally {
        db.close();
      }
    };
    const before = count(seed);
    const set = writeDeepBenchLike(join(work, 'deepbench-like'), { entries: 1500, results: 0, seed: 7 });
    const full = before + set.ids.length;

    // How long the write phase lasts here, from an import left alone: the kills below spread over it.
    const whole = join(work, 'import-whole.db');
    copyFileSync(seed, whole);
    const timed = await runImport(whole, set.dlbenchDir, null);
    expect(timed.code).toBe(0);
    expect(count(whole)).toBe(full);

    // The moments to kill at, told by what the importer prints: mid-reading, then at fractions of
    // the write phase (its single transaction), and past its end. Delays only place the kill;
    // no assertion depends on them.
    const moments: { after: RegExp; delayMs: number }[] = [
      { after: /read \d+\/\d+ files \(30%\)/, delayMs: 0 },
      { after: /writing to the database/, delayMs: 0 },
      ...[0.1, 0.3, 0.5, 0.7, 0.9, 1.5].map((f) => ({ after: /writing to the database/, delayMs: Math.round(f * timed.writeMs) })),
    ];
    const outcomes: number[] = [];
    for (const [k, m] of moments.entries()) {
      const db = join(work, `import-${k}.db`);
      copyFileSync(seed, db);
      const r = await runImport(db, set.dlbenchDir, m);
      expect(integrity(db), `round ${k}`).toBe('ok');
      const n = count(db);
      expect([before, full], `round ${k}: ${n} entries after the kill\n${r.stderr}`).toContain(n);
      outcomes.push(n);
    }
    // The kill mid-reading cannot have written anything.
    expect(outcomes[0]).toBe(before);
  }, 240_000);
});

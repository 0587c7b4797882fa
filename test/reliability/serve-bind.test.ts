import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/concord-server.ts';
import { ensureRendererBuilt } from './renderer-build.ts';

// Browser mode listens on loopback unless told otherwise, and then says out loud that the project
// is reachable from other machines. (Token, Host, Origin and size checks: cli/server.test.ts.)

let work: string;
beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'concord-bind-'));
  await ensureRendererBuilt();
}, 180_000);
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

async function serve(args: string[]): Promise<{ child: ChildProcess; url: URL; stderr: () => string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [join(repoRoot, 'cli', 'concord.js'), 'serve', '--port', '0', ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const url = await new Promise<URL>((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = out.match(/https?:\/\/\S+/);
      if (m) resolve(new URL(m[0]));
    });
    child.once('exit', (code) => reject(new Error(`concord serve exited (${code})\n${stderr}`)));
  });
  return {
    child,
    url,
    stderr: () => stderr,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Whether a TCP connection to host:port is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** This machine's own non-loopback IPv4 addresses: where another machine would reach it. */
const outward = Object.values(networkInterfaces())
  .flat()
  .filter((a) => a && a.family === 'IPv4' && !a.internal)
  .map((a) => a!.address);

describe('concord serve binds', () => {
  it('to 127.0.0.1 by default, without a warning, unreachable on the machine\'s other addresses', async () => {
    const s = await serve(['--db', join(work, 'default.db')]);
    try {
      expect(s.url.hostname).toBe('127.0.0.1');
      expect(s.url.searchParams.get('token')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
      expect(s.stderr()).not.toMatch(/warning/i);
      expect(await accepts('127.0.0.1', Number(s.url.port))).toBe(true);
      for (const address of outward) expect(await accepts(address, Number(s.url.port)), address).toBe(false);
    } finally {
      await s.stop();
    }
  });

  it('to another address only with --host, and then warns on stderr', async () => {
    const s = await serve(['--db', join(work, 'open.db'), '--host', '0.0.0.0']);
    try {
      expect(s.stderr()).toMatch(/warning: serving on 0\.0\.0\.0, reachable from other machines/);
      expect(await accepts('127.0.0.1', Number(s.url.port))).toBe(true);
      for (const address of outward) expect(await accepts(address, Number(s.url.port)), address).toBe(true);
    } finally {
      await s.stop();
    }
  });
});

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (test/helpers/ is two levels down). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface ConcordServer {
  /** The URL `concord serve` printed, token included. */
  url: string;
  /** The origin (scheme, host, port) of that URL. */
  origin: string;
  dir: string;
  dbPath: string;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Seed the demo project into the new database. */
  demo?: boolean;
  /** Reuse a database file (to restart the server on the same project). */
  dbPath?: string;
  /** The codebook of a new project (a built-in id or a file). */
  codebook?: string;
}

/**
 * Starts `concord serve` on a fresh temporary database and a free port, and resolves with the
 * URL it prints. Fails with the server's stderr if it exits or prints nothing in time.
 */
export async function startConcord(opts: StartOptions = {}): Promise<ConcordServer> {
  const dir = mkdtempSync(join(tmpdir(), 'concord-e2e-'));
  const dbPath = opts.dbPath ?? join(dir, 'project.db');
  const args = [join(repoRoot, 'cli', 'concord.js'), 'serve', '--db', dbPath, '--port', '0', ...(opts.demo ? ['--demo'] : []), ...(opts.codebook ? ['--codebook', opts.codebook] : [])];
  const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));

  const url = await new Promise<string>((resolveUrl, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`concord serve printed no URL in 60 s\n${stderr}`)), 60_000);
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = out.match(/https?:\/\/\S+/);
      if (m) {
        clearTimeout(timer);
        resolveUrl(m[0]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`concord serve exited (${code}) before printing its URL\n${stderr}`));
    });
  });

  return {
    url,
    origin: new URL(url).origin,
    dir,
    dbPath,
    stop: async () => {
      await stopChild(child);
      if (!opts.dbPath) rmSync(dir, { recursive: true, force: true });
    },
  };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(kill);
      done();
    });
    child.kill('SIGTERM');
  });
}

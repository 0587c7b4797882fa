import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { repoRoot } from '../helpers/concord-server.ts';

/**
 * `concord serve` refuses to start without the built app, and unit tests run before `npm test`
 * builds it: build it once when this checkout lacks it. A lock folder (mkdir is atomic) keeps two
 * test files from running vite into the same folder at once.
 */
export async function ensureRendererBuilt(): Promise<void> {
  const index = join(repoRoot, 'build', 'renderer', 'index.html');
  const lock = join(repoRoot, 'build', '.renderer-build-lock');
  mkdirSync(join(repoRoot, 'build'), { recursive: true });
  const giveUp = Date.now() + 5 * 60_000;
  for (;;) {
    if (existsSync(index) && !existsSync(lock)) return;
    try {
      mkdirSync(lock);
    } catch {
      if (Date.now() > giveUp) throw new Error(`${lock} stayed for 5 minutes: a build died? remove it and rerun`);
      await sleep(250); // another test file is building it
      continue;
    }
    try {
      if (existsSync(index)) return;
      const r = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'build.mjs'), 'renderer'], { cwd: repoRoot, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`renderer build failed:\n${r.stderr}`);
      return;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

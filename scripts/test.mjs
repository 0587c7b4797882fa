// `npm test`: typecheck, unit and integration tests, then browser-mode end-to-end tests.
import { spawnSync } from 'node:child_process';

const steps = [
  ['typecheck', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']],
  ['unit and integration tests', 'npx', ['vitest', 'run']],
  ['build the renderer', 'node', ['scripts/build.mjs', 'renderer']],
  ['end-to-end tests (browser mode, Chromium)', 'npx', ['vitest', 'run', '--config', 'vitest.e2e.config.ts']],
];

for (const [title, cmd, args] of steps) {
  console.log(`\n== ${title}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`\nnpm test: "${title}" failed`);
    process.exit(r.status ?? 1);
  }
}

// `npm test`: typecheck, unit and integration tests, then browser-mode end-to-end tests.
// Ends with one line of totals, "N passed, N failed", over both vitest runs.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const reports = '.tmp/test-reports';
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });
const vitest = (name, extra = []) => ['vitest', 'run', ...extra, '--reporter=default', '--reporter=json', `--outputFile.json=${join(reports, `${name}.json`)}`];

const steps = [
  ['typecheck', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']],
  ['unit and integration tests', 'npx', vitest('unit')],
  ['build the renderer', 'node', ['scripts/build.mjs', 'renderer']],
  ['end-to-end tests (browser mode, Chromium)', 'npx', vitest('e2e', ['--config', 'vitest.e2e.config.ts'])],
];

function totals() {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const name of ['unit', 'e2e']) {
    const file = join(reports, `${name}.json`);
    if (!existsSync(file)) continue;
    const r = JSON.parse(readFileSync(file, 'utf8'));
    passed += r.numPassedTests;
    failed += r.numFailedTests;
    skipped += r.numPendingTests + (r.numTodoTests ?? 0);
  }
  return `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
}

for (const [title, cmd, args] of steps) {
  console.log(`\n== ${title}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`\nnpm test: "${title}" failed`);
    console.log(`tests: ${totals()}`);
    process.exit(r.status ?? 1);
  }
}
console.log(`\ntests: ${totals()}`);

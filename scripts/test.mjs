// `npm test`: typecheck, lint (layering and import cycles), build the renderer, unit and integration tests, then browser-mode end-to-end tests.
// Ends with one line of totals over both vitest runs, which says so when a test file failed to
// run or a step never ran; the exit status is non-zero whenever anything failed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const vitest = (reports, name, extra = []) => ['vitest', 'run', ...extra, '--reporter=default', '--reporter=json', `--outputFile.json=${join(reports, `${name}.json`)}`];

/** The steps of `npm test`: [title, command, arguments, vitest report name?]. */
export function defaultSteps(reports) {
  return [
    ['typecheck', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']],
    ['lint: layering and import cycles', 'npx', ['eslint', '.']],
    // Built before the tests: some integration tests start `concord serve`, which serves the built app.
    ['build the renderer', 'node', ['scripts/build.mjs', 'renderer']],
    ['unit and integration tests', 'npx', vitest(reports, 'unit'), 'unit'],
    ['end-to-end tests (browser mode, Chromium)', 'npx', vitest(reports, 'e2e', ['--config', 'vitest.e2e.config.ts']), 'e2e'],
  ];
}

/** Totals over the vitest reports that exist, naming files that failed without a failing test (an import error). */
export function totals(reports, names, notRun = []) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const brokenFiles = [];
  for (const name of names) {
    const file = join(reports, `${name}.json`);
    if (!existsSync(file)) continue;
    const r = JSON.parse(readFileSync(file, 'utf8'));
    passed += r.numPassedTests;
    failed += r.numFailedTests;
    skipped += r.numPendingTests + (r.numTodoTests ?? 0);
    for (const t of r.testResults ?? [])
      if (t.status === 'failed' && !t.assertionResults.some((a) => a.status === 'failed')) brokenFiles.push(relative(process.cwd(), t.name));
  }
  const parts = [`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`];
  if (brokenFiles.length) parts.push(`${brokenFiles.length} test file${brokenFiles.length > 1 ? 's' : ''} failed to run (${brokenFiles.join(', ')})`);
  if (notRun.length) parts.push(`not run: ${notRun.join(', ')}`);
  return parts.join('; ');
}

/** Runs the steps in order, stops at the first failure, prints the totals line; returns the exit status. */
export function runSteps(steps, reports, { cwd = process.cwd(), log = console.log } = {}) {
  rmSync(reports, { recursive: true, force: true });
  mkdirSync(reports, { recursive: true });
  const names = steps.map((s) => s[3]).filter(Boolean);
  for (const [k, [title, cmd, args]] of steps.entries()) {
    log(`\n== ${title}`);
    const r = spawnSync(cmd, args, { stdio: 'inherit', cwd });
    if (r.status !== 0) {
      log(`\nnpm test: "${title}" failed`);
      log(`tests: FAILED: ${totals(reports, names, steps.slice(k + 1).map(([t]) => t))}`);
      return r.status || 1;
    }
  }
  log(`\ntests: ${totals(reports, names)}`);
  return 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const reports = '.tmp/test-reports';
  process.exit(runSteps(defaultSteps(reports), reports));
}

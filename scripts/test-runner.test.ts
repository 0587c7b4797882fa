import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without types
import { runSteps } from './test.mjs';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('npm test (scripts/test.mjs)', () => {
  it('says in the totals line that a test file failed to run and that later steps never ran, and exits non-zero', () => {
    const dir = mkdtempSync(join(tmpdir(), 'concord-runner-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'ok.test.mjs'), "import { it, expect } from 'vitest';\nit('adds', () => expect(1 + 1).toBe(2));\n");
    // What broke a fresh clone: a file that reads something missing before any test runs.
    writeFileSync(join(dir, 'broken.test.mjs'), "import { readFileSync } from 'node:fs';\nimport { it } from 'vitest';\nreadFileSync('/no/such/notes/kalpha-cases.json');\nit('never', () => {});\n");
    const reports = join(dir, 'reports');
    const vitest = (name: string) => ['vitest', 'run', '--root', dir, '--reporter=json', `--outputFile.json=${join(reports, `${name}.json`)}`];
    const lines: string[] = [];
    const status = runSteps(
      [
        ['unit', 'npx', vitest('unit'), 'unit'],
        ['end-to-end', 'node', ['-e', '']],
      ],
      reports,
      { log: (l: string) => lines.push(l) },
    );
    expect(status).not.toBe(0);
    const line = lines.find((l) => l.startsWith('tests:'))!;
    expect(line).toMatch(/^tests: FAILED: 1 passed, 0 failed; 1 test file failed to run \(.*broken\.test\.mjs\); not run: end-to-end$/);
  }, 60_000);
});

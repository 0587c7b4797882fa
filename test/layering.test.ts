import { join, relative } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: the ESLint configuration is a plain .js module without types
import { concordLint } from '../eslint.config.js';
import { repoRoot } from './helpers/concord-server.ts';

/**
 * The layering of DESIGN 2 and the absence of import cycles are checked by ESLint in `npm test`
 * (eslint.config.js). This shows that the rules bite: a miniature repository whose files each
 * break one rule gets exactly the errors expected, and the files that break none get none.
 */
const root = join(repoRoot, 'fixtures', 'lint');

async function lintFixture(): Promise<Record<string, string[]>> {
  const eslint = new ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: concordLint(root) });
  const out: Record<string, string[]> = {};
  for (const r of await eslint.lintFiles(['.'])) out[relative(root, r.filePath)] = [...new Set(r.messages.map((m) => m.ruleId ?? m.message))].sort();
  return out;
}

describe('the layering rules', () => {
  it('refuse every import across a layer, every cycle, and nothing else', async () => {
    expect(await lintFixture()).toEqual({
      'cli/run.ts': [],
      'cli/uses-electron-host.ts': ['import-x/no-restricted-paths'],
      'cli/uses-react.ts': ['no-restricted-imports'],
      'db/cycle-a.ts': ['import-x/no-cycle'],
      'db/cycle-b.ts': ['import-x/no-cycle'],
      'db/reaches.test.ts': [],
      'db/requires.ts': ['import-x/no-commonjs', 'import-x/no-restricted-paths'],
      'db/store.ts': [],
      'db/unresolved.ts': ['import-x/no-unresolved'],
      'db/uses-cli.ts': ['import-x/no-restricted-paths'],
      'db/uses-electron.ts': ['no-restricted-imports'],
      'db/uses-test-helper.ts': ['import-x/no-restricted-paths'],
      'electron/main.ts': [],
      'electron/uses-cli.ts': ['import-x/no-restricted-paths'],
      'electron/uses-react.ts': ['no-restricted-imports'],
      'renderer/uses-db.ts': ['import-x/no-restricted-paths'],
      'renderer/uses-fs.ts': ['import-x/no-nodejs-modules'],
      'renderer/uses-sqlite.ts': ['no-restricted-imports'],
      'renderer/view.ts': [],
      'shared/bare-import.ts': ['import-x/no-restricted-paths'],
      'shared/pure.ts': [],
      'shared/types.ts': [],
      'shared/uses-db.ts': ['import-x/no-restricted-paths'],
      'shared/uses-node.ts': ['import-x/no-nodejs-modules'],
      'shared/uses-react.ts': ['no-restricted-imports'],
      'shared/uses-window.ts': ['no-restricted-globals'],
      'test/helper.ts': [],
    });
  }, 60_000);
});

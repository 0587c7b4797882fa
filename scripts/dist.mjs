// `npm run dist [-- <electron-builder options>]`: builds the app, the Electron copy of
// better-sqlite3, then the installers for this machine's platform into release/.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { build } from './build.mjs';
import { ensureElectronNative, repoRoot } from './electron-native.mjs';

const require = createRequire(import.meta.url);
const platformFlag = { linux: '--linux', darwin: '--mac', win32: '--win' }[process.platform];

async function main(extra) {
  if (!platformFlag) {
    console.error(`concord: no installer is configured for ${process.platform}`);
    return 1;
  }
  try {
    await build('all');
    await ensureElectronNative();
  } catch (e) {
    console.error(`concord: ${e instanceof Error ? e.message : e}`);
    return 1;
  }
  const cli = require.resolve('electron-builder/cli.js');
  const r = spawnSync(
    process.execPath,
    [cli, '--config', path.join(repoRoot, 'electron-builder.config.cjs'), platformFlag, '--publish', 'never', ...extra],
    { cwd: repoRoot, stdio: 'inherit' },
  );
  return r.status ?? 1;
}

process.exitCode = await main(process.argv.slice(2));

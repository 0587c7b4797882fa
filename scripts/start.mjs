// `npm start [-- --db <file>]`: checks for Electron's binary (fetching it if it can), builds the
// Electron copy of better-sqlite3 once, builds the app, and runs it.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from './build.mjs';
import { ensureElectronNative, repoRoot } from './electron-native.mjs';

/** The Electron executable that `npm install` put in node_modules/electron/dist, if it is there. */
export function findElectronBinary(electronDir) {
  const pathFile = path.join(electronDir, 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const exe = path.join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(exe) ? exe : undefined;
}

/** Runs electron's own install.js (downloads the binary); its output is kept for the message. */
function runElectronInstall(electronDir) {
  const r = spawnSync(process.execPath, [path.join(electronDir, 'install.js')], { encoding: 'utf8', timeout: 10 * 60_000 });
  return { ok: r.status === 0, output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

/** The first line that says what went wrong, without the stack below it. */
function firstReason(output) {
  const line = output.split('\n').map((l) => l.trim()).find((l) => l && !l.startsWith('at '));
  return line ?? 'no output';
}

export function electronMissingMessage(version, reason) {
  return [
    `concord: Electron ${version} is not installed, so the desktop app cannot start.`,
    '',
    `  What is missing: the Electron binary (node_modules/electron/dist). npm installs only Electron's`,
    `  JavaScript part; the binary is downloaded separately, from github.com.`,
    `  Why: fetching it just now failed: ${reason}`,
    `  This machine is probably offline, or the download is blocked (a proxy, a firewall, or an`,
    `  install-script policy that skipped Electron's install).`,
    '',
    '  What you can do:',
    '    npm run web          use Concord in your browser instead (same features, no Electron needed)',
    '    npm install          again, with internet access, then npm start',
    '                         (behind a proxy: set ELECTRON_GET_USE_PROXY=1 and HTTPS_PROXY;',
    '                          or point ELECTRON_MIRROR at a mirror you can reach)',
  ].join('\n');
}

/**
 * Finds Electron's binary, fetching it once with Electron's own installer if it is missing.
 * Returns { ok, path } or { ok: false, message } (a message for people, not a stack).
 */
export function ensureElectronBinary({ electronDir = path.join(repoRoot, 'node_modules', 'electron'), install = runElectronInstall, log = (m) => console.error(m) } = {}) {
  const found = findElectronBinary(electronDir);
  if (found) return { ok: true, path: found };
  const version = JSON.parse(readFileSync(path.join(electronDir, 'package.json'), 'utf8')).version;
  log(`concord: downloading Electron ${version} (once)...`);
  const r = install(electronDir);
  const after = findElectronBinary(electronDir);
  if (r.ok && after) return { ok: true, path: after };
  return { ok: false, message: electronMissingMessage(version, r.ok ? 'the installer finished but no binary appeared' : firstReason(r.output)) };
}

async function main(args) {
  const electron = ensureElectronBinary();
  if (!electron.ok) {
    console.error(electron.message);
    return 1;
  }
  let nativeBinding;
  try {
    nativeBinding = await ensureElectronNative();
  } catch (e) {
    console.error(`concord: ${e instanceof Error ? e.message : e}\n\n  Meanwhile, npm run web starts Concord in your browser (it uses the Node build, which works).`);
    return 1;
  }
  try {
    // With a dev server (CONCORD_RENDERER_URL), the renderer comes from it; only main and preload are built.
    await build(process.env.CONCORD_RENDERER_URL ? 'electron' : 'all');
  } catch (e) {
    console.error(`concord: ${e instanceof Error ? e.message : e}`);
    return 1;
  }
  const env = { ...process.env, CONCORD_NATIVE_BINDING: nativeBinding };
  // Set in some shells and CI images; it would make the binary behave as plain Node.
  delete env.ELECTRON_RUN_AS_NODE;
  const child = spawn(electron.path, [repoRoot, ...args], { stdio: 'inherit', env });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  return await new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))));
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2));
}

// `node scripts/electron-native.mjs`: builds better-sqlite3 for the installed Electron into
// .electron-native/<key>/better_sqlite3.node and prints that path. The Node build in
// node_modules/better-sqlite3/build is never touched, so tests and the CLI keep working after
// `npm start`; main loads the Electron build through better-sqlite3's `nativeBinding` option.
import { cpSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import nativeTargetModule from './native-target.cjs';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const { nativeKey, nativeTarget } = nativeTargetModule;

async function electronRebuild(options) {
  const { rebuild } = await import('@electron/rebuild');
  await rebuild(options);
}

/**
 * Returns the path of the Electron build of better_sqlite3.node, building it on first use:
 * a copy of node_modules/better-sqlite3 (without its build/) is rebuilt by @electron/rebuild,
 * which fetches a prebuilt binary or compiles against Electron's headers.
 * `rebuild` is injectable for tests.
 */
export async function ensureElectronNative({ root = repoRoot, arch = process.arch, platform = process.platform, rebuild = electronRebuild, log = (m) => console.error(m) } = {}) {
  const target = nativeTarget(root, { platform, arch });
  if (existsSync(target.file)) return target.file;
  const { electronVersion, betterSqliteVersion } = target;
  log(`concord: building better-sqlite3 ${betterSqliteVersion} for Electron ${electronVersion} (${platform}-${arch}), once...`);

  const work = path.join(target.dir, 'work');
  rmSync(work, { recursive: true, force: true });
  const source = path.join(root, 'node_modules', 'better-sqlite3');
  const copy = path.join(work, 'node_modules', 'better-sqlite3');
  cpSync(source, copy, {
    recursive: true,
    // The copy must not start from the Node build, or a failed rebuild could leave it in place.
    filter: (p) => path.relative(source, p).split(path.sep)[0] !== 'build',
  });
  writeFileSync(
    path.join(work, 'package.json'),
    JSON.stringify({ name: 'concord-electron-native', private: true, dependencies: { 'better-sqlite3': betterSqliteVersion } }, null, 2),
  );
  try {
    await rebuild({ buildPath: work, electronVersion, arch, platform, onlyModules: ['better-sqlite3'], force: true, mode: 'sequential' });
    const built = path.join(copy, 'build', 'Release', 'better_sqlite3.node');
    if (!existsSync(built)) throw new Error(`the rebuild finished but ${path.relative(root, built)} is missing`);
    // Copy then rename, so an interrupted run never leaves a half-written binary in the cache.
    cpSync(built, `${target.file}.tmp`);
    renameSync(`${target.file}.tmp`, target.file);
    writeFileSync(
      path.join(target.dir, 'built.json'),
      JSON.stringify({ betterSqliteVersion, electronVersion, platform, arch, builtAt: new Date().toISOString() }, null, 2),
    );
  } catch (e) {
    const first = String(e instanceof Error ? e.message : e).split('\n')[0];
    throw new NativeBuildError(
      `could not build better-sqlite3 for Electron ${electronVersion}: ${first}\n` +
        'Building it needs either a prebuilt binary (downloaded from github.com) or Electron\'s headers\n' +
        '(from electronjs.org) and a C++ toolchain (Python, make, a C++ compiler; Visual Studio Build Tools on Windows).',
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return target.file;
}

export class NativeBuildError extends Error {}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  try {
    console.log(await ensureElectronNative());
  } catch (e) {
    console.error(`concord: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  }
}

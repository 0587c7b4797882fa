// Where the Electron build of better-sqlite3 lives. CommonJS so that both the ESM scripts and
// electron-builder.config.cjs can load it.
const { readFileSync } = require('node:fs');
const path = require('node:path');

function versionOf(root, pkg) {
  return JSON.parse(readFileSync(path.join(root, 'node_modules', pkg, 'package.json'), 'utf8')).version;
}

/**
 * One cache folder per (better-sqlite3, Electron, platform, arch): upgrading either package, or
 * building on another machine, never reuses a binary built for something else.
 */
function nativeKey({ betterSqliteVersion, electronVersion, platform, arch }) {
  return `better-sqlite3-${betterSqliteVersion}-electron-${electronVersion}-${platform}-${arch}`;
}

function nativeTarget(root, { platform = process.platform, arch = process.arch } = {}) {
  const betterSqliteVersion = versionOf(root, 'better-sqlite3');
  const electronVersion = versionOf(root, 'electron');
  const key = nativeKey({ betterSqliteVersion, electronVersion, platform, arch });
  const dir = path.join(root, '.electron-native', key);
  return { key, dir, file: path.join(dir, 'better_sqlite3.node'), betterSqliteVersion, electronVersion, platform, arch };
}

module.exports = { nativeKey, nativeTarget, versionOf };

import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ensureElectronNative, nativeTarget, NativeBuildError, type RebuildOptions } from '../scripts/electron-native.mjs';
import { ensureElectronBinary } from '../scripts/start.mjs';

const temps: string[] = [];
function temp(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'concord-scripts-'));
  temps.push(d);
  return d;
}
afterEach(() => temps.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function write(file: string, text: string) {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

describe('npm start: the Electron binary', () => {
  function electronDir() {
    const dir = temp();
    write(path.join(dir, 'package.json'), JSON.stringify({ version: '40.10.2' }));
    return dir;
  }

  it('uses the binary named by path.txt without downloading', () => {
    const dir = electronDir();
    write(path.join(dir, 'path.txt'), 'electron');
    write(path.join(dir, 'dist', 'electron'), '');
    const install = vi.fn();
    expect(ensureElectronBinary({ electronDir: dir, install, log: () => {} })).toEqual({ ok: true, path: path.join(dir, 'dist', 'electron') });
    expect(install).not.toHaveBeenCalled();
  });

  it('fetches a missing binary once with Electron\'s installer', () => {
    const dir = electronDir();
    const install = vi.fn((d: string) => {
      write(path.join(d, 'path.txt'), 'electron');
      write(path.join(d, 'dist', 'electron'), '');
      return { ok: true, output: '' };
    });
    expect(ensureElectronBinary({ electronDir: dir, install, log: () => {} })).toMatchObject({ ok: true });
    expect(install).toHaveBeenCalledTimes(1);
  });

  it('offline: says what is missing, why, and what to do, without a stack trace', () => {
    const dir = electronDir();
    const output = 'RequestError: getaddrinfo ENOTFOUND github.com\n    at ClientRequest.<anonymous> (/x/got/index.js:1:1)\n    at process.processTicksAndRejections (node:internal)';
    const r = ensureElectronBinary({ electronDir: dir, install: () => ({ ok: false, output }), log: () => {} });
    expect(r.ok).toBe(false);
    const message = (r as { message: string }).message;
    expect(message).toContain('Electron 40.10.2 is not installed');
    expect(message).toContain('node_modules/electron/dist');
    expect(message).toContain('getaddrinfo ENOTFOUND github.com');
    expect(message).toMatch(/offline/);
    expect(message).toContain('npm run web');
    expect(message).toContain('npm install');
    expect(message).not.toMatch(/^\s+at /m);
  });
});

describe('the Electron build of better-sqlite3', () => {
  /** A repo with a Node build of better-sqlite3 in node_modules, as after `npm install`. */
  function repo() {
    const root = temp();
    const bs = path.join(root, 'node_modules', 'better-sqlite3');
    write(path.join(bs, 'package.json'), JSON.stringify({ name: 'better-sqlite3', version: '12.9.0' }));
    write(path.join(bs, 'lib', 'index.js'), 'module.exports = 1;');
    write(path.join(bs, 'src', 'better_sqlite3.cpp'), '// source');
    write(path.join(bs, 'build', 'Release', 'better_sqlite3.node'), 'NODE BUILD');
    write(path.join(root, 'node_modules', 'electron', 'package.json'), JSON.stringify({ name: 'electron', version: '40.10.2' }));
    return { root, nodeBuild: path.join(bs, 'build', 'Release', 'better_sqlite3.node') };
  }

  /** Stands in for @electron/rebuild: compiles "for Electron" inside the copy it was given. */
  const fakeRebuild = vi.fn(async (o: RebuildOptions) => {
    const copy = path.join(o.buildPath, 'node_modules', 'better-sqlite3');
    // It must work on a copy that does not start from the Node build.
    expect(existsSync(path.join(copy, 'build'))).toBe(false);
    expect(existsSync(path.join(copy, 'src', 'better_sqlite3.cpp'))).toBe(true);
    write(path.join(copy, 'build', 'Release', 'better_sqlite3.node'), `ELECTRON ${o.electronVersion} ${o.arch}`);
  });

  it('builds into .electron-native/<key>, leaves the Node build alone, and caches', async () => {
    const { root, nodeBuild } = repo();
    fakeRebuild.mockClear();
    const file = await ensureElectronNative({ root, arch: 'x64', platform: 'linux', rebuild: fakeRebuild, log: () => {} });
    expect(file).toBe(path.join(root, '.electron-native', 'better-sqlite3-12.9.0-electron-40.10.2-linux-x64', 'better_sqlite3.node'));
    expect(file).toBe(nativeTarget(root, { platform: 'linux', arch: 'x64' }).file);
    expect(readFileSync(file, 'utf8')).toBe('ELECTRON 40.10.2 x64');
    expect(readFileSync(nodeBuild, 'utf8')).toBe('NODE BUILD');
    expect(fakeRebuild).toHaveBeenCalledWith(expect.objectContaining({ electronVersion: '40.10.2', onlyModules: ['better-sqlite3'], force: true }));
    // The scratch copy is gone; a second start reuses the binary.
    expect(existsSync(path.join(path.dirname(file), 'work'))).toBe(false);
    await ensureElectronNative({ root, arch: 'x64', platform: 'linux', rebuild: fakeRebuild, log: () => {} });
    expect(fakeRebuild).toHaveBeenCalledTimes(1);
  });

  it('a new Electron version gets its own build', async () => {
    const { root } = repo();
    const first = await ensureElectronNative({ root, arch: 'x64', platform: 'linux', rebuild: fakeRebuild, log: () => {} });
    write(path.join(root, 'node_modules', 'electron', 'package.json'), JSON.stringify({ version: '41.0.0' }));
    const second = await ensureElectronNative({ root, arch: 'x64', platform: 'linux', rebuild: fakeRebuild, log: () => {} });
    expect(second).not.toBe(first);
    expect(readFileSync(second, 'utf8')).toBe('ELECTRON 41.0.0 x64');
  });

  it('a failed build explains what it needs and leaves nothing half-made in the cache', async () => {
    const { root, nodeBuild } = repo();
    const failing = async () => {
      throw new Error("node-gyp failed to rebuild 'better-sqlite3'\n    at go (install.js:1:1)");
    };
    const err = await ensureElectronNative({ root, arch: 'x64', platform: 'linux', rebuild: failing, log: () => {} }).catch((e) => e);
    expect(err).toBeInstanceOf(NativeBuildError);
    expect(err.message).toContain("node-gyp failed to rebuild 'better-sqlite3'");
    expect(err.message).toMatch(/headers/);
    expect(err.message).not.toMatch(/^\s+at /m);
    const target = nativeTarget(root, { platform: 'linux', arch: 'x64' });
    expect(existsSync(target.file)).toBe(false);
    expect(existsSync(path.join(target.dir, 'work'))).toBe(false);
    expect(readFileSync(nodeBuild, 'utf8')).toBe('NODE BUILD');
  });
});

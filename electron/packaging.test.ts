import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildElectron } from '../scripts/build.mjs';

const require = createRequire(import.meta.url);
const root = path.resolve(import.meta.dirname, '..');
const config = require('../electron-builder.config.cjs');
const { nativeTarget } = require('../scripts/native-target.cjs');
const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js');
const { DebugLogger } = require('builder-util');

const temps: string[] = [];
const temp = (prefix: string) => {
  const d = mkdtempSync(path.join(os.tmpdir(), prefix));
  temps.push(d);
  return d;
};
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('electron-builder configuration', () => {
  it('passes electron-builder\'s own schema validation', async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('builds AppImage and deb, dmg, and nsis', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.productName).toBe('Concord');
  });

  it('never rebuilds node_modules in place (the Node build of better-sqlite3 stays)', () => {
    expect(config.npmRebuild).toBe(false);
    expect(config.nodeGypRebuild).toBe(false);
    expect(config.buildDependenciesFromSource).toBe(false);
  });

  it('ships the Electron build of better-sqlite3 and the demo fixtures as resources', () => {
    const native = nativeTarget(root);
    expect(config.extraResources).toEqual([
      { from: 'fixtures/demo', to: 'fixtures/demo', filter: ['**/*'] },
      { from: native.file, to: 'native/better_sqlite3.node' },
    ]);
    // ...which is where main looks for it when packaged (electron/main/launch.ts).
    expect(path.relative(root, native.file).split(path.sep)[0]).toBe('.electron-native');
  });

  it('does not use build/ as buildResources (electron-builder never packs that folder)', () => {
    expect(config.directories.buildResources).not.toBe('build');
    expect(config.directories.output).toBe('release');
  });

  it('refuses to package for another platform or arch, or without the native build', async () => {
    const native = nativeTarget(root);
    const other = native.platform === 'linux' ? 'win32' : 'linux';
    await expect(config.beforePack({ electronPlatformName: other, arch: 1 })).rejects.toThrow(/only for the machine it runs on/);
    const archCode = { ia32: 0, x64: 1, armv7l: 2, arm64: 3 }[native.arch as string] ?? 1;
    const ctx = { electronPlatformName: native.platform, arch: archCode };
    if (existsSync(native.file)) await expect(config.beforePack(ctx)).resolves.toBeUndefined();
    else await expect(config.beforePack(ctx)).rejects.toThrow(/npm run dist/);
  });

  it('packs only the compiled app and better-sqlite3\'s JavaScript, and sets the Electron fuses (electron-builder --dir, fake Electron)', async () => {
    // A real electron-builder run up to the unpacked app. The Electron binary cannot be fetched
    // here, so electronDist is a stand-in folder; the native module is a placeholder file.
    await buildElectron(path.join(root, 'build', 'electron'));
    const dist = temp('concord-fake-electron-');
    // A stand-in binary with Electron's fuse wire (sentinel, version 1, 8 fuses, all at the
    // defaults of a stock Electron: run-as-node, NODE_OPTIONS, --inspect and file:// privileges on).
    const { SENTINEL } = require('@electron/fuses/dist/constants.js');
    writeFileSync(path.join(dist, 'electron'), Buffer.concat([Buffer.from(`#!/bin/sh\n# ${SENTINEL}`), Buffer.from([1, 8]), Buffer.from('10110001'), Buffer.from('\n')]));
    chmodSync(path.join(dist, 'electron'), 0o755);
    writeFileSync(path.join(dist, 'electron.exe'), '');
    mkdirSync(path.join(dist, 'resources'));
    const demo = temp('concord-demo-');
    writeFileSync(path.join(demo, 'entries.jsonl'), '{}\n');
    const nativeFile = path.join(temp('concord-native-'), 'better_sqlite3.node');
    writeFileSync(nativeFile, 'placeholder');
    const out = temp('concord-release-');
    const builder = require('electron-builder');
    await builder.build({
      projectDir: root,
      targets: builder.Platform.LINUX.createTarget('dir', builder.Arch.x64),
      publish: 'never',
      config: {
        ...config,
        electronDist: dist,
        electronVersion: require('electron/package.json').version,
        directories: { ...config.directories, output: out },
        extraResources: [
          { ...config.extraResources[0], from: demo },
          { ...config.extraResources[1], from: nativeFile },
        ],
        beforePack: undefined,
      },
    });
    // The fuses as the packaged binary has them now (48 = off, 49 = on).
    const { getCurrentFuseWire, FuseV1Options } = require('@electron/fuses');
    const wire = await getCurrentFuseWire(path.join(out, 'linux-unpacked', 'concord'));
    const on = (o: number) => wire[o] === 49;
    expect(on(FuseV1Options.RunAsNode)).toBe(false);
    expect(on(FuseV1Options.EnableCookieEncryption)).toBe(true);
    expect(on(FuseV1Options.EnableNodeOptionsEnvironmentVariable)).toBe(false);
    expect(on(FuseV1Options.EnableNodeCliInspectArguments)).toBe(false);
    expect(on(FuseV1Options.EnableEmbeddedAsarIntegrityValidation)).toBe(true);
    expect(on(FuseV1Options.OnlyLoadAppFromAsar)).toBe(true);
    expect(on(FuseV1Options.GrantFileProtocolExtraPrivileges)).toBe(false);
    const resources = path.join(out, 'linux-unpacked', 'resources');
    expect(readFileSync(path.join(resources, 'native', 'better_sqlite3.node'), 'utf8')).toBe('placeholder');
    expect(existsSync(path.join(resources, 'fixtures', 'demo', 'entries.jsonl'))).toBe(true);
    const files: string[] = require('@electron/asar').listPackage(path.join(resources, 'app.asar'), { isPack: false });
    expect(files).toContain(path.sep + path.join('build', 'electron', 'main.cjs'));
    expect(files).toContain(path.sep + path.join('build', 'electron', 'preload.cjs'));
    expect(files).toContain(path.sep + 'package.json');
    expect(files).toContain(path.sep + path.join('node_modules', 'better-sqlite3', 'lib', 'index.js'));
    const own = files.filter((f) => !f.startsWith(path.sep + 'node_modules'));
    // Nothing but build output and package.json from our tree: no sources, tests, fixtures or maps.
    expect(own.filter((f) => f !== path.sep + 'package.json' && f !== path.sep + 'node_modules' && !f.startsWith(path.sep + 'build'))).toEqual([]);
    expect(files.filter((f) => f.endsWith('.map') || f.endsWith('.ts'))).toEqual([]);
    // The Node build of better-sqlite3 and its C sources stay out; electron, zod, vite too.
    expect(files.filter((f) => /better-sqlite3[\\/](build|deps|src)/.test(f))).toEqual([]);
    const packages = new Set(files.filter((f) => f.startsWith(path.sep + 'node_modules' + path.sep)).map((f) => f.split(path.sep)[2]));
    for (const dev of ['electron', 'zod', 'vite', 'react', 'monaco-editor', 'esbuild']) expect(packages.has(dev), dev).toBe(false);
  }, 120_000);
});

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dbArgument, resolveLaunch, trustedSender, type LaunchInput } from './launch.ts';

const base: LaunchInput = {
  argv: ['/path/electron', '.'],
  env: {},
  isPackaged: false,
  userData: '/home/u/.config/Concord',
  appPath: '/repo',
  resourcesPath: '/opt/electron/resources',
  fileExists: () => false,
};

describe('resolveLaunch', () => {
  it('in dev: the database in userData, the demo from the repo, the renderer from build/', () => {
    const l = resolveLaunch({ ...base, env: { CONCORD_NATIVE_BINDING: '/repo/.electron-native/x/better_sqlite3.node' } });
    expect(l.dbFile).toBe(path.resolve('/home/u/.config/Concord/concord.db'));
    expect(l.seedDemo).toBe(true);
    expect(l.createDbDir).toBe(true);
    expect(l.demoDir).toBe(path.join('/repo', 'fixtures', 'demo'));
    expect(l.nativeBinding).toBe('/repo/.electron-native/x/better_sqlite3.node');
    // Our own scheme, never file:// (whose pages share one opaque origin and extra privileges).
    expect(l.rendererUrl).toBe('concord://app/index.html');
    expect(l.rendererDir).toBe(path.join('/repo', 'build', 'renderer'));
    expect(l.trusted).toEqual({ kind: 'app', scheme: 'concord', host: 'app' });
    expect(l.preload).toBe(path.join('/repo', 'build', 'electron', 'preload.cjs'));
  });

  it('seeds the demo only on first run', () => {
    expect(resolveLaunch({ ...base, fileExists: () => true }).seedDemo).toBe(false);
  });

  it('packaged: native build and fixtures come from resources, the dev URL is ignored', () => {
    const l = resolveLaunch({ ...base, isPackaged: true, appPath: '/opt/app/resources/app.asar', env: { CONCORD_RENDERER_URL: 'http://localhost:5173' } });
    expect(l.nativeBinding).toBe(path.join('/opt/electron/resources', 'native', 'better_sqlite3.node'));
    expect(l.demoDir).toBe(path.join('/opt/electron/resources', 'fixtures', 'demo'));
    expect(l.rendererUrl).toBe('concord://app/index.html');
    expect(l.rendererDir).toBe(path.join('/opt/app/resources/app.asar', 'build', 'renderer'));
  });

  it('--db names the database, which starts without the demo', () => {
    const l = resolveLaunch({ ...base, argv: ['/e', '.', '--db', 'study.db'] });
    expect(l.dbFile).toBe(path.resolve('study.db'));
    expect(l.seedDemo).toBe(false);
    expect(l.createDbDir).toBe(false);
    expect(dbArgument(['--db=/x/y.db'])).toBe('/x/y.db');
    expect(() => dbArgument(['--db'])).toThrow(/needs a file path/);
  });

  it('CONCORD_RENDERER_URL loads a dev server and trusts only its origin', () => {
    const l = resolveLaunch({ ...base, env: { CONCORD_RENDERER_URL: 'http://localhost:5173/' } });
    expect(l.rendererUrl).toBe('http://localhost:5173/');
    expect(l.trusted).toEqual({ kind: 'origin', origin: 'http://localhost:5173' });
    expect(() => resolveLaunch({ ...base, env: { CONCORD_RENDERER_URL: 'javascript:alert(1)' } })).toThrow(/http/);
  });
});

describe('trustedSender', () => {
  const ours = trustedSender({ kind: 'app', scheme: 'concord', host: 'app' });
  it('accepts pages of concord://app with any route, hash or query', () => {
    expect(ours('concord://app/index.html')).toBe(true);
    expect(ours('concord://app/index.html#/label/42')).toBe(true);
    expect(ours('concord://app/index.html?x=1')).toBe(true);
  });
  it('refuses local files, other hosts of our scheme, web pages, garbage and missing frames', () => {
    expect(ours('file:///repo/build/renderer/index.html')).toBe(false);
    expect(ours('concord://evil/index.html')).toBe(false);
    expect(ours('concord://app.evil/index.html')).toBe(false);
    expect(ours('concord://user@app/index.html')).toBe(false);
    expect(ours('https://app/index.html')).toBe(false);
    expect(ours('https://example.com/')).toBe(false);
    expect(ours('not a url')).toBe(false);
    expect(ours(undefined)).toBe(false);
  });
  it('with a dev server, compares origins', () => {
    const dev = trustedSender({ kind: 'origin', origin: 'http://localhost:5173' });
    expect(dev('http://localhost:5173/some/route')).toBe(true);
    expect(dev('http://localhost:5174/')).toBe(false);
    expect(dev('http://127.0.0.1:5173/')).toBe(false);
  });
});

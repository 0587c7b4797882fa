import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildElectron } from '../scripts/build.mjs';

/**
 * The bundled main process, run by plain Node with a stand-in `electron` module: proves the
 * bundle loads (no missing modules, no import.meta surprises), opens a real project database
 * through db/ and answers IPC from our page only. Electron's binary is not needed.
 */
const root = path.resolve(import.meta.dirname, '..');
let dir: string;

beforeAll(async () => {
  // Inside the repo (.tmp/ is ignored) so that the bundle resolves better-sqlite3 from node_modules.
  mkdirSync(path.join(root, '.tmp'), { recursive: true });
  dir = mkdtempSync(path.join(root, '.tmp', 'main-bundle-'));
  await buildElectron(path.join(dir, 'out'));
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const harness = String.raw`
const Module = require('node:module');
const { EventEmitter } = require('node:events');
// node -e: argv[1] is the first argument after the script.
const [mainFile, appPath, userData] = process.argv.slice(1);
const handlers = new Map();
const windows = [];
class WebContents extends EventEmitter { setWindowOpenHandler() {} }
class BrowserWindow extends EventEmitter {
  constructor(options) { super(); this.options = options; this.webContents = new WebContents(); windows.push(this); }
  loadURL(url) { this.url = url; return Promise.resolve(); }
  show() {}
  static fromWebContents() { return null; }
}
const app = Object.assign(new EventEmitter(), {
  isPackaged: false, setName() {}, enableSandbox() {}, requestSingleInstanceLock: () => true,
  getPath: () => userData, getAppPath: () => appPath, whenReady: () => Promise.resolve(), isReady: () => true,
  quit() {}, exit(code) { console.log(JSON.stringify({ exit: code })); process.exit(0); },
});
const session = { defaultSession: { webRequest: { onHeadersReceived() {} }, setPermissionRequestHandler() {}, setPermissionCheckHandler() {} } };
const schemes = new Map();
const protocol = { registerSchemesAsPrivileged(list) { schemes.set('privileged', list); }, handle(scheme, fn) { schemes.set(scheme, fn); } };
const electron = { app, session, protocol, BrowserWindow, ipcMain: { handle: (c, f) => handlers.set(c, f), removeHandler() {} },
  dialog: { showErrorBox: (t, m) => console.log(JSON.stringify({ errorBox: m })) }, Menu: { buildFromTemplate: (t) => t, setApplicationMenu() {} } };
const load = Module._load;
Module._load = function (request, ...rest) { return request === 'electron' ? electron : load.call(this, request, ...rest); };
require(mainFile);
setTimeout(async () => {
  const url = windows[0] && windows[0].url;
  const call = (m, frameUrl, args) => handlers.get('concord:' + m)({ senderFrame: { url: frameUrl }, sender: null }, args);
  const out = {
    url,
    preload: windows[0] && windows[0].options.webPreferences.preload,
    channels: [...handlers.keys()].length,
    info: await call('project.info', url, {}),
    added: await call('project.addAnnotator', url, { name: 'Ada' }),
    bad: await call('project.addAnnotator', url, { name: '' }),
    foreign: await call('project.info', 'https://example.com/', {}),
    privileged: schemes.get('privileged'),
    traversal: schemes.has('concord') ? (await schemes.get('concord')({ url: 'concord://app/%2e%2e/%2e%2e/package.json' })).status : null,
  };
  console.log(JSON.stringify(out));
  app.emit('will-quit');
}, 500);
`;

function runMain(args: string[], userData = path.join(dir, 'userData')) {
  const r = spawnSync(process.execPath, ['-e', harness, path.join(dir, 'out', 'main.cjs'), root, userData, ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 30_000,
  });
  const last = r.stdout.trim().split('\n').pop() ?? '';
  return { r, out: last ? JSON.parse(last) : undefined };
}

describe('bundled main process (Node, stand-in electron)', () => {
  it('opens the --db project and serves the contract to our page', () => {
    const db = path.join(dir, 'study.db');
    const { r, out } = runMain(['--db', db]);
    expect(r.stderr).toBe('');
    expect(existsSync(db)).toBe(true);
    expect(out.url).toBe('concord://app/index.html');
    expect(out.privileged).toEqual([{ scheme: 'concord', privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } }]);
    expect(out.traversal).toBe(404);
    expect(out.preload).toBe(path.join(root, 'build', 'electron', 'preload.cjs'));
    expect(out.info.ok).toBe(true);
    expect(out.added).toMatchObject({ ok: true, result: { name: 'Ada' } });
    expect(out.bad).toMatchObject({ ok: false, error: { code: 'bad-input', where: { field: 'name' } } });
    expect(out.foreign).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('first run: creates concord.db in userData with the demo project', () => {
    const userData = path.join(dir, 'first-run');
    const { r, out } = runMain([], userData);
    expect(r.stderr).toBe('');
    expect(existsSync(path.join(userData, 'concord.db'))).toBe(true);
    expect(out.info).toMatchObject({ ok: true, result: { name: 'Demo: Deep-Bench sample' } });
  });

  it('a file that is not a database gets an error dialog and exit 1, not a crash', () => {
    const { r } = runMain(['--db', path.join(root, 'package.json')]);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[0].errorBox).toMatch(/package\.json[\s\S]*not a database/);
    expect(lines[1]).toEqual({ exit: 1 });
  });
});

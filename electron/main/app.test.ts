import path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => {
  const { fakeElectron } = await import('../../test/helpers/fake-electron.ts');
  const e = fakeElectron();
  return { default: e, ...e };
});

import { methodNames, type SyncApiHandlers } from '../../shared/api.ts';
import { openDoor } from '../../shared/door.ts';
import { startApp, type OpenProject, type Service } from './app.ts';
import { fakeElectron, FakeBrowserWindow, ipcEvent, type FakeElectron } from '../../test/helpers/fake-electron.ts';

function fakeService(): Service {
  const handlers = Object.fromEntries(methodNames.map((m) => [m, vi.fn(() => ({ method: m }))])) as unknown as SyncApiHandlers;
  return Object.assign(openDoor(handlers, () => 'adjudicator'), { close: vi.fn() });
}

let e: FakeElectron;
let service: Service;
let openProject: ReturnType<typeof vi.fn<OpenProject>>;
let makeDir: ReturnType<typeof vi.fn<(dir: string) => void>>;

function start(extra: Partial<Parameters<typeof startApp>[0]> = {}) {
  startApp({
    electron: e as any,
    openProject,
    argv: ['/e', '.'],
    env: { CONCORD_NATIVE_BINDING: '/native/better_sqlite3.node' },
    platform: 'linux',
    resourcesPath: '/res',
    makeDir,
    ...extra,
  });
}

beforeEach(() => {
  e = fakeElectron();
  service = fakeService();
  openProject = vi.fn<OpenProject>(async () => service);
  makeDir = vi.fn();
});

describe('startApp', () => {
  it('opens the database with the Electron native build, then shows one secure window', async () => {
    start();
    expect(FakeBrowserWindow.instances).toHaveLength(0);
    await e.becomeReady();
    // userData may not exist on first run; the folder is made before the database is opened.
    expect(makeDir).toHaveBeenCalledWith(path.dirname(path.resolve('/fake/userData/concord.db')));
    expect(makeDir.mock.invocationCallOrder[0]).toBeLessThan(openProject.mock.invocationCallOrder[0]);
    expect(openProject).toHaveBeenCalledWith(path.resolve('/fake/userData/concord.db'), {
      nativeBinding: '/native/better_sqlite3.node',
      seedDemo: expect.any(Boolean),
      demoDir: path.join('/repo', 'fixtures', 'demo'),
      // The labels read ahead, for the lead's first Agreement or Adjudicate view.
      readAhead: true,
    });
    expect(FakeBrowserWindow.instances).toHaveLength(1);
    const win = FakeBrowserWindow.instances[0];
    expect(win.options.title).toBe('Concord');
    expect(win.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true });
    expect(win.options.webPreferences.preload).toBe(path.join('/repo', 'build', 'electron', 'preload.cjs'));
    expect(win.loadURL).toHaveBeenCalledWith('concord://app/index.html');
    expect(e.Menu.setApplicationMenu).toHaveBeenCalled();
  });

  it('serves the built renderer on concord://app, registered before the window loads it', async () => {
    start();
    await e.becomeReady();
    expect(e.protocol.handle).toHaveBeenCalledWith('concord', expect.any(Function));
    expect(e.protocol.handle.mock.invocationCallOrder[0]).toBeLessThan(FakeBrowserWindow.instances[0].loadURL.mock.invocationCallOrder[0]);
  });

  it('with a dev server URL, serves nothing on concord:// and loads the dev server', async () => {
    start({ env: { CONCORD_RENDERER_URL: 'http://localhost:5173/' } });
    await e.becomeReady();
    expect(e.protocol.handle).not.toHaveBeenCalled();
    expect(FakeBrowserWindow.instances[0].loadURL).toHaveBeenCalledWith('http://localhost:5173/');
  });

  it('answers IPC from the window it loaded with the service', async () => {
    start();
    await e.becomeReady();
    const url = FakeBrowserWindow.instances[0].loadURL.mock.calls[0][0];
    const r = await e.ipcMain.handlers.get('concord:project.info')!(ipcEvent(url), {});
    expect(r).toEqual({ ok: true, result: { method: 'project.info' } });
    expect(openProject).toHaveBeenCalledTimes(1);
  });

  it('shows an error dialog and exits when the database cannot be opened', async () => {
    openProject.mockRejectedValue(new Error('file is not a database'));
    start();
    await e.becomeReady();
    expect(e.dialog.showErrorBox).toHaveBeenCalledWith('Concord cannot open its database', expect.stringContaining('file is not a database'));
    expect(e.app.exit).toHaveBeenCalledWith(1);
    expect(FakeBrowserWindow.instances).toHaveLength(0);
  });

  it('a userData folder that cannot be made is reported in the dialog too', async () => {
    makeDir.mockImplementation(() => {
      throw new Error('EACCES: permission denied');
    });
    start();
    await e.becomeReady();
    expect(e.dialog.showErrorBox).toHaveBeenCalledWith('Concord cannot open its database', expect.stringContaining('EACCES'));
    expect(openProject).not.toHaveBeenCalled();
  });

  it('a second instance quits and binds nothing', () => {
    e.app.requestSingleInstanceLock.mockReturnValue(false);
    start();
    expect(e.app.quit).toHaveBeenCalled();
    expect(e.ipcMain.handlers.size).toBe(0);
  });

  it('closes the database when the app quits, and quits when the last window closes (not on macOS)', async () => {
    start();
    await e.becomeReady();
    e.app.emit('window-all-closed');
    expect(e.app.quit).toHaveBeenCalledTimes(1);
    e.app.emit('will-quit');
    expect(service.close).toHaveBeenCalledTimes(1);
  });

  it('a bad --db argument is a usage message and exit 1', () => {
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    start({ argv: ['/e', '.', '--db'] });
    expect(err).toHaveBeenCalledWith('concord: --db needs a file path');
    expect(e.app.exit).toHaveBeenCalledWith(1);
    err.mockRestore();
  });
});

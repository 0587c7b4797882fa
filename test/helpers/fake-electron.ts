import { EventEmitter } from 'node:events';
import { vi } from 'vitest';

/**
 * A stand-in for the parts of the `electron` module the main process uses, for tests
 * (`vi.mock('electron', () => fakeElectronModule())`). It records what main asks for so tests can
 * assert on it, and lets tests play the other side: send IPC, fire app events, emit navigation.
 */

export class FakeWebContents extends EventEmitter {
  windowOpenHandler?: (details: { url: string }) => { action: string };
  setWindowOpenHandler = vi.fn((h: (details: { url: string }) => { action: string }) => {
    this.windowOpenHandler = h;
  });
}

export class FakeBrowserWindow extends EventEmitter {
  static instances: FakeBrowserWindow[] = [];
  static fromWebContents = vi.fn((_c: unknown) => FakeBrowserWindow.instances[0] ?? null);
  webContents = new FakeWebContents();
  loadURL = vi.fn(async (_url: string) => undefined);
  show = vi.fn();
  focus = vi.fn();
  restore = vi.fn();
  isMinimized = vi.fn(() => false);
  constructor(public options: Record<string, any>) {
    super();
    FakeBrowserWindow.instances.push(this);
  }
}

export function fakeSession() {
  return {
    webRequest: { onHeadersReceived: vi.fn() },
    setPermissionRequestHandler: vi.fn(),
    setPermissionCheckHandler: vi.fn(),
  };
}

export function fakeElectron() {
  let ready!: () => void;
  const readyPromise = new Promise<void>((r) => (ready = r));
  const app = Object.assign(new EventEmitter(), {
    isPackaged: false,
    setName: vi.fn(),
    enableSandbox: vi.fn(),
    requestSingleInstanceLock: vi.fn(() => true),
    getPath: vi.fn((name: string) => `/fake/${name}`),
    getAppPath: vi.fn(() => '/repo'),
    whenReady: vi.fn(() => readyPromise),
    isReady: vi.fn(() => false),
    quit: vi.fn(),
    exit: vi.fn(),
  });
  const handlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
  const ipcMain = {
    handlers,
    handle: vi.fn((channel: string, fn: (event: unknown, ...args: unknown[]) => unknown) => {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, fn);
    }),
    removeHandler: vi.fn((channel: string) => handlers.delete(channel)),
  };
  const session = { defaultSession: fakeSession() };
  const dialog = { showOpenDialog: vi.fn(), showErrorBox: vi.fn() };
  const Menu = { buildFromTemplate: vi.fn((t: unknown) => ({ template: t })), setApplicationMenu: vi.fn() };
  const schemeHandlers = new Map<string, (request: { url: string }) => Promise<Response> | Response>();
  const protocol = {
    schemeHandlers,
    registerSchemesAsPrivileged: vi.fn(),
    handle: vi.fn((scheme: string, fn: (request: { url: string }) => Promise<Response> | Response) => {
      if (schemeHandlers.has(scheme)) throw new Error(`second handler for ${scheme}://`);
      schemeHandlers.set(scheme, fn);
    }),
  };
  FakeBrowserWindow.instances = [];
  return {
    app,
    ipcMain,
    session,
    dialog,
    Menu,
    protocol,
    BrowserWindow: FakeBrowserWindow,
    /** Resolves app.whenReady() and lets the promise callbacks run. */
    async becomeReady() {
      app.isReady.mockReturnValue(true);
      ready();
      await new Promise((r) => setTimeout(r, 0));
    },
  };
}

export type FakeElectron = ReturnType<typeof fakeElectron>;

/** An IPC event as main sees it, from a frame at `url` (null: the frame is gone). */
export function ipcEvent(url: string | null) {
  return { senderFrame: url === null ? null : { url }, sender: new FakeWebContents() };
}

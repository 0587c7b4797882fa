import path from 'node:path';
import type electron from 'electron';
import type { BrowserWindow as BrowserWindowType } from 'electron';
import type { ApiDoor } from '../../shared/door.ts';
import { formatError } from '../../shared/errors.ts';
import { bindIpc, dialogPicker } from './ipc.ts';
import { resolveLaunch, trustedSender, type Launch } from './launch.ts';
import { menuTemplate } from './menu.ts';
import { serveRenderer } from './protocol.ts';
import { createMainWindow } from './window.ts';

/** What db/project.ts provides: the API on one SQLite file. */
export type Service = ApiDoor & { close(): void };
export type OpenProject = (
  file: string,
  opts?: { nativeBinding?: string; seedDemo?: boolean; demoDir?: string; readAhead?: true },
) => Promise<Service>;

export interface AppDeps {
  electron: Pick<typeof electron, 'app' | 'BrowserWindow' | 'ipcMain' | 'dialog' | 'Menu' | 'protocol'>;
  openProject: OpenProject;
  argv: string[];
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
  resourcesPath: string;
  /** mkdir -p (injected so tests touch no real folders). */
  makeDir: (dir: string) => void;
}

/**
 * The desktop host's life cycle: one instance, one database, one window. Everything it does is
 * delegated (launch.ts decides paths, ipc.ts binds the API, window.ts builds the window), so this
 * stays a list of steps.
 */
export function startApp(d: AppDeps): void {
  const { app, BrowserWindow, ipcMain, dialog, Menu, protocol } = d.electron;
  // Before anything reads userData: dev (package name "concord") and packaged builds share a folder.
  app.setName('Concord');
  // Two instances writing one database would fight over it; the second one focuses the first.
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }

  let launch: Launch;
  try {
    launch = resolveLaunch({
      argv: d.argv,
      env: d.env,
      isPackaged: app.isPackaged,
      userData: app.getPath('userData'),
      appPath: app.getAppPath(),
      resourcesPath: d.resourcesPath,
    });
  } catch (e) {
    console.error(`concord: ${formatError(e as Error)}`);
    app.exit(1);
    return;
  }

  let opened: Service | undefined;
  let opening: Promise<Service> | undefined;
  // Opened once, on first need; any failure (folder, file, schema) ends in the error dialog below.
  const service = () =>
    (opening ??= (async () => {
      if (launch.createDbDir) d.makeDir(path.dirname(launch.dbFile));
      opened = await d.openProject(launch.dbFile, { nativeBinding: launch.nativeBinding, seedDemo: launch.seedDemo, demoDir: launch.demoDir, readAhead: true });
      return opened;
    })());

  bindIpc({
    ipcMain,
    service,
    isTrustedSender: trustedSender(launch.trusted),
    pickPath: dialogPicker(dialog, (contents) => BrowserWindow.fromWebContents(contents)),
  });

  let win: BrowserWindowType | undefined;
  const openWindow = () => {
    win = createMainWindow(BrowserWindow, { preload: launch.preload, url: launch.rendererUrl, platform: d.platform });
    win.on('closed', () => (win = undefined));
  };

  app.on('second-instance', () => {
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });
  app.on('window-all-closed', () => {
    if (d.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (app.isReady() && !win && opened) openWindow();
  });
  app.on('will-quit', () => {
    opened?.close();
    opened = undefined;
  });

  void app.whenReady().then(async () => {
    Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(d.platform, !app.isPackaged)));
    if (launch.trusted.kind === 'app') serveRenderer(protocol, launch.rendererDir);
    try {
      // Open before showing anything: a database we cannot open gets a dialog, not a broken window.
      await service();
    } catch (e) {
      dialog.showErrorBox('Concord cannot open its database', `${launch.dbFile}\n\n${formatError(e as Error)}`);
      app.exit(1);
      return;
    }
    openWindow();
  });
}

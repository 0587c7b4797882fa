import type { BrowserWindow as BrowserWindowType, BrowserWindowConstructorOptions } from 'electron';
import { secureWebPreferences } from './security.ts';

type BrowserWindowClass = new (options: BrowserWindowConstructorOptions) => BrowserWindowType;

export function mainWindowOptions(preload: string, platform: NodeJS.Platform): BrowserWindowConstructorOptions {
  return {
    title: 'Concord',
    width: 1440,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    // Shown once the first paint is ready, so the user never sees an empty white frame.
    show: false,
    backgroundColor: '#ffffff',
    // The menu holds only standard roles; Windows and Linux keep it behind Alt.
    autoHideMenuBar: platform !== 'darwin',
    webPreferences: secureWebPreferences(preload),
  };
}

/** Creates the one window and loads the renderer into it. */
export function createMainWindow(
  BrowserWindow: BrowserWindowClass,
  opts: { preload: string; url: string; platform: NodeJS.Platform },
): BrowserWindowType {
  const win = new BrowserWindow(mainWindowOptions(opts.preload, opts.platform));
  win.once('ready-to-show', () => win.show());
  // The page's <title> would otherwise replace the window title.
  win.on('page-title-updated', (event) => event.preventDefault());
  void win.loadURL(opts.url);
  return win;
}

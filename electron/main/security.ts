import electron from 'electron';
import type { Session, WebContents, WebPreferences } from 'electron';
import { CONTENT_SECURITY_POLICY } from '../../shared/csp.ts';
import { registerAppScheme } from './protocol.ts';

/**
 * The security posture of the desktop host, in one place. Importing this module (for its side
 * effect, before any window exists) sandboxes every renderer and hardens every web contents and
 * the default session; the exported pieces are what the side effect uses, so tests can check them.
 */

/** The app's one CSP (shared/csp.ts): sent as a header too, so it holds even without the <meta> tag. */
export { CONTENT_SECURITY_POLICY };

/** webPreferences for every window we create; the preload is the only bridge to main. */
export function secureWebPreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    navigateOnDragDrop: false,
  };
}

/** No navigation (of the page or of any frame in it), no new windows, no <webview>: the app is one page that never leaves itself. */
export function hardenWebContents(contents: WebContents): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-frame-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

/** CSP header on every response, and every permission (camera, notifications, ...) refused. */
export function hardenSession(session: Session): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    const headers = { ...(details.responseHeaders ?? {}) };
    // Drop any differently-cased CSP from the response so ours is the one that applies.
    for (const name of Object.keys(headers)) if (name.toLowerCase() === 'content-security-policy') delete headers[name];
    headers['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY];
    callback({ responseHeaders: headers });
  });
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}

/** The side effect: must run before app 'ready' (enableSandbox and the scheme registration have to). */
export function installSecurity(e: Pick<typeof electron, 'app' | 'session' | 'protocol'>): void {
  e.app.enableSandbox();
  registerAppScheme(e.protocol);
  e.app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));
  void e.app.whenReady().then(() => hardenSession(e.session.defaultSession));
}

installSecurity(electron);

import type { ApiClient } from '../../shared/api.ts';
import { createElectronClient } from './electron-client.ts';
import { createHttpClient, takeToken } from './http-client.ts';

export type Host = 'electron' | 'browser';

/** Electron when the preload bridge is there, otherwise the loopback HTTP server. */
export function connect(): { client: ApiClient; host: Host } {
  if (window.concord) return { client: createElectronClient(window.concord), host: 'electron' };
  return { client: createHttpClient(takeToken()), host: 'browser' };
}

/** Native path picker in Electron; browser mode types the path instead (see ImportDialog). */
export function nativePicker(): ((directory: boolean) => Promise<string | null>) | null {
  const bridge = window.concord;
  if (!bridge) return null;
  return (directory) => bridge.pickPath({ directory, title: directory ? 'Import a folder' : 'Import a file' });
}

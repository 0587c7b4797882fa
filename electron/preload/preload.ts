// The sandboxed preload (bundled to build/electron/preload.cjs): the one file that touches
// ipcRenderer, and it hands the page only the bridge's two functions.
import { contextBridge, ipcRenderer } from 'electron';
import { createBridge } from './bridge.ts';

contextBridge.exposeInMainWorld(
  'concord',
  createBridge((channel, arg) => ipcRenderer.invoke(channel, arg)),
);

/**
 * IPC channel names, shared by main and preload (both inside electron/, so neither the renderer
 * nor shared/ learns that IPC exists). One channel per contract method: `concord:<method>`.
 */
export const CHANNEL_PREFIX = 'concord:';
export const PICK_PATH_CHANNEL = 'concord:pickPath';

export function channelFor(method: string): string {
  return CHANNEL_PREFIX + method;
}

import type { Dialog, IpcMain, IpcMainInvokeEvent, OpenDialogOptions, WebContents, BrowserWindow as BrowserWindowType } from 'electron';
import { methodNames, parseArgs, type MethodName } from '../../shared/api.ts';
import type { Envelope } from '../../shared/bridge.ts';
import { callerOfRequest, type ApiDoor, type DoorArgs } from '../../shared/door.ts';
import { ConcordError, serializeError } from '../../shared/errors.ts';
import { PICK_PATH_CHANNEL, channelFor } from '../channels.ts';

/**
 * The one file that touches ipcMain: it binds every method of the API contract, plus the native
 * open dialog, and nothing else. Each answer is an Envelope so that error codes and locations
 * survive the trip (a thrown error would arrive as a bare message).
 */

/** Decides whether an IPC message comes from our own renderer (see trustedSender in launch.ts). */
export type SenderCheck = (frameUrl: string | undefined) => boolean;

export interface IpcDeps {
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  /** The project service's door; a promise because the database opens while the window loads. */
  service: () => Promise<ApiDoor>;
  isTrustedSender: SenderCheck;
  /** Shows the native open dialog for the window that asked; resolves to the chosen path or null. */
  pickPath: (event: IpcMainInvokeEvent, options: PickPathOptions) => Promise<string | null>;
}

export interface PickPathOptions {
  directory: boolean;
  title?: string;
}

/**
 * Calls one method through the service's door, as the request names its caller (`as`). The
 * arguments are checked here first too, so a malformed message never opens the database.
 */
export async function callMethod(service: () => Promise<ApiDoor>, method: MethodName, raw: unknown): Promise<Envelope<unknown>> {
  try {
    parseArgs(method, raw);
    const door = await service();
    return { ok: true, result: await door.call(method, raw as DoorArgs<typeof method>, callerOfRequest(raw)) };
  } catch (e) {
    return { ok: false, error: serializeError(e) };
  }
}

function senderUrl(event: IpcMainInvokeEvent): string | undefined {
  // senderFrame is null once the frame has navigated away or been destroyed: refuse those too.
  return event.senderFrame?.url;
}

function refused(): Envelope<never> {
  return { ok: false, error: serializeError(new ConcordError('forbidden', 'this window is not allowed to call Concord')) };
}

export function parsePickPathOptions(raw: unknown): PickPathOptions {
  const o = (raw ?? {}) as Record<string, unknown>;
  if (typeof o !== 'object' || typeof o.directory !== 'boolean')
    throw new ConcordError('bad-input', 'pickPath: "directory" must be true or false', { field: 'directory' });
  if (o.title !== undefined && (typeof o.title !== 'string' || o.title.length > 200))
    throw new ConcordError('bad-input', 'pickPath: "title" must be a short string', { field: 'title' });
  return { directory: o.directory, title: o.title as string | undefined };
}

/** Registers every handler; returns a function that removes them (tests, window re-creation). */
export function bindIpc(deps: IpcDeps): () => void {
  const channels: string[] = [];
  for (const method of methodNames) {
    const channel = channelFor(method);
    deps.ipcMain.handle(channel, async (event, raw) => {
      if (!deps.isTrustedSender(senderUrl(event))) return refused();
      return callMethod(deps.service, method, raw);
    });
    channels.push(channel);
  }
  deps.ipcMain.handle(PICK_PATH_CHANNEL, async (event, raw): Promise<Envelope<string | null>> => {
    if (!deps.isTrustedSender(senderUrl(event))) return refused();
    try {
      return { ok: true, result: await deps.pickPath(event, parsePickPathOptions(raw)) };
    } catch (e) {
      return { ok: false, error: serializeError(e) };
    }
  });
  channels.push(PICK_PATH_CHANNEL);
  return () => channels.forEach((c) => deps.ipcMain.removeHandler(c));
}

/** pickPath on top of Electron's dialog, attached to the window that asked (a sheet on macOS). */
export function dialogPicker(
  dialog: Pick<Dialog, 'showOpenDialog'>,
  windowOf: (contents: WebContents) => BrowserWindowType | null,
): IpcDeps['pickPath'] {
  return async (event, options) => {
    const dialogOptions: OpenDialogOptions = {
      title: options.title,
      properties: [options.directory ? 'openDirectory' : 'openFile'],
    };
    const win = windowOf(event.sender);
    const r = win ? await dialog.showOpenDialog(win, dialogOptions) : await dialog.showOpenDialog(dialogOptions);
    return r.canceled || r.filePaths.length === 0 ? null : r.filePaths[0];
  };
}

import { describe, expect, it, vi } from 'vitest';
import { methodNames, type SyncApiHandlers } from '../../shared/api.ts';
import { openDoor } from '../../shared/door.ts';
import { ConcordError } from '../../shared/errors.ts';
import { bindIpc, callMethod, dialogPicker } from './ipc.ts';
import { fakeElectron, ipcEvent } from '../../test/helpers/fake-electron.ts';

const OURS = 'concord://app/index.html';

/** The real door around stand-in handlers (nobody here is a lead). */
const doorOf = (handlers: Partial<SyncApiHandlers>) => openDoor(handlers as SyncApiHandlers, () => undefined);

function setup(service: Partial<SyncApiHandlers> = {}) {
  const e = fakeElectron();
  const openService = vi.fn(async () => doorOf(service));
  const pickPath = vi.fn(async () => '/picked');
  const unbind = bindIpc({ ipcMain: e.ipcMain, service: openService, isTrustedSender: (url) => url === OURS, pickPath });
  const send = (channel: string, url: string | null, arg: unknown) => {
    const h = e.ipcMain.handlers.get(channel);
    if (!h) throw new Error(`no handler for ${channel}`);
    return h(ipcEvent(url), arg) as Promise<any>;
  };
  return { e, openService, pickPath, unbind, send };
}

describe('IPC binding', () => {
  it('registers exactly one channel per contract method, plus the open dialog', () => {
    const { e, unbind } = setup();
    expect([...e.ipcMain.handlers.keys()].sort()).toEqual([...methodNames.map((m) => `concord:${m}`), 'concord:pickPath'].sort());
    unbind();
    expect(e.ipcMain.handlers.size).toBe(0);
  });

  it('passes validated arguments to the service and wraps the result', async () => {
    const addAnnotator = vi.fn((args: { name: string }) => ({ id: 1, name: args.name, role: 'annotator' }));
    const { send } = setup({ 'project.addAnnotator': addAnnotator as any });
    const r = await send('concord:project.addAnnotator', OURS, { name: '  Ada  ' });
    expect(r).toEqual({ ok: true, result: { id: 1, name: 'Ada', role: 'annotator' } });
    // zod's trim ran before the service saw the name
    expect(addAnnotator).toHaveBeenCalledWith({ name: 'Ada' });
  });

  it('answers bad arguments with a bad-input envelope and never calls the service', async () => {
    const get = vi.fn();
    const { send, openService } = setup({ 'entries.get': get });
    const r = await send('concord:entries.get', OURS, { annotator: 'Ada', id: 42 });
    expect(r.ok).toBe(false);
    expect(r.error.code).toBe('bad-input');
    expect(r.error.message).toMatch(/^entries\.get:/);
    expect(r.error.where).toEqual({ field: 'id' });
    expect(get).not.toHaveBeenCalled();
    expect(openService).not.toHaveBeenCalled();
  });

  it('refuses senders other than our renderer, including frames that are gone', async () => {
    const info = vi.fn(() => ({ name: 'x' }));
    const { send, pickPath } = setup({ 'project.info': info as any });
    for (const url of ['https://evil.example/', 'file:///tmp/other.html', null]) {
      const r = await send('concord:project.info', url, {});
      expect(r).toEqual({ ok: false, error: { code: 'forbidden', message: expect.any(String) } });
    }
    const p = await send('concord:pickPath', 'https://evil.example/', { directory: true });
    expect(p.ok).toBe(false);
    expect(info).not.toHaveBeenCalled();
    expect(pickPath).not.toHaveBeenCalled();
  });

  it('carries the code and location of a service error', async () => {
    const err = new ConcordError('not-found', 'no entry "x"', { field: 'id' });
    const r = await callMethod(async () => doorOf({ 'entries.get': () => { throw err; } }), 'entries.get', { annotator: 'Ada', id: 'x' });
    expect(r).toEqual({ ok: false, error: { code: 'not-found', message: 'no entry "x"', where: { field: 'id' } } });
  });

  it('reports a database that failed to open as an internal error, not a crash', async () => {
    const r = await callMethod(async () => { throw new Error('SQLITE_CANTOPEN'); }, 'project.info', {});
    expect(r).toEqual({ ok: false, error: { code: 'internal', message: 'SQLITE_CANTOPEN' } });
  });

  it('validates pickPath options before opening a dialog', async () => {
    const { send, pickPath } = setup();
    expect(await send('concord:pickPath', OURS, { directory: 'yes' })).toMatchObject({ ok: false, error: { code: 'bad-input' } });
    expect(pickPath).not.toHaveBeenCalled();
    expect(await send('concord:pickPath', OURS, { directory: true, title: 'Import' })).toEqual({ ok: true, result: '/picked' });
    expect(pickPath).toHaveBeenCalledWith(expect.anything(), { directory: true, title: 'Import' });
  });
});

describe('dialogPicker', () => {
  it('opens a folder or file dialog on the asking window and maps cancel to null', async () => {
    const win = { id: 1 } as any;
    const showOpenDialog = vi.fn().mockResolvedValueOnce({ canceled: false, filePaths: ['/data/set'] }).mockResolvedValueOnce({ canceled: true, filePaths: [] });
    const pick = dialogPicker({ showOpenDialog }, () => win);
    expect(await pick(ipcEvent(OURS) as any, { directory: true, title: 'Choose' })).toBe('/data/set');
    expect(showOpenDialog).toHaveBeenCalledWith(win, { title: 'Choose', properties: ['openDirectory'] });
    expect(await pick(ipcEvent(OURS) as any, { directory: false })).toBeNull();
    expect(showOpenDialog).toHaveBeenLastCalledWith(win, { title: undefined, properties: ['openFile'] });
  });
});

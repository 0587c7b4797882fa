import { describe, expect, it, vi } from 'vitest';
import { methodNames } from '../../shared/api.ts';
import { createBridge } from './bridge.ts';

describe('preload bridge', () => {
  it('exposes only host, call and pickPath (no ipcRenderer, no generic send)', () => {
    expect(Object.keys(createBridge(vi.fn())).sort()).toEqual(['call', 'host', 'pickPath']);
  });

  it('invokes concord:<method> for every contract method', async () => {
    const invoke = vi.fn(async () => ({ ok: true, result: 1 }));
    const bridge = createBridge(invoke);
    for (const m of methodNames) {
      await expect(bridge.call(m, { a: 1 })).resolves.toEqual({ ok: true, result: 1 });
      expect(invoke).toHaveBeenLastCalledWith(`concord:${m}`, { a: 1 });
    }
  });

  it('refuses names outside the contract without touching IPC', async () => {
    const invoke = vi.fn();
    const bridge = createBridge(invoke);
    for (const name of ['pickPath', 'constructor', '__proto__', 'project.info ', 'toString', 42 as unknown as string]) {
      await expect(bridge.call(name, {})).resolves.toMatchObject({ ok: false, error: { code: 'bad-input' } });
    }
    expect(invoke).not.toHaveBeenCalled();
  });

  it('pickPath returns the chosen path and throws the message of a refusal', async () => {
    const invoke = vi.fn().mockResolvedValueOnce({ ok: true, result: '/data' }).mockResolvedValueOnce({ ok: false, error: { code: 'forbidden', message: 'no' } });
    const bridge = createBridge(invoke);
    await expect(bridge.pickPath({ directory: true, title: 'T' })).resolves.toBe('/data');
    expect(invoke).toHaveBeenCalledWith('concord:pickPath', { directory: true, title: 'T' });
    await expect(bridge.pickPath({ directory: false })).rejects.toThrow('no');
  });
});

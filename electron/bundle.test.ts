import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { methodNames } from '../shared/api.ts';
import { buildElectron } from '../scripts/build.mjs';

let out: string;
let preload: string;
let main: string;

beforeAll(async () => {
  out = mkdtempSync(path.join(os.tmpdir(), 'concord-bundle-'));
  await buildElectron(out);
  preload = readFileSync(path.join(out, 'preload.cjs'), 'utf8');
  main = readFileSync(path.join(out, 'main.cjs'), 'utf8');
}, 60_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

function requiredModules(code: string): string[] {
  return [...new Set([...code.matchAll(/\brequire\(\s*(['"`])([^'"`]+)\1\s*\)/g)].map((m) => m[2]))].sort();
}

describe('esbuild bundles', () => {
  it('the preload requires nothing but electron, so it loads in a sandboxed renderer', () => {
    expect(requiredModules(preload)).toEqual(['electron']);
    // No dynamic require either (a sandboxed preload has no module loader to serve it).
    expect(preload.match(/\brequire\b/g)).toHaveLength(1);
    expect(preload).not.toMatch(/\bimport\(/);
  });

  it('the preload carries the method list, not zod', () => {
    expect(preload.length).toBeLessThan(20_000);
    expect(preload).not.toMatch(/zod/i);
  });

  it('runs with only electron available and exposes a bridge limited to the contract', async () => {
    const exposeInMainWorld = vi.fn();
    const invoke = vi.fn(async () => ({ ok: true, result: null }));
    const sandboxRequire = (id: string) => {
      if (id !== 'electron') throw new Error(`module not found: ${id}`);
      return { contextBridge: { exposeInMainWorld }, ipcRenderer: { invoke } };
    };
    const module = { exports: {} };
    new Function('require', 'module', 'exports', preload)(sandboxRequire, module, module.exports);
    expect(exposeInMainWorld).toHaveBeenCalledTimes(1);
    const [key, bridge] = exposeInMainWorld.mock.calls[0];
    expect(key).toBe('concord');
    expect(Object.keys(bridge).sort()).toEqual(['call', 'host', 'pickPath']);
    for (const m of methodNames) await bridge.call(m, {});
    expect(invoke.mock.calls.map((c: unknown[]) => c[0])).toEqual(methodNames.map((m) => `concord:${m}`));
    await expect(bridge.call('imports.delete', {})).resolves.toMatchObject({ ok: false });
    expect(invoke).toHaveBeenCalledTimes(methodNames.length);
  });

  it('main keeps electron and better-sqlite3 outside and needs no other package', () => {
    const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
    const packages = requiredModules(main).filter((m) => !builtins.has(m));
    expect(packages).toEqual(['better-sqlite3', 'electron']);
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/** Sources of the desktop host (tests and the test stand-in excluded), relative to electron/. */
function sources(dir = import.meta.dirname): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) return sources(p);
    return d.name.endsWith('.ts') && !d.name.endsWith('.test.ts') ? [p] : [];
  });
}

/** Source text without comments, so a comment that names ipcRenderer does not count. */
function code(file: string): string {
  return readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
}

function filesMatching(re: RegExp): string[] {
  return sources()
    .filter((f) => re.test(code(f)))
    .map((f) => path.relative(import.meta.dirname, f).split(path.sep).join('/'))
    .sort();
}

describe('one door between the page and main', () => {
  it('only main/ipc.ts registers IPC handlers', () => {
    expect(filesMatching(/ipcMain\.(handle|handleOnce|on|once|addListener)\(|\.handleOnce\(/)).toEqual(['main/ipc.ts']);
  });

  it('only preload/preload.ts touches ipcRenderer, and it exposes one object', () => {
    expect(filesMatching(/\bipcRenderer\b/)).toEqual(['preload/preload.ts']);
    expect(filesMatching(/exposeInMainWorld\(/)).toEqual(['preload/preload.ts']);
    const preload = code(path.join(import.meta.dirname, 'preload', 'preload.ts'));
    expect(preload.match(/exposeInMainWorld\(/g)).toHaveLength(1);
    // ipcRenderer itself, or a generic send, never crosses into the page.
    expect(preload).not.toMatch(/ipcRenderer\s*[,)]|\.send\(|sendSync\(/);
  });

  it('the preload imports only electron, the bridge and the contract (never main or db)', () => {
    const imports = (f: string) => [...readFileSync(f, 'utf8').matchAll(/^import[^'"]*['"]([^'"]+)['"]/gm)].map((m) => m[1]);
    const preloadFiles = sources().filter((f) => f.includes(`${path.sep}preload${path.sep}`));
    const all = new Set(preloadFiles.flatMap(imports));
    // outside-ok: import specifiers of electron/preload/, checked as data
    expect([...all].sort()).toEqual(['../../shared/api.ts', '../../shared/bridge.ts', '../channels.ts', './bridge.ts', 'electron']);
  });
});

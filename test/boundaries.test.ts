import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The layering of DESIGN 2, checked on every import: shared <- db <- electron, cli;
 * shared <- renderer. shared/ is pure; db/ never imports electron.
 */
const root = resolve(__dirname, '..');
const nodeBuiltins = /^(node:|fs$|path$|os$|crypto$|http$|child_process$|url$|util$|stream$|zlib$|net$|worker_threads$)/;

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const d of readdirSync(join(root, dir), { withFileTypes: true })) {
    const p = join(dir, d.name);
    if (d.isDirectory()) out.push(...sources(p));
    else if (/\.(ts|tsx)$/.test(d.name) && !/\.test\.tsx?$/.test(d.name)) out.push(p);
  }
  return out;
}

function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2]);
}

function topFolder(file: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  return relative(root, resolve(root, file, '..', spec)).split(/[\\/]/)[0];  // outside-ok: resolves an import specifier from its file
}

const rules: Record<string, { folders: string[]; forbid: RegExp[] }> = {
  shared: { folders: ['shared'], forbid: [nodeBuiltins, /^(react|react-dom|electron|better-sqlite3|monaco-editor|zustand)/] },
  db: { folders: ['shared', 'db'], forbid: [/^electron/, /^react/] },
  renderer: { folders: ['shared', 'renderer'], forbid: [nodeBuiltins, /^electron/, /^better-sqlite3/] },
  cli: { folders: ['shared', 'db', 'cli'], forbid: [/^electron/, /^react/] },
  electron: { folders: ['shared', 'db', 'electron'], forbid: [/^react/] },
};

describe('module boundaries', () => {
  for (const [folder, rule] of Object.entries(rules)) {
    it(`${folder}/ imports only ${rule.folders.join(', ')}`, () => {
      const offences: string[] = [];
      // A folder that is gone would pass with no imports to check: it must be there.
      expect(existsSync(join(root, folder)), `${folder}/ is missing`).toBe(true);
      const files = sources(folder);
      for (const f of files)
        for (const spec of importsOf(f)) {
          const top = topFolder(f, spec);
          if (top !== null && !rule.folders.includes(top)) offences.push(`${f} imports ${spec}`);
          if (top === null && rule.forbid.some((r) => r.test(spec))) offences.push(`${f} imports ${spec}`);
        }
      expect(offences).toEqual([]);
    });
  }
});

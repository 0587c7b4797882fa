import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../test/helpers/concord-server.ts';

// cli/concord.js runs the command line built ahead of time while every file it was built from is
// unchanged, and the sources otherwise: a build never runs stale, and no build is needed.
const dir = mkdtempSync(join(tmpdir(), 'concord-launcher-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A tree with the real launcher, a source main and a built main that say which ran. */
function tree(): string {
  const root = mkdtempSync(join(dir, 't-'));
  mkdirSync(join(root, 'cli'));
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'concord', type: 'module' }));
  mkdirSync(join(root, 'build', 'cli'), { recursive: true });
  copyFileSync(join(repoRoot, 'cli', 'concord.js'), join(root, 'cli', 'concord.js'));
  symlinkSync(join(repoRoot, 'node_modules'), join(root, 'node_modules'));
  writeFileSync(join(root, 'cli', 'main.ts'), "export async function main(argv: string[]): Promise<number> { process.stdout.write(`sources ${argv.join(' ')}\\n`); return 0; }\n");
  writeFileSync(join(root, 'build', 'cli', 'concord.cjs'), "module.exports.main = async (argv) => { process.stdout.write(`built ${argv.join(' ')}\\n`); return 3; };\n");
  const stamp = (f: string) => statSync(join(root, f)).mtimeMs;
  writeFileSync(join(root, 'build', 'cli', 'sources.json'), JSON.stringify({ files: { 'cli/main.ts': stamp('cli/main.ts') } }));
  return root;
}
const run = (root: string, ...args: string[]) => {
  try {
    return { out: execFileSync(process.execPath, [join(root, 'cli', 'concord.js'), ...args], { encoding: 'utf8' }), code: 0 };
  } catch (e) {
    const err = e as { stdout: string; status: number };
    return { out: err.stdout, code: err.status };
  }
};

describe('the concord launcher', () => {
  it('runs the build while its sources are unchanged, through a code cache it keeps beside it', () => {
    const root = tree();
    expect(run(root, 'info', '--json')).toEqual({ out: 'built info --json\n', code: 3 });
    expect(statSync(join(root, 'build', 'cli', 'concord.cjs.v8cache')).size).toBeGreaterThan(0);
    expect(run(root, 'again')).toEqual({ out: 'built again\n', code: 3 });
  });

  it('runs the sources once one of them changed, or when there is no build', () => {
    const root = tree();
    const later = new Date(Date.now() + 5000);
    utimesSync(join(root, 'cli', 'main.ts'), later, later);
    expect(run(root, 'x')).toEqual({ out: 'sources x\n', code: 0 });
    rmSync(join(root, 'build'), { recursive: true });
    expect(run(root, 'y')).toEqual({ out: 'sources y\n', code: 0 });
  });

  it('runs the sources when a file the build came from is gone', () => {
    const root = tree();
    const manifest = join(root, 'build', 'cli', 'sources.json');
    const { files } = JSON.parse(readFileSync(manifest, 'utf8'));
    writeFileSync(manifest, JSON.stringify({ files: { ...files, 'cli/gone.ts': 1 } }));
    expect(run(root, 'z')).toEqual({ out: 'sources z\n', code: 0 });
  });

  it('is built by npm install (prepare), and the build lists what it was made from', () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
    expect(pkg.scripts.prepare).toBe('node scripts/build.mjs cli');
    expect(pkg.bin.concord).toBe('cli/concord.js');
  });
});

import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildCli, workerBuildOptions } from '../scripts/build.mjs';
import { jobRunner } from '../db/jobs/runner.ts';
import { repoRoot } from '../test/helpers/concord-server.ts';
import { commands } from './commands/index.ts';

// cli/concord.js runs the command line built ahead of time while every file it was built from is
// unchanged, and the sources otherwise: a build never runs stale, and no build is needed.
const dir = mkdtempSync(join(tmpdir(), 'concord-launcher-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A tree with the real launcher, the sources and a build that say which ran: the dispatcher
 * (concord.cjs, naming one command with a bundle of its own) and that command's bundle.
 */
function tree(): string {
  const root = mkdtempSync(join(dir, 't-'));
  mkdirSync(join(root, 'cli', 'commands'), { recursive: true });
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'concord', type: 'module' }));
  mkdirSync(join(root, 'build', 'cli'), { recursive: true });
  copyFileSync(join(repoRoot, 'cli', 'concord.js'), join(root, 'cli', 'concord.js'));
  mkdirSync(join(root, 'db'));
  copyFileSync(join(repoRoot, 'db', 'load-built.mjs'), join(root, 'db', 'load-built.mjs'));
  symlinkSync(join(repoRoot, 'node_modules'), join(root, 'node_modules'));
  writeFileSync(join(root, 'cli', 'main.ts'), "export async function main(argv: string[]): Promise<number> { process.stdout.write(`sources ${argv.join(' ')}\\n`); return 0; }\n");
  writeFileSync(join(root, 'cli', 'commands', 'info.ts'), 'export default {};\n');
  const bundle = (name: string) => `module.exports.main = async (argv) => { process.stdout.write(\`${name} \${argv.join(' ')}\\n\`); return 3; };\n`;
  writeFileSync(join(root, 'build', 'cli', 'concord.cjs'), bundle('built'));
  writeFileSync(join(root, 'build', 'cli', 'concord-info.cjs'), bundle('built info'));
  const stamps = (...files: string[]) => Object.fromEntries(files.map((f) => [f, statSync(join(root, f)).mtimeMs]));
  writeFileSync(join(root, 'build', 'cli', 'concord-info.sources.json'), JSON.stringify({ files: stamps('cli/main.ts', 'cli/commands/info.ts') }));
  writeFileSync(join(root, 'build', 'cli', 'concord.sources.json'), JSON.stringify({ commands: ['info'], files: stamps('cli/main.ts') }));
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
    expect(run(root, 'again')).toEqual({ out: 'built again\n', code: 3 });
    expect(statSync(join(root, 'build', 'cli', 'concord.cjs.v8cache')).size).toBeGreaterThan(0);
    expect(run(root, 'again')).toEqual({ out: 'built again\n', code: 3 });
  });

  it("runs a command's own bundle for that command, and the dispatcher for anything else", () => {
    const root = tree();
    expect(run(root, 'info', '--json')).toEqual({ out: 'built info info --json\n', code: 3 });
    expect(statSync(join(root, 'build', 'cli', 'concord-info.cjs.v8cache')).size).toBeGreaterThan(0);
    expect(run(root, '--version')).toEqual({ out: 'built --version\n', code: 3 });
    expect(run(root, 'nope', 'info')).toEqual({ out: 'built nope info\n', code: 3 });
  });

  it('runs the sources once one of them changed, or when there is no build', () => {
    const root = tree();
    const later = new Date(Date.now() + 5000);
    // A command's own source: that command runs from the sources; the dispatcher, not built from it, stays.
    utimesSync(join(root, 'cli', 'commands', 'info.ts'), later, later);
    expect(run(root, 'info')).toEqual({ out: 'sources info\n', code: 0 });
    expect(run(root, '--version')).toEqual({ out: 'built --version\n', code: 3 });
    utimesSync(join(root, 'cli', 'main.ts'), later, later);
    expect(run(root, 'x')).toEqual({ out: 'sources x\n', code: 0 });
    rmSync(join(root, 'build'), { recursive: true });
    expect(run(root, 'y')).toEqual({ out: 'sources y\n', code: 0 });
  });

  it("runs the sources when a file the build came from is gone, or a command's bundle is", () => {
    const root = tree();
    const manifest = join(root, 'build', 'cli', 'concord.sources.json');
    const { files } = JSON.parse(readFileSync(manifest, 'utf8'));
    writeFileSync(manifest, JSON.stringify({ commands: ['info'], files: { ...files, 'cli/gone.ts': 1 } }));
    expect(run(root, 'z')).toEqual({ out: 'sources z\n', code: 0 });
    const other = tree();
    rmSync(join(other, 'build', 'cli', 'concord-info.cjs'));
    expect(run(other, 'info')).toEqual({ out: 'sources info\n', code: 0 });
  });

  it('builds a dispatcher without any command in it, and one bundle per command, each listing what it was made from', async () => {
    const out = mkdtempSync(join(dir, 'build-'));
    await buildCli(out);
    const manifest = (name: string) => JSON.parse(readFileSync(join(out, `${name}.sources.json`), 'utf8'));
    const dispatcher = manifest('concord');
    expect(dispatcher.commands).toEqual([...commands.map((c) => c.name)].sort());
    expect(Object.keys(dispatcher.files).filter((f) => f.startsWith('db/') || f.startsWith('cli/commands/'))).toEqual(['cli/commands/index.ts']);
    for (const name of dispatcher.commands) expect(statSync(join(out, `concord-${name}.cjs`)).isFile()).toBe(true);
    const exportFiles = Object.keys(manifest('concord-export').files);
    expect(exportFiles).toEqual(expect.arrayContaining(['cli/main.ts', 'cli/commands/export.ts', 'db/exports/render.ts', 'package-lock.json']));
    expect(exportFiles).not.toContain('cli/commands/import.ts');
    // import starts the job worker: the worker's sources are the import bundle's too.
    expect(Object.keys(manifest('concord-import').files)).toContain('db/jobs/worker.ts');
    // The launcher runs a bundle from V8's code cache, where Node 20 has no loader for import(): none is left in any.
    for (const name of ['concord', ...dispatcher.commands.map((c: string) => `concord-${c}`)]) expect(readFileSync(join(out, `${name}.cjs`), 'utf8'), name).not.toMatch(/\bimport\(\s*["'`]/);
  }, 60_000);

  it('is built by npm install (prepare), and the build lists what it was made from', () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
    expect(pkg.scripts.prepare).toBe('node scripts/build.mjs cli');
    expect(pkg.bin.concord).toBe('cli/concord.js');
  });
});

describe('the job worker, built', () => {
  it('starts through a code cache it writes beside its bundle once its first job is done, and then reads', async () => {
    // Built as the command line's is, in a folder of the package (where better-sqlite3 is found).
    const out = mkdtempSync(join(repoRoot, 'build', 'test-worker-'));
    try {
      const esbuild = await import('esbuild');
      const opts = workerBuildOptions(out);
      await Promise.all([esbuild.build(opts.worker), esbuild.build(opts.boot)]);
      const cache = join(out, 'job-worker.cjs.v8cache');
      const oneJob = async () => {
        const runner = jobRunner({ file: join(out, 'none.db'), workerUrl: pathToFileURL(join(out, 'job-worker.mjs')) });
        try {
          // Intervals of no figures: a job that reads no project.
          expect(await runner.run({ kind: 'intervals', args: { figures: [], resamples: 0 } }).done).toEqual([]);
          for (let i = 0; i < 200 && !existsSync(cache); i++) await new Promise((r) => setTimeout(r, 10));
        } finally {
          runner.close();
        }
      };
      await oneJob();
      const written = statSync(cache);
      expect(written.size).toBeGreaterThan(100_000);
      // The next thread takes it as it is: not written again.
      await oneJob();
      await new Promise((r) => setTimeout(r, 100));
      expect(statSync(cache).mtimeMs).toBe(written.mtimeMs);
      expect(readdirSync(out).sort()).toEqual(['job-worker.cjs', 'job-worker.cjs.v8cache', 'job-worker.mjs']);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

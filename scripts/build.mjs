// `node scripts/build.mjs [renderer|electron|cli|all]` (default all):
//   renderer -> build/renderer (vite, config in vite.config.ts)
//   electron -> build/electron/main.cjs, preload.cjs and job-worker.mjs with job-worker.cjs (esbuild)
//   cli      -> build/cli/concord.cjs, concord-<command>.cjs and job-worker.mjs with job-worker.cjs, each bundle with its
//               <bundle>.sources.json (esbuild; `npm install` runs it)
import { rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * esbuild options for the two Electron bundles. Main keeps better-sqlite3 outside (native, and its
 * Electron build is loaded through nativeBinding); the preload runs sandboxed, where `require`
 * only knows 'electron' and a few built-ins, so everything else is bundled into it.
 */
export function electronBuildOptions(outdir = path.join(root, 'build', 'electron')) {
  const common = {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: true,
    logLevel: 'warning',
    absWorkingDir: root,
  };
  return {
    main: {
      ...common,
      entryPoints: [path.join(root, 'electron/main/main.ts')],
      outfile: path.join(outdir, 'main.cjs'),
      external: ['electron', 'better-sqlite3'],
      // db/ uses import.meta.url for defaults; in a CommonJS bundle it becomes this file's URL.
      define: { 'import.meta.url': '__concordImportMetaUrl' },
      banner: { js: "const __concordImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
    },
    preload: {
      ...common,
      // The sandboxed preload is not a Node context: target the browser side of Electron's Chromium.
      platform: 'browser',
      target: 'chrome120',
      entryPoints: [path.join(root, 'electron/preload/preload.ts')],
      outfile: path.join(outdir, 'preload.cjs'),
      external: ['electron'],
    },
  };
}

/** The contract's method names, read from shared/api.ts by bundling and importing it. */
export async function contractMethodNames() {
  const esbuild = await import('esbuild');
  const r = await esbuild.build({
    entryPoints: [path.join(root, 'shared/api.ts')],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    write: false,
    logLevel: 'error',
  });
  const mod = await import(`data:text/javascript;base64,${Buffer.from(r.outputFiles[0].text).toString('base64')}`);
  return [...mod.methodNames];
}

/**
 * In the preload, shared/api.ts is replaced by its list of method names: the preload only checks
 * names (main validates arguments), and this keeps zod and the codebook out of every page load.
 */
export function contractNamesPlugin(names) {
  const apiFile = path.join(root, 'shared', 'api.ts');
  return {
    name: 'concord-contract-names',
    setup(b) {
      b.onLoad({ filter: /[\\/]shared[\\/]api\.ts$/ }, (args) => {
        if (path.resolve(args.path) !== apiFile) return undefined;
        return {
          loader: 'js',
          contents: `export const methodNames = ${JSON.stringify(names)};
const known = new Set(methodNames);
export function isMethodName(name) { return known.has(name); }
`,
        };
      });
    },
  };
}

/**
 * The worker thread that runs imports and agreement reports off the request thread
 * (db/jobs/worker.ts), bundled beside the bundle that starts it: `job-worker.cjs`, CommonJS and
 * minified like the command line's bundles, and `job-worker.mjs` (db/jobs/worker-boot.mjs), the
 * entry db/jobs/runner.ts starts, which runs the first through V8's code cache
 * (`job-worker.cjs.v8cache`, written as the first thread without one ends). better-sqlite3 stays
 * outside (native).
 */
export function workerBuildOptions(outdir) {
  const common = { bundle: true, platform: 'node', target: 'node20', logLevel: 'warning', absWorkingDir: root, external: ['better-sqlite3'] };
  return {
    worker: {
      ...common,
      format: 'cjs',
      minify: true,
      entryPoints: [path.join(root, 'db/jobs/worker.ts')],
      outfile: path.join(outdir, 'job-worker.cjs'),
      // Modules find files from their own place (import.meta.url); in the bundle that is the bundle's.
      define: { 'import.meta.url': '__concordImportMetaUrl' },
      banner: { js: "const __concordImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
    },
    boot: { ...common, format: 'esm', entryPoints: [path.join(root, 'db/jobs/worker-boot.mjs')], outfile: path.join(outdir, 'job-worker.mjs') },
  };
}

/** Builds the job worker (`workerBuildOptions`) into `outdir`, its old code cache removed; the inputs of both files. */
async function buildWorker(esbuild, outdir) {
  const opts = workerBuildOptions(outdir);
  const built = await Promise.all([esbuild.build({ ...opts.worker, metafile: true }), esbuild.build({ ...opts.boot, metafile: true })]);
  rmSync(`${opts.worker.outfile}.v8cache`, { force: true });
  return built.flatMap((r) => Object.keys(r.metafile.inputs));
}

export async function buildElectron(outdir) {
  const esbuild = await import('esbuild');
  const opts = electronBuildOptions(outdir);
  const names = await contractMethodNames();
  await Promise.all([
    esbuild.build(opts.main),
    esbuild.build({ ...opts.preload, plugins: [contractNamesPlugin(names)] }),
    buildWorker(esbuild, path.dirname(opts.main.outfile)),
  ]);
}

/**
 * The command line, built ahead of time so that it starts without compiling TypeScript: a small
 * dispatcher, build/cli/concord.cjs (cli/main.ts: help, --version, the list of commands), one
 * bundle per command, build/cli/concord-<command>.cjs (cli/main.ts with that command alone), and
 * the job worker. A start reads and runs only the bundle of the command asked for. CommonJS and
 * minified, so that cli/concord.js can load a bundle through V8's code cache
 * (`<bundle>.v8cache`, written on first use). Beside each bundle, `<bundle>.sources.json` lists
 * every file it was made from with its modification time (the dispatcher's also names the
 * commands that have a bundle); cli/concord.js runs a bundle only while every one of them is
 * unchanged, and the sources themselves otherwise. The bundles sit two folders down, as the
 * sources do (db/import/), so paths they take from their own place hold.
 */
export function cliBuildOptions(outfile, plugins = []) {
  return {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    minify: true,
    logLevel: 'warning',
    absWorkingDir: root,
    entryPoints: [path.join(root, 'cli/main.ts')],
    outfile,
    external: ['better-sqlite3', 'playwright-core', 'tsx', 'esbuild', 'vite'],
    metafile: true,
    plugins,
    // Modules find files from their own place (import.meta.url); in the bundle that is the bundle's.
    define: { 'import.meta.url': '__concordImportMetaUrl' },
    banner: { js: "const __concordImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  };
}

/**
 * cli/commands/index.ts loads each command with `import('./<command>.ts')`. In a bundle, every
 * command but `keep` (none, for the dispatcher) is left out: its load fails, and the launcher
 * never lets it be called, since it runs a command's own bundle for that command. Records the
 * names it sees, so the build knows every command without a list of its own.
 */
export function onlyCommandPlugin(keep, seen = new Set()) {
  const index = path.join(root, 'cli', 'commands', 'index.ts');
  return {
    name: 'concord-only-command',
    setup(b) {
      b.onResolve({ filter: /^\.\/[a-z-]+\.ts$/ }, (args) => {
        if (args.kind !== 'dynamic-import' || path.resolve(args.importer) !== index) return undefined;
        const name = args.path.slice(2, -3);
        seen.add(name);
        return name === keep ? undefined : { path: name, namespace: 'concord-left-out' };
      });
      b.onLoad({ filter: /.*/, namespace: 'concord-left-out' }, (args) => ({
        loader: 'js',
        contents: `throw new Error(${JSON.stringify(`the "${args.path}" command is not in this bundle (cli/concord.js runs build/cli/concord-${args.path}.cjs for it)`)});`,
      }));
    },
  };
}

export async function buildCli(outdir = path.join(root, 'build', 'cli')) {
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    // An install without the development tools: `concord` runs from its TypeScript sources (tsx).
    console.error('build: esbuild is not installed; the concord command will run from its sources');
    return;
  }
  const names = new Set();
  const [dispatcher, workerInputs] = await Promise.all([esbuild.build(cliBuildOptions(path.join(outdir, 'concord.cjs'), [onlyCommandPlugin(null, names)])), buildWorker(esbuild, outdir)]);
  const commands = [...names].sort();
  const bundles = await Promise.all(commands.map((c) => esbuild.build(cliBuildOptions(path.join(outdir, `concord-${c}.cjs`), [onlyCommandPlugin(c)]))));
  const manifest = (bundle, inputs, extra = {}) => {
    // A bundle that starts the job worker runs the worker's code too.
    const all = new Set([...inputs, 'package.json', 'package-lock.json', ...(inputs.includes('db/jobs/runner.ts') ? workerInputs : [])]);
    const files = Object.fromEntries([...all].sort().map((f) => [f, statSync(path.join(root, f)).mtimeMs]));
    rmSync(path.join(outdir, `${bundle}.v8cache`), { force: true });
    writeFileSync(path.join(outdir, `${bundle.replace(/\.cjs$/, '')}.sources.json`), `${JSON.stringify({ ...extra, files }, null, 1)}\n`);
  };
  const inputsOf = (r) => Object.keys(r.metafile.inputs).filter((f) => !f.startsWith('concord-left-out:'));
  commands.forEach((c, i) => manifest(`concord-${c}.cjs`, inputsOf(bundles[i])));
  // Written last: the launcher looks for a command's bundle only once the dispatcher names it.
  manifest('concord.cjs', inputsOf(dispatcher), { commands });
  rmSync(path.join(outdir, 'sources.json'), { force: true });
}

export async function buildRenderer() {
  const vite = await import('vite');
  // vite.config.ts (owned by the renderer) decides the output: build/renderer.
  await vite.build({ configFile: path.join(root, 'vite.config.ts'), logLevel: 'warn' });
}

export async function build(what = 'all') {
  if (!['renderer', 'electron', 'cli', 'all'].includes(what)) throw new Error(`unknown build target "${what}" (renderer, electron, cli or all)`);
  if (what === 'renderer' || what === 'all') await buildRenderer();
  if (what === 'electron' || what === 'all') await buildElectron();
  if (what === 'cli' || what === 'all') await buildCli();
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  try {
    await build(process.argv[2] ?? 'all');
  } catch (e) {
    console.error(`build: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  }
}

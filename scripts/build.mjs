// `node scripts/build.mjs [renderer|electron|cli|all]` (default all):
//   renderer -> build/renderer (vite, config in vite.config.ts)
//   electron -> build/electron/main.cjs, preload.cjs and job-worker.mjs (esbuild)
//   cli      -> build/cli/concord.cjs and job-worker.mjs, with sources.json (esbuild; `npm install` runs it)
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
 * (db/jobs/worker.ts), bundled as `job-worker.mjs` beside the bundle that starts it: db/jobs/runner.ts
 * looks for it next to itself once bundled. better-sqlite3 stays outside (native).
 */
export function workerBuildOptions(outdir) {
  return {
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
    absWorkingDir: root,
    entryPoints: [path.join(root, 'db/jobs/worker.ts')],
    outfile: path.join(outdir, 'job-worker.mjs'),
    external: ['better-sqlite3'],
    // Bundled CommonJS packages (csv-parse, zod...) may call require(); an ES module has none.
    banner: { js: "import { createRequire as __concordRequire } from 'node:module'; const require = __concordRequire(import.meta.url);" },
  };
}

export async function buildElectron(outdir) {
  const esbuild = await import('esbuild');
  const opts = electronBuildOptions(outdir);
  const names = await contractMethodNames();
  await Promise.all([
    esbuild.build(opts.main),
    esbuild.build({ ...opts.preload, plugins: [contractNamesPlugin(names)] }),
    esbuild.build(workerBuildOptions(path.dirname(opts.main.outfile))),
  ]);
}

/**
 * The command line, built ahead of time so that it starts without compiling TypeScript:
 * build/cli/concord.cjs (cli/main.ts and all it imports) and its job worker. CommonJS and minified,
 * so that cli/concord.js can load it through V8's code cache (`concord.cjs.v8cache`, written on
 * first use). `sources.json` lists every file the bundle was made from with its modification
 * time; cli/concord.js runs the bundle only while every one of them is unchanged, and the sources
 * themselves otherwise. The bundle sits two folders down, as the sources do (db/import/), so paths
 * they take from their own place hold.
 */
export function cliBuildOptions(outdir = path.join(root, 'build', 'cli')) {
  return {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    minify: true,
    logLevel: 'warning',
    absWorkingDir: root,
    entryPoints: [path.join(root, 'cli/main.ts')],
    outfile: path.join(outdir, 'concord.cjs'),
    external: ['better-sqlite3', 'playwright-core', 'tsx', 'esbuild', 'vite'],
    metafile: true,
    // Modules find files from their own place (import.meta.url); in the bundle that is the bundle's.
    define: { 'import.meta.url': '__concordImportMetaUrl' },
    banner: { js: "const __concordImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
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
  const [cli, worker] = await Promise.all([esbuild.build(cliBuildOptions(outdir)), esbuild.build({ ...workerBuildOptions(outdir), metafile: true })]);
  const inputs = [...new Set([...Object.keys(cli.metafile.inputs), ...Object.keys(worker.metafile.inputs), 'package.json', 'package-lock.json'])].sort();
  const files = Object.fromEntries(inputs.map((f) => [f, statSync(path.join(root, f)).mtimeMs]));
  rmSync(path.join(outdir, 'concord.cjs.v8cache'), { force: true });
  writeFileSync(path.join(outdir, 'sources.json'), `${JSON.stringify({ files }, null, 1)}\n`);
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

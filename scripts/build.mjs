// `node scripts/build.mjs [renderer|electron|all]` (default all):
//   renderer -> build/renderer (vite, config in vite.config.ts)
//   electron -> build/electron/main.cjs and build/electron/preload.cjs (esbuild)
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

export async function buildElectron(outdir) {
  const esbuild = await import('esbuild');
  const opts = electronBuildOptions(outdir);
  const names = await contractMethodNames();
  await Promise.all([esbuild.build(opts.main), esbuild.build({ ...opts.preload, plugins: [contractNamesPlugin(names)] })]);
}

export async function buildRenderer() {
  const vite = await import('vite');
  // vite.config.ts (owned by the renderer) decides the output: build/renderer.
  await vite.build({ configFile: path.join(root, 'vite.config.ts'), logLevel: 'warn' });
}

export async function build(what = 'all') {
  if (!['renderer', 'electron', 'all'].includes(what)) throw new Error(`unknown build target "${what}" (renderer, electron or all)`);
  if (what !== 'electron') await buildRenderer();
  if (what !== 'renderer') await buildElectron();
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  try {
    await build(process.argv[2] ?? 'all');
  } catch (e) {
    console.error(`build: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  }
}

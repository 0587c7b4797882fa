#!/usr/bin/env node
// The `concord` command. It runs the command line built ahead of time (`npm install` builds it:
// scripts/build.mjs cli): the command's own bundle, build/cli/concord-<command>.cjs, or for help,
// --version and unknown names the small dispatcher, build/cli/concord.cjs. It does so while every
// source file that bundle was built from is unchanged (<bundle>.sources.json beside it);
// otherwise, or without a build, it runs the TypeScript sources through tsx, so an edit is never
// run stale and `npx concord` works with no build at all. A bundle is compiled through V8's code
// cache, kept beside it, so a start parses next to nothing.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const root = fileURLToPath(new URL('../', import.meta.url));
const built = `${root}build/cli/`;

/** The bundle to run for these arguments, or undefined when it is missing or a source changed since it was built. */
function currentBundle(argv) {
  try {
    const manifest = (name) => JSON.parse(readFileSync(`${built}${name}.sources.json`, 'utf8'));
    const dispatcher = manifest('concord');
    const name = dispatcher.commands?.includes(argv[0]) ? `concord-${argv[0]}` : 'concord';
    const { files } = name === 'concord' ? dispatcher : manifest(name);
    for (const [file, mtime] of Object.entries(files)) if (statSync(root + file).mtimeMs !== mtime) return undefined;
    const bundle = `${built}${name}.cjs`;
    return Object.keys(files).length > 0 && statSync(bundle).isFile() ? bundle : undefined;
  } catch {
    return undefined;
  }
}

/** Loads a bundle as Node loads a CommonJS module, with V8's cached compilation when there is one. */
function loadBuilt(bundle) {
  const cacheFile = `${bundle}.v8cache`;
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // No cache yet: this run writes it.
  }
  const source = `(function (exports, require, module, __filename, __dirname) {${readFileSync(bundle, 'utf8')}\n})`;
  const script = new vm.Script(source, { filename: bundle, cachedData, importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER });
  const module = { exports: {} };
  script.runInThisContext().call(module.exports, module.exports, createRequire(bundle), module, bundle, dirname(bundle));
  // Written once the command has run, so the functions it compiled are in the cache too.
  const keep = () => {
    if (cachedData && !script.cachedDataRejected) return;
    try {
      writeFileSync(cacheFile, script.createCachedData());
    } catch {
      // A read-only install: start-up simply parses the bundle each time.
    }
  };
  return { main: module.exports.main, keep };
}

const argv = process.argv.slice(2);
const bundle = currentBundle(argv);
if (bundle) {
  const { main, keep } = loadBuilt(bundle);
  process.exitCode = await main(argv);
  keep();
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import('./main.ts');
  process.exitCode = await main(argv);
}

#!/usr/bin/env node
// The `concord` command. It runs build/cli/concord.cjs, the command line built ahead of time
// (`npm install` builds it: scripts/build.mjs cli), while every source file it was built from is
// unchanged (build/cli/sources.json); otherwise, or without a build, it runs the TypeScript
// sources through tsx, so an edit is never run stale and `npx concord` works with no build at all.
// The bundle is compiled through V8's code cache, kept beside it, so a start parses next to nothing.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const root = new URL('../', import.meta.url);
const bundle = fileURLToPath(new URL('build/cli/concord.cjs', root));

function builtAndCurrent() {
  try {
    const { files } = JSON.parse(readFileSync(new URL('build/cli/sources.json', root), 'utf8'));
    for (const [file, mtime] of Object.entries(files)) if (statSync(new URL(file, root)).mtimeMs !== mtime) return false;
    return Object.keys(files).length > 0 && existsSync(bundle);
  } catch {
    return false;
  }
}

/** Loads the bundle as Node loads a CommonJS module, with V8's cached compilation when there is one. */
function loadBuilt() {
  const cacheFile = `${bundle}.v8cache`;
  const cachedData = existsSync(cacheFile) ? readFileSync(cacheFile) : undefined;
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

if (builtAndCurrent()) {
  const { main, keep } = loadBuilt();
  process.exitCode = await main(process.argv.slice(2));
  keep();
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import('./main.ts');
  process.exitCode = await main(process.argv.slice(2));
}

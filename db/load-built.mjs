// Runs a CommonJS bundle built ahead of time (scripts/build.mjs) as Node loads a module, through
// V8's code cache kept beside it (`<bundle>.v8cache`), so that a start parses next to nothing: the
// command line's bundles (cli/concord.js) and the job worker's (db/jobs/worker-boot.mjs). In db/,
// the one place both of them may import from.
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import vm from 'node:vm';

/**
 * Loads `bundle`, with its cached compilation when there is one. `keep()` writes the cache (once)
 * when there was none or V8 refused it (the bundle was built again): called once the bundle has run,
 * so that the functions it compiled are in the cache too. Written whole or not at all (another
 * process may write it at the same moment); a read-only install simply parses each time.
 */
export function loadBuilt(bundle) {
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
  let kept = cachedData !== undefined && !script.cachedDataRejected;
  const keep = () => {
    if (kept) return;
    kept = true;
    const partial = `${cacheFile}.${process.pid}.${Math.random().toString(36).slice(2)}`;
    try {
      writeFileSync(partial, script.createCachedData());
      renameSync(partial, cacheFile);
    } catch {
      // A read-only install: start-up simply parses the bundle each time.
      rmSync(partial, { force: true });
    }
  };
  return { exports: module.exports, keep };
}

#!/usr/bin/env node
// The `concord` command. It runs the command line built ahead of time (`npm install` builds it:
// scripts/build.mjs cli): the command's own bundle, build/cli/concord-<command>.cjs, or for help,
// --version and unknown names the small dispatcher, build/cli/concord.cjs. It does so while every
// source file that bundle was built from is unchanged (<bundle>.sources.json beside it);
// otherwise, or without a build, it runs the TypeScript sources through tsx, so an edit is never
// run stale and `npx concord` works with no build at all. A bundle is compiled through V8's code
// cache, kept beside it, so a start parses next to nothing.
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadBuilt } from '../db/load-built.mjs';

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

const argv = process.argv.slice(2);
const bundle = currentBundle(argv);
if (bundle) {
  const { exports, keep } = loadBuilt(bundle);
  process.exitCode = await exports.main(argv);
  keep();
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import('./main.ts');
  process.exitCode = await main(argv);
}

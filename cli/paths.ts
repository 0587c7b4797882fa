import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository (or installed package) root, for the built renderer and the fixtures: the folder
 * above this module (cli/), or above the built command line (build/cli/concord.mjs).
 */
// outside-ok: the package root itself, one or two folders up from this module, never beside it
export const packageRoot = fileURLToPath(new URL(/\/build\/cli\/[^/]+$/.test(import.meta.url) ? '../..' : '..', import.meta.url));
export const rendererDir = join(packageRoot, 'build', 'renderer');

/** Where `npm run web` keeps its project when no --db is given: $CONCORD_HOME or ~/.concord. */
export function defaultDbPath(): string {
  const dir = process.env.CONCORD_HOME || join(homedir(), '.concord');
  mkdirSync(dir, { recursive: true });
  return join(dir, 'concord.db');
}

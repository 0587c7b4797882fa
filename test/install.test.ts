import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/concord-server.ts';

const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8'));

describe('npm install on a fresh machine', () => {
  it('installs without an engine warning on every Node version package.json accepts', () => {
    // npm warns EBADENGINE when a locked package's engines.node excludes the running Node.
    const floors = (pkg.engines.node as string).split('||').map((r) => semver.minVersion(r.trim())!.version);
    expect(floors).toContain(semver.minVersion(pkg.engines.node)!.version);
    const refused: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages as Record<string, { engines?: { node?: string } }>)) {
      const range = entry.engines?.node;
      if (!range) continue;
      for (const v of floors) if (!semver.satisfies(v, range)) refused.push(`${path} wants node ${range}, not ${v}`);
    }
    expect(refused).toEqual([]);
  });

  it('declares what the CLI and browser mode load at run time as dependencies', () => {
    for (const name of ['better-sqlite3', 'krippendorff', 'zod', 'tsx', 'diff', 'csv-parse']) expect(pkg.dependencies[name], name).toBeDefined();
  });
});

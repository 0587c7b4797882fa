import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { repoRoot } from './concord-server.ts';

/**
 * A Deep-Bench folder of the given format to import: the demo fixtures in the repository when
 * they are there, otherwise the format samples in the shared folder beside the clone (as CI has it).
 */
export function importSample(format: 'dlbench' | 'taxonomy-data'): string {
  const candidates = [join(repoRoot, 'fixtures', 'demo', format), resolve(repoRoot, '..', 'shared', 'formats', 'samples', format)];
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`no ${format} sample to import; looked in ${candidates.join(', ')}`);
  return found;
}

export const demoFixtures = join(repoRoot, 'fixtures', 'demo');

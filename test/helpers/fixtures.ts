import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './concord-server.ts';

/** A Deep-Bench folder of the given format to import: the demo fixtures in the repository. */
export function importSample(format: 'dlbench' | 'taxonomy-data'): string {
  const dir = join(repoRoot, 'fixtures', 'demo', format);
  if (!existsSync(dir)) throw new Error(`no ${format} sample to import: ${dir} is missing`);
  return dir;
}

export const demoFixtures = join(repoRoot, 'fixtures', 'demo');

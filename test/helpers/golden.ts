import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

/** Golden files for export tests: fixtures/golden/<name>. `UPDATE_GOLDEN=1` rewrites them (review the diff). */
export const goldenDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'golden');

export function checkGolden(name: string, content: string | Uint8Array): void {
  const file = join(goldenDir, name);
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, bytes);
  }
  if (!existsSync(file)) throw new Error(`golden file fixtures/golden/${name} is missing (run with UPDATE_GOLDEN=1 and review it)`);
  const want = readFileSync(file);
  if (typeof content === 'string') expect(content).toBe(want.toString('utf8'));
  else expect(Buffer.compare(bytes, want)).toBe(0);
}

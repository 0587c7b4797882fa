import { defineConfig } from 'vitest/config';

// Unit and integration tests sit beside their source; end-to-end specs live in test/e2e
// and run with vitest.e2e.config.ts (they need the built renderer and Chromium).
export default defineConfig({
  test: {
    include: ['test/*.test.ts', 'test/reliability/**/*.test.ts', 'shared/**/*.test.ts', 'db/**/*.test.ts', 'cli/**/*.test.ts', 'electron/**/*.test.ts', 'renderer/**/*.test.ts', 'renderer/**/*.test.tsx', 'scripts/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    pool: 'forks',
  },
});

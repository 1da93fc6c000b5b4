import { defineConfig } from 'vitest/config';

// Browser tests (npm run test:e2e): headless Debian chromium via playwright-core.
// Kept out of the main `npm test` (vitest.config.ts excludes test/e2e).
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});

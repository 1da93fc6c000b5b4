import { configDefaults, defineConfig } from 'vitest/config';
import { strategyResolverPlugin } from './test/helpers/strategy-resolver-plugin.ts';

export default defineConfig({
  // 'nolock-bench/strategy' and 'zod' for strategy files outside the repository, as the CLI resolves them.
  plugins: [strategyResolverPlugin()],
  test: {
    include: ['test/**/*.test.ts'],
    // Browser tests run with `npm run test:e2e` (vitest.e2e.config.ts).
    exclude: [...configDefaults.exclude, 'test/e2e/**'],
    testTimeout: 60_000,
    pool: 'forks',
  },
});

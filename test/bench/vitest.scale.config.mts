import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

/**
 * `npm run bench:scale`: the national-scale benchmark only. Not part of `npm test`
 * (whose include is test/**\/*.test.ts); it starts its own PostgreSQL, so no globalSetup.
 */
export default defineConfig({
  resolve: {
    // Same as vitest.config.mts: one copy of graphql (the CJS one) for type-graphql, Apollo and us.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['test/bench/scale.bench.ts'],
    pool: 'forks',
    fileParallelism: false,
    // The results table is the output: let it through as printed, not buffered per test.
    disableConsoleIntercept: true,
    testTimeout: 900_000,
    hookTimeout: 180_000,
  },
});

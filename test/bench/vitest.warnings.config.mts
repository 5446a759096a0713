import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

/**
 * `npm run bench:warnings`: the live-warnings fan-out benchmark only (docs/benchmarks.md).
 * Not part of `npm test`; it starts its own PostgreSQL and server processes, so no globalSetup.
 * The servers run from dist/: the npm script builds first.
 */
export default defineConfig({
  resolve: {
    // Same as vitest.config.mts: one copy of graphql (the CJS one) for type-graphql, Apollo and us.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['test/bench/warnings.bench.ts'],
    pool: 'forks',
    fileParallelism: false,
    // The results table is the output: let it through as printed, not buffered per test.
    disableConsoleIntercept: true,
    testTimeout: 600_000,
    hookTimeout: 180_000,
  },
});

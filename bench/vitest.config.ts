import { defineConfig } from 'vitest/config';

/** Benchmarks that take too long for the unit suite: `npx vitest run --config bench/vitest.config.ts`. */
export default defineConfig({
  test: {
    include: ['bench/**/*.bench-test.ts'],
    setupFiles: ['tests/unit/setup-tf.ts'],
    environment: 'node',
    testTimeout: 600_000,
    pool: 'forks',
  },
});

// `pnpm test:chaos` (scripts/chaos.sh): the chaos tests at full strength, one file at a
// time so that timings and memory readings are not skewed by another lab running beside.
// The same *.test.ts files also run in `pnpm test`, at the short profile; *.chaos.ts (the
// soak) only here.
import { defineConfig } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared';

export default defineConfig({
  ...sharedConfig,
  test: {
    ...sharedConfig.test,
    include: ['test/chaos/**/*.test.ts', 'test/chaos/**/*.chaos.ts'],
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 180_000,
    reporters: ['default', ['json', { outputFile: '.chaos-results.json' }]],
  },
});

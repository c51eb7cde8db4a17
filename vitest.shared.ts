// Shared vitest settings: tests import workspace packages from source, so a
// package's tests never depend on another package's stale dist/.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));
const pkg = (name: string) => `${root}packages/${name}/src/index.ts`;

export const sharedConfig = defineConfig({
  resolve: {
    alias: {
      '@paqet/wire': pkg('wire'),
      '@paqet/kcp': pkg('kcp'),
      '@paqet/rawsock': pkg('rawsock'),
      '@paqet/proxy': pkg('proxy'),
      '@paqet/quic': pkg('quic'),
      '@paqet/testkit': pkg('testkit'),
    },
  },
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    include: ['test/**/*.test.ts'],
    // The JSON report feeds the one-line total that scripts/test.sh prints.
    reporters: ['default', ['json', { outputFile: '.test-results.json' }]],
    benchmark: { include: ['bench/**/*.bench.ts'] },
  },
});

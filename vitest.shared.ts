// Shared vitest settings: tests import workspace packages from source, so a
// package's tests never depend on another package's stale dist/.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));
const published = 'wire|kcp|rawsock|proxy|quic|testkit';

export const sharedConfig = defineConfig({
  resolve: {
    // `@paqet/x` is src/index.ts; a subpath export `@paqet/x/y` is src/y/index.ts.
    alias: [
      { find: new RegExp(`^@paqet/(${published})$`), replacement: `${root}packages/$1/src/index.ts` },
      { find: new RegExp(`^@paqet/(${published})/([a-z-]+)$`), replacement: `${root}packages/$1/src/$2/index.ts` },
    ],
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

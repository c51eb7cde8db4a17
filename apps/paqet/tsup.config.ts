import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };
const git = (cmd: string) => {
  try {
    return execSync(cmd, { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim() || 'unknown';
  } catch {
    return 'unknown';
  }
};
const buildTime = new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');

export default defineConfig({
  entry: ['src/cli.ts'],
  format: ['esm'],
  dts: false,
  sourcemap: true,
  clean: true,
  target: 'node20',
  // A 2 MiB young generation: paqet makes short-lived garbage per datagram (node:crypto
  // output buffers), and V8's default semi-space growth takes the peak RSS of a busy
  // daemon from ~100 to ~160 MB with no throughput gain (docs/PERFORMANCE.md).
  // --optimize-for-size: V8 lets the old generation grow less before collecting it; the
  // server's peak RSS at bulk load fell from 97-109 to 92-97 MB (medians), with the same
  // throughput and CPU per GB in alternating lab runs (bench/notes.md, sixth pass).
  banner: { js: '#!/usr/bin/env -S node --max-semi-space-size=2 --optimize-for-size' },
  define: {
    __PAQET_BUILD__: JSON.stringify({
      version: `v${pkg.version}`,
      gitTag: git('git describe --tags --exact-match'),
      gitCommit: git('git rev-parse HEAD'),
      buildTime,
    }),
  },
});

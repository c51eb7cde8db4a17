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
  banner: { js: '#!/usr/bin/env node' },
  define: {
    __PAQET_BUILD__: JSON.stringify({
      version: `v${pkg.version}`,
      gitTag: git('git describe --tags --exact-match'),
      gitCommit: git('git rev-parse HEAD'),
      buildTime,
    }),
  },
});

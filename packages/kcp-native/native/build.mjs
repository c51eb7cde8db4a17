// Builds the addon at install with the node-gyp that the package manager ships. A failed
// build does not fail the install: @paqet/kcp's own ciphers still work, and
// nativeCipherUnavailableReason() says why this one is missing.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

function nodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    '/usr/lib/node_modules/pnpm/dist/node_modules/node-gyp/bin/node-gyp.js',
    '/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js',
    '/usr/local/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js',
  ];
  return candidates.find((p) => p && existsSync(p));
}

const gyp = nodeGyp();
if (!gyp) {
  console.warn("@paqet/kcp-native: node-gyp not found; the addon is not built (@paqet/kcp's own ciphers still work)");
  process.exit(0);
}
// Headers of the running node (OpenSSL and zlib included) when its install has them, so
// node-gyp needs no download; otherwise node-gyp's own rules apply.
const prefix = join(dirname(process.execPath), '..');
const args = [gyp, 'rebuild'];
if (!process.env.npm_config_nodedir && existsSync(join(prefix, 'include/node/node_api.h'))) args.push(`--nodedir=${prefix}`);
const r = spawnSync(process.execPath, args, { cwd: here, stdio: 'inherit', env: process.env });
if (r.status !== 0) {
  console.warn(`@paqet/kcp-native: building the addon failed (see above); @paqet/kcp's own ciphers still work. Needs g++ and make; then run: node ${join(here, 'build.mjs')}`);
}

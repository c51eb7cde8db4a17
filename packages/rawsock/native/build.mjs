// Builds the AF_PACKET addon at install (Linux only) with the node-gyp that the package
// manager ships. A failed build does not fail the install: the libpcap backend (cap)
// still works, and choosing `afpacket` then says why it is missing.
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

if (process.platform !== 'linux') process.exit(0);
const gyp = nodeGyp();
if (!gyp) {
  console.warn('@paqet/rawsock: node-gyp not found; the afpacket backend is not built (the pcap backend still works)');
  process.exit(0);
}
// Headers of the running node, when its install has them (Debian's nodejs, official
// tarballs), so node-gyp needs no download; otherwise node-gyp's own rules apply.
const prefix = join(dirname(process.execPath), '..');
const args = [gyp, 'rebuild'];
if (!process.env.npm_config_nodedir && existsSync(join(prefix, 'include/node/node_api.h'))) args.push(`--nodedir=${prefix}`);
const r = spawnSync(process.execPath, args, { cwd: here, stdio: 'inherit', env: process.env });
if (r.status !== 0) {
  console.warn(`@paqet/rawsock: building the afpacket addon failed (see above); the pcap backend still works. Needs g++, make and libpcap-dev; then run: node ${join(here, 'build.mjs')}`);
}

#!/bin/sh
# Bundle bench/wan-sim.ts with @paqet/kcp from source (testkit and wire from their builds:
# pnpm build first) and run it.
cd "$(dirname "$0")/.." || exit 1
ESBUILD=$(ls -d ../../node_modules/.pnpm/esbuild@*/node_modules/esbuild/bin/esbuild | head -1)
"$ESBUILD" bench/wan-sim.ts --bundle --platform=node --format=esm --target=node20 --outfile=/tmp/paqet-wan-sim.mjs \
  --alias:@paqet/kcp=./src/index.ts --log-level=warning &&
  node /tmp/paqet-wan-sim.mjs

#!/bin/sh
# Bundle src into /tmp for loopback-profile.mjs / memory-cpu.mjs without touching dist (no d.ts step).
cd "$(dirname "$0")/.." || exit 1
OUT=${1:-/tmp/kcp-prof}
ESBUILD=$(ls -d ../../node_modules/.pnpm/esbuild@*/node_modules/esbuild/bin/esbuild | head -1)
"$ESBUILD" src/index.ts --bundle --platform=node --format=esm --target=node20 --outfile="$OUT/index.js" --log-level=warning &&
  "$ESBUILD" bench/memory-entry.ts --bundle --platform=node --format=esm --target=node20 --outfile="$OUT/mem.js" --log-level=warning

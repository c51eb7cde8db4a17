#!/usr/bin/env bash
# Packs every published package of this repository and installs them with plain npm into
# DEST (a self-contained folder, no registry needed for @paqet/*): DEST/node_modules/.bin/paqet.
# Used by deploy/docker/Dockerfile and by apps/paqet/test/install.test.ts.
#   bash scripts/install-local.sh /opt/paqet
set -euo pipefail
dest=${1:?usage: install-local.sh DEST}
repo="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$dest/tarballs"
dest="$(cd "$dest" && pwd)"
for dir in "$repo"/packages/* "$repo"/apps/*; do
  [ -f "$dir/package.json" ] || continue
  node -e 'process.exit(require(process.argv[1]).private ? 1 : 0)' "$dir/package.json" || continue
  (cd "$dir" && pnpm pack --pack-destination "$dest/tarballs" >/dev/null)
done
cd "$dest"
[ -f package.json ] || echo '{ "name": "paqet-install", "private": true }' > package.json
# All tarballs in one command: each @paqet dependency is satisfied by its sibling tarball.
npm install --no-audit --no-fund --omit=dev "$dest"/tarballs/*.tgz >/dev/null
echo "$dest/node_modules/.bin/paqet"

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
node "$repo/scripts/pack-workspace.mjs" "$dest/tarballs" >/dev/null
cd "$dest"
[ -f package.json ] || echo '{ "name": "paqet-install", "private": true }' > package.json
# All tarballs in one command: each @paqet dependency is satisfied by its sibling tarball.
npm install --no-audit --no-fund --omit=dev "$dest"/tarballs/*.tgz >/dev/null
# Plain npm installs dependencies as published; the ones this repository patches (pnpm
# patchedDependencies, patches/NAME@VERSION.patch: cap's crash fixes) get the same patch and a rebuild.
for p in "$repo"/patches/*.patch; do
  [ -e "$p" ] || continue
  spec=$(basename "$p" .patch) name=${spec%@*} version=${spec##*@}
  installed=$(node -p 'require(process.argv[1]).version' "$dest/node_modules/$name/package.json")
  [ "$installed" = "$version" ] || { echo "install-local: $p is for $name $version, npm installed $installed" >&2; exit 1; }
  patch -p1 --forward --silent -d "$dest/node_modules/$name" < "$p"
  npm rebuild --no-audit --no-fund "$name" >/dev/null
done
echo "$dest/node_modules/.bin/paqet"

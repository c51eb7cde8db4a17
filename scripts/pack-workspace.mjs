#!/usr/bin/env node
// Packs the workspace's published (non-private) packages with pnpm pack (workspace:
// ranges become versions), one routine for every user: scripts/install-local.sh (the
// Dockerfile's install), @paqet/testkit's packWorkspace (install and examples tests).
//   node scripts/pack-workspace.mjs DEST [NAME...]   packs into DEST, prints one tarball path a line
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Packs every non-private package under packages/ and apps/ (only those named in `names`,
 * when given) into `destination`.
 * @param {string} destination
 * @param {readonly string[]} [names]
 * @returns {{ name: string, version: string, tarball: string }[]}
 */
export function packWorkspace(destination, names) {
  mkdirSync(destination, { recursive: true });
  const packed = [];
  for (const group of ['packages', 'apps']) {
    for (const dir of readdirSync(join(root, group)).sort()) {
      const pkgDir = join(root, group, dir);
      let manifest;
      try {
        manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
      } catch {
        continue;
      }
      if (manifest.private || (names && !names.includes(manifest.name))) continue;
      const out = execFileSync('pnpm', ['pack', '--pack-destination', destination], { cwd: pkgDir, encoding: 'utf8' });
      const tarball = out.trim().split('\n').pop().trim();
      packed.push({ name: manifest.name, version: manifest.version, tarball: resolve(pkgDir, tarball) });
    }
  }
  if (names) {
    const missing = names.filter((n) => !packed.some((p) => p.name === n));
    if (missing.length) throw new Error(`pack-workspace: no published package named ${missing.join(', ')}`);
  }
  return packed;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [destination, ...names] = process.argv.slice(2);
  if (!destination) {
    console.error('usage: node scripts/pack-workspace.mjs DEST [NAME...]');
    process.exit(2);
  }
  for (const p of packWorkspace(resolve(destination), names.length ? names : undefined)) console.log(p.tarball);
}

/**
 * Child processes that run inside lab namespaces cannot use vitest's TypeScript
 * loader, so their entry files are bundled (from source, like the tests) with the
 * package's esbuild (a devDependency) into test/.build/*.cjs. `cap` stays external: it is native.
 */
import { mkdirSync } from 'node:fs';
import { buildSync } from 'esbuild';
import { basename, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const pkgDir = resolve(here, '../..');
const repoRoot = resolve(pkgDir, '../..');
const outDir = resolve(pkgDir, 'test/.build');

const built = new Map<string, string>();

/**
 * Bundles `entry` (relative to packages/rawsock) and returns the output path. `intoDir`
 * places the bundle elsewhere (outside the package, `cap` cannot be resolved).
 */
export function bundleEntry(entry: string, intoDir = outDir): string {
  const key = `${entry}@${intoDir}`;
  const cached = built.get(key);
  if (cached) return cached;
  mkdirSync(intoDir, { recursive: true });
  const out = resolve(intoDir, `${basename(entry).replace(/\.ts$/, '')}-${process.pid}.cjs`);
  const alias = Object.fromEntries(
    ['wire', 'rawsock', 'testkit', 'kcp'].map((p) => [`@paqet/${p}`, `${repoRoot}/packages/${p}/src/index.ts`]),
  );
  buildSync({
    entryPoints: [resolve(pkgDir, entry)],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['cap'],
    outfile: out,
    logLevel: 'error',
    alias,
  });
  built.set(key, out);
  return out;
}

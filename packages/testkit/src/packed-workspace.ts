/**
 * Packs the workspace's published packages into tarballs and serves them as a tiny
 * npm registry for the `@paqet` scope on loopback, so tests can install them with
 * plain npm exactly as users would after a publish: `npm install --@paqet:registry=URL`.
 * Every other package still comes from the configured npm registry.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packWorkspace as packInto } from '../../../scripts/pack-workspace.mjs';

export interface PackedPackage {
  name: string;
  version: string;
  tarball: string;
}

/**
 * Every non-private package of the workspace (or only those named), packed by pnpm
 * (workspace: ranges become versions). The routine is scripts/pack-workspace.mjs, which
 * scripts/install-local.sh (the Dockerfile's install) runs too.
 */
export function packWorkspace(destination = mkdtempSync(join(tmpdir(), 'paqet-pack-')), names?: readonly string[]): PackedPackage[] {
  return packInto(destination, names);
}

export interface ScopeRegistry {
  url: string;
  close(): Promise<void>;
}

/** Serves packuments and tarballs of `packages` (one version each) on 127.0.0.1. */
export async function serveScopeRegistry(packages: PackedPackage[]): Promise<ScopeRegistry> {
  const byName = new Map(packages.map((p) => [p.name, p]));
  let base = '';
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]!);
    if (path.startsWith('/-/tarball/')) {
      const pkg = byName.get(path.slice('/-/tarball/'.length));
      if (!pkg) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(readFileSync(pkg.tarball));
      return;
    }
    const pkg = byName.get(path.slice(1));
    if (!pkg) return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
    const data = readFileSync(pkg.tarball);
    const manifest = tarballManifest(pkg.tarball);
    const packument = {
      name: pkg.name,
      'dist-tags': { latest: pkg.version },
      versions: {
        [pkg.version]: {
          ...manifest,
          dist: {
            tarball: `${base}/-/tarball/${pkg.name}`,
            shasum: createHash('sha1').update(data).digest('hex'),
            integrity: `sha512-${createHash('sha512').update(data).digest('base64')}`,
          },
        },
      },
    };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(packument));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url: base, close: () => new Promise((ok) => server.close(() => ok())) };
}

/** package.json inside a tarball (tar's own reader: no extra dependency). */
function tarballManifest(tarball: string): Record<string, unknown> {
  return JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }));
}

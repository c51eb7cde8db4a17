/**
 * `npm install -g paqet` from this repository's packed tarballs gives a working `paqet`
 * executable: every published workspace package is packed with pnpm, served by a loopback
 * registry for the @paqet scope (everything else comes from the npm registry, as for a user),
 * installed with npm into an empty prefix, and run. Needs the npm registry and a toolchain
 * for `cap` (scripts/setup.sh installs it).
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packWorkspace, serveScopeRegistry, type ScopeRegistry } from '@paqet/testkit';

const REPO = fileURLToPath(new URL('../../..', import.meta.url));
let dir: string;
let registry: ScopeRegistry;
let bin: string;
let installed: string;

/** True when Node `version` satisfies an engines range of the forms npm packages use here. */
function nodeSatisfies(version: number[], range: string): boolean {
  const cmp = (a: number[], b: number[]) => a[0]! - b[0]! || a[1]! - b[1]! || a[2]! - b[2]!;
  const parse = (t: string) => [...t.split('.').map(Number), 0, 0].slice(0, 3);
  return range.split('||').some((alt) =>
    alt.trim().split(/\s+(?=[<>^=~])/).every((c) => {
      const m = /^(>=|>|\^|~|<=|<|=)?\s*v?([\d.x*]+)$/.exec(c.trim());
      if (!m) return false;
      const want = parse(m[2]!.replace(/[x*]/g, '0'));
      const d = cmp(version, want);
      switch (m[1]) {
        case '>=': return d >= 0;
        case '>': return d > 0;
        case '<': return d < 0;
        case '<=': return d <= 0;
        case '^': return version[0] === want[0] && d >= 0;
        case '~': return version[0] === want[0] && version[1] === want[1] && d >= 0;
        default: return version[0] === want[0];
      }
    }),
  );
}

function* packageJsons(nodeModules: string): Generator<{ name: string; engines?: { node?: string } }> {
  for (const entry of readdirSync(nodeModules)) {
    if (entry.startsWith('.')) continue;
    const names = entry.startsWith('@') ? readdirSync(join(nodeModules, entry)).map((n) => join(entry, n)) : [entry];
    for (const n of names) {
      const dir = join(nodeModules, n);
      if (!existsSync(join(dir, 'package.json'))) continue;
      yield JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      if (existsSync(join(dir, 'node_modules'))) yield* packageJsons(join(dir, 'node_modules'));
    }
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'paqet-install-'));
  const packed = packWorkspace(join(dir, 'tarballs'));
  registry = await serveScopeRegistry(packed);
  const app = packed.find((p) => p.name === 'paqet');
  if (!app) throw new Error('apps/paqet was not packed');
  const prefix = join(dir, 'prefix');
  // Asynchronous: the registry answers from this same process.
  await promisify(execFile)('npm', ['install', '-g', '--prefix', prefix, `--@paqet:registry=${registry.url}`, '--no-audit', '--no-fund', app.tarball], {
    cwd: dir,
    timeout: 300_000,
  });
  bin = join(prefix, 'bin', 'paqet');
  installed = join(prefix, 'lib', 'node_modules');
}, 360_000);

afterAll(async () => {
  await registry?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('npm install -g paqet from the packed tarballs', () => {
  it('installs an executable that prints its version', () => {
    const version = JSON.parse(readFileSync(join(REPO, 'apps/paqet/package.json'), 'utf8')).version as string;
    const out = execFileSync(bin, ['version'], { encoding: 'utf8' });
    expect(out).toContain(`v${version}`);
  });

  it('declares an engines range no looser than any installed dependency needs', () => {
    const ours = JSON.parse(readFileSync(join(installed, 'paqet/package.json'), 'utf8')).engines.node as string;
    const minimum = /^>=\s*([\d.]+)$/.exec(ours)![1]!.split('.').map(Number);
    const tooNew = [...packageJsons(installed)]
      .filter((p) => p.engines?.node && !nodeSatisfies([...minimum, 0, 0].slice(0, 3), p.engines.node))
      .map((p) => `${p.name} needs node ${p.engines!.node}`);
    expect(tooNew).toEqual([]);
  });

  it('checks a config with `run --check`', () => {
    const yaml = join(dir, 'server.yaml');
    writeFileSync(
      yaml,
      [
        'role: "server"',
        'listen: { addr: ":9999" }',
        'network:',
        '  interface: "lo"',
        '  ipv4: { addr: "127.0.0.1:9999", router_mac: "02:00:00:00:00:01" }',
        'transport:',
        '  protocol: "kcp"',
        '  kcp: { block: "aes", key: "install-test-key" }',
        '',
      ].join('\n'),
    );
    const out = execFileSync(bin, ['run', '--check', '-c', yaml], { encoding: 'utf8' });
    expect(out).toMatch(/server/i);
    // npm ran @paqet/rawsock's install script: the AF_PACKET addon was built from the packed sources.
    if (process.platform === 'linux') expect(out).toContain('backend auto (afpacket here)');
  });
});

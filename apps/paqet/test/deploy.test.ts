/**
 * The deployment files: the systemd unit passes `systemd-analyze verify` with no warning, and
 * the folder install the Dockerfile runs (scripts/install-local.sh) gives a working `paqet`.
 * Docker itself cannot run on this machine; its build steps are these.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../../..', import.meta.url));
const CLI = join(REPO, 'apps/paqet/dist/cli.js');
const hasSystemdAnalyze = spawnSync('systemd-analyze', ['--version']).status === 0;
const dirs: string[] = [];
const tempDir = (tag: string) => {
  const d = mkdtempSync(join(tmpdir(), tag));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('systemd unit', () => {
  const unit = readFileSync(join(REPO, 'deploy/systemd/paqet@.service'), 'utf8');

  it('runs unprivileged with only CAP_NET_RAW and CAP_NET_ADMIN, restarting on failure', () => {
    expect(unit).toMatch(/^User=paqet$/m);
    expect(unit).toMatch(/^AmbientCapabilities=CAP_NET_RAW CAP_NET_ADMIN$/m);
    expect(unit).toMatch(/^CapabilityBoundingSet=CAP_NET_RAW CAP_NET_ADMIN$/m);
    expect(unit).toMatch(/^Restart=on-failure$/m);
  });

  it.skipIf(!hasSystemdAnalyze)('passes systemd-analyze verify without a warning', () => {
    const dir = tempDir('paqet-unit-');
    // verify checks that ExecStart exists: point it at the built CLI.
    writeFileSync(join(dir, 'paqet@server.service'), unit.replace('/usr/local/bin/paqet', CLI));
    const r = spawnSync('systemd-analyze', ['verify', join(dir, 'paqet@server.service')], { encoding: 'utf8' });
    expect(r.stderr.trim()).toBe('');
    expect(r.status).toBe(0);
  });
});

describe('scripts/install-local.sh (the Dockerfile build step)', () => {
  it('installs a working paqet from the packed tarballs into a folder', async () => {
    const dest = tempDir('paqet-local-');
    const { stdout } = await promisify(execFile)('bash', [join(REPO, 'scripts/install-local.sh'), dest], { timeout: 300_000 });
    const bin = stdout.trim().split('\n').pop()!;
    expect(bin).toBe(join(dest, 'node_modules/.bin/paqet'));
    const { stdout: version } = await promisify(execFile)(bin, ['version']);
    expect(version).toMatch(/^Version:\s+v\d+\.\d+\.\d+/m);
    // cap carries this repository's patch (patches/): send on a handle never opened throws
    // instead of dereferencing a null pcap handle, as cap 0.2.1 as published does.
    const probe = `try { new (require(${JSON.stringify(join(dest, 'node_modules/cap'))}).Cap)().send(Buffer.alloc(1)) } catch (e) { console.log(e.message) }`;
    const { stdout: capProbe } = await promisify(execFile)(process.execPath, ['-e', probe]);
    expect(capProbe.trim()).toBe('Not currently open');
  }, 360_000);
});

/**
 * The published libraries work outside this workspace: @paqet/wire, kcp, kcp-native, rawsock and proxy
 * are packed (pnpm pack), installed with npm into an empty project in a temp directory, and
 * the examples run against the installed tarballs: the encrypted KCP echo over UDP (5 MB by
 * sha256), the port forwarder from kcp + proxy, and the raw-packet tunnel from rawsock + kcp
 * between two lab namespaces (needs root; under CI=true a missing lab fails the test).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labUnavailableReason, startLab, type Lab } from '../src/lab.js';
import { packWorkspace } from '../src/packed-workspace.js';

const repo = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const LIBRARIES = ['wire', 'kcp', 'kcp-native', 'rawsock', 'proxy'];
const EXAMPLES = ['kcp-echo/echo.mjs', 'port-forward/forward.mjs', 'port-forward/demo.mjs', 'raw-tunnel/tunnel.mjs'];
let project = '';

function node(args: string[], timeout = 120_000): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, args, { cwd: project, encoding: 'utf8', timeout });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('the packed libraries, installed with npm outside the workspace', () => {
  beforeAll(() => {
    project = mkdtempSync(join(tmpdir(), 'paqet-packed-'));
    const tarballs = packWorkspace(project, LIBRARIES.map((lib) => `@paqet/${lib}`)).map((p) => p.tarball);
    expect(tarballs).toHaveLength(LIBRARIES.length);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'paqet-consumer', private: true, type: 'module' }));
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs], {
      cwd: project,
      stdio: 'pipe',
      timeout: 600_000,
    });
    for (const example of EXAMPLES) copyFileSync(join(repo, 'examples', example), join(project, example.split('/')[1]!));
  }, 900_000);

  afterAll(() => {
    if (project) rmSync(project, { recursive: true, force: true });
  });

  it.skipIf(process.platform !== 'linux')('rawsock: npm built the AF_PACKET addon from the packed sources at install', () => {
    const r = node(['--input-type=module', '-e', "const m = await import('@paqet/rawsock'); console.log(m.afPacketUnavailableReason() ?? 'afpacket ok')"]);
    expect(r.out.trim()).toBe('afpacket ok');
    expect(r.code).toBe(0);
  });

  it('kcp-native: npm built its addon at install, and it seals what @paqet/kcp opens', () => {
    const script = [
      "const { nativeCipherUnavailableReason, preferNativeCiphers, NativeCrcEnvelopeCipher } = await import('@paqet/kcp-native');",
      "const { createDatagramCipher, deriveKey } = await import('@paqet/kcp/crypto');",
      "const key = deriveKey('packed'); const sealer = preferNativeCiphers('aes', key)();",
      "const buf = new Uint8Array(64); buf.set(Buffer.from('hi'), 20);",
      "const opened = createDatagramCipher('aes', key).open(buf.subarray(0, sealer.seal(buf, 2)));",
      "console.log(nativeCipherUnavailableReason() ?? 'native ok', sealer instanceof NativeCrcEnvelopeCipher, Buffer.from(opened).toString());",
    ].join('\n');
    const r = node(['--input-type=module', '-e', script]);
    expect(r.out.trim()).toBe('native ok true hi');
    expect(r.code).toBe(0);
  });

  it('kcp-echo: an encrypted KCP echo over UDP with createServer/connect, 5 MB by sha256', () => {
    const r = node(['echo.mjs', '5']);
    expect(r.out).toMatch(/echoed 5242880 bytes/);
    expect(r.out).toMatch(/sha256 ok/);
    expect(r.code).toBe(0);
  });

  it('port-forward: TCP through a forwarder built from @paqet/kcp + @paqet/proxy, by sha256', () => {
    const r = node(['demo.mjs']);
    expect(r.out).toMatch(/forwarded 2097152 bytes through KCP, sha256 ok/);
    expect(r.code).toBe(0);
  });

  const labMissing = labUnavailableReason();
  it.skipIf(labMissing !== null && process.env.CI !== 'true')('raw-tunnel: @paqet/rawsock + @paqet/kcp between two namespaces, no app', async () => {
    const lab: Lab = await startLab(`pk${process.pid % 100000}`);
    try {
      const server = lab.spawn('server', [process.execPath, join(project, 'tunnel.mjs'), 'server', lab.server.link.interface, lab.server.link.ipv4, '9999', lab.server.peerMac, 'raw-key'], {
        cwd: project,
      });
      let serverOut = '';
      server.stderr?.on('data', (d: Buffer) => (serverOut += d));
      await new Promise<void>((resolveListening, reject) => {
        server.stdout?.on('data', (d: Buffer) => {
          serverOut += d;
          if (serverOut.includes('listening on')) resolveListening();
        });
        server.once('exit', (code) => reject(new Error(`server exited (${code}): ${serverOut}`)));
      });
      const client = await lab.exec(
        'client',
        [process.execPath, join(project, 'tunnel.mjs'), 'client', lab.client.link.interface, lab.client.link.ipv4, lab.client.peerMac, `${lab.server.link.ipv4}:9999`, 'raw-key', '2'],
        { timeoutMs: 120_000 },
      );
      expect(client.stdout + client.stderr).toMatch(/echoed 2097152 bytes through raw packets .* sha256 ok/);
      expect(client.code).toBe(0);
      server.kill('SIGTERM');
    } finally {
      await lab.stop();
    }
  }, 300_000);
});

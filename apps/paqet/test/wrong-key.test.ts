/**
 * A wrong key or cipher says so while it happens: a client with another key sends to a real
 * server in the lab, and within one period the server warns, naming the client's address and
 * the likely cause; counting stops once nothing more arrives.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { labUnavailableReason, startLab, type Lab } from '@paqet/testkit';
import { IntegrityWatch } from '../src/daemon/integrity-watch.js';
import { Logger } from '../src/log/logger.js';
import { CLI, spawnDaemon, until } from './lab-daemon.js';

describe('IntegrityWatch', () => {
  it('warns once per period with fresh failures, naming the latest source', () => {
    const lines: string[] = [];
    const logger = new Logger('info', { write: (s) => lines.push(s) });
    let failures = 0;
    const watch = new IntegrityWatch(logger, () => ({ failures, lastSource: { address: '192.0.2.7', port: 40000 } }), 'aes', 60_000);
    watch.check(10_000);
    failures = 12;
    watch.check(10_000);
    watch.check(10_000);
    watch.stop();
    logger.flush();
    expect(lines.join('')).toMatch(/\[WARN\] 12 datagrams failed the integrity check in the last 10s, latest from 192\.0\.2\.7:40000: that peer most likely uses a different transport\.kcp\.key or block \(ours: aes\)/);
    expect(lines.join('').match(/WARN/g)).toHaveLength(1);
  });
});

const unavailable = labUnavailableReason();
if (unavailable && process.env.CI === 'true') throw new Error(`lab required in CI: ${unavailable}`);

describe.skipIf(Boolean(unavailable))('wrong key in the lab', () => {
  let lab: Lab;
  let dir: string;
  afterAll(async () => {
    await lab?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the server warns about the client with the other key, by address', async () => {
    if (!existsSync(CLI)) execFileSync('pnpm', ['--filter', 'paqet...', 'build'], { stdio: 'ignore' });
    dir = mkdtempSync(join(tmpdir(), 'paqet-wrongkey-'));
    lab = await startLab(`pqwk${process.pid}`);
    writeFileSync(join(dir, 's.yaml'), `role: server\nlog: { level: info }\nlisten: { addr: ":9999" }\nnetwork:\n  interface: pqs0\n  ipv4: { addr: "10.200.1.2:9999", router_mac: "${lab.server.peerMac}" }\ntransport: { protocol: kcp, kcp: { block: aes, key: right-key } }\n`);
    writeFileSync(join(dir, 'c.yaml'), `role: client\nlog: { level: info }\nsocks5: [ { listen: "127.0.0.1:1080" } ]\nnetwork:\n  interface: pqc0\n  ipv4: { addr: "10.200.1.1:0", router_mac: "${lab.client.peerMac}" }\nserver: { addr: "10.200.1.2:9999" }\ntransport: { protocol: kcp, kcp: { block: aes, key: wrong-key } }\n`);
    const server = spawnDaemon(lab, 'server', ['run', '-c', join(dir, 's.yaml')]);
    await until('server up', () => server.out().includes('server listening'), 30_000).catch((e: Error) => { throw new Error(`${e.message}: ${server.out()}`); });
    const client = spawnDaemon(lab, 'client', ['run', '-c', join(dir, 'c.yaml')]);
    await until('client up', () => client.out().includes('SOCKS5'), 20_000);
    // A request makes the client send; the server cannot open a single datagram of it.
    void lab.exec('client', ['curl', '-sS', '--max-time', '5', '--socks5-hostname', '127.0.0.1:1080', 'http://10.200.2.2:8000/'], { timeoutMs: 8000 });
    await until('the warning', () => server.out().includes('failed the integrity check'), 30_000);
    expect(server.out()).toMatch(/\[WARN\] \d+ datagrams failed the integrity check in the last 10s, latest from 10\.200\.1\.1:\d+: that peer most likely uses a different transport\.kcp\.key or block \(ours: aes\)/);
    client.child.kill('SIGTERM');
    server.child.kill('SIGTERM');
    expect(await client.exited).toBe(0);
    expect(await server.exited).toBe(0);
  });
});

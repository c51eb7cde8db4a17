/**
 * Fork mode over QUIC end to end in the namespace lab, with real processes of
 * our daemon: a fork-mode client (`transport.header: gob`, transport.protocol
 * left empty, which in fork mode is the fork's QUIC, insecure_skip_verify as
 * the fork's clients run) against our server in the fork-compatible insecure
 * mode, and on the same server port an upstream-mode KCP client
 * (`transport.protocol: kcp+quic` on the server). 20 MB through SOCKS5 by
 * sha256, alone and both clients at once. Root only; in CI a missing
 * capability is a failure.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import type { Lab } from '@paqet/testkit';
import { curl, describeLab, expectParallelDownloads, labForSuite, MB20, portOpen, sha256, spawnDaemon, startTargets, until, type LabDaemon as Daemon } from './lab-daemon.js';


const KCP_KEY = 'e2e-fork-quic-kcp-key';
const FORK_SOCKS = 1080;
const UPSTREAM_SOCKS = 1081;

let lab: Lab;
let dir: string;
let wantSha: string;
let server: Daemon;
let forkClient: Daemon;
let upstreamClient: Daemon;
const yaml = { server: '', fork: '', upstream: '' };

function writeConfigs(): void {
  const network = (iface: string, addr: string, mac: string) => `network:\n  interface: ${iface}\n  ipv4: { addr: "${addr}", router_mac: "${mac}" }\n`;
  const kcp = `  kcp: { mode: "fast", block: "aes", key: "${KCP_KEY}" }\n`;
  yaml.server = join(dir, 'server.yaml');
  writeFileSync(
    yaml.server,
    `role: server\nlog: { level: info }\nlisten: { addr: ":9999" }\n${network('pqs0', '10.200.1.2:9999', lab.server.peerMac)}` +
      `transport:\n  protocol: "kcp+quic"\n${kcp}  quic: { insecure_skip_verify: true }\n`,
  );
  const client = (socks: number) =>
    `role: client\nlog: { level: info }\nsocks5: [ { listen: "127.0.0.1:${socks}" } ]\n${network('pqc0', '10.200.1.1:0', lab.client.peerMac)}server: { addr: "10.200.1.2:9999" }\n`;
  // The fork's QUIC client file (transport.quic as the fork writes it, no protocol) plus fork mode.
  yaml.fork = join(dir, 'client-fork-quic.yaml');
  writeFileSync(
    yaml.fork,
    `${client(FORK_SOCKS)}transport:\n  header: gob\n  conn: 1\n  quic:\n    insecure_skip_verify: true\n    server_name: "paqet"\n    max_idle_timeout: 30\n    keep_alive_period: 10\n    enable_0rtt: true\n`,
  );
  yaml.upstream = join(dir, 'client-upstream-kcp.yaml');
  writeFileSync(yaml.upstream, `${client(UPSTREAM_SOCKS)}transport:\n  protocol: kcp\n${kcp}`);
}

describeLab('fork mode over QUIC: a fork-mode QUIC client and an upstream-mode KCP client on one server port', () => {
  const suite = labForSuite('pqfq');
  beforeAll(async () => {
    ({ lab, dir } = await suite.start());
    wantSha = startTargets(lab, dir);
    writeConfigs();
    server = spawnDaemon(lab, 'server', ['run', '-c', yaml.server]);
    await until('server', () => server.out().includes('server listening for packets on :9999'));
    forkClient = spawnDaemon(lab, 'client', ['run', '-c', yaml.fork]);
    upstreamClient = spawnDaemon(lab, 'client', ['run', '-c', yaml.upstream]);
    await until('HTTP server', () => portOpen(lab, 'target', '10.200.2.2', 8000));
    for (const port of [FORK_SOCKS, UPSTREAM_SOCKS]) await until(`SOCKS5 on ${port}`, () => portOpen(lab, 'client', '127.0.0.1', port));
  }, 60_000);

  it('both ends say authentication is off; the client runs QUIC (the fork\'s default) and writes gob headers; the server runs both transports', () => {
    const fork = forkClient.out();
    expect(fork).toMatch(/transport\.quic\.insecure_skip_verify: QUIC authentication is off: the server is not verified/);
    expect(fork).toContain('  QUIC v1 (ALPN paqet-quic)');
    expect(fork).toContain('  authentication OFF (insecure_skip_verify)');
    expect(fork).toContain("  stream header gob (fork mode: for the QUIC fork's servers)");
    const srv = server.out();
    expect(srv).toMatch(/transport\.quic\.insecure_skip_verify: QUIC authentication is off: any client can use this server/);
    expect(srv).toContain('  transports: KCP and QUIC on the same port');
  });

  it('the fork-mode QUIC client: 20 MB through SOCKS5, intact by sha256', async () => {
    const r = await curl(lab, FORK_SOCKS, 'http://10.200.2.2:8000/file.bin', join(dir, 'fork-alone.bin'), 150);
    expect(r.code, r.stderr).toBe(0);
    expect(r.size).toBe(MB20);
    expect(sha256(join(dir, 'fork-alone.bin'))).toBe(wantSha);
    console.log(`e2e fork-mode QUIC client: 20 MB in ${r.secs.toFixed(2)} s = ${(MB20 / r.secs / 1048576).toFixed(1)} MB/s`);
  }, 180_000);

  it('mixed: 20 MB through each client at the same time (QUIC+gob and KCP+binary on one port), both intact by sha256', async () => {
    await expectParallelDownloads(lab, dir, { fork: FORK_SOCKS, upstream: UPSTREAM_SOCKS }, wantSha, (name) => name);
    const small = await curl(lab, FORK_SOCKS, 'http://10.200.2.2:8000/small.txt', join(dir, 'small.txt'), 30);
    expect(small.code, small.stderr).toBe(0);
    expect(readFileSync(join(dir, 'small.txt'), 'utf8')).toBe('small-file-ok\n');
  }, 180_000);

  it('the server counted gob streams and took each client on its own transport (stats at shutdown)', async () => {
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    const stats = JSON.parse(/server stats: (\{.*\})/.exec(server.out())![1]!) as Record<string, number> & Record<'kcpDrops' | 'quicDrops', Record<string, number>>;
    expect(stats.sessions).toBe(2);
    expect(stats.rejected).toBe(0);
    expect(stats.gobHeaders).toBeGreaterThanOrEqual(4); // the fork-mode client's TCPF and TCP streams
    expect(stats.tcp).toBeGreaterThanOrEqual(4);
    expect(stats.tcp + stats.tcpf).toBeGreaterThan(stats.gobHeaders); // the KCP client's are binary
    // Nothing was misrouted between the two listeners.
    expect(stats.kcpDrops).toMatchObject({ crc: 0 });
    expect(stats.quicDrops).toMatchObject({ unknown: 0 });
  });
});

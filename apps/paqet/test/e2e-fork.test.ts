/**
 * One server, both kinds of client, end to end in the namespace lab with real
 * processes of our daemon: an upstream-mode client (binary stream headers) and
 * a fork-mode client (`transport.header: gob`, a config with the QUIC fork's
 * extra sections) use the same server at the same time: 20 MB each through
 * SOCKS5, checked by sha256. `dump -d` on the server shows both header kinds
 * live and from its pcap file, and raw streams on one session get PONGs in
 * their own kind. Root only; in CI a missing capability is a failure.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { encodeGobStreamMessage } from '@paqet/wire';
import type { Lab } from '@paqet/testkit';
import { APP, CLI, curl, describeLab, expectParallelDownloads, labForSuite, MB20, portOpen, sha256, spawnDaemon, startTargets, until, type LabDaemon as Daemon } from './lab-daemon.js';

const GOB_STREAMS = join(APP, 'test/fixtures/e2e-gob-streams.mjs');

const KEY = 'e2e-fork-key';
const UPSTREAM_SOCKS = 1080;
const FORK_SOCKS = 1081;

let lab: Lab;
let dir: string;
let wantSha: string;
let server: Daemon;
let upstreamClient: Daemon;
let forkClient: Daemon;
/** `dump -d -w` on the server from before the clients start (the live decoder follows conversations from their first segment). */
let dump: Daemon;
let capture: string;
const yaml = { server: '', upstream: '', fork: '' };

function writeConfigs(): void {
  const network = (iface: string, addr: string, mac: string) => `network:\n  interface: ${iface}\n  ipv4: { addr: "${addr}", router_mac: "${mac}" }\n`;
  const kcp = `  kcp: { mode: "fast", block: "aes", key: "${KEY}" }\n`;
  yaml.server = join(dir, 'server.yaml');
  writeFileSync(yaml.server, `role: server\nlog: { level: info }\nlisten: { addr: ":9999" }\n${network('pqs0', '10.200.1.2:9999', lab.server.peerMac)}transport:\n  protocol: kcp\n${kcp}`);
  const client = (socks: number) =>
    `role: client\nlog: { level: info }\nsocks5: [ { listen: "127.0.0.1:${socks}" } ]\n${network('pqc0', '10.200.1.1:0', lab.client.peerMac)}server: { addr: "10.200.1.2:9999" }\n`;
  yaml.upstream = join(dir, 'client-upstream.yaml');
  writeFileSync(yaml.upstream, `${client(UPSTREAM_SOCKS)}transport:\n  protocol: kcp\n${kcp}`);
  // A fork client file (with fork-only sections) plus the one line that turns on fork mode.
  yaml.fork = join(dir, 'client-fork.yaml');
  writeFileSync(
    yaml.fork,
    `${client(FORK_SOCKS)}performance:\n  tcp_flag_refresh_ms: 5000\n  max_retry_attempts: 6\ntransport:\n  header: gob\n  protocol: kcp\n  tcpbuf: 65536\n${kcp}`,
  );
}

describeLab('one server, an upstream-mode and a fork-mode client, in the namespace lab', () => {
  const suite = labForSuite('pqgob');
  beforeAll(async () => {
    ({ lab, dir } = await suite.start());
    wantSha = startTargets(lab, dir);
    writeConfigs();
    server = spawnDaemon(lab, 'server', ['run', '-c', yaml.server]);
    await until('server', () => server.out().includes('server listening for packets on :9999'));
    capture = join(dir, 'server.pcap');
    dump = spawnDaemon(lab, 'server', ['dump', '-d', '-w', capture, '-c', yaml.server]);
    await until('dump to listen', () => dump.out().includes('listening for packets on :9999, (Press Ctrl+C to exit)'));
    upstreamClient = spawnDaemon(lab, 'client', ['run', '-c', yaml.upstream]);
    forkClient = spawnDaemon(lab, 'client', ['run', '-c', yaml.fork]);
    await until('HTTP server', () => portOpen(lab, 'target', '10.200.2.2', 8000));
    for (const port of [UPSTREAM_SOCKS, FORK_SOCKS]) await until(`SOCKS5 on ${port}`, () => portOpen(lab, 'client', '127.0.0.1', port));
  }, 60_000);

  it('the fork-mode client loads a fork file (a warning per ignored fork key) and says it writes gob headers', () => {
    const out = forkClient.out();
    expect(out).toContain('performance.tcp_flag_refresh_ms: fork-only setting ignored: here TCPF is sent on every stream request as upstream paqet does');
    expect(out).toContain('transport.tcpbuf: fork-only setting ignored:');
    expect(out).toContain("  stream header gob (fork mode: for the QUIC fork's servers)");
    expect(upstreamClient.out()).toContain('  stream header binary (upstream paqet)');
  });

  it('each client fetches through the one server; dump -d shows gob headers from one and binary from the other, live and from its pcap', async () => {
    for (const [name, port] of [['fork', FORK_SOCKS], ['upstream', UPSTREAM_SOCKS]] as const) {
      const r = await curl(lab, port, 'http://10.200.2.2:8000/small.txt', join(dir, `small-${name}.txt`), 30);
      expect(r.code, `${name}: ${r.stderr}`).toBe(0);
      expect(readFileSync(join(dir, `small-${name}.txt`), 'utf8')).toBe('small-file-ok\n');
    }
    await until('dump to show both kinds', () => /paqet gob TCP 10\.200\.2\.2:8000/.test(dump.out()) && /paqet TCP 10\.200\.2\.2:8000/.test(dump.out()), 20_000);
    expect(dump.out()).toContain('paqet gob TCPF ["PA"]');
    dump.child.kill('SIGINT');
    expect(await dump.exited).toBe(0);

    const read = await lab.exec('server', [process.execPath, CLI, 'dump', '-r', capture, '-c', yaml.server], { timeoutMs: 30_000 });
    expect(read.code, read.stderr).toBe(0);
    expect(read.stdout).toMatch(/stream \d+ \[10\.200\.1\.1:\d+ -> 10\.200\.1\.2:9999\]: paqet gob TCP 10\.200\.2\.2:8000, \d+ data bytes/);
    expect(read.stdout).toMatch(/stream \d+ \[10\.200\.1\.1:\d+ -> 10\.200\.1\.2:9999\]: paqet TCP 10\.200\.2\.2:8000, \d+ data bytes/);
    expect(read.stdout).toContain('"GET /small.txt HTTP/1.1');
  }, 90_000);

  it('mixed: 20 MB through each client at the same time, both intact by sha256', async () => {
    await expectParallelDownloads(lab, dir, { upstream: UPSTREAM_SOCKS, fork: FORK_SOCKS }, wantSha, (name) => `${name}-mode client`);
  }, 180_000);

  it('raw streams on one session: PONG in the kind of the PING, gob TCP in five writes and gob UDP relay, TUN and garbage closed', async () => {
    const r = await lab.exec('client', [process.execPath, GOB_STREAMS, '10.200.1.2', '9999', KEY, 'aes'], { timeoutMs: 30_000 });
    expect(r.code, r.stderr).toBe(0);
    const byLabel = Object.fromEntries((JSON.parse(r.stdout) as { label: string; ms: number; hex: string; text: string }[]).map((x) => [x.label, x]));
    expect(byLabel['gob-ping']!.hex).toBe(Buffer.from(encodeGobStreamMessage({ type: 'pong' })).toString('hex'));
    expect(byLabel['gob-ping']!.hex).toHaveLength(209 * 2);
    expect(byLabel['binary-ping']!.hex).toBe('5001020000');
    expect(byLabel['gob-tcp-five-writes']!.text).toContain('small-file-ok');
    expect(byLabel['gob-udp']!.text).toBe('margatad-pdu-bog');
    for (const closed of ['gob-tun', 'gob-garbage']) {
      expect(byLabel[closed]!.ms, closed).toBeGreaterThanOrEqual(0);
      expect(byLabel[closed]!.ms, closed).toBeLessThan(5000);
      expect(byLabel[closed]!.hex, closed).toBe('');
    }
    expect(server.out()).toMatch(/\[ERROR\] TUN stream \d+ from 10\.200\.1\.1:\d+ refused: this server has no TUN mode/);
    expect(server.out()).toMatch(/accepted UDP stream \d+: 10\.200\.1\.1:\d+ -> 10\.200\.2\.2:7777/);
  });

  it('the server counted both kinds (stats at shutdown)', async () => {
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    const stats = JSON.parse(/server stats: (\{.*\})/.exec(server.out())![1]!) as Record<string, number>;
    // gob streams: the fork-mode client's (TCPF at start, and TCPF + data per request; probes carry no header) and the raw ones.
    expect(stats.gobHeaders).toBeGreaterThanOrEqual(8);
    expect(stats.tcp).toBeGreaterThanOrEqual(5);
    expect(stats.pings).toBe(2);
    expect(stats.badHeaders).toBe(2);
    expect(stats.tcp + stats.udp + stats.tcpf + stats.pings).toBeGreaterThan(stats.gobHeaders);
  });
});

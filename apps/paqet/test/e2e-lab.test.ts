/**
 * End to end in the network-namespace lab with real processes of our daemon
 * (dist/cli.js): three server/client pairs (aes, aes + FEC 10/3, null) run side
 * by side; 20 MB downloads through SOCKS5 (IPv4 target and a name only the
 * server resolves) and a TCP forward are checked by sha256, a UDP forward is
 * echoed, `ping` is seen by `dump`, hostile streams and garbage datagrams are
 * counted and logged without disturbing a concurrent good stream, and after a
 * server restart the client serves new requests. Root only; in CI a missing
 * capability is a failure.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Lab } from '@paqet/testkit';
import {
  APP, CLI, curl as labCurl, describeLab, labForSuite, MB20, portOpen as labPortOpen, reversed, sha256, SOCKS5_UDP_CLIENT, spawnDaemon, startTargets, UDP_CLIENT, until,
  type LabDaemon as Daemon,
} from './lab-daemon.js';
const BAD_STREAMS = join(APP, 'test/fixtures/e2e-bad-streams.mjs');

const KEY = 'e2e-lab-key';
const HOSTNAME = 'target.paqet.test';

interface Pair {
  name: string;
  block: string;
  fec: boolean;
  serverPort: number;
  socksPort: number;
  forwards: boolean;
  /** transport.conn: parallel KCP connections, each with its own raw socket and random port. */
  conn?: number;
  /** Client and server talk over the lab's IPv6 link only (crafted IPv6 frames end to end). */
  ipv6?: boolean;
  serverYaml: string;
  clientYaml: string;
  server?: Daemon;
  client?: Daemon;
}

let lab: Lab;
let dir: string;
let wantSha: string;
const pairs: Pair[] = [
  { name: 'aes', block: 'aes', fec: false, serverPort: 9999, socksPort: 1080, forwards: true, serverYaml: '', clientYaml: '' },
  { name: 'fec', block: 'aes', fec: true, serverPort: 9998, socksPort: 1081, forwards: false, serverYaml: '', clientYaml: '' },
  { name: 'null', block: 'null', fec: false, serverPort: 9997, socksPort: 1082, forwards: false, serverYaml: '', clientYaml: '' },
  { name: 'conn3', block: 'aes', fec: false, serverPort: 9996, socksPort: 1083, forwards: false, serverYaml: '', clientYaml: '', conn: 3 },
  { name: 'ipv6', block: 'aes', fec: false, serverPort: 9995, socksPort: 1084, forwards: false, serverYaml: '', clientYaml: '', ipv6: true },
];

function writeConfigs(p: Pair): void {
  const kcp = `{ mode: "fast", mtu: 1350, block: "${p.block}", key: "${KEY}"${p.fec ? ', dshard: 10, pshard: 3' : ''} }`;
  p.serverYaml = join(dir, `server-${p.name}.yaml`);
  p.clientYaml = join(dir, `client-${p.name}.yaml`);
  writeFileSync(
    p.serverYaml,
    `role: server\nlog: { level: debug }\nlisten: { addr: ":${p.serverPort}" }\nnetwork:\n  interface: pqs0\n  ${
      p.ipv6 ? `ipv6: { addr: "[${lab.server.link.ipv6}]:${p.serverPort}"` : `ipv4: { addr: "10.200.1.2:${p.serverPort}"`
    }, router_mac: "${lab.server.peerMac}" }\ntransport:\n  protocol: kcp\n  kcp: ${kcp}\n`,
  );
  const forwards = p.forwards
    ? `forward:\n  - { listen: "127.0.0.1:8080", target: "10.200.2.2:8000", protocol: tcp }\n  - { listen: "127.0.0.1:5300", target: "10.200.2.2:7777", protocol: udp }\n`
    : '';
  writeFileSync(
    p.clientYaml,
    `role: client\nlog: { level: info }\nsocks5: [ { listen: "127.0.0.1:${p.socksPort}" } ]\n${forwards}network:\n  interface: pqc0\n  ${
      p.ipv6 ? `ipv6: { addr: "[${lab.client.link.ipv6}]:0"` : 'ipv4: { addr: "10.200.1.1:0"'
    }, router_mac: "${lab.client.peerMac}" }\nserver: { addr: "${p.ipv6 ? `[${lab.server.link.ipv6}]` : '10.200.1.2'}:${p.serverPort}" }\ntransport:\n  protocol: kcp\n  conn: ${p.conn ?? 1}\n  kcp: ${kcp}\n`,
  );
}

const daemon = (host: 'client' | 'server', args: string[]): Daemon => spawnDaemon(lab, host, args);
const portOpen = (host: 'client' | 'target', ip: string, port: number) => labPortOpen(lab, host, ip, port);
const curl = (p: Pair, url: string, out: string, via: 'socks' | 'forward' = 'socks', maxTime = 90) =>
  labCurl(lab, via === 'socks' ? p.socksPort : null, url, out, maxTime);

describeLab('paqet end to end in the namespace lab', () => {
  const suite = labForSuite('pqe2e');
  beforeAll(async () => {
    ({ lab, dir } = await suite.start());
    await lab.addPortRules('server', '9995:9998');
    // A name only the server namespace knows: `ip netns exec` bind-mounts /etc/netns/<ns>/hosts.
    mkdirSync(`/etc/netns/${lab.server.ns}`, { recursive: true });
    writeFileSync(`/etc/netns/${lab.server.ns}/hosts`, `127.0.0.1 localhost\n10.200.2.2 ${HOSTNAME}\n`);
    // Target: HTTP (20 MB file + a small one) and a UDP echo that reverses datagrams; port 81 drops SYNs (dial timeout).
    wantSha = startTargets(lab, dir);
    await lab.exec('target', ['iptables', '-A', 'INPUT', '-p', 'tcp', '--dport', '81', '-j', 'DROP']);
    for (const p of pairs) {
      writeConfigs(p);
      p.server = daemon('server', ['run', '-c', p.serverYaml]);
      p.client = daemon('client', ['run', '-c', p.clientYaml]);
    }
    await until('HTTP server', () => portOpen('target', '10.200.2.2', 8000));
    for (const p of pairs) await until(`SOCKS5 of ${p.name}`, () => portOpen('client', '127.0.0.1', p.socksPort));
  }, 60_000);

  afterAll(() => {
    if (lab) rmSync(`/etc/netns/${lab.server.ns}`, { recursive: true, force: true });
  });

  it('20 MB with sha256: SOCKS5 to an IPv4 target (aes, null), SOCKS5 to a server-resolved name (aes + FEC 10/3), TCP forward (aes)', async () => {
    const runs = await Promise.all([
      curl(pairs[0]!, 'http://10.200.2.2:8000/file.bin', join(dir, 'aes.bin')),
      curl(pairs[1]!, `http://${HOSTNAME}:8000/file.bin`, join(dir, 'fec.bin')),
      curl(pairs[2]!, 'http://10.200.2.2:8000/file.bin', join(dir, 'null.bin')),
      curl(pairs[0]!, 'http://127.0.0.1:8080/file.bin', join(dir, 'fwd.bin'), 'forward'),
    ]);
    const names = ['aes socks5', 'aes+fec socks5 hostname', 'null socks5', 'aes tcp forward'];
    runs.forEach((r, i) => {
      expect(r.code, `${names[i]}: ${r.stderr}`).toBe(0);
      expect(r.size).toBe(MB20);
      console.log(`e2e ${names[i]}: 20 MB in ${r.secs.toFixed(2)} s = ${(MB20 / r.secs / 1048576).toFixed(1)} MB/s (parallel with the others)`);
    });
    for (const f of ['aes', 'fec', 'null', 'fwd']) expect(sha256(join(dir, `${f}.bin`))).toBe(wantSha);
    expect(pairs[1]!.server!.out()).toContain(`accepted TCP stream 9: 10.200.1.1:`);
    expect(pairs[1]!.server!.out()).toContain(`-> ${HOSTNAME}:8000`);
    expect(pairs[0]!.client!.out()).toMatch(/\[INFO\] client IPv4:10\.200\.1\.1 IPv6:<nil> -> 10\.200\.1\.2:9999 \(1 connections\)/);
  }, 120_000);

  it('UDP forward: datagrams reach the target and its replies come back', async () => {
    const r = await lab.exec('client', ['python3', '-c', UDP_CLIENT, '5300'], { timeoutMs: 20_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([0, 1, 2, 3, 4].map((i) => reversed(`paqet-udp-${i}`)));
    expect(pairs[0]!.server!.out()).toMatch(/accepted UDP stream \d+: 10\.200\.1\.1:\d+ -> 10\.200\.2\.2:7777/);
  });

  it('transport.conn 3: requests go round robin over three connections, each from its own random port', async () => {
    const p = pairs[3]!;
    await until('three connections', () => (p.server!.out().match(/accepted new connection from/g) ?? []).length >= 3);
    const small = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => curl(p, 'http://10.200.2.2:8000/small.txt', join(dir, `conn3-${i}.txt`))));
    for (const r of small) expect(r.code, r.stderr).toBe(0);
    for (let i = 0; i < 6; i++) expect(readFileSync(join(dir, `conn3-${i}.txt`), 'utf8')).toBe('small-file-ok\n');
    const ports = new Set([...p.server!.out().matchAll(/accepted TCP stream \d+: 10\.200\.1\.1:(\d+) ->/g)].map((m) => m[1]));
    expect(ports.size).toBe(3);
    for (const port of ports) expect(Number(port)).toBeGreaterThanOrEqual(32768);
    expect(p.client!.out()).toMatch(/\(3 connections\)/);
  });

  it('IPv6 between client and server: 20 MB through SOCKS5 intact', async () => {
    const p = pairs[4]!;
    const r = await curl(p, 'http://10.200.2.2:8000/file.bin', join(dir, 'v6.bin'));
    expect(r.code, r.stderr).toBe(0);
    expect(sha256(join(dir, 'v6.bin'))).toBe(wantSha);
    expect(p.server!.out()).toContain(`accepted TCP stream 9: [${lab.client.link.ipv6}]:`);
    expect(p.client!.out()).toMatch(/client IPv4:<nil> IPv6:fd00:200:1::1 -> \[fd00:200:1::2\]:9995/);
  });

  it('SOCKS5 UDP ASSOCIATE: datagrams to an IPv4 target and to a server-resolved name go through the tunnel', async () => {
    for (const [pair, host] of [[pairs[0]!, '10.200.2.2'], [pairs[1]!, HOSTNAME]] as const) {
      const r = await lab.exec('client', ['python3', '-c', SOCKS5_UDP_CLIENT, String(pair.socksPort), host], { timeoutMs: 30_000 });
      expect(r.code, `${pair.name} -> ${host}: ${r.stderr}`).toBe(0);
      expect(r.stdout.trim().split('\n')).toEqual([0, 1, 2, 3, 4].map((i) => reversed(`assoc-${i}`)));
      expect(pair.server!.out()).toMatch(new RegExp(`accepted UDP stream \\d+: 10\\.200\\.1\\.1:\\d+ -> ${host.replace(/\./g, '\\.')}:7777`));
    }
  });

  it('paqet ping sends one segment that paqet dump on the server shows', async () => {
    const dump = daemon('server', ['dump', '-c', pairs[0]!.serverYaml]);
    await until('dump to listen', () => dump.out().includes('listening for packets on :9999, (Press Ctrl+C to exit)'));
    const ping = await lab.exec('client', [process.execPath, CLI, 'ping', '-c', pairs[0]!.clientYaml, '--payload', 'e2e-ping-check'], { timeoutMs: 20_000 });
    expect(ping.code, ping.stderr).toBe(0);
    expect(ping.stderr).toMatch(/sending packet from IPv4:10\.200\.1\.1:0 IPv6:<nil> to 10\.200\.1\.2:9999 via pqc0\n.*payload: "e2e-ping-check" \(14 bytes\)\n.*packet sent successfully\n$/);
    await until('dump to show the ping', () => dump.out().includes('|e2e-ping-check|'));
    expect(dump.out()).toMatch(/Packet: 10\.200\.1\.1:\d+ -> :9999 \| Length: 14 bytes\n--- PAYLOAD \(HEX DUMP\) ---\n00000000 {2}65 32 65 2d 70 69 6e 67 {2}2d 63 68 65 63 6b/);
    dump.child.kill('SIGINT');
    expect(await dump.exited).toBe(0);
    expect(dump.out()).toContain('shutdown signal received, exiting');
  });

  it('garbage datagrams, bad headers, refused and timed-out targets are counted and logged; a concurrent good stream is unaffected', async () => {
    const r = await lab.exec('client', [process.execPath, BAD_STREAMS, '10.200.1.2', '9999', KEY, 'aes'], { timeoutMs: 30_000 });
    expect(r.code, r.stderr).toBe(0);
    const results = JSON.parse(r.stdout) as { label: string; ms: number; data: string }[];
    const byLabel = Object.fromEntries(results.map((x) => [x.label, x]));
    expect(byLabel.good!.data).toContain('small-file-ok');
    for (const bad of ['bad-magic', 'bad-version', 'unknown-type', 'too-long', 'refused']) {
      expect(byLabel[bad]!.ms, bad).toBeGreaterThanOrEqual(0);
      expect(byLabel[bad]!.ms, bad).toBeLessThan(3000);
      expect(byLabel[bad]!.data, bad).toBe('');
    }
    // The server gives up on a silent target after its 8 s dial timeout.
    expect(byLabel.timeout!.ms).toBeGreaterThanOrEqual(7500);
    expect(byLabel.timeout!.ms).toBeLessThan(12_000);
    const log = pairs[0]!.server!.out();
    expect(log.match(/\[ERROR\] failed to read protocol message from stream \d+: /g)?.length ?? 0).toBeGreaterThanOrEqual(4);
    expect(log).toContain('failed to establish TCP connection to 10.200.2.2:1 for stream');
    expect(log).toContain('failed to establish TCP connection to 10.200.2.2:81 for stream');
  });

  it('after the server is killed and restarted the client recovers for new requests', async () => {
    const p = pairs[0]!;
    p.server!.child.kill('SIGTERM');
    expect(await p.server!.exited).toBe(0);
    const stats = JSON.parse(/server stats: (\{.*\})/.exec(p.server!.out())![1]!) as {
      badHeaders: number;
      dialFailures: number;
      tcp: number;
      udp: number;
      kcpDrops: Record<string, number>;
    };
    expect(stats.badHeaders).toBe(4);
    expect(stats.dialFailures).toBe(2);
    expect(stats.udp).toBeGreaterThanOrEqual(1);
    // The 50 garbage datagrams fail authentication (aes CRC) and are dropped by the listener.
    expect(Object.values(stats.kcpDrops).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(50);
    p.server = daemon('server', ['run', '-c', p.serverYaml]);
    await until('restarted server', () => p.server!.out().includes('server listening for packets on :9999'));
    const started = Date.now();
    let last = { code: -1, stderr: '', size: 0, secs: 0 };
    while (Date.now() - started < 40_000) {
      last = await curl(p, 'http://10.200.2.2:8000/small.txt', join(dir, 'small.txt'), 'socks', 5);
      if (last.code === 0) break;
    }
    expect(last.code, last.stderr).toBe(0);
    expect(readFileSync(join(dir, 'small.txt'), 'utf8')).toBe('small-file-ok\n');
    console.log(`e2e recovery: first successful request ${((Date.now() - started) / 1000).toFixed(1)} s after the restart`);
    expect(p.client!.out()).toContain('connection lost, retrying....');
  }, 60_000);
});

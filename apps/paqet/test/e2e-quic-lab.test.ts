/**
 * QUIC end to end in the network-namespace lab with real daemon processes
 * (dist/cli.js, transport.protocol: quic): 20 MB through SOCKS5 and a TCP
 * forward by sha256, SOCKS5 UDP ASSOCIATE, a UDP forward, IPv6 between client
 * and server, transport.conn 3, a client with the wrong key rejected (and
 * logged) while a right client keeps working, and a server restart recovered
 * without restarting the client. Root only; in CI a missing capability is a failure.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import type { Lab } from '@paqet/testkit';
import {
  curl, describeLab, labForSuite, MB20, portOpen, reversed, sha256, SOCKS5_UDP_CLIENT, spawnDaemon, startTargets, UDP_CLIENT, until,
  type LabDaemon as Daemon,
} from './lab-daemon.js';


const KEY = 'e2e-quic-key';

interface Pair {
  name: string;
  serverPort: number;
  socksPort: number;
  forwards?: boolean;
  conn?: number;
  ipv6?: boolean;
  /** Client key when it differs from the server's (the wrong-secret client). */
  clientKey?: string;
  serverYaml: string;
  clientYaml: string;
  server?: Daemon;
  client?: Daemon;
}

let lab: Lab;
let dir: string;
let wantSha: string;
const pairs: Pair[] = [
  { name: 'quic', serverPort: 9989, socksPort: 1090, forwards: true, serverYaml: '', clientYaml: '' },
  { name: 'conn3', serverPort: 9988, socksPort: 1091, conn: 3, serverYaml: '', clientYaml: '' },
  { name: 'ipv6', serverPort: 9987, socksPort: 1092, ipv6: true, serverYaml: '', clientYaml: '' },
];
const main = () => pairs[0]!;

// Short idle timeout and keep-alive on the client so a dead server is noticed in seconds.
const quicYaml = (key: string, role: 'client' | 'server') =>
  `  quic: { key: "${key}"${role === 'client' ? ', max_idle_timeout: 5, keep_alive_period: 1' : ''} }\n`;

function writeConfigs(p: Pair, serverPort = p.serverPort): void {
  p.serverYaml = join(dir, `server-${p.name}.yaml`);
  p.clientYaml = join(dir, `client-${p.name}.yaml`);
  const family = (host: 'client' | 'server', port: number) =>
    p.ipv6 ? `ipv6: { addr: "[${lab[host].link.ipv6}]:${port}"` : `ipv4: { addr: "${host === 'client' ? '10.200.1.1' : '10.200.1.2'}:${port}"`;
  writeFileSync(
    p.serverYaml,
    `role: server\nlog: { level: debug }\nlisten: { addr: ":${serverPort}" }\nnetwork:\n  interface: pqs0\n  ${family('server', serverPort)}, router_mac: "${lab.server.peerMac}" }\ntransport:\n  protocol: quic\n${quicYaml(KEY, 'server')}`,
  );
  const forwards = p.forwards
    ? `forward:\n  - { listen: "127.0.0.1:8090", target: "10.200.2.2:8000", protocol: tcp }\n  - { listen: "127.0.0.1:5390", target: "10.200.2.2:7777", protocol: udp }\n`
    : '';
  writeFileSync(
    p.clientYaml,
    `role: client\nlog: { level: info }\nsocks5: [ { listen: "127.0.0.1:${p.socksPort}" } ]\n${forwards}network:\n  interface: pqc0\n  ${family('client', 0)}, router_mac: "${lab.client.peerMac}" }\nserver: { addr: "${p.ipv6 ? `[${lab.server.link.ipv6}]` : '10.200.1.2'}:${serverPort}" }\ntransport:\n  protocol: quic\n  conn: ${p.conn ?? 1}\n${quicYaml(p.clientKey ?? KEY, 'client')}`,
  );
}

describeLab('paqet over QUIC end to end in the namespace lab', () => {
  const suite = labForSuite('pqq');
  beforeAll(async () => {
    ({ lab, dir } = await suite.start());
    await lab.addPortRules('server', '9987:9989');
    wantSha = startTargets(lab, dir);
    for (const p of pairs) {
      writeConfigs(p);
      p.server = spawnDaemon(lab, 'server', ['run', '-c', p.serverYaml]);
      p.client = spawnDaemon(lab, 'client', ['run', '-c', p.clientYaml]);
    }
    await until('HTTP server', () => portOpen(lab, 'target', '10.200.2.2', 8000));
    for (const p of pairs) await until(`SOCKS5 of ${p.name}`, () => portOpen(lab, 'client', '127.0.0.1', p.socksPort));
  }, 60_000);

  it('20 MB with sha256 through SOCKS5 and through a TCP forward', async () => {
    const runs = await Promise.all([
      curl(lab, main().socksPort, 'http://10.200.2.2:8000/file.bin', join(dir, 'socks.bin')),
      curl(lab, null, 'http://127.0.0.1:8090/file.bin', join(dir, 'fwd.bin')),
    ]);
    const names = ['quic socks5', 'quic tcp forward'];
    runs.forEach((r, i) => {
      expect(r.code, `${names[i]}: ${r.stderr}`).toBe(0);
      expect(r.size).toBe(MB20);
      console.log(`e2e ${names[i]}: 20 MB in ${r.secs.toFixed(2)} s = ${(MB20 / r.secs / 1048576).toFixed(1)} MB/s (parallel with the other)`);
    });
    for (const f of ['socks', 'fwd']) expect(sha256(join(dir, `${f}.bin`))).toBe(wantSha);
    expect(main().server!.out()).toMatch(/accepted TCP stream \d+: 10\.200\.1\.1:\d+ -> 10\.200\.2\.2:8000/);
  }, 120_000);

  it('UDP forward and SOCKS5 UDP ASSOCIATE: datagrams reach the target and its replies come back', async () => {
    const fwd = await lab.exec('client', ['python3', '-c', UDP_CLIENT, '5390'], { timeoutMs: 20_000 });
    expect(fwd.code, fwd.stderr).toBe(0);
    expect(fwd.stdout.trim().split('\n')).toEqual([0, 1, 2, 3, 4].map((i) => reversed(`paqet-udp-${i}`)));
    const assoc = await lab.exec('client', ['python3', '-c', SOCKS5_UDP_CLIENT, String(main().socksPort), '10.200.2.2'], { timeoutMs: 30_000 });
    expect(assoc.code, assoc.stderr).toBe(0);
    expect(assoc.stdout.trim().split('\n')).toEqual([0, 1, 2, 3, 4].map((i) => reversed(`assoc-${i}`)));
    expect(main().server!.out()).toMatch(/accepted UDP stream \d+: 10\.200\.1\.1:\d+ -> 10\.200\.2\.2:7777/);
  });

  it('transport.conn 3: three QUIC connections from three random ports share the requests', async () => {
    const p = pairs[1]!;
    await until('three connections', () => (p.server!.out().match(/accepted new connection from/g) ?? []).length >= 3);
    const small = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => curl(lab, p.socksPort, 'http://10.200.2.2:8000/small.txt', join(dir, `conn3-${i}.txt`))));
    for (const r of small) expect(r.code, r.stderr).toBe(0);
    for (let i = 0; i < 6; i++) expect(readFileSync(join(dir, `conn3-${i}.txt`), 'utf8')).toBe('small-file-ok\n');
    const ports = new Set([...p.server!.out().matchAll(/accepted TCP stream \d+: 10\.200\.1\.1:(\d+) ->/g)].map((m) => m[1]));
    expect(ports.size).toBe(3);
  });

  it('IPv6 between client and server: 20 MB through SOCKS5 intact', async () => {
    const p = pairs[2]!;
    const r = await curl(lab, p.socksPort, 'http://10.200.2.2:8000/file.bin', join(dir, 'v6.bin'));
    expect(r.code, r.stderr).toBe(0);
    expect(sha256(join(dir, 'v6.bin'))).toBe(wantSha);
    expect(p.server!.out()).toContain(`: [${lab.client.link.ipv6}]:`);
    expect(p.server!.out()).toMatch(/accepted TCP stream \d+: \[fd00:200:1::1\]:\d+ -> 10\.200\.2\.2:8000/);
  }, 120_000);

  it('a client with the wrong key gets no tunnel and the server logs it, while the right client keeps working', async () => {
    const wrong: Pair = { name: 'wrong', serverPort: main().serverPort, socksPort: 1093, clientKey: 'not-the-key', serverYaml: '', clientYaml: '' };
    writeConfigs(wrong);
    wrong.client = spawnDaemon(lab, 'client', ['run', '-c', wrong.clientYaml]);
    try {
      await until('wrong client SOCKS5', () => portOpen(lab, 'client', '127.0.0.1', wrong.socksPort));
      const [bad, good] = await Promise.all([
        curl(lab, wrong.socksPort, 'http://10.200.2.2:8000/small.txt', join(dir, 'wrong.txt'), 8),
        curl(lab, main().socksPort, 'http://10.200.2.2:8000/file.bin', join(dir, 'right.bin')),
      ]);
      expect(bad.code).not.toBe(0);
      expect(existsSync(join(dir, 'wrong.txt')) ? readFileSync(join(dir, 'wrong.txt'), 'utf8') : '').not.toContain('small-file-ok');
      expect(good.code, good.stderr).toBe(0);
      expect(sha256(join(dir, 'right.bin'))).toBe(wantSha);
      await until('the rejection in the server log', () => /\[WARN\] rejected connection from 10\.200\.1\.1:\d+: /.test(main().server!.out()));
      // Rate-limited: many failed handshakes, few lines.
      const lines = main().server!.out().match(/rejected connection from/g)?.length ?? 0;
      expect(lines).toBeLessThanOrEqual(2);
    } finally {
      wrong.client.child.kill('SIGTERM');
      await wrong.client.exited;
    }
  }, 120_000);

  it('after the server is killed and restarted the client recovers for new requests, without a client restart', async () => {
    const p = main();
    p.server!.child.kill('SIGTERM');
    expect(await p.server!.exited).toBe(0);
    const stats = JSON.parse(/server stats: (\{.*\})/.exec(p.server!.out())![1]!) as { tcp: number; udp: number; rejected: number };
    expect(stats.tcp).toBeGreaterThanOrEqual(2);
    expect(stats.rejected).toBeGreaterThanOrEqual(1);
    p.server = spawnDaemon(lab, 'server', ['run', '-c', p.serverYaml]);
    await until('restarted server', () => p.server!.out().includes(`server listening for packets on :${p.serverPort}`));
    const started = Date.now();
    let last = { code: -1, stderr: '', size: 0, secs: 0 };
    while (Date.now() - started < 60_000) {
      last = await curl(lab, p.socksPort, 'http://10.200.2.2:8000/small.txt', join(dir, 'after.txt'), 5);
      if (last.code === 0) break;
    }
    expect(last.code, last.stderr).toBe(0);
    expect(readFileSync(join(dir, 'after.txt'), 'utf8')).toBe('small-file-ok\n');
    console.log(`e2e quic recovery: first successful request ${((Date.now() - started) / 1000).toFixed(1)} s after the restart`);
    expect(p.client!.out()).toContain('connection lost, retrying....');
  }, 90_000);
});

/**
 * The server's target policy end to end, in the network-namespace lab with real
 * processes of our daemon: the server runs examples/server-hardened.yaml as
 * shipped (only the key filled in), the client examples/client.yaml. Allowed
 * targets work (20 MB by sha256, a server-resolved name, the TCP and UDP forwards);
 * denied ones are refused though they are reachable from the server: a port no
 * allow rule lists, the server's own loopback (by address, by a name that resolves
 * to it, as 0.0.0.0 and as IPv4-mapped IPv6), a UDP target. Denials are logged
 * escaped and rate-limited, and a SOCKS5 domain carrying NUL, an ANSI colour
 * sequence and a newline reaches both logs only escaped. Root only; in CI a
 * missing capability is a failure.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Lab } from '@paqet/testkit';
import { APP, CLI, curl, describeLab, labForSuite, MB20, portOpen, python, sha256, spawnDaemon, startTargets, until, type LabDaemon as Daemon } from './lab-daemon.js';

const EXAMPLES = join(APP, '../../examples');
const RAW_STREAMS = join(APP, 'test/fixtures/e2e-target-streams.mjs');

const KEY = 'e2e-targets-key';
const SOCKS = 1080;


let lab: Lab;
let dir: string;
let wantSha: string;
let server: Daemon;
let client: Daemon;

const daemon = (host: 'client' | 'server', args: string[]): Daemon => spawnDaemon(lab, host, args);

/** curl run in the server namespace itself, no tunnel. */
async function fromServer(url: string): Promise<number> {
  return (await lab.exec('server', ['curl', '-sS', '--fail', '--max-time', '10', '-o', '/dev/null', url], { timeoutMs: 20_000 })).code;
}

/** A plain RFC 1928 client in Python: CONNECT to (atyp, address bytes) and read until the proxy closes. */
const SOCKS_CONNECT = [
  'import socket, sys',
  'port, atyp, addr, dport = int(sys.argv[1]), int(sys.argv[2]), bytes.fromhex(sys.argv[3]), int(sys.argv[4])',
  'c = socket.create_connection(("127.0.0.1", port), timeout=10)',
  'c.sendall(b"\\x05\\x01\\x00"); assert c.recv(2) == b"\\x05\\x00"',
  'body = (bytes([len(addr)]) + addr) if atyp == 3 else addr',
  'c.sendall(b"\\x05\\x01\\x00" + bytes([atyp]) + body + dport.to_bytes(2, "big"))',
  'data = b""',
  'try:',
  '    data = c.recv(10)',
  '    c.sendall(b"GET /small.txt HTTP/1.0\\r\\n\\r\\n")',
  '    while True:',
  '        d = c.recv(65536)',
  '        if not d: break',
  '        data += d',
  'except OSError: pass',
  'print(len(data))',
];

async function socksRaw(atyp: 1 | 3 | 4, address: Buffer, port: number): Promise<number> {
  return Number((await python(lab, 'client', SOCKS_CONNECT, [String(SOCKS), String(atyp), address.toString('hex'), String(port)])).trim());
}

describeLab('target policy end to end (examples/server-hardened.yaml in the lab)', () => {
  const suite = labForSuite('pqtgt');
  beforeAll(async () => {
    ({ lab, dir } = await suite.start());
    mkdirSync(`/etc/netns/${lab.server.ns}`, { recursive: true });
    writeFileSync(`/etc/netns/${lab.server.ns}/hosts`, '127.0.0.1 localhost loopback.paqet.test\n10.200.2.2 web.paqet.test\n');
    // HTTP on 10.200.2.2:8000 and the UDP echo on :7777 (allowed); the same files on :8001 and an echo on :7778 (not allowed).
    wantSha = startTargets(lab, dir);
    const www = join(dir, 'www');
    writeFileSync(join(dir, 'echo-7778.py'), readFileSync(join(dir, 'udp-echo.py'), 'utf8').replace('7777', '7778'));
    lab.spawn('target', ['python3', '-m', 'http.server', '8001', '--bind', '10.200.2.2', '--directory', www], { stdio: 'ignore' });
    lab.spawn('target', ['python3', join(dir, 'echo-7778.py')], { stdio: 'ignore' });
    // A service on the server's own loopback, on a port the allow list admits (*:80): only the deny list stops it.
    lab.spawn('server', ['python3', '-m', 'http.server', '80', '--bind', '127.0.0.1', '--directory', www], { stdio: 'ignore' });

    const fill = (name: string) => {
      const text = readFileSync(join(EXAMPLES, `${name}.yaml`), 'utf8').replace('change-me-to-the-output-of-paqet-secret', KEY);
      const path = join(dir, `${name}.yaml`);
      writeFileSync(path, text);
      return path;
    };
    const serverYaml = fill('server-hardened');
    const clientYaml = fill('client');
    // The real check, with the server namespace's own interfaces and addresses.
    const checked = await lab.exec('server', [process.execPath, CLI, 'run', '--check', '-c', serverYaml], { timeoutMs: 30_000 });
    expect(checked.code, checked.stderr).toBe(0);
    expect(checked.stdout).toContain('  targets: deny 127.0.0.0/8, ::1, 0.0.0.0/8, 169.254.0.0/16');
    server = daemon('server', ['run', '-c', serverYaml]);
    client = daemon('client', ['run', '-c', clientYaml]);
    await until('HTTP servers', async () => (await portOpen(lab, 'target', '10.200.2.2', 8000)) && (await portOpen(lab, 'target', '10.200.2.2', 8001)) && (await portOpen(lab, 'server', '127.0.0.1', 80)), 30_000);
    await until('SOCKS5 listener', () => portOpen(lab, 'client', '127.0.0.1', SOCKS));
  }, 90_000);

  afterAll(() => {
    if (lab) rmSync(`/etc/netns/${lab.server.ns}`, { recursive: true, force: true });
  });

  it('the denied services are up and reachable from the server itself', async () => {
    expect(await fromServer('http://127.0.0.1:80/small.txt')).toBe(0);
    expect(await fromServer('http://10.200.2.2:8001/small.txt')).toBe(0);
  });

  it('allowed: 20 MB by sha256 through SOCKS5, a name the server resolves, the TCP forward', async () => {
    const big = await curl(lab, SOCKS, 'http://10.200.2.2:8000/file.bin', join(dir, 'big.bin'));
    expect(big.code, big.stderr).toBe(0);
    expect(big.size).toBe(MB20);
    expect(sha256(join(dir, 'big.bin'))).toBe(wantSha);
    const named = await curl(lab, SOCKS, 'http://web.paqet.test:8000/small.txt', join(dir, 'named.txt'));
    expect(named.code, named.stderr).toBe(0);
    expect(readFileSync(join(dir, 'named.txt'), 'utf8')).toBe('small-file-ok\n');
    const fwd = await curl(lab, null, 'http://127.0.0.1:8080/small.txt', join(dir, 'fwd.txt'));
    expect(fwd.code, fwd.stderr).toBe(0);
    expect(server.out()).toMatch(/accepted TCP stream \d+: 10\.200\.1\.1:\d+ -> web\.paqet\.test:8000/);
  }, 90_000);

  it('denied through SOCKS5: no allow rule, the server loopback by address, by a name resolving to it, as 0.0.0.0', async () => {
    for (const url of ['http://10.200.2.2:8001/small.txt', 'http://127.0.0.1:80/small.txt', 'http://loopback.paqet.test:80/small.txt', 'http://0.0.0.0:80/small.txt']) {
      const r = await curl(lab, SOCKS, url, join(dir, 'denied.txt'), 30);
      expect(r.code, url).not.toBe(0);
      expect(r.size, url).toBe(0);
    }
    await until('denial lines', () => (server.out().match(/\[WARN\] denied TCP stream/g) ?? []).length >= 4);
    const log = server.out();
    expect(log).toMatch(/\[WARN\] denied TCP stream \d+: 10\.200\.1\.1:\d+ -> 10\.200\.2\.2:8001: dial 10\.200\.2\.2:8001: matches no allow rule\n/);
    expect(log).toMatch(/\[WARN\] denied TCP stream \d+: 10\.200\.1\.1:\d+ -> 127\.0\.0\.1:80: dial 127\.0\.0\.1:80: denied by rule 127\.0\.0\.0\/8\n/);
    expect(log).toMatch(/denied TCP stream \d+: \S+ -> loopback\.paqet\.test:80: dial loopback\.paqet\.test:80: 127\.0\.0\.1 denied by rule 127\.0\.0\.0\/8\n/);
    expect(log).toMatch(/denied TCP stream \d+: \S+ -> 0\.0\.0\.0:80: dial 0\.0\.0\.0:80: denied by rule (127\.0\.0\.0\/8|0\.0\.0\.0\/8)\n/);
    expect(log).not.toMatch(/failed to establish TCP connection to (127\.0\.0\.1|10\.200\.2\.2:8001)/);
  }, 90_000);

  it('denied: headers a SOCKS5 client would normalise, sent straight to the server (IPv4-mapped, short forms, ::1)', async () => {
    const targets = ['::ffff:127.0.0.1:80', '::ffff:7f00:1:80', '127.1:80', '::1:80', '10.200.2.2:8000'];
    const r = await lab.exec('client', [process.execPath, RAW_STREAMS, '10.200.1.2', '9999', KEY, 'aes', ...targets], { timeoutMs: 30_000 });
    expect(r.code, r.stderr).toBe(0);
    const byTarget = Object.fromEntries((JSON.parse(r.stdout) as { label: string; data: string }[]).map((x) => [x.label, x.data]));
    expect(byTarget['10.200.2.2:8000']).toContain('small-file-ok');
    for (const t of targets.slice(0, 4)) expect(byTarget[t], t).toBe('');
    const log = server.out();
    expect(log).toMatch(/denied TCP stream \d+: \S+ -> \[::ffff:127\.0\.0\.1\]:80: dial \[::ffff:127\.0\.0\.1\]:80: denied by rule 127\.0\.0\.0\/8\n/);
    expect(log).toMatch(/denied TCP stream \d+: \S+ -> \[::ffff:7f00:1\]:80: dial \[::ffff:7f00:1\]:80: denied by rule 127\.0\.0\.0\/8\n/);
    expect(log).toMatch(/denied TCP stream \d+: \S+ -> 127\.1:80: dial 127\.1:80: 127\.0\.0\.1 denied by rule 127\.0\.0\.0\/8\n/);
    expect(log).toMatch(/denied TCP stream \d+: \S+ -> \[::1\]:80: dial \[::1\]:80: denied by rule ::1\n/);
  }, 60_000);

  it('UDP: the allowed echo answers through the forward; a denied UDP target gets nothing', async () => {
    const stdout = await python(lab, 'client', [
      'import socket, struct, sys',
      's = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(3)',
      's.sendto(b"paqet-udp", ("127.0.0.1", 5300)); print(s.recvfrom(4096)[0].decode())',
      'c = socket.create_connection(("127.0.0.1", 1080), timeout=5)',
      'c.sendall(b"\\x05\\x01\\x00"); assert c.recv(2) == b"\\x05\\x00"',
      'c.sendall(b"\\x05\\x03\\x00\\x01" + bytes(6)); r = c.recv(10); assert r[:2] == b"\\x05\\x00", r',
      'relay = (socket.inet_ntoa(r[4:8]), struct.unpack(">H", r[8:10])[0])',
      'u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.settimeout(3)',
      'u.sendto(b"\\x00\\x00\\x00\\x01" + socket.inet_aton("10.200.2.2") + struct.pack(">H", 7778) + b"denied", relay)',
      'try: print(u.recvfrom(4096)[0])',
      'except socket.timeout: print("no reply")',
    ]);
    expect(stdout.trim().split('\n')).toEqual(['pdu-teqap', 'no reply']);
    await until('UDP denial line', () => /denied UDP stream \d+: \S+ -> 10\.200\.2\.2:7778: dial 10\.200\.2\.2:7778: matches no allow rule\n/.test(server.out()));
  }, 60_000);

  it('a SOCKS5 domain with NUL, an ANSI sequence and a newline: refused, and escaped in both logs', async () => {
    expect(await socksRaw(3, Buffer.from('\x00\x1b[31m\n'), 80)).toBeLessThanOrEqual(10);
    await until('the hostile name in the server log', () => server.out().includes('\\x00\\x1b[31m\\x0a:80'));
    await until('the hostile name in the client log', () => client.out().includes('\\x00\\x1b[31m\\x0a:80'));
    for (const out of [server.out(), client.out()]) {
      expect(out).not.toMatch(/[\x00\x1b]/);
      for (const line of out.split('\n')) if (line.includes('[31m')) expect(line).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} \[[A-Z]+\] .*\\x00\\x1b\[31m\\x0a:80/);
    }
  }, 60_000);

  it('denials are rate-limited: a burst logs at most 10 lines per 10 s, the rest are counted; stats agree', async () => {
    await python(lab, 'client', [
      'import socket',
      'for i in range(40):',
      '    c = socket.create_connection(("127.0.0.1", 1080), timeout=5)',
      '    c.sendall(b"\\x05\\x01\\x00"); c.recv(2)',
      '    c.sendall(b"\\x05\\x01\\x00\\x01" + socket.inet_aton("10.200.2.2") + (8001).to_bytes(2, "big")); c.recv(10)',
      '    try: c.recv(10)',
      '    except OSError: pass',
      '    c.close()',
    ], [], 60_000);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    const log = server.out();
    const stats = JSON.parse(/server stats: (\{.*\})/.exec(log)![1]!) as { denied: number; dialFailures: number };
    const lines = (log.match(/\[WARN\] denied (TCP|UDP) stream/g) ?? []).length;
    const suppressed = [...log.matchAll(/… (\d+) more denied streams not logged \(at most 10 per 10 s\)/g)].reduce((n, m) => n + Number(m[1]), 0);
    // 4 through curl, 4 raw streams, 1 UDP, 40 in the burst.
    expect(stats.denied).toBe(49);
    expect(suppressed).toBeGreaterThan(0);
    expect(lines + suppressed).toBe(stats.denied);
    // The burst took seconds, not minutes: far fewer lines than denials.
    expect(lines).toBeLessThan(stats.denied - 20);
  }, 90_000);
});

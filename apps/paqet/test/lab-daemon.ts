/**
 * Real daemon processes (dist/cli.js) inside lab namespaces, for the lab tests:
 * spawning with output capture, polling for a condition, the target's HTTP and
 * UDP echo services, curl through SOCKS5, UDP clients (forward, SOCKS5 UDP
 * ASSOCIATE), sha256.
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect } from 'vitest';
import { labUnavailableReason, startLab, type Lab, type LabHostName } from '@paqet/testkit';

export const APP = fileURLToPath(new URL('..', import.meta.url));
export const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

/** Builds the app (and what it needs) once if dist/cli.js is missing. */
export function ensureBuilt(): void {
  if (!existsSync(CLI)) execFileSync('pnpm', ['--filter', 'paqet...', 'build'], { cwd: APP, stdio: 'ignore' });
}

const labMissing = labUnavailableReason();
if (labMissing && process.env.CI === 'true') throw new Error(`lab required in CI: ${labMissing}`);
/** `describe` for the lab tests: skipped where namespaces cannot be made; under CI=true a missing lab fails. */
export function describeLab(name: string, body: () => void): void {
  describe.skipIf(Boolean(labMissing))(name, body);
}

export interface LabRun {
  lab: Lab;
  /** A temp folder for configs and files, removed with the lab. */
  dir: string;
}

/**
 * One lab (namespace prefix `prefix` + this pid) and temp folder for a test file. Call at
 * collection time (in a describe); start() inside beforeAll or a test; afterAll removes both.
 */
export function labForSuite(prefix: string): { start(): Promise<LabRun> } {
  let run: Partial<LabRun> = {};
  afterAll(async () => {
    await run.lab?.stop();
    if (run.dir) rmSync(run.dir, { recursive: true, force: true });
  });
  return {
    async start() {
      ensureBuilt();
      run = { dir: mkdtempSync(join(tmpdir(), `paqet-${prefix}-`)) };
      run.lab = await startLab(`${prefix}${process.pid}`);
      return run as LabRun;
    },
  };
}

export interface LabConfigOptions {
  /** The server's listen and packet port (default 9999). */
  port?: number;
  /** More top-level YAML, one line each. */
  extra?: string[];
}

/** A server config for the lab's server namespace; `kcp` is the transport.kcp mapping as YAML flow text. */
export function labServerYaml(lab: Lab, kcp: string, { port = 9999, extra = [] }: LabConfigOptions = {}): string {
  return [
    'role: server', 'log: { level: info }', `listen: { addr: ":${port}" }`,
    'network:', '  interface: pqs0', `  ipv4: { addr: "10.200.1.2:${port}", router_mac: "${lab.server.peerMac}" }`,
    `transport: { protocol: kcp, kcp: ${kcp} }`, ...extra, '',
  ].join('\n');
}

/** A client config for the lab's client namespace with SOCKS5 on 127.0.0.1:`socks`; `network: false` leaves the section to discovery. */
export function labClientYaml(lab: Lab, kcp: string, { port = 9999, extra = [], socks = 1080, network = true }: LabConfigOptions & { socks?: number; network?: boolean } = {}): string {
  return [
    'role: client', 'log: { level: info }', `socks5: [ { listen: "127.0.0.1:${socks}" } ]`,
    ...(network ? ['network:', '  interface: pqc0', `  ipv4: { addr: "10.200.1.1:0", router_mac: "${lab.client.peerMac}" }`] : []),
    `server: { addr: "10.200.1.2:${port}" }`, `transport: { protocol: kcp, kcp: ${kcp} }`, ...extra, '',
  ].join('\n');
}

export interface LabDaemon {
  child: ChildProcess;
  /** stdout and stderr so far. */
  out: () => string;
  exited: Promise<number | null>;
}

/** The node flags of the executable's shebang (`#!/usr/bin/env -S node --max-semi-space-size=2 --optimize-for-size`). */
export function shippedNodeFlags(): string[] {
  return readFileSync(CLI, 'utf8').split('\n', 1)[0]!.replace(/^#!.*?\bnode\b/, '').split(' ').filter(Boolean);
}

/** `nodeFlags`: e.g. shippedNodeFlags(), to run the daemon as the installed executable runs. */
export function spawnDaemon(lab: Lab, host: LabHostName, args: string[], env?: NodeJS.ProcessEnv, nodeFlags: string[] = []): LabDaemon {
  const child = lab.spawn(host, [process.execPath, ...nodeFlags, CLI, ...args], env ? { env: { ...process.env, ...env } } : undefined);
  let text = '';
  child.stdout!.on('data', (c: Buffer) => (text += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (text += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))));
  return { child, out: () => text, exited };
}

/** Spawns `paqet run -c file` and waits until its output has `ready`; a timeout error carries the output so far. */
export async function runUntil(lab: Lab, host: LabHostName, file: string, ready: string, options: { env?: NodeJS.ProcessEnv; nodeFlags?: string[] } = {}): Promise<LabDaemon> {
  const d = spawnDaemon(lab, host, ['run', '-c', file], options.env, options.nodeFlags);
  await until(`${host}: ${ready}`, () => d.out().includes(ready)).catch((e: Error) => {
    throw new Error(`${e.message}\n${d.out()}`);
  });
  return d;
}

/** SIGTERM to each daemon; their exit codes once all have exited (0 is a clean shutdown). */
export async function terminate(...daemons: LabDaemon[]): Promise<(number | null)[]> {
  for (const d of daemons) d.child.kill('SIGTERM');
  return Promise.all(daemons.map((d) => d.exited));
}

// Generous: a daemon starting on a loaded 2-core CI machine (PBKDF2, pcap open) can take many seconds.
export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 45_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export async function portOpen(lab: Lab, host: LabHostName, ip: string, port: number): Promise<boolean> {
  return (await lab.exec(host, ['bash', '-c', `exec 3<>/dev/tcp/${ip}/${port}`], { timeoutMs: 2000 })).code === 0;
}

/** curl in the client namespace, through SOCKS5 on 127.0.0.1:`socksPort` (null: direct). */
export async function curl(lab: Lab, socksPort: number | null, url: string, out: string, maxTime = 90) {
  const proxy = socksPort === null ? [] : ['--socks5-hostname', `127.0.0.1:${socksPort}`];
  const r = await lab.exec('client', ['curl', '-sS', '--fail', '--max-time', String(maxTime), ...proxy, '-o', out, '-w', '%{size_download} %{time_total}', url], {
    timeoutMs: (maxTime + 5) * 1000,
  });
  const [size, secs] = r.stdout.trim().split(' ').map(Number);
  return { code: r.code, stderr: r.stderr, size: size ?? 0, secs: secs ?? 0 };
}

/** A Python program (`lines` joined) run in `host` with `args`; its stdout. A non-zero exit throws with its stderr. */
export async function python(lab: Lab, host: LabHostName, lines: readonly string[], args: readonly string[] = [], timeoutMs = 30_000): Promise<string> {
  const r = await lab.exec(host, ['python3', '-c', lines.join('\n'), ...args], { timeoutMs });
  if (r.code !== 0) throw new Error(`python3 in ${host} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

export const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

export const MB20 = 20 * 1024 * 1024;

/**
 * The lab target's 20 MB file through several SOCKS5 clients at once (name -> port): each
 * arrives whole and matches `wantSha`; logs each client's rate with `label`.
 */
export async function expectParallelDownloads(lab: Lab, dir: string, clients: Record<string, number>, wantSha: string, label: (name: string) => string): Promise<void> {
  const names = Object.keys(clients);
  const runs = await Promise.all(names.map((name) => curl(lab, clients[name]!, 'http://10.200.2.2:8000/file.bin', join(dir, `${name}.bin`), 150)));
  names.forEach((name, i) => {
    const r = runs[i]!;
    expect(r.code, `${name}: ${r.stderr}`).toBe(0);
    expect(r.size).toBe(MB20);
    expect(sha256(join(dir, `${name}.bin`))).toBe(wantSha);
    console.log(`e2e mixed ${label(name)}: 20 MB in ${r.secs.toFixed(2)} s = ${(MB20 / r.secs / 1048576).toFixed(1)} MB/s (parallel with the other)`);
  });
}

/** Python UDP client: sends `count` datagrams to 127.0.0.1:port, prints each reply. */
export const UDP_CLIENT = 'import socket,sys\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\ns.settimeout(3)\nfor i in range(5):\n    s.sendto(b"paqet-udp-%d" % i,("127.0.0.1",int(sys.argv[1])))\n    print(s.recvfrom(4096)[0].decode())\n';

/** A plain RFC 1928 client: no-auth greeting, UDP ASSOCIATE, then five datagrams to host:7777, printing the replies. */
export const SOCKS5_UDP_CLIENT = [
  'import socket, struct, sys',
  'port, host = int(sys.argv[1]), sys.argv[2]',
  'c = socket.create_connection(("127.0.0.1", port), timeout=5)',
  'c.sendall(b"\\x05\\x01\\x00"); assert c.recv(2) == b"\\x05\\x00"',
  'c.sendall(b"\\x05\\x03\\x00\\x01" + bytes(4) + bytes(2))',
  'r = c.recv(10); assert r[:2] == b"\\x05\\x00", r',
  'relay = (socket.inet_ntoa(r[4:8]), struct.unpack(">H", r[8:10])[0])',
  'u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.settimeout(5)',
  'if host[0].isdigit(): dst = b"\\x01" + socket.inet_aton(host)',
  'else: dst = b"\\x03" + bytes([len(host)]) + host.encode()',
  'for i in range(5):',
  '    u.sendto(b"\\x00\\x00\\x00" + dst + struct.pack(">H", 7777) + b"assoc-%d" % i, relay)',
  '    d, _ = u.recvfrom(4096)',
  '    print(d[len(dst) + 5:].decode())',
  'c.close()',
].join('\n');

/** What the target's UDP echo (which reverses datagrams) answers to `text`. */
export const reversed = (text: string) => text.split('').reverse().join('');

/**
 * The target namespace's services: HTTP on 10.200.2.2:8000 serving `file.bin`
 * (20 MB of random bytes) and `small.txt` ("small-file-ok\n") from `dir/www`,
 * and a UDP echo on 10.200.2.2:7777 that reverses each datagram. Returns the
 * big file's sha256.
 */
export function startTargets(lab: Lab, dir: string): string {
  mkdirSync(join(dir, 'www'));
  const file = randomBytes(MB20);
  writeFileSync(join(dir, 'www/file.bin'), file);
  writeFileSync(join(dir, 'www/small.txt'), 'small-file-ok\n');
  writeFileSync(
    join(dir, 'udp-echo.py'),
    'import socket\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\ns.bind(("10.200.2.2",7777))\nwhile True:\n    d,a=s.recvfrom(65535)\n    s.sendto(d[::-1],a)\n',
  );
  lab.spawn('target', ['python3', '-m', 'http.server', '8000', '--bind', '10.200.2.2', '--directory', join(dir, 'www')], { stdio: 'ignore' });
  lab.spawn('target', ['python3', join(dir, 'udp-echo.py')], { stdio: 'ignore' });
  return createHash('sha256').update(file).digest('hex');
}

/**
 * Real daemon processes (dist/cli.js) inside lab namespaces, for the lab tests:
 * spawning with output capture, polling for a condition, the target's HTTP and
 * UDP echo services, curl through SOCKS5, sha256.
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Lab, LabHostName } from '@paqet/testkit';

export const APP = fileURLToPath(new URL('..', import.meta.url));
export const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

/** Builds the app (and what it needs) once if dist/cli.js is missing. */
export function ensureBuilt(): void {
  if (!existsSync(CLI)) execFileSync('pnpm', ['--filter', 'paqet...', 'build'], { cwd: APP, stdio: 'ignore' });
}

export interface LabDaemon {
  child: ChildProcess;
  /** stdout and stderr so far. */
  out: () => string;
  exited: Promise<number | null>;
}

export function spawnDaemon(lab: Lab, host: LabHostName, args: string[], env?: NodeJS.ProcessEnv): LabDaemon {
  const child = lab.spawn(host, [process.execPath, CLI, ...args], env ? { env: { ...process.env, ...env } } : undefined);
  let text = '';
  child.stdout!.on('data', (c: Buffer) => (text += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (text += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))));
  return { child, out: () => text, exited };
}

export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
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

export const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

export const MB20 = 20 * 1024 * 1024;

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

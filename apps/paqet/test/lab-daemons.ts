/**
 * Helpers for end-to-end tests that run our daemon (dist/cli.js) as real
 * processes inside a namespace lab (@paqet/testkit's startLab): spawning with
 * output capture, polling for a condition, curl through SOCKS5, sha256.
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Lab, LabHostName } from '@paqet/testkit';

export const APP = fileURLToPath(new URL('..', import.meta.url));
export const CLI = join(APP, 'dist/cli.js');

/** Builds the app (and what it needs) once if dist/cli.js is missing. */
export function ensureBuilt(): void {
  if (!existsSync(CLI)) execFileSync('pnpm', ['--filter', 'paqet...', 'build'], { cwd: APP, stdio: 'ignore' });
}

export interface Daemon {
  child: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  out: () => string;
  exited: Promise<number | null>;
}

/** `node dist/cli.js ...args` inside the lab host's namespace. */
export function spawnDaemon(lab: Lab, host: LabHostName, args: string[]): Daemon {
  const child = lab.spawn(host, [process.execPath, CLI, ...args]);
  let text = '';
  child.stdout!.on('data', (c: Buffer) => (text += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (text += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
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

/** Our daemon as real processes in the namespace lab, for the end-to-end tests. */
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Lab } from '@paqet/testkit';

export const APP = fileURLToPath(new URL('..', import.meta.url));
export const CLI = join(APP, 'dist/cli.js');

export interface Daemon {
  child: ChildProcess;
  /** Everything it wrote to stdout and stderr so far. */
  out: () => string;
  exited: Promise<number | null>;
}

/** `paqet ARGS…` (dist/cli.js) inside the lab's `host` namespace. */
export function spawnDaemon(lab: Lab, host: 'client' | 'server', args: string[]): Daemon {
  const child = lab.spawn(host, [process.execPath, CLI, ...args]);
  let text = '';
  child.stdout!.on('data', (c: Buffer) => (text += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (text += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, out: () => text, exited };
}

/** Polls `check` every 100 ms until true; throws naming `what` after the timeout. */
export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** True when a TCP connection to ip:port succeeds from inside `host`. */
export async function portOpen(lab: Lab, host: 'client' | 'server' | 'target', ip: string, port: number): Promise<boolean> {
  return (await lab.exec(host, ['bash', '-c', `exec 3<>/dev/tcp/${ip}/${port}`], { timeoutMs: 2000 })).code === 0;
}

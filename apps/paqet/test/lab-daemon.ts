/** Real daemon processes (dist/cli.js) inside lab namespaces, for the lab tests. */
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Lab, LabHostName } from '@paqet/testkit';

export const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

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

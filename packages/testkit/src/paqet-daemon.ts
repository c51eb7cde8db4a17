/**
 * A paqet daemon (apps/paqet/dist/cli.js) as a real process inside a lab namespace, run
 * with the node flags of the executable's shebang as the installed binary runs itself:
 * its output, its exit (code and signal), graceful and hard stops, and /proc readings.
 *
 *   const server = startPaqetDaemon(lab, 'server', ['run', '-c', 'server.yaml']);
 *   await server.waitForOutput('server listening for packets');
 *   expect((await server.stop()).code).toBe(0);
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Lab, LabHostName } from './lab.js';
import { countOpenFds, readProcMemory, type ProcMemory } from './proc-stats.js';

export const PAQET_CLI = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../apps/paqet/dist/cli.js');

/** `#!/usr/bin/env -S node --max-semi-space-size=2 --optimize-for-size` → ['--max-semi-space-size=2', '--optimize-for-size']. */
export function paqetNodeFlags(cli = PAQET_CLI): string[] {
  const shebang = readFileSync(cli, 'utf8').split('\n', 1)[0]!;
  return shebang.replace(/^#!.*?\bnode\b/, '').split(' ').filter(Boolean);
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The stop had to escalate to SIGKILL because SIGTERM did not end the process in time. */
  escalated?: boolean;
}

export interface PaqetDaemon {
  readonly host: LabHostName;
  readonly pid: number;
  /** stdout and stderr interleaved, as received. */
  output(): string;
  /** Resolves when `pattern` appears in the output after character `from` (default 0). */
  waitForOutput(pattern: string | RegExp, timeoutMs?: number, from?: number): Promise<void>;
  readonly exited: Promise<ExitStatus>;
  /** Null while running. */
  exitStatus(): ExitStatus | null;
  /** SIGTERM, then SIGKILL after `timeoutMs`; resolves with how it ended. */
  stop(timeoutMs?: number): Promise<ExitStatus>;
  /** SIGKILL (kill -9), no chance to clean up. */
  kill9(): Promise<ExitStatus>;
  memory(): ProcMemory;
  openFds(): number;
}

export function startPaqetDaemon(lab: Lab, host: LabHostName, args: string[], cli = PAQET_CLI): PaqetDaemon {
  // `ip netns exec` execs its command, so the child's pid is node's own.
  const child = lab.spawn(host, [process.execPath, ...paqetNodeFlags(cli), cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  const watchers = new Set<() => void>();
  const onChunk = (c: Buffer) => {
    text += c.toString();
    for (const w of watchers) w();
  };
  child.stdout!.on('data', onChunk);
  child.stderr!.on('data', onChunk);
  let status: ExitStatus | null = null;
  let escalated = false;
  const exited = new Promise<ExitStatus>((done) =>
    child.once('exit', (code, signal) => {
      status = { code, signal, ...(escalated ? { escalated } : {}) };
      for (const w of watchers) w();
      done(status);
    }),
  );
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start paqet ${args.join(' ')} in ${host}`);

  const waitForOutput = (pattern: string | RegExp, timeoutMs = 20_000, from = 0) =>
    new Promise<void>((resolveWait, reject) => {
      const matches = () => (typeof pattern === 'string' ? text.indexOf(pattern, from) >= 0 : pattern.test(text.slice(from)));
      const check = () => {
        if (matches()) finish();
        else if (status) finish(new Error(`paqet ${host} exited (${JSON.stringify(status)}) before printing ${String(pattern)}:\n${text.slice(-2000)}`));
      };
      const timer = setTimeout(() => finish(new Error(`paqet ${host}: no ${String(pattern)} after ${timeoutMs} ms:\n${text.slice(-2000)}`)), timeoutMs);
      const finish = (err?: Error) => {
        clearTimeout(timer);
        watchers.delete(check);
        if (err) reject(err);
        else resolveWait();
      };
      watchers.add(check);
      check();
    });

  return {
    host,
    pid,
    output: () => text,
    waitForOutput,
    exited,
    exitStatus: () => status,
    async stop(timeoutMs = 15_000) {
      if (status) return status;
      child.kill('SIGTERM');
      const timer = setTimeout(() => {
        escalated = true;
        child.kill('SIGKILL');
      }, timeoutMs);
      const s = await exited;
      clearTimeout(timer);
      return s;
    },
    async kill9() {
      if (status) return status;
      child.kill('SIGKILL');
      return exited;
    },
    memory: () => readProcMemory(pid),
    openFds: () => countOpenFds(pid),
  };
}

/**
 * The impairment relay (scripts/impair-relay.py) in the lab's wan namespace: loss, delay,
 * jitter, duplication, reordering, a bandwidth bottleneck, a partition, and garbage frames
 * aimed at both daemons' capture ports. Settings change at run time over the relay's stdin.
 *
 *   await lab.insertWan();
 *   const relay = await startImpairmentRelay(lab, { loss: 5, delay: 10 }, 42);
 *   await relay.set({ loss: 0, garbage: 2000 });
 *   const counters = await relay.stats();
 *   await relay.stop();
 */
import { createInterface } from 'node:readline';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Lab } from './lab.js';

export const IMPAIR_RELAY_SCRIPT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../scripts/impair-relay.py');

/** Per direction; percentages 0-100, times in ms (the relay's --options, see its docstring). */
export interface ImpairmentSettings {
  delay?: number;
  jitter?: number;
  loss?: number;
  dup?: number;
  reorder?: number;
  reorder_ms?: number;
  /** Bottleneck in kbit/s (0: unlimited). */
  rate?: number;
  queue_ms?: number;
  /** 1: drop everything (a partition). */
  blackhole?: number;
  /** Garbage frames per second per direction. */
  garbage?: number;
}

export type GarbageKind = 'random' | 'truncated' | 'tcp_random' | 'kcp_bad_crc';

export interface DirectionCounters {
  in: number;
  out: number;
  lost: number;
  duplicated: number;
  reordered: number;
  queue_dropped: number;
  blackholed: number;
  send_failed: number;
  garbage_random: number;
  garbage_truncated: number;
  garbage_tcp_random: number;
  garbage_kcp_bad_crc: number;
}

/** Keyed "wanc->wans" (towards the server) and "wans->wanc" (towards the client). */
export type RelayStats = Record<string, DirectionCounters>;

export interface ImpairmentRelay {
  set(settings: ImpairmentSettings): Promise<void>;
  stats(): Promise<RelayStats>;
  /** Closes the relay's stdin (it exits) and waits for it; the link is cut afterwards. */
  stop(): Promise<void>;
}

export const TO_SERVER = 'wanc->wans';
export const TO_CLIENT = 'wans->wanc';

/** Sum of the garbage frames the relay injected in one direction. */
export function garbageSent(c: DirectionCounters): number {
  return c.garbage_random + c.garbage_truncated + c.garbage_tcp_random + c.garbage_kcp_bad_crc;
}

export async function startImpairmentRelay(lab: Lab, settings: ImpairmentSettings = {}, seed = 1): Promise<ImpairmentRelay> {
  const args = ['python3', IMPAIR_RELAY_SCRIPT, 'wanc', 'wans', '--control', '--seed', String(seed)];
  for (const [k, value] of Object.entries(settings)) args.push(`--${k.replace(/_/g, '-')}`, String(value));
  const child = lab.spawn('wan', args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const lines = createInterface({ input: child.stdout! });
  const waiting: { resolve: (line: string) => void; reject: (err: Error) => void }[] = [];
  lines.on('line', (line) => waiting.shift()?.resolve(line));
  child.once('exit', () => {
    for (const w of waiting.splice(0)) w.reject(new Error(`impairment relay exited (stderr: ${stderr.trim()})`));
  });
  const nextLine = (what: string) =>
    new Promise<string>((resolveLine, reject) => {
      const timer = setTimeout(() => reject(new Error(`impairment relay: no answer to ${what} in 10 s (stderr: ${stderr.trim()})`)), 10_000);
      waiting.push({
        resolve: (line) => (clearTimeout(timer), resolveLine(line)),
        reject: (err) => (clearTimeout(timer), reject(err)),
      });
    });
  const ready = await nextLine('start');
  if (ready !== 'ready') throw new Error(`impairment relay did not start: ${ready} ${stderr}`);

  // One request at a time: answers come back in order on stdout.
  let queue: Promise<unknown> = Promise.resolve();
  const request = <T>(message: object, pick: (answer: Record<string, unknown>) => T): Promise<T> => {
    const next = queue.then(async () => {
      const answer = nextLine(JSON.stringify(message));
      child.stdin!.write(`${JSON.stringify(message)}\n`);
      const parsed = JSON.parse(await answer) as Record<string, unknown>;
      if (parsed.ok !== true) throw new Error(`impairment relay refused ${JSON.stringify(message)}: ${String(parsed.error)}`);
      return pick(parsed);
    });
    queue = next.catch(() => {});
    return next;
  };

  return {
    set: (s) => request({ set: s }, () => undefined),
    stats: () => request({ stats: true }, (a) => a.stats as RelayStats),
    async stop() {
      child.stdin!.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
      lines.close();
    },
  };
}

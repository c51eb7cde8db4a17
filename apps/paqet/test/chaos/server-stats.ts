/** The `server stats: {...}` line the server logs when it stops (apps/paqet/src/daemon/server.ts). */
import type { ServerCounters } from '../../src/daemon/server.js';

export interface ServerStatsLine extends ServerCounters {
  kcpDrops: Record<string, number>;
  packetsIn: number;
  packetsOut: number;
  pcapDrops: { inbound: Record<string, number>; [counter: string]: unknown };
}

/** The last stats line in a server's output; throws when there is none (the server did not stop cleanly). */
export function parseServerStats(output: string): ServerStatsLine {
  const lines = [...output.matchAll(/server stats: (\{.*\})/g)];
  const last = lines.at(-1);
  if (!last) throw new Error(`no "server stats:" line in the server output:\n${output.slice(-2000)}`);
  return JSON.parse(last[1]!) as ServerStatsLine;
}

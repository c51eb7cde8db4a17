/** Folds KCP session stats into a snapshot's sessions, RTT, retransmissions, FEC and drops. */
import type { KcpSessionStats } from '@paqet/kcp';
import type { DropCounters } from '@paqet/rawsock';
import { addCounts } from './snapshot.js';

export interface SessionTotals {
  sessions: number;
  rttMs: number | null;
  retransmissions: number;
  fecRecovered: number;
  drops: Record<string, number>;
}

export function sumSessions(all: Iterable<KcpSessionStats>, drops: Record<string, number> = {}): SessionTotals {
  let sessions = 0;
  let rttSum = 0;
  let retransmissions = 0;
  let fecRecovered = 0;
  for (const s of all) {
    sessions++;
    rttSum += s.srttMs;
    retransmissions += s.retransmissions.timeout + s.retransmissions.fast + s.retransmissions.early;
    fecRecovered += s.fecRecovered;
    addCounts(drops, s.drops, 'kcp-');
  }
  return { sessions, rttMs: sessions ? Math.round(rttSum / sessions) : null, retransmissions, fecRecovered, drops };
}

/** Raw-socket drop counters (nested by layer) flattened to `raw-<reason>`. */
export function rawDrops(dropped: DropCounters): Record<string, number> {
  const out: Record<string, number> = {};
  addCounts(out, dropped.inbound, 'raw-');
  for (const [k, v] of Object.entries(dropped)) if (typeof v === 'number' && v) out[`raw-${k}`] = v;
  return out;
}

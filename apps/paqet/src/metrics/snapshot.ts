/**
 * What the daemon shows live: one snapshot of plain numbers, taken on demand (a scrape, a
 * status-page poll), never per packet. The client and the server each provide one.
 */
export interface TunnelSnapshot {
  readonly role: 'client' | 'server';
  /** Client: a live session to the server. Server: its packet socket is open. */
  readonly up: boolean;
  /** Live KCP sessions (client: its connections; server: its clients). */
  readonly sessions: number;
  /** Open smux streams over all sessions. */
  readonly streams: number;
  /** Mean smoothed RTT over the live sessions, in milliseconds; null without a session. */
  readonly rttMs: number | null;
  /** Raw socket: datagrams and payload bytes. */
  readonly packetsIn: number;
  readonly packetsOut: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
  /** Inbound drops by reason, every layer (raw socket, KCP session, listener). */
  readonly drops: Readonly<Record<string, number>>;
  readonly retransmissions: number;
  readonly fecRecovered: number;
  /** Accepted SOCKS5 and forward connections (client). */
  readonly socks5Connections: number;
  readonly forwardConnections: number;
  readonly reconnects: number;
}

/** Adds `from` into `into` by key (drop reasons of several layers). */
export function addCounts(into: Record<string, number>, from: Readonly<Record<string, number>>, prefix = ''): void {
  for (const [k, v] of Object.entries(from)) if (v) into[prefix + k] = (into[prefix + k] ?? 0) + v;
}

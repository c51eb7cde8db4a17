/**
 * The paqet server (protocol.md 3 and 4): one raw-packet PacketConn on the
 * network port, a transport listener on it (KCP+smux or QUIC), and per
 * stream the first paqet message decides: PING→PONG, TCPF→per-client flags,
 * TCP/UDP→@paqet/proxy relays with an 8 s dial timeout. Each stream may start
 * with upstream's binary header or the QUIC fork's gob header; it is answered
 * in the kind it used (docs/upstream-and-fork.md).
 */
import { endpointKey, type Endpoint, type Transport } from '@paqet/wire';
import { DirectDialer, type Dialer } from '@paqet/proxy';
import { PcapPacketConn } from '@paqet/rawsock';
import type { ResolvedConfig } from '../config/index.js';
import type { Logger } from '../log/logger.js';
import { rawSocketOptions } from '../transport/packet-conn.js';
import { KcpSmuxTransport } from '../transport/kcp-transport.js';
import { TransportListener } from '../transport/transport.js';
import { handleStream, SERVER_DIAL_TIMEOUT_MS, type ServerCounters, type StreamHandlerDeps } from './stream-handler.js';
import { startFirewall } from '../firewall/daemon-firewall.js';
import { rawDrops, sumSessions } from '../metrics/kcp-sessions.js';
import { startMetrics } from '../metrics/daemon-metrics.js';
import { addCounts, type TunnelSnapshot } from '../metrics/snapshot.js';

/** At most one 'rejected client' log line per this many ms (a scan must not flood the log). */
export const REJECT_LOG_INTERVAL_MS = 10_000;

export { SERVER_DIAL_TIMEOUT_MS, type ServerCounters } from './stream-handler.js';

export interface ServerDeps {
  readonly logger: Logger;
  readonly signal: AbortSignal;
  /** Test hook: where targets are dialed (default: DirectDialer with 8 s). */
  readonly dialer?: Dialer;
}

/** Turns an smux close reason into an Error the logger can classify as noise. */
function sessionEndError(reason: string): Error {
  const err = new Error(reason);
  if (/closed|timeout/i.test(reason)) (err as NodeJS.ErrnoException).code = 'ERR_SOCKET_CLOSED';
  return err;
}

export class PaqetServer {
  readonly counters: ServerCounters = {
    sessions: 0, streams: 0, pings: 0, tcpf: 0, tcp: 0, udp: 0, emptyStreams: 0, badHeaders: 0, gobHeaders: 0, dialFailures: 0, relayErrors: 0, rejected: 0,
  };
  private lastRejectLog = -Infinity;
  private rejectsSinceLog = 0;
  readonly conn: PcapPacketConn;
  private readonly listener: TransportListener;
  private readonly dialer: Dialer;
  private readonly logger: Logger;
  private readonly shutdown = new AbortController();
  private readonly streamDeps: StreamHandlerDeps;
  /** Live transports, for snapshot(). */
  private readonly live = new Set<Transport>();

  constructor(private readonly config: ResolvedConfig, deps: Omit<ServerDeps, 'signal'>) {
    this.logger = deps.logger;
    this.dialer = deps.dialer ?? new DirectDialer({ timeoutMs: SERVER_DIAL_TIMEOUT_MS });
    this.conn = new PcapPacketConn(rawSocketOptions(config));
    try {
      this.listener = new TransportListener(config, this.conn);
    } catch (err) {
      this.conn.close();
      throw err;
    }
    this.streamDeps = { logger: this.logger, dialer: this.dialer, signal: this.shutdown.signal, counters: this.counters, flags: this.conn };
    this.listener.on('transport', (t: Transport) => this.onSession(t));
    this.listener.on('rejected', (remote: Endpoint, reason: string) => this.onRejected(remote, reason));
    this.listener.on('error', (err: Error) => this.logger.error('failed to accept connection: %v', err));
    this.logger.info('server listening for packets on :%d', config.listen?.port ?? config.network.port);
  }

  /** Counters of every layer: streams here, KCP listener drops, raw socket drops. */
  stats(): Record<string, unknown> {
    return { ...this.counters, transportDrops: this.listener.drops, packetsIn: this.conn.counters.packetsIn, packetsOut: this.conn.counters.packetsOut, pcapDrops: this.conn.counters.dropped };
  }

  /** Live numbers for metrics.listen (read on demand). */
  snapshot(): TunnelSnapshot {
    const k = this.conn.counters;
    const drops = rawDrops(k.dropped);
    addCounts(drops, this.listener.drops, 'listener-');
    let streams = 0;
    const kcpStats = [];
    for (const t of this.live) {
      streams += t.stats().streams ?? 0;
      if (t instanceof KcpSmuxTransport) kcpStats.push(t.kcp.stats());
    }
    // KCP sessions also give RTT, retransmissions and FEC numbers; QUIC sessions count as sessions.
    const totals = sumSessions(kcpStats, drops);
    return {
      role: 'server', up: !this.conn.closed, sessions: this.live.size, streams, rttMs: totals.rttMs,
      packetsIn: k.packetsIn, packetsOut: k.packetsOut, bytesIn: k.bytesIn, bytesOut: k.bytesOut, drops: totals.drops,
      retransmissions: totals.retransmissions, fecRecovered: totals.fecRecovered,
      socks5Connections: 0, forwardConnections: 0, reconnects: 0,
    };
  }

  close(): void {
    this.shutdown.abort();
    this.listener.close();
  }

  /** A client without the key: counted always, logged at most once per REJECT_LOG_INTERVAL_MS. */
  private onRejected(remote: Endpoint, reason: string): void {
    this.counters.rejected++;
    this.rejectsSinceLog++;
    const now = performance.now();
    if (now - this.lastRejectLog < REJECT_LOG_INTERVAL_MS) return;
    const more = this.rejectsSinceLog > 1 ? ` (${this.rejectsSinceLog - 1} more since the last report)` : '';
    this.logger.warn('rejected connection from %s: %s%s', endpointKey(remote), reason, more);
    this.lastRejectLog = now;
    this.rejectsSinceLog = 0;
  }

  private onSession(transport: Transport): void {
    this.counters.sessions++;
    const remote: Endpoint = { address: transport.remote.address, port: transport.remote.port };
    const remoteText = endpointKey(remote);
    this.logger.info('accepted new connection from %s (local: <nil>)', remoteText);
    void (async () => {
      for (;;) {
        const stream = await transport.acceptStream();
        if (!stream) return;
        void handleStream(stream, remote, remoteText, this.streamDeps);
      }
    })();
    this.live.add(transport);
    transport.once('close', (reason: string) => {
      this.live.delete(transport);
      if (!this.shutdown.signal.aborted) this.logger.error('failed to accept stream on %s: %v', remoteText, sessionEndError(reason));
      // A session's flag list dies with it (protocol.md 4.4). The fork's server keeps it,
      // but fork clients send TCPF first on every new connection, so nothing is lost.
      if (!this.conn.closed) this.conn.clearRemoteFlags(remote);
    });
  }
}

/** Runs until `signal` aborts; resolves after everything is closed. */
export async function runServer(config: ResolvedConfig, deps: ServerDeps): Promise<void> {
  const firewall = await startFirewall(config, deps.logger);
  let server: PaqetServer;
  try {
    server = new PaqetServer(config, deps);
  } catch (err) {
    await firewall.close();
    throw err;
  }
  let metrics: { close(): Promise<void> } | null = null;
  try {
    metrics = await startMetrics(config, deps.logger, () => server.snapshot());
    await new Promise<void>((resolve) => {
      if (deps.signal.aborted) return resolve();
      deps.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    deps.logger.info('server stats: %s', JSON.stringify(server.stats()));
  } finally {
    await metrics?.close();
    server.close();
  }
  await firewall.close();
}

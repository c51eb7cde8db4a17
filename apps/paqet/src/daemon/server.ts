/**
 * The paqet server (protocol.md 3 and 4): one raw-packet PacketConn on the
 * network port, a transport listener on it (KCP+smux or QUIC), and per
 * stream the first paqet message decides: PING→PONG, TCPF→per-client flags,
 * TCP/UDP→@paqet/proxy relays with an 8 s dial timeout.
 */
import { endpointKey, encodePong, type Endpoint, type Transport, type TransportStream } from '@paqet/wire';
import { DirectDialer, relayTcp, relayUdp, type Dialer } from '@paqet/proxy';
import { PcapPacketConn } from '@paqet/rawsock';
import type { ResolvedConfig } from '../config/index.js';
import type { Logger } from '../log/logger.js';
import { rawSocketOptions } from '../transport/packet-conn.js';
import { KcpSmuxTransport } from '../transport/kcp-transport.js';
import { TransportListener } from '../transport/transport.js';
import { readStreamHeader } from './read-header.js';
import { startFirewall } from '../firewall/daemon-firewall.js';
import { rawDrops, sumSessions } from '../metrics/kcp-sessions.js';
import { startMetrics } from '../metrics/daemon-metrics.js';
import { addCounts, type TunnelSnapshot } from '../metrics/snapshot.js';

/** At most one 'rejected client' log line per this many ms (a scan must not flood the log). */
export const REJECT_LOG_INTERVAL_MS = 10_000;

/** protocol.md 6: server TCP dial / UDP setup timeout. */
export const SERVER_DIAL_TIMEOUT_MS = 8000;

export interface ServerCounters {
  sessions: number;
  streams: number;
  pings: number;
  tcpf: number;
  tcp: number;
  udp: number;
  /** Streams that ended before a whole header (probe streams land here). */
  emptyStreams: number;
  /** Bad magic/version/length/type or body. */
  badHeaders: number;
  dialFailures: number;
  relayErrors: number;
  /** Handshakes refused because the client does not hold the key (QUIC). */
  rejected: number;
}

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
    sessions: 0, streams: 0, pings: 0, tcpf: 0, tcp: 0, udp: 0, emptyStreams: 0, badHeaders: 0, dialFailures: 0, relayErrors: 0, rejected: 0,
  };
  private lastRejectLog = -Infinity;
  private rejectsSinceLog = 0;
  readonly conn: PcapPacketConn;
  private readonly listener: TransportListener;
  private readonly dialer: Dialer;
  private readonly logger: Logger;
  private readonly shutdown = new AbortController();
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
        void this.onStream(stream, remote, remoteText);
      }
    })();
    this.live.add(transport);
    transport.once('close', (reason: string) => {
      this.live.delete(transport);
      if (!this.shutdown.signal.aborted) this.logger.error('failed to accept stream on %s: %v', remoteText, sessionEndError(reason));
      // A session's flag list dies with it (protocol.md 4.4).
      if (!this.conn.closed) this.conn.clearRemoteFlags(remote);
    });
  }

  private async onStream(stream: TransportStream, remote: Endpoint, remoteText: string): Promise<void> {
    this.counters.streams++;
    const sid = stream.id;
    stream.on('error', () => {});
    stream.once('close', () => this.logger.debug('stream %d from %s closed', sid, remoteText));
    const header = await readStreamHeader(stream);
    if (!header.ok) {
      if (header.eof) this.counters.emptyStreams++;
      else this.counters.badHeaders++;
      this.logger.error('failed to read protocol message from stream %d: %v', sid, header.error);
      stream.destroy();
      return;
    }
    const m = header.message;
    switch (m.type) {
      case 'ping':
        this.counters.pings++;
        stream.end(Buffer.from(encodePong()), () => stream.destroy());
        return;
      case 'tcpf':
        this.counters.tcpf++;
        if (m.flags.length === 0) this.conn.clearRemoteFlags(remote);
        else this.conn.setRemoteFlags(remote, m.flags);
        stream.destroy();
        return;
      case 'tcp':
      case 'udp': {
        const tcp = m.type === 'tcp';
        const kind = tcp ? 'TCP' : 'UDP';
        if (tcp) this.counters.tcp++;
        else this.counters.udp++;
        const target = m.host.includes(':') ? `[${m.host}]:${m.port}` : `${m.host}:${m.port}`;
        this.logger.info('accepted %s stream %d: %s -> %s', kind, sid, remoteText, target);
        const relay = tcp ? relayTcp : relayUdp;
        const outcome = await relay(stream, { host: m.host, port: m.port }, this.dialer, { signal: this.shutdown.signal });
        if (!outcome.connected) {
          this.counters.dialFailures++;
          this.logger.error('failed to establish %s connection to %s for stream %d: %v', kind, target, sid, outcome.error);
          return;
        }
        if (outcome.error) {
          this.counters.relayErrors++;
          this.logger.error('%s stream %d failed for %s -> %s: %v', kind, sid, remoteText, target, outcome.error);
        }
        this.logger.debug('closed %s connection %s for stream %d', kind, target, sid);
        return;
      }
      default:
        this.counters.badHeaders++;
        this.logger.error('unknown protocol type %d on stream %d', 2, sid);
        stream.destroy();
    }
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

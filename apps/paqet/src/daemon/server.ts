/**
 * The paqet server (docs/protocol/stream-header.md, section 2): one raw-packet PacketConn on the
 * network port, a transport listener on it (KCP+smux, QUIC, or both: docs/quic.md), and per
 * stream the first paqet message decides: PING→PONG, TCPF→per-client flags,
 * TCP/UDP→@paqet/proxy relays with an 8 s dial timeout. Each stream may start
 * with upstream's binary header or the QUIC fork's gob header; it is answered
 * in the kind it used (docs/upstream-and-fork.md).
 */
import { endpointKey, type Endpoint, type Transport } from '@paqet/wire';
import { DirectDialer, PolicyDialer, type Dialer } from '@paqet/proxy';
import type { RawPacketConnBase } from '@paqet/rawsock';
import type { ResolvedConfig } from '../config/index.js';
import type { Logger } from '../log/logger.js';
import { RateLimitedLog } from '../log/rate-limit.js';
import { KcpSmuxTransport } from '../transport/kcp-transport.js';
import { backendFallbackWarning, createPacketConn } from '../transport/packet-conn.js';
import { PeerSilenceWatch } from '../transport/peer-silence.js';
import { TransportListener } from '../transport/transport.js';
import { handleStream, SERVER_DIAL_TIMEOUT_MS, type ServerCounters, type StreamHandlerDeps } from './stream-handler.js';
import { IntegrityWatch } from './integrity-watch.js';
import { startFirewall } from '../firewall/daemon-firewall.js';
import { rawDrops, sumSessions } from '../metrics/kcp-sessions.js';
import { startMetrics } from '../metrics/daemon-metrics.js';
import { addCounts, type TunnelSnapshot } from '../metrics/snapshot.js';

export { SERVER_DIAL_TIMEOUT_MS, type ServerCounters } from './stream-handler.js';

/** At most one 'rejected client' log line per this many ms (a scan must not flood the log). */
export const REJECT_LOG_INTERVAL_MS = 10_000;

export interface ServerDeps {
  readonly logger: Logger;
  readonly signal: AbortSignal;
  /** Test hook: where targets are dialed (default: DirectDialer with 8 s); the targets policy wraps it. */
  readonly dialer?: Dialer;
}

/** Turns a transport's close reason into an Error the logger can classify as noise. */
function sessionEndError(t: Transport, reason: string): Error {
  if (t instanceof KcpSmuxTransport && t.closeError) return t.closeError;
  const err = new Error(reason);
  if (/closed|timeout/i.test(reason)) (err as NodeJS.ErrnoException).code = 'ERR_SOCKET_CLOSED';
  return err;
}

export class PaqetServer {
  /** silentPeers: sessions closed because the client stopped answering (see silentPeers below). */
  readonly counters: ServerCounters & { silentPeers: number } = {
    sessions: 0, streams: 0, pings: 0, tcpf: 0, tcp: 0, udp: 0, emptyStreams: 0, badHeaders: 0, gobHeaders: 0, dialFailures: 0, denied: 0, relayErrors: 0,
    rejected: 0, silentPeers: 0,
  };
  readonly conn: RawPacketConnBase;
  private readonly listener: TransportListener;
  private readonly integrity: IntegrityWatch | null = null;
  private readonly dialer: Dialer;
  private readonly logger: Logger;
  /** A client can ask for denied targets at will; their log lines are rate-limited. */
  private readonly denials: RateLimitedLog;
  /** QUIC clients without the key; their log lines are rate-limited too. */
  private readonly rejections: RateLimitedLog;
  private readonly shutdown = new AbortController();
  /**
   * A KCP client that answers nothing for smux's keepalive timeout (8 s by default) while we
   * wait on it is gone (killed, cut off): its session, relays and buffers are released then,
   * not up to a keepalive period later. A shorter cut is survived, as the keepalive allows.
   * QUIC connections end by QUIC's own idle timeout.
   */
  private readonly silentPeers: PeerSilenceWatch | null = null;
  private readonly streamDeps: StreamHandlerDeps;
  /** Live transports, for snapshot(). */
  private readonly live = new Set<Transport>();

  constructor(private readonly config: ResolvedConfig, deps: Omit<ServerDeps, 'signal'>) {
    this.logger = deps.logger;
    const direct = deps.dialer ?? new DirectDialer({ timeoutMs: SERVER_DIAL_TIMEOUT_MS });
    // Names are resolved and checked first, then the checked address is dialed (docs/configuration.md, targets).
    this.dialer = config.targets.restricts ? new PolicyDialer({ policy: config.targets, dialer: direct, resolveTimeoutMs: SERVER_DIAL_TIMEOUT_MS }) : direct;
    this.denials = new RateLimitedLog(this.logger, 'denied streams');
    this.rejections = new RateLimitedLog(this.logger, 'rejected connections', { max: 1, windowMs: REJECT_LOG_INTERVAL_MS });
    this.conn = createPacketConn(config);
    try {
      this.listener = new TransportListener(config, this.conn);
    } catch (err) {
      this.conn.close();
      throw err;
    }
    this.streamDeps = { logger: this.logger, dialer: this.dialer, signal: this.shutdown.signal, counters: this.counters, flags: this.conn, denials: this.denials };
    this.listener.on('transport', (t: Transport) => this.onSession(t));
    this.listener.on('rejected', (remote: Endpoint, reason: string) => this.onRejected(remote, reason));
    this.listener.on('error', (err: Error) => this.logger.error('failed to accept connection: %v', err));
    const kcp = this.listener.kcp;
    if (kcp) {
      this.silentPeers = new PeerSilenceWatch(500, config.transport.kcp!.smux.keepAliveTimeoutMs);
      const { drops, lastIntegrityFailure: last } = kcp;
      this.integrity = new IntegrityWatch(this.logger, () => ({ failures: drops.crc + drops.auth, lastSource: last.port ? last : null }), config.transport.kcp!.block);
    }
    this.logger.info('server listening for packets on :%d', config.listen?.port ?? config.network.port);
    const fallback = backendFallbackWarning(config);
    if (fallback) this.logger.warn('%s', fallback);
  }

  /** Counters of every layer: streams here, the transport listeners' drops, raw socket drops. */
  stats(): Record<string, unknown> {
    const { kcp, quic } = this.listener;
    return {
      ...this.counters,
      ...(kcp && { kcpDrops: kcp.drops }),
      ...(quic && { quicDrops: quic.drops }),
      packetsIn: this.conn.counters.packetsIn,
      packetsOut: this.conn.counters.packetsOut,
      pcapDrops: this.conn.counters.dropped,
      kernelDrops: this.conn.counters.pcapDropped,
      backend: this.conn.backend,
    };
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
    // KCP sessions also give RTT, retransmissions and FEC numbers; QUIC connections count as sessions.
    const totals = { ...sumSessions(kcpStats, drops), sessions: this.live.size };
    return {
      role: 'server', up: !this.conn.closed, sessions: totals.sessions, streams, rttMs: totals.rttMs,
      packetsIn: k.packetsIn, packetsOut: k.packetsOut, bytesIn: k.bytesIn, bytesOut: k.bytesOut, drops: totals.drops,
      retransmissions: totals.retransmissions, fecRecovered: totals.fecRecovered,
      socks5Connections: 0, forwardConnections: 0, reconnects: 0,
    };
  }

  close(): void {
    this.integrity?.stop();
    this.denials.flush();
    this.rejections.flush();
    this.shutdown.abort();
    this.silentPeers?.stop();
    this.listener.close();
  }

  /** A QUIC client without the key: counted always, logged at most once per REJECT_LOG_INTERVAL_MS. */
  private onRejected(remote: Endpoint, reason: string): void {
    this.counters.rejected++;
    this.rejections.warn('rejected connection from %s: %s', endpointKey(remote), reason);
  }

  private onSession(transport: Transport): void {
    this.counters.sessions++;
    const remote: Endpoint = { address: transport.remote.address, port: transport.remote.port };
    const remoteText = endpointKey(remote);
    this.logger.info('accepted new connection from %s (local: <nil>)', remoteText);
    this.live.add(transport);
    void (async () => {
      for (;;) {
        const stream = await transport.acceptStream();
        if (!stream) return;
        void handleStream(stream, remote, remoteText, this.streamDeps);
      }
    })();
    if (transport instanceof KcpSmuxTransport) {
      this.silentPeers?.watch(transport.kcp, (silentMs) => {
        this.counters.silentPeers++;
        this.logger.info('closing the session of %s: no answer for %s s', remoteText, (silentMs / 1000).toFixed(1));
        transport.close('the client stopped answering');
      });
    }
    transport.once('close', (reason: string) => {
      if (transport instanceof KcpSmuxTransport) this.silentPeers?.unwatch(transport.kcp);
      this.live.delete(transport);
      if (!this.shutdown.signal.aborted) this.logger.error('failed to accept stream on %s: %v', remoteText, sessionEndError(transport, reason));
      // A session's flag list dies with it (docs/protocol/stream-header.md, section 2). The fork's server keeps it,
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

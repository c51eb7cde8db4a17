/**
 * The paqet server (docs/protocol/stream-header.md, section 2): one raw-packet PacketConn on the
 * network port, a KCP listener on it, an smux server per session, and per
 * stream the first paqet message decides: PING→PONG, TCPF→per-client flags,
 * TCP/UDP→@paqet/proxy relays with an 8 s dial timeout. Each stream may start
 * with upstream's binary header or the QUIC fork's gob header; it is answered
 * in the kind it used (docs/upstream-and-fork.md).
 */
import { endpointKey, type Endpoint } from '@paqet/wire';
import { SmuxSession, createServer, type KcpServer, type KcpSession, type SmuxCloseError, type SmuxStream } from '@paqet/kcp';
import { DirectDialer, PolicyDialer, type Dialer } from '@paqet/proxy';
import { PcapPacketConn } from '@paqet/rawsock';
import type { ResolvedConfig } from '../config/index.js';
import type { Logger } from '../log/logger.js';
import { RateLimitedLog } from '../log/rate-limit.js';
import { kcpSessionSettings, smuxOptions } from '../transport/kcp-options.js';
import { rawSocketOptions } from '../transport/packet-conn.js';
import { PeerSilenceWatch } from '../transport/peer-silence.js';
import { handleStream, SERVER_DIAL_TIMEOUT_MS, type ServerCounters, type StreamHandlerDeps } from './stream-handler.js';
import { IntegrityWatch } from './integrity-watch.js';
import { startFirewall } from '../firewall/daemon-firewall.js';
import { rawDrops, sumSessions } from '../metrics/kcp-sessions.js';
import { startMetrics } from '../metrics/daemon-metrics.js';
import { addCounts, type TunnelSnapshot } from '../metrics/snapshot.js';

export { SERVER_DIAL_TIMEOUT_MS, type ServerCounters } from './stream-handler.js';


export interface ServerDeps {
  readonly logger: Logger;
  readonly signal: AbortSignal;
  /** Test hook: where targets are dialed (default: DirectDialer with 8 s); the targets policy wraps it. */
  readonly dialer?: Dialer;
}

export class PaqetServer {
  /** silentPeers: sessions closed because the client stopped answering (see silentPeers below). */
  readonly counters: ServerCounters & { silentPeers: number } = {
    sessions: 0, streams: 0, pings: 0, tcpf: 0, tcp: 0, udp: 0, emptyStreams: 0, badHeaders: 0, gobHeaders: 0, dialFailures: 0, denied: 0, relayErrors: 0, silentPeers: 0,
  };
  readonly conn: PcapPacketConn;
  private readonly listener: KcpServer;
  private readonly integrity: IntegrityWatch;
  private readonly dialer: Dialer;
  private readonly logger: Logger;
  /** A client can ask for denied targets at will; their log lines are rate-limited. */
  private readonly denials: RateLimitedLog;
  private readonly shutdown = new AbortController();
  /**
   * A client that answers nothing for smux's keepalive timeout (8 s by default) while we wait
   * on it is gone (killed, cut off): its session, relays and buffers are released then, not
   * up to a keepalive period later. A shorter cut is survived, as the keepalive allows.
   */
  private readonly silentPeers: PeerSilenceWatch;
  private readonly streamDeps: StreamHandlerDeps;
  /** Live sessions and their muxes, for snapshot(). */
  private readonly live = new Map<KcpSession, SmuxSession>();

  constructor(private readonly config: ResolvedConfig, deps: Omit<ServerDeps, 'signal'>) {
    this.logger = deps.logger;
    this.silentPeers = new PeerSilenceWatch(500, config.transport.kcp.smux.keepAliveTimeoutMs);
    const direct = deps.dialer ?? new DirectDialer({ timeoutMs: SERVER_DIAL_TIMEOUT_MS });
    // Names are resolved and checked first, then the checked address is dialed (docs/configuration.md, targets).
    this.dialer = config.targets.restricts ? new PolicyDialer({ policy: config.targets, dialer: direct, resolveTimeoutMs: SERVER_DIAL_TIMEOUT_MS }) : direct;
    this.denials = new RateLimitedLog(this.logger, 'denied streams');
    this.conn = new PcapPacketConn(rawSocketOptions(config));
    try {
      this.listener = createServer(kcpSessionSettings(config)).listen({ conn: this.conn, ownsConn: true });
    } catch (err) {
      this.conn.close();
      throw err;
    }
    this.streamDeps = { logger: this.logger, dialer: this.dialer, signal: this.shutdown.signal, counters: this.counters, flags: this.conn, denials: this.denials };
    this.listener.on('session', (s: KcpSession) => this.onSession(s));
    const { drops, lastIntegrityFailure: last } = this.listener;
    this.integrity = new IntegrityWatch(this.logger, () => ({ failures: drops.crc + drops.auth, lastSource: last.port ? last : null }), config.transport.kcp.block);
    this.logger.info('server listening for packets on :%d', config.listen?.port ?? config.network.port);
  }

  /** Counters of every layer: streams here, KCP listener drops, raw socket drops. */
  stats(): Record<string, unknown> {
    return { ...this.counters, kcpDrops: this.listener.drops, packetsIn: this.conn.counters.packetsIn, packetsOut: this.conn.counters.packetsOut, pcapDrops: this.conn.counters.dropped };
  }

  /** Live numbers for metrics.listen (read on demand). */
  snapshot(): TunnelSnapshot {
    const k = this.conn.counters;
    const drops = rawDrops(k.dropped);
    addCounts(drops, this.listener.drops, 'listener-');
    let streams = 0;
    for (const mux of this.live.values()) streams += mux.streamCount;
    const totals = sumSessions([...this.live.keys()].map((s) => s.stats()), drops);
    return {
      role: 'server', up: !this.conn.closed, sessions: totals.sessions, streams, rttMs: totals.rttMs,
      packetsIn: k.packetsIn, packetsOut: k.packetsOut, bytesIn: k.bytesIn, bytesOut: k.bytesOut, drops: totals.drops,
      retransmissions: totals.retransmissions, fecRecovered: totals.fecRecovered,
      socks5Connections: 0, forwardConnections: 0, reconnects: 0,
    };
  }

  close(): void {
    this.integrity.stop();
    this.denials.flush();
    this.shutdown.abort();
    this.silentPeers.stop();
    this.listener.close();
  }

  private onSession(kcp: KcpSession): void {
    this.counters.sessions++;
    const remote: Endpoint = { address: kcp.remoteAddress!, port: kcp.remotePort! };
    const remoteText = endpointKey(remote);
    this.logger.info('accepted new connection from %s (local: <nil>)', remoteText);
    let mux: SmuxSession;
    try {
      mux = SmuxSession.server(kcp, smuxOptions(this.config));
    } catch (err) {
      this.logger.error('failed to accept stream on %s: %v', remoteText, err);
      kcp.destroy();
      return;
    }
    this.live.set(kcp, mux);
    mux.on('stream', (stream: SmuxStream) => void handleStream(stream, remote, remoteText, this.streamDeps));
    this.silentPeers.watch(kcp, (silentMs) => {
      this.counters.silentPeers++;
      this.logger.info('closing the session of %s: no answer for %s s', remoteText, (silentMs / 1000).toFixed(1));
      mux.close('the client stopped answering');
    });
    // The close reason is a typed error (PAQET_ERR_SMUX_*): the logger treats closes and timeouts as noise.
    mux.once('close', (reason: SmuxCloseError) => {
      this.silentPeers.unwatch(kcp);
      this.live.delete(kcp);
      if (!this.shutdown.signal.aborted) this.logger.error('failed to accept stream on %s: %v', remoteText, reason);
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

/**
 * The paqet server (protocol.md 3 and 4): one raw-packet PacketConn on the
 * network port, a KCP listener on it, an smux server per session, and per
 * stream the first paqet message decides: PING→PONG, TCPF→per-client flags,
 * TCP/UDP→@paqet/proxy relays with an 8 s dial timeout. Each stream may start
 * with upstream's binary header or the QUIC fork's gob header; it is answered
 * in the kind it used (docs/upstream-and-fork.md).
 */
import { endpointKey, type Endpoint } from '@paqet/wire';
import { KcpListener, SmuxSession, type KcpSession, type SmuxStream } from '@paqet/kcp';
import { DirectDialer, PolicyDialer, type Dialer } from '@paqet/proxy';
import type { RawPacketConnBase } from '@paqet/rawsock';
import type { ResolvedConfig } from '../config/index.js';
import type { Logger } from '../log/logger.js';
import { RateLimitedLog } from '../log/rate-limit.js';
import { cipherFactory, kcpSessionSettings, smuxOptions } from '../transport/kcp-options.js';
import { createPacketConn } from '../transport/packet-conn.js';
import { handleStream, SERVER_DIAL_TIMEOUT_MS, type ServerCounters, type StreamHandlerDeps } from './stream-handler.js';
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

/** Turns an smux close reason into an Error the logger can classify as noise. */
function sessionEndError(reason: string): Error {
  const err = new Error(reason);
  if (/closed|timeout/i.test(reason)) (err as NodeJS.ErrnoException).code = 'ERR_SOCKET_CLOSED';
  return err;
}

export class PaqetServer {
  readonly counters: ServerCounters = {
    sessions: 0, streams: 0, pings: 0, tcpf: 0, tcp: 0, udp: 0, emptyStreams: 0, badHeaders: 0, gobHeaders: 0, dialFailures: 0, denied: 0, relayErrors: 0,
  };
  readonly conn: RawPacketConnBase;
  private readonly listener: KcpListener;
  private readonly dialer: Dialer;
  private readonly logger: Logger;
  /** A client can ask for denied targets at will; their log lines are rate-limited. */
  private readonly denials: RateLimitedLog;
  private readonly shutdown = new AbortController();
  private readonly streamDeps: StreamHandlerDeps;
  /** Live sessions and their muxes, for snapshot(). */
  private readonly live = new Map<KcpSession, SmuxSession>();

  constructor(private readonly config: ResolvedConfig, deps: Omit<ServerDeps, 'signal'>) {
    this.logger = deps.logger;
    const direct = deps.dialer ?? new DirectDialer({ timeoutMs: SERVER_DIAL_TIMEOUT_MS });
    // Names are resolved and checked first, then the checked address is dialed (docs/configuration.md, targets).
    this.dialer = config.targets.restricts ? new PolicyDialer({ policy: config.targets, dialer: direct, resolveTimeoutMs: SERVER_DIAL_TIMEOUT_MS }) : direct;
    this.denials = new RateLimitedLog(this.logger, 'denied streams');
    this.conn = createPacketConn(config);
    try {
      this.listener = new KcpListener({ ...kcpSessionSettings(config), conn: this.conn, createCipher: cipherFactory(config), ownsConn: true });
    } catch (err) {
      this.conn.close();
      throw err;
    }
    this.streamDeps = { logger: this.logger, dialer: this.dialer, signal: this.shutdown.signal, counters: this.counters, flags: this.conn, denials: this.denials };
    this.listener.on('session', (s: KcpSession) => this.onSession(s));
    this.logger.info('server listening for packets on :%d', config.listen?.port ?? config.network.port);
  }

  /** Counters of every layer: streams here, KCP listener drops, raw socket drops. */
  stats(): Record<string, unknown> {
    return { ...this.counters, kcpDrops: this.listener.drops, packetsIn: this.conn.counters.packetsIn, packetsOut: this.conn.counters.packetsOut, pcapDrops: this.conn.counters.dropped, kernelDrops: this.conn.counters.pcapDropped, backend: this.conn.backend };
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
    this.denials.flush();
    this.shutdown.abort();
    this.listener.close();
  }

  private onSession(kcp: KcpSession): void {
    this.counters.sessions++;
    const remote: Endpoint = { address: kcp.remote.address, port: kcp.remote.port };
    const remoteText = endpointKey(remote);
    this.logger.info('accepted new connection from %s (local: <nil>)', remoteText);
    let mux: SmuxSession;
    try {
      mux = SmuxSession.server(kcp, smuxOptions(this.config));
    } catch (err) {
      this.logger.error('failed to accept stream on %s: %v', remoteText, err);
      kcp.close();
      return;
    }
    this.live.set(kcp, mux);
    mux.on('stream', (stream: SmuxStream) => void handleStream(stream, remote, remoteText, this.streamDeps));
    mux.once('close', (reason: string) => {
      this.live.delete(kcp);
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

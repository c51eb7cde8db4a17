/**
 * The paqet client (docs/protocol/stream-header.md, section 4): `transport.conn` tunnels
 * (connections that re-dial by themselves), the tunnel dialer, SOCKS5 listeners and TCP/UDP
 * forwards from the config. UDP flows
 * (SOCKS UDP ASSOCIATE destinations and forward sources) each own one stream,
 * reused while in use and closed after 60 s idle by @paqet/proxy's flow table
 * (the UDP stream pool of docs/protocol/stream-header.md, section 4).
 */
import { ProxyStats, Socks5Server, TcpForward, UdpForward } from '@paqet/proxy';
import type { ResolvedConfig } from '../config/index.js';
import type { Logger } from '../log/logger.js';
import { startFirewall } from '../firewall/daemon-firewall.js';
import { rawDrops, sumSessions } from '../metrics/kcp-sessions.js';
import { startMetrics } from '../metrics/daemon-metrics.js';
import { addCounts, type TunnelSnapshot } from '../metrics/snapshot.js';
import { proxyLogger } from './proxy-logger.js';
import { StreamOpener } from './stream-opener.js';
import { TunnelDialer } from './tunnel-dialer.js';
import { KcpSmuxTransport } from '../transport/kcp-transport.js';
import { backendFallbackWarning } from '../transport/packet-conn.js';

/** docs/protocol/stream-header.md, section 4: idle UDP streams live 60 s. */
export const UDP_STREAM_IDLE_MS = 60_000;

/** A start-up failure with the line the reference prints for it (apps/paqet/README.md). */
export class StartupError extends Error {
  constructor(readonly line: string, options?: { cause?: unknown }) {
    super(line, options);
    this.name = 'StartupError';
  }
}

export interface ClientDeps {
  readonly logger: Logger;
  readonly signal: AbortSignal;
}

interface Closable {
  close(): Promise<void>;
}

export class PaqetClient {
  readonly opener: StreamOpener;
  readonly dialer: TunnelDialer;
  private readonly listeners: Closable[] = [];
  readonly socks5Stats = new ProxyStats();
  readonly forwardStats = new ProxyStats();

  constructor(private readonly config: ResolvedConfig, private readonly logger: Logger) {
    this.opener = new StreamOpener(config, logger);
    this.dialer = new TunnelDialer(this.opener, logger, config.transport.header);
  }

  async start(): Promise<void> {
    const c = this.config;
    try {
      this.opener.start();
    } catch (err) {
      this.opener.close();
      throw new StartupError(`client encountered an error: ${(err as Error).message}`, { cause: err });
    }
    const n = c.network;
    this.logger.info('client IPv4:%s IPv6:%s -> %s (%d connections)', n.ipv4?.addr.ip ?? '<nil>', n.ipv6?.addr.ip ?? '<nil>', c.server!.text, c.transport.conn);
    const fallback = backendFallbackWarning(c);
    if (fallback) this.logger.warn('%s', fallback);
    const log = proxyLogger(this.logger);
    const limits = { udpIdleTimeoutMs: UDP_STREAM_IDLE_MS };
    for (const s of c.socks5) {
      const server = new Socks5Server({ listen: s.listen.text, dialer: this.dialer, username: s.username, password: s.password, logger: log, limits, stats: this.socks5Stats });
      try {
        await server.listen();
      } catch (err) {
        throw new StartupError(`SOCKS5 encountered an error: ${(err as Error).message}`, { cause: err });
      }
      this.listeners.push(server);
    }
    for (const f of c.forward) {
      const options = { listen: f.listen.text, target: { host: f.target.host, port: f.target.port }, dialer: this.dialer, logger: log, limits, stats: this.forwardStats };
      let forward: TcpForward | UdpForward;
      if (f.protocol === 'tcp') forward = new TcpForward(options);
      else if (f.protocol === 'udp') forward = new UdpForward(options);
      else throw new StartupError(`forward encountered an error: unsupported protocol: ${f.protocol}`);
      try {
        await forward.listen();
      } catch (err) {
        throw new StartupError(`forward encountered an error: ${(err as Error).message}`, { cause: err });
      }
      this.listeners.push(forward);
    }
  }

  /** Live numbers for metrics.listen (read on demand). */
  snapshot(): TunnelSnapshot {
    const live = this.opener.tunnels.filter((t) => t.state === 'up').flatMap((t) => (t.connection ? [t.connection] : []));
    const drops: Record<string, number> = {};
    let packetsIn = 0, packetsOut = 0, bytesIn = 0, bytesOut = 0, streams = 0;
    for (const t of this.opener.tunnels) {
      const k = t.packetConn.counters;
      packetsIn += k.packetsIn;
      packetsOut += k.packetsOut;
      bytesIn += k.bytesIn;
      bytesOut += k.bytesOut;
      addCounts(drops, rawDrops(k.dropped));
    }
    const kcpStats = [];
    for (const c of live) {
      streams += c.transport.stats().streams ?? 0;
      if (c.transport instanceof KcpSmuxTransport) kcpStats.push(c.transport.kcp.stats());
    }
    // KCP sessions also give RTT, retransmissions and FEC numbers; QUIC connections count as sessions.
    const totals = { ...sumSessions(kcpStats, drops), sessions: live.length };
    return {
      role: 'client', up: live.length > 0, sessions: totals.sessions, streams, rttMs: totals.rttMs,
      packetsIn, packetsOut, bytesIn, bytesOut, drops: totals.drops, retransmissions: totals.retransmissions,
      fecRecovered: totals.fecRecovered, socks5Connections: this.socks5Stats.totalConnections,
      forwardConnections: this.forwardStats.totalConnections, reconnects: this.opener.counters.reconnects,
    };
  }

  async close(): Promise<void> {
    this.opener.close();
    await Promise.allSettled(this.listeners.map((l) => l.close()));
  }
}

export async function runClient(config: ResolvedConfig, deps: ClientDeps): Promise<void> {
  const firewall = await startFirewall(config, deps.logger);
  const client = new PaqetClient(config, deps.logger);
  let metrics: { close(): Promise<void> } | null = null;
  try {
    await client.start();
    for (const t of client.opener.tunnels) {
      firewall.addPort(t.localPort);
      // After a server restart a tunnel carries on from the port it probed from.
      t.on('port', (port: number, oldPort: number) => {
        firewall.addPort(port);
        firewall.removePort(oldPort);
      });
    }
    metrics = await startMetrics(config, deps.logger, () => client.snapshot());
    await new Promise<void>((resolve) => {
      if (deps.signal.aborted) return resolve();
      deps.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    deps.logger.info('client stats: %s', JSON.stringify(client.opener.counters));
  } finally {
    await metrics?.close();
    await client.close();
    await firewall.close();
  }
}

/**
 * The one place that knows which transport a config asks for: the client
 * dials a Transport over a PacketConn, the server listens for them (for
 * kcp+quic, both on one PacketConn). The daemon sees only the Transport
 * interface (@paqet/wire).
 */
import { EventEmitter } from 'node:events';
import { createServer, type KcpServer, type KcpSession } from '@paqet/kcp';
import { looksLikeQuicInitial, QuicListener, QuicSession, type QuicRejection } from '@paqet/quic';
import type { Endpoint, PacketConn, Transport } from '@paqet/wire';
import type { ResolvedConfig } from '../config/index.js';
import { kcpSessionSettings } from './kcp-options.js';
import { KcpSmuxTransport } from './kcp-transport.js';
import { quicAuth, quicConfig, quicSettings } from './quic-options.js';
import { SplitPacketConn } from './split-packet-conn.js';

export interface DialOptions {
  /** Close `conn` with the transport (a tunnel that re-dials on its PacketConn keeps it). */
  readonly ownsConn: boolean;
  /** The client's keepalive, at most this often (smux NOP / QUIC PING) so a silent server is noticed; 0 = the config's. */
  readonly keepAliveMs?: number;
}

/** Client: one connection to the server over `conn`. */
export function dialTransport(config: ResolvedConfig, conn: PacketConn, remote: Endpoint, options: DialOptions): Transport {
  const keepAlive = (configured: number) => (options.keepAliveMs ? Math.min(configured || options.keepAliveMs, options.keepAliveMs) : configured);
  if (config.transport.protocol === 'kcp') {
    const smux = config.transport.kcp.smux;
    return KcpSmuxTransport.dial(config, conn, remote, { ownsConn: options.ownsConn, smux: { keepAliveInterval: keepAlive(smux.keepAliveIntervalMs) } });
  }
  const settings = quicSettings(config);
  const serverName = quicConfig(config).serverName || undefined;
  return QuicSession.dial({
    ...settings,
    keepAlivePeriodMs: keepAlive(settings.keepAlivePeriodMs ?? 0),
    ...quicAuth(config),
    conn,
    remote,
    ownsConn: options.ownsConn,
    serverName,
  });
}

export declare interface TransportListener {
  on(event: 'transport', listener: (transport: Transport) => void): this;
  /** A peer failed authentication (QUIC: it does not hold the key). */
  on(event: 'rejected', listener: (remote: Endpoint, reason: string) => void): this;
  on(event: string | symbol, listener: (...args: any[]) => void): this;
}

/** Server: transports from any client over `conn` (closed with the listener). */
export class TransportListener extends EventEmitter {
  /** The KCP server (transport.protocol kcp or kcp+quic), for its drop counters and integrity failures. */
  readonly kcp: KcpServer | null = null;
  readonly quic: QuicListener | null = null;

  constructor(config: ResolvedConfig, conn: PacketConn) {
    super();
    const { protocol } = config.transport;
    if (protocol === 'kcp+quic') {
      const split = new SplitPacketConn(conn);
      const kcp = (this.kcp = this.listenKcp(config, split.kcp));
      const quic = (this.quic = this.listenQuic(config, split.quic));
      split.setRouting({ quicOwns: (from) => quic.hasEndpoint(from), kcpOwns: (from) => kcp.hasSession(from), opensQuic: looksLikeQuicInitial });
    } else if (protocol === 'kcp') {
      this.kcp = this.listenKcp(config, conn);
    } else {
      this.quic = this.listenQuic(config, conn);
    }
  }

  private listenKcp(config: ResolvedConfig, conn: PacketConn): KcpServer {
    const kcp = createServer(kcpSessionSettings(config)).listen({ conn, ownsConn: true });
    kcp.on('session', (s: KcpSession) => {
      let t: KcpSmuxTransport;
      try {
        t = KcpSmuxTransport.accept(config, s);
      } catch (err) {
        s.destroy();
        this.emit('error', err);
        return;
      }
      this.emit('transport', t);
    });
    return kcp;
  }

  private listenQuic(config: ResolvedConfig, conn: PacketConn): QuicListener {
    const quic = new QuicListener({ ...quicSettings(config), ...quicAuth(config), conn, ownsConn: true });
    quic.on('session', (s: QuicSession) => this.emit('transport', s));
    quic.on('rejected', (r: QuicRejection) => this.emit('rejected', r.remote, r.reason));
    return quic;
  }

  /** Datagrams the listeners dropped, by reason (prefixed kcp-/quic- when it runs both). */
  get drops(): Readonly<Record<string, number>> {
    if (this.kcp && this.quic) {
      const both: Record<string, number> = {};
      for (const [k, v] of Object.entries(this.kcp.drops)) both[`kcp-${k}`] = v;
      for (const [k, v] of Object.entries(this.quic.drops)) both[`quic-${k}`] = v;
      return both;
    }
    return (this.kcp ?? this.quic)!.drops;
  }

  close(): void {
    this.kcp?.close();
    this.quic?.close();
  }
}

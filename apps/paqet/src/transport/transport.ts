/**
 * The one place that knows which transport a config asks for: the client
 * dials a Transport over a PacketConn, the server listens for them (for
 * kcp+quic, both on one PacketConn). The daemon sees only the Transport
 * interface (@paqet/wire).
 */
import { EventEmitter } from 'node:events';
import { KcpListener, type KcpSession } from '@paqet/kcp';
import { looksLikeQuicInitial, QuicListener, QuicSession, type QuicRejection } from '@paqet/quic';
import type { Endpoint, PacketConn, Transport } from '@paqet/wire';
import type { ResolvedConfig } from '../config/index.js';
import { cipherFactory, kcpSessionSettings } from './kcp-options.js';
import { KcpSmuxTransport } from './kcp-transport.js';
import { quicAuth, quicConfig, quicSettings } from './quic-options.js';
import { SplitPacketConn } from './split-packet-conn.js';

/** Client: one connection to the server over `conn` (closed with the transport). */
export function dialTransport(config: ResolvedConfig, conn: PacketConn, remote: Endpoint): Transport {
  if (config.transport.protocol === 'kcp') return KcpSmuxTransport.dial(config, conn, remote, true);
  const serverName = quicConfig(config).serverName || undefined;
  return QuicSession.dial({ ...quicSettings(config), ...quicAuth(config), conn, remote, ownsConn: true, serverName });
}

export declare interface TransportListener {
  on(event: 'transport', listener: (transport: Transport) => void): this;
  /** A peer failed authentication (QUIC: it does not hold the key). */
  on(event: 'rejected', listener: (remote: Endpoint, reason: string) => void): this;
  on(event: string | symbol, listener: (...args: any[]) => void): this;
}

/** Server: transports from any client over `conn` (closed with the listener). */
export class TransportListener extends EventEmitter {
  private readonly kcp: KcpListener | null = null;
  private readonly quic: QuicListener | null = null;

  constructor(config: ResolvedConfig, conn: PacketConn) {
    super();
    const { protocol } = config.transport;
    if (protocol === 'kcp+quic') {
      const split = new SplitPacketConn(conn);
      this.kcp = this.listenKcp(config, split.kcp);
      this.quic = this.listenQuic(config, split.quic);
      const kcp = this.kcp;
      const quic = this.quic;
      split.setRouting({ quicOwns: (from) => quic.hasEndpoint(from), kcpOwns: (from) => kcp.hasSession(from), opensQuic: looksLikeQuicInitial });
    } else if (protocol === 'kcp') {
      this.kcp = this.listenKcp(config, conn);
    } else {
      this.quic = this.listenQuic(config, conn);
    }
  }

  private listenKcp(config: ResolvedConfig, conn: PacketConn): KcpListener {
    const kcp = new KcpListener({ ...kcpSessionSettings(config), conn, createCipher: cipherFactory(config), ownsConn: true });
    kcp.on('session', (s: KcpSession) => {
      let t: KcpSmuxTransport;
      try {
        t = KcpSmuxTransport.accept(config, s);
      } catch (err) {
        s.close();
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

  /** Datagrams the listener dropped, by reason (prefixed kcp-/quic- when it runs both). */
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

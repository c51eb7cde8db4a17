/**
 * One conversation with the server (docs/protocol/stream-header.md): a transport (KCP with a
 * fresh conv and smux on it, or a QUIC connection) on the tunnel's raw-packet PacketConn, and
 * the TCPF stream sent at once. Closing closes the transport; the PacketConn belongs to the
 * Tunnel and outlives its conversations.
 */
import { QuicSession } from '@paqet/quic';
import type { RawPacketConnBase } from '@paqet/rawsock';
import { encodeStreamHeader, type Transport, type TransportStream } from '@paqet/wire';
import type { ResolvedConfig } from '../config/index.js';
import { KcpSmuxTransport } from '../transport/kcp-transport.js';
import { PeerSilence } from '../transport/peer-silence.js';
import { quicPeerSilence } from '../transport/quic-silence.js';
import { dialTransport } from '../transport/transport.js';

/**
 * The client sends a keepalive (smux NOP, QUIC PING) at least this often. Something in flight
 * is what lets an idle client notice a dead server (PeerSilence); both Go servers
 * take it as it comes, so it is free.
 */
export const CLIENT_KEEPALIVE_MS = 1000;

export class ClientConnection {
  readonly transport: Transport;
  /** What carries it, for log lines. */
  readonly kind: 'smux' | 'quic';
  private readonly tcpfMessage: Buffer;
  private readonly onTransportClose: (reason: string) => void;

  /** `onClosed` runs when the transport ends by itself (keepalive or idle timeout, protocol error), not on close(). */
  constructor(config: ResolvedConfig, packetConn: RawPacketConnBase, onClosed: (reason: Error) => void) {
    const server = config.server!;
    const flags = config.network.tcp.remoteFlag.map((f) => f.bits);
    this.tcpfMessage = Buffer.from(encodeStreamHeader(config.transport.header, { type: 'tcpf', flags }));
    this.transport = dialTransport(config, packetConn, { address: server.ip!, port: server.port }, { ownsConn: false, keepAliveMs: CLIENT_KEEPALIVE_MS });
    const t = this.transport;
    this.kind = t instanceof QuicSession ? 'quic' : 'smux';
    this.onTransportClose = (reason) => onClosed(t instanceof KcpSmuxTransport && t.closeError ? t.closeError : new Error(reason));
    this.transport.once('close', this.onTransportClose);
    this.sendFlags();
  }

  get closed(): boolean {
    return this.transport.closed;
  }

  /** A fresh watch on whether the server answers this conversation. */
  silence(): PeerSilence {
    const t = this.transport;
    return t instanceof QuicSession ? quicPeerSilence(t) : new PeerSilence((t as KcpSmuxTransport).kcp);
  }

  /** Smoothed round-trip time, ms (0 before the first sample). */
  get rttMs(): number {
    const t = this.transport;
    return t instanceof QuicSession ? t.stats().rttMs : (t as KcpSmuxTransport).kcp.stats().srttMs;
  }

  /** TCPF stream (docs/protocol/stream-header.md, section 2): SYN, the message, FIN. */
  sendFlags(): void {
    this.oneShot().end(this.tcpfMessage);
  }

  /** Liveness probe (docs/protocol/stream-header.md, section 2): open and close an empty stream; throws if the session is gone. */
  probe(): void {
    this.oneShot().end();
  }

  openStream(): TransportStream {
    return this.transport.openStream();
  }

  close(reason: string): void {
    this.transport.off('close', this.onTransportClose);
    this.transport.close(reason);
  }

  /**
   * A stream we only write to. Its read side is drained all the same: the server's close
   * (a QUIC reset) is noticed only by reading, and until then the stream stays in the
   * transport's tables.
   */
  private oneShot(): TransportStream {
    const s = this.transport.openStream();
    s.on('error', () => {});
    s.resume();
    return s;
  }
}

/**
 * One client connection (protocol.md 1, 5.1): its own raw-packet PacketConn
 * (own port), a transport to the server over it (KCP+smux, or QUIC), followed
 * by the synchronous TCPF message. Closing the transport closes the PacketConn.
 */
import { PcapPacketConn } from '@paqet/rawsock';
import { encodeStreamHeader, type Transport, type TransportStream } from '@paqet/wire';
import type { ResolvedConfig } from '../config/index.js';
import { rawSocketOptions } from '../transport/packet-conn.js';
import { dialTransport } from '../transport/transport.js';

export class ClientConnection {
  readonly packetConn: PcapPacketConn;
  readonly transport: Transport;
  private readonly tcpfMessage: Buffer;

  constructor(config: ResolvedConfig) {
    const server = config.server!;
    const flags = config.network.tcp.remoteFlag.map((f) => f.bits);
    this.tcpfMessage = Buffer.from(encodeStreamHeader(config.transport.header, { type: 'tcpf', flags }));
    this.packetConn = new PcapPacketConn(rawSocketOptions(config));
    try {
      this.transport = dialTransport(config, this.packetConn, { address: server.ip!, port: server.port });
    } catch (err) {
      this.packetConn.close();
      throw err;
    }
    this.sendFlags();
  }

  get closed(): boolean {
    return this.transport.closed;
  }

  get localPort(): number {
    return this.packetConn.port;
  }

  /** TCPF stream (protocol.md 3.1): SYN, the message, FIN. */
  sendFlags(): void {
    this.oneShot().end(this.tcpfMessage);
  }

  /** Liveness probe (protocol.md 3.2): open and close an empty stream; throws if the session is gone. */
  probe(): void {
    this.oneShot().end();
  }

  /**
   * A stream we only write to. Its read side is drained all the same: the
   * server's close (a QUIC reset) is noticed only by reading, and until then
   * the stream stays in the transport's tables.
   */
  private oneShot(): TransportStream {
    const s = this.transport.openStream();
    s.on('error', () => {});
    s.resume();
    return s;
  }

  openStream(): TransportStream {
    return this.transport.openStream();
  }

  close(): void {
    this.transport.close('client closed');
    this.packetConn.close();
  }
}

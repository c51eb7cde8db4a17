/**
 * One client connection (protocol.md 1, 5.1): its own raw-packet PacketConn
 * (own port), a KCP session to the server and an smux client session on it,
 * followed by the synchronous TCPF message. Closing closes smux, KCP and the
 * PacketConn in that order.
 */
import { KcpSession, SmuxSession, type SmuxStream } from '@paqet/kcp';
import type { RawPacketConnBase } from '@paqet/rawsock';
import { encodeStreamHeader } from '@paqet/wire';
import type { ResolvedConfig } from '../config/index.js';
import { cipherFactory, kcpSessionSettings, smuxOptions } from '../transport/kcp-options.js';
import { createPacketConn } from '../transport/packet-conn.js';

export class ClientConnection {
  readonly packetConn: RawPacketConnBase;
  readonly kcp: KcpSession;
  readonly smux: SmuxSession;
  private readonly tcpfMessage: Buffer;

  constructor(config: ResolvedConfig) {
    const server = config.server!;
    const flags = config.network.tcp.remoteFlag.map((f) => f.bits);
    this.tcpfMessage = Buffer.from(encodeStreamHeader(config.transport.header, { type: 'tcpf', flags }));
    this.packetConn = createPacketConn(config);
    try {
      this.kcp = KcpSession.dialConn({
        ...kcpSessionSettings(config),
        conn: this.packetConn,
        remote: { address: server.ip!, port: server.port },
        cipher: cipherFactory(config)(),
        ownsConn: true,
      });
      this.smux = SmuxSession.client(this.kcp, smuxOptions(config));
    } catch (err) {
      this.packetConn.close();
      throw err;
    }
    this.sendFlags();
  }

  get closed(): boolean {
    return this.smux.closed;
  }

  get localPort(): number {
    return this.packetConn.port;
  }

  /** TCPF stream (protocol.md 3.1): SYN, the message, FIN. */
  sendFlags(): void {
    const s = this.smux.openStream();
    s.on('error', () => {});
    s.end(this.tcpfMessage);
  }

  /** Liveness probe (protocol.md 3.2): open and close an empty stream; throws if the session is gone. */
  probe(): void {
    const s = this.smux.openStream();
    s.on('error', () => {});
    s.end();
  }

  openStream(): SmuxStream {
    return this.smux.openStream();
  }

  close(): void {
    this.smux.close('client closed');
    this.kcp.close();
    this.packetConn.close();
  }
}

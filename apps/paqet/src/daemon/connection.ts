/**
 * One conversation with the server (docs/protocol/stream-header.md): a KCP session with a
 * fresh conv on the tunnel's raw-packet PacketConn, an smux client session on it, and the
 * TCPF stream sent at once. Closing closes smux and KCP; the PacketConn belongs to the
 * Tunnel and outlives its conversations.
 */
import { SmuxSession, connect, type KcpSession, type SmuxStream } from '@paqet/kcp';
import type { PcapPacketConn } from '@paqet/rawsock';
import { encodeStreamHeader } from '@paqet/wire';
import type { ResolvedConfig } from '../config/index.js';
import { kcpSessionSettings, smuxOptions } from '../transport/kcp-options.js';

/**
 * The client sends an smux NOP at least this often. A NOP in flight is what lets an idle
 * client notice a dead server (PeerSilence); Go's server only reads NOPs, so it is free.
 */
export const CLIENT_KEEPALIVE_MS = 1000;

export class ClientConnection {
  readonly kcp: KcpSession;
  readonly smux: SmuxSession;
  private readonly tcpfMessage: Buffer;
  private readonly onSmuxClose: (reason: Error) => void;

  /** `onClosed` runs when the session ends by itself (keepalive timeout, protocol error), not on close(). */
  constructor(config: ResolvedConfig, packetConn: PcapPacketConn, onClosed: (reason: Error) => void) {
    const server = config.server!;
    const flags = config.network.tcp.remoteFlag.map((f) => f.bits);
    this.tcpfMessage = Buffer.from(encodeStreamHeader(config.transport.header, { type: 'tcpf', flags }));
    this.kcp = connect({
      ...kcpSessionSettings(config),
      conn: packetConn,
      remote: { address: server.ip!, port: server.port },
    });
    const smux = smuxOptions(config);
    this.smux = SmuxSession.client(this.kcp, { ...smux, keepAliveInterval: Math.min(smux.keepAliveInterval ?? CLIENT_KEEPALIVE_MS, CLIENT_KEEPALIVE_MS) });
    this.onSmuxClose = onClosed;
    this.smux.once('close', this.onSmuxClose);
    this.sendFlags();
  }

  get closed(): boolean {
    return this.smux.closed;
  }

  /** TCPF stream (docs/protocol/stream-header.md, section 2): SYN, the message, FIN. */
  sendFlags(): void {
    const s = this.smux.openStream();
    s.on('error', () => {});
    s.end(this.tcpfMessage);
  }

  /** Liveness probe (docs/protocol/stream-header.md, section 2): open and close an empty stream; throws if the session is gone. */
  probe(): void {
    const s = this.smux.openStream();
    s.on('error', () => {});
    s.end();
  }

  openStream(): SmuxStream {
    return this.smux.openStream();
  }

  close(reason: string): void {
    this.smux.off('close', this.onSmuxClose);
    this.smux.close(reason);
    this.kcp.destroy();
  }
}

/**
 * KCP + smux behind the Transport seam: a KCP session (reliability, cipher,
 * FEC) and the smux session on it, opened, closed and counted as one.
 */
import { EventEmitter } from 'node:events';
import { SmuxSession, connect, type KcpSession, type SmuxCloseError, type SmuxSessionOptions, type SmuxStream } from '@paqet/kcp';
import type { Endpoint, PacketConn, Transport } from '@paqet/wire';
import type { ResolvedConfig } from '../config/index.js';
import { kcpSessionSettings, smuxOptions } from './kcp-options.js';

export class KcpSmuxTransport extends EventEmitter implements Transport {
  /** smux FIN is a full close (as Go's smux). */
  readonly halfClose = false;
  readonly remote: Endpoint;
  /** Why smux closed, as its typed error (the 'close' event carries its message). */
  closeError: SmuxCloseError | null = null;

  constructor(
    readonly kcp: KcpSession,
    readonly smux: SmuxSession,
  ) {
    super();
    this.remote = { address: kcp.remoteAddress!, port: kcp.remotePort! };
    smux.once('close', (reason: SmuxCloseError) => {
      this.closeError = reason;
      kcp.destroy();
      this.emit('close', reason.message);
    });
  }

  /**
   * Client: a KCP conversation (fresh conv) with `remote` over `conn` and an smux client on
   * it. `smux` overrides the config's smux options (the client's short keepalive).
   */
  static dial(config: ResolvedConfig, conn: PacketConn, remote: Endpoint, options: { ownsConn: boolean; smux?: SmuxSessionOptions }): KcpSmuxTransport {
    const kcp = connect({ ...kcpSessionSettings(config), conn, remote, ownsConn: options.ownsConn });
    try {
      return new KcpSmuxTransport(kcp, SmuxSession.client(kcp, { ...smuxOptions(config), ...options.smux }));
    } catch (err) {
      kcp.destroy();
      throw err;
    }
  }

  /** Server: an smux server on a session the KCP server accepted. */
  static accept(config: ResolvedConfig, kcp: KcpSession): KcpSmuxTransport {
    return new KcpSmuxTransport(kcp, SmuxSession.server(kcp, smuxOptions(config)));
  }

  get closed(): boolean {
    return this.smux.closed;
  }

  get closeReason(): string | null {
    return this.closeError?.message ?? null;
  }

  openStream(): SmuxStream {
    return this.smux.openStream();
  }

  acceptStream(): Promise<SmuxStream | null> {
    return this.smux.acceptStream();
  }

  close(reason = 'closed'): void {
    this.smux.close(reason);
    this.kcp.destroy();
  }

  stats(): Readonly<Record<string, number>> {
    const k = this.kcp.stats();
    const numbers = Object.fromEntries(Object.entries(k).filter(([, v]) => typeof v === 'number')) as Record<string, number>;
    return { ...numbers, ...this.smux.counters, streams: this.smux.streamCount };
  }
}

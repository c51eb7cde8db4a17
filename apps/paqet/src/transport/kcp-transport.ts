/**
 * KCP + smux behind the Transport seam: a KCP session (reliability, cipher,
 * FEC) and the smux session on it, opened, closed and counted as one.
 */
import { EventEmitter } from 'node:events';
import { KcpSession, SmuxSession, type SmuxStream } from '@paqet/kcp';
import type { Endpoint, PacketConn, Transport } from '@paqet/wire';
import type { ResolvedConfig } from '../config/index.js';
import { cipherFactory, kcpSessionSettings, smuxOptions } from './kcp-options.js';

export class KcpSmuxTransport extends EventEmitter implements Transport {
  /** smux FIN is a full close (as Go's smux). */
  readonly halfClose = false;
  private reason: string | null = null;

  constructor(
    readonly kcp: KcpSession,
    readonly smux: SmuxSession,
  ) {
    super();
    smux.once('close', (reason: string) => {
      this.reason = reason;
      kcp.close();
      this.emit('close', reason);
    });
  }

  /** Client: a KCP conversation with `remote` over `conn` and an smux client on it. */
  static dial(config: ResolvedConfig, conn: PacketConn, remote: Endpoint, ownsConn: boolean): KcpSmuxTransport {
    const kcp = KcpSession.dialConn({ ...kcpSessionSettings(config), conn, remote, cipher: cipherFactory(config)(), ownsConn });
    try {
      return new KcpSmuxTransport(kcp, SmuxSession.client(kcp, smuxOptions(config)));
    } catch (err) {
      kcp.close();
      throw err;
    }
  }

  /** Server: an smux server on a session the KCP listener accepted. */
  static accept(config: ResolvedConfig, kcp: KcpSession): KcpSmuxTransport {
    return new KcpSmuxTransport(kcp, SmuxSession.server(kcp, smuxOptions(config)));
  }

  get remote(): Endpoint {
    return this.kcp.remote;
  }

  get closed(): boolean {
    return this.smux.closed;
  }

  get closeReason(): string | null {
    return this.reason;
  }

  openStream(): SmuxStream {
    return this.smux.openStream();
  }

  acceptStream(): Promise<SmuxStream | null> {
    return this.smux.acceptStream();
  }

  close(reason = 'closed'): void {
    this.smux.close(reason);
    this.kcp.close();
  }

  stats(): Readonly<Record<string, number>> {
    const k = this.kcp.stats();
    const numbers = Object.fromEntries(Object.entries(k).filter(([, v]) => typeof v === 'number')) as Record<string, number>;
    return { ...numbers, ...this.smux.counters, streams: this.smux.streamCount };
  }
}

/**
 * Server side: one PacketConn, many KCP sessions, demultiplexed by the
 * sender's endpoint and conv with kcp-go's replacement rules (kcp.md §11), except
 * that only a conversation's first segment (sn 0) opens a session.
 */
import { EventEmitter } from 'node:events';
import type { Endpoint, PacketConn } from '@paqet/wire';
import { endpointKey } from '@paqet/wire';
import type { DatagramCipher } from '../crypto/types.js';
import { readU32LE } from '../core/segment.js';
import { KCP_OVERHEAD, KCP_SN_OFFSET } from '../core/constants.js';
import { FEC_HEADER_SIZE, FEC_TYPE_DATA, FEC_TYPE_OOB, FEC_TYPE_PARITY } from './fec-hook.js';
import { UdpPacketConn } from '../udp/udp-packet-conn.js';
import { cipherFactory, type CipherOptions } from './cipher-options.js';
import { KcpSession, dropCounter, type KcpDropReason, type KcpSessionSettings } from './kcp-session.js';

export const KCP_ACCEPT_BACKLOG = 128;

export interface KcpListenerInit extends KcpSessionSettings {
  conn: PacketConn;
  /** A fresh cipher per session (ciphers keep per-datagram scratch state). */
  createCipher: () => DatagramCipher;
  /** Close `conn` when the listener closes (default true). */
  ownsConn?: boolean;
}

export interface UdpListenOptions extends KcpSessionSettings, CipherOptions {
  port: number;
  /** Bind address (default 0.0.0.0; '::' listens on IPv6). */
  host?: string;
}

export declare interface KcpListener {
  on(event: 'session', listener: (session: KcpSession) => void): this;
  on(event: 'close', listener: () => void): this;
  on(event: string | symbol, listener: (...args: any[]) => void): this;
}

export class KcpListener extends EventEmitter {
  readonly conn: PacketConn;
  private readonly sessions = new Map<string, KcpSession>();
  private readonly backlog: KcpSession[] = [];
  private readonly waiters: ((s: KcpSession | null) => void)[] = [];
  private readonly openCipher: DatagramCipher;
  private readonly init: KcpListenerInit;
  private isClosed = false;
  private lastSession: KcpSession | null = null;
  readonly drops: Record<KcpDropReason | 'backlog' | 'restart-mismatch', number> = {
    ...dropCounter(),
    backlog: 0,
    'restart-mismatch': 0,
  };

  constructor(init: KcpListenerInit) {
    super();
    this.init = init;
    this.conn = init.conn;
    this.openCipher = init.createCipher();
    this.conn.onDatagram(this.onDatagram);
  }

  /**
   * Listen over plain UDP. Sessions get paqet's server windows by default
   * (sndwnd/rcvwnd 1024).
   */
  static async listen(options: UdpListenOptions): Promise<KcpListener> {
    const createCipher = await cipherFactory(options);
    const conn = await UdpPacketConn.bind({
      port: options.port,
      host: options.host,
      type: options.host?.includes(':') ? 'udp6' : 'udp4',
    });
    return new KcpListener({ sndwnd: 1024, rcvwnd: 1024, ...options, conn, createCipher, ownsConn: true });
  }

  /** Where the listener's socket is bound, when it is a UdpPacketConn. */
  get localEndpoint(): Endpoint | undefined {
    return this.conn instanceof UdpPacketConn ? this.conn.localEndpoint : undefined;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Live sessions by remote endpoint key. */
  get sessionCount(): number {
    return this.sessions.size;
  }

  private readonly onDatagram = (datagram: Uint8Array, from: Endpoint) => {
    if (this.isClosed) return;
    const plain = this.openCipher.open(datagram);
    if (typeof plain === 'string') {
      this.drops[plain]++;
      return;
    }
    if (plain.length < 12) {
      this.drops.short++;
      return;
    }
    // Where conv and sn sit depends on the FEC marker (kcp.md §11 table).
    let conv = 0;
    let convKnown = false;
    /** KCP data whose first segment has sn 0: a new conversation (kcp.md §11 "restart"). */
    let opensConversation = false;
    const marker = plain[4] | (plain[5] << 8);
    if (marker === FEC_TYPE_DATA) {
      if (plain.length >= FEC_HEADER_SIZE + KCP_OVERHEAD) {
        conv = readU32LE(plain, FEC_HEADER_SIZE);
        convKnown = true;
        opensConversation = readU32LE(plain, FEC_HEADER_SIZE + KCP_SN_OFFSET) === 0;
      }
    } else if (marker === FEC_TYPE_PARITY) {
      // no conv in parity
    } else if (marker === FEC_TYPE_OOB) {
      conv = readU32LE(plain, FEC_HEADER_SIZE);
      convKnown = true;
    } else {
      if (plain.length < KCP_OVERHEAD) {
        this.drops.short++;
        return;
      }
      conv = readU32LE(plain, 0);
      convKnown = true;
      opensConversation = readU32LE(plain, KCP_SN_OFFSET) === 0;
    }
    // Most datagrams come from the same peer as the previous one: skip
    // building the endpoint key string for them.
    const last = this.lastSession;
    const existing =
      last !== null && !last.closed && last.remote.port === from.port && last.remote.address === from.address
        ? last
        : this.sessions.get(endpointKey(from));
    if (existing) this.lastSession = existing;
    const key = existing ? existing.remoteKey : endpointKey(from);
    if (existing) {
      if (!convKnown || conv === existing.conv) {
        existing.inputPlaintext(plain, datagram.length);
        return;
      }
      if (!opensConversation) {
        this.drops['restart-mismatch']++;
        return;
      }
      existing.close(); // a restarted peer: replace its session
    }
    // Only the start of a conversation opens a session. kcp-go would also open one in
    // mid-conversation (for a peer of this listener's previous run), but such a session can
    // never deliver a byte (the earlier segments went to the old run), and its ACKs would hide
    // from the peer that its session is gone (docs/operations.md, "Restarts and dead peers").
    if (!opensConversation) {
      this.drops['unknown-session']++;
      return;
    }
    if (this.backlog.length >= KCP_ACCEPT_BACKLOG) {
      this.drops.backlog++;
      return;
    }
    const session = new KcpSession({
      ...this.init,
      conn: this.conn,
      remote: from,
      conv,
      cipher: this.init.createCipher(),
      ownsConn: false,
    });
    session.onClosedInternal = (s) => {
      if (this.sessions.get(s.remoteKey) === s) this.sessions.delete(s.remoteKey);
      const i = this.backlog.indexOf(s);
      if (i >= 0) this.backlog.splice(i, 1);
    };
    this.sessions.set(key, session);
    session.inputPlaintext(plain, datagram.length);
    const waiter = this.waiters.shift();
    if (waiter) waiter(session);
    else if (this.listenerCount('session') > 0) this.emit('session', session);
    else this.backlog.push(session);
  };

  /** Next new session (also delivered as the 'session' event when listened to). Null once closed. */
  accept(): Promise<KcpSession | null> {
    const s = this.backlog.shift();
    if (s) return Promise.resolve(s);
    if (this.isClosed) return Promise.resolve(null);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Close every session and (if owned) the PacketConn. */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.conn.onDatagram(null);
    for (const s of [...this.sessions.values()]) s.close();
    this.sessions.clear();
    for (const w of this.waiters.splice(0)) w(null);
    if (this.init.ownsConn ?? true) this.conn.close();
    this.emit('close');
  }
}

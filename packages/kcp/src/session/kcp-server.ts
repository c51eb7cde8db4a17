/**
 * KcpServer: one PacketConn, many KCP sessions, demultiplexed by the sender's endpoint
 * and conv with kcp-go's replacement rules (docs/protocol/kcp.md), except that only a
 * conversation's first segment (sn 0) opens a session. Shaped like net.Server:
 * `createServer(options, onSession).listen(port, host)`.
 */
import { EventEmitter } from 'node:events';
import type { Endpoint, PacketConn } from '@paqet/wire';
import { endpointKey } from '@paqet/wire';
import { readU32LE } from '../bytes.js';
import { KCP_OVERHEAD, KCP_SN_OFFSET } from '../core/constants.js';
import type { DatagramCipher } from '../crypto/types.js';
import { KcpError, KcpErrorCode } from '../errors.js';
import { FEC_HEADER_SIZE, FEC_TYPE_DATA, FEC_TYPE_OOB, FEC_TYPE_PARITY, fecType } from '../fec/contract.js';
import { UdpPacketConn } from '../udp/udp-packet-conn.js';
import { cipherFactory, cipherFactorySync, type CipherFactory } from './cipher-options.js';
import { KcpConversation, dropCounter, type KcpDropReason } from './conversation.js';
import { KcpSession } from './kcp-session.js';
import type { KcpListenConnOptions, KcpListenUdpOptions, KcpServerOptions } from './options.js';

export const KCP_ACCEPT_BACKLOG = 128;

export interface KcpServerAddress {
  address: string;
  port: number;
  family: 'IPv4' | 'IPv6';
}

export declare interface KcpServer {
  on(event: 'session', listener: (session: KcpSession) => void): this;
  on(event: 'listening' | 'close', listener: () => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
  on(event: string | symbol, listener: (...args: any[]) => void): this;
  once(event: 'session', listener: (session: KcpSession) => void): this;
  once(event: 'listening' | 'close', listener: () => void): this;
  once(event: string | symbol, listener: (...args: any[]) => void): this;
}

export class KcpServer extends EventEmitter {
  /** The PacketConn sessions arrive on (null until listening). */
  conn: PacketConn | null = null;
  private readonly options: KcpServerOptions;
  private readonly backlogLimit: number;
  private readonly sessions = new Map<string, KcpConversation>();
  private readonly backlog: KcpSession[] = [];
  private readonly waiters: ((s: KcpSession | null) => void)[] = [];
  private createCipher: CipherFactory | null = null;
  private openCipher: DatagramCipher | null = null;
  private ownsConn = true;
  private isClosed = false;
  private lastSession: KcpConversation | null = null;
  readonly drops: Record<KcpDropReason | 'backlog' | 'restart-mismatch', number> = {
    ...dropCounter(),
    backlog: 0,
    'restart-mismatch': 0,
  };

  /**
   * Where the latest datagram that failed the integrity check (CRC or AEAD tag) came from:
   * the usual sign of a peer with another key or block. Overwritten in place, never
   * allocated per datagram; copy it to keep it.
   */
  readonly lastIntegrityFailure: { address: string; port: number } = { address: '', port: 0 };

  /** Sessions get paqet's server windows (sndwnd/rcvwnd 1024) unless the options say otherwise. */
  constructor(options: KcpServerOptions = {}, onSession?: (session: KcpSession) => void) {
    super();
    this.options = { sndwnd: 1024, rcvwnd: 1024, ...options };
    this.backlogLimit = options.backlog ?? KCP_ACCEPT_BACKLOG;
    if (onSession) this.on('session', onSession);
  }

  /**
   * Start taking sessions: on a UDP port (`listen(port, host)`, `listen({ port, host })`) or
   * on any PacketConn (`listen({ conn })`). Emits 'listening'; a failure emits 'error'.
   * With a key given as bytes (or no key needed) over a PacketConn, it is listening on return.
   */
  listen(port?: number, host?: string, callback?: () => void): this;
  listen(options: KcpListenUdpOptions | KcpListenConnOptions, callback?: () => void): this;
  listen(a?: number | KcpListenUdpOptions | KcpListenConnOptions, b?: string | (() => void), c?: () => void): this {
    if (this.conn !== null || this.isClosed) throw new KcpError(KcpErrorCode.Options, 'server is already listening or closed');
    const callback = typeof b === 'function' ? b : c;
    if (callback) this.once('listening', callback);
    const target = typeof a === 'object' ? a : { port: a, host: typeof b === 'string' ? b : undefined };
    if ('conn' in target) {
      const { conn } = target;
      this.ownsConn = target.ownsConn ?? true;
      const sync = cipherFactorySync(this.options);
      if (sync) {
        this.start(conn, sync);
        process.nextTick(() => this.emit('listening'));
      } else {
        void this.startAsync(async () => conn);
      }
      return this;
    }
    const { port, host } = target as KcpListenUdpOptions;
    void this.startAsync(() =>
      UdpPacketConn.bind({ port: port ?? 0, host, type: host?.includes(':') ? 'udp6' : 'udp4' }),
    );
    return this;
  }

  private async startAsync(open: () => Promise<PacketConn>): Promise<void> {
    try {
      const createCipher = await cipherFactory(this.options);
      const conn = await open();
      if (this.isClosed) {
        if (this.ownsConn) conn.close();
        return;
      }
      this.start(conn, createCipher);
      this.emit('listening');
    } catch (err) {
      this.emit('error', err);
    }
  }

  private start(conn: PacketConn, createCipher: CipherFactory): void {
    this.conn = conn;
    this.createCipher = createCipher;
    this.openCipher = createCipher();
    conn.onDatagram(this.onDatagram);
  }

  get listening(): boolean {
    return this.conn !== null && !this.isClosed;
  }

  /** Where the server is bound, as net.Server.address(); null before listening or when the conn does not say. */
  address(): KcpServerAddress | null {
    const ep = this.conn?.localEndpoint;
    if (!ep) return null;
    return { address: ep.address, port: ep.port, family: ep.address.includes(':') ? 'IPv6' : 'IPv4' };
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Live sessions by remote endpoint key. */
  get sessionCount(): number {
    return this.sessions.size;
  }

  /** Whether a live session talks to `remote` (a socket shared with another protocol routes by it). */
  hasSession(remote: Endpoint): boolean {
    return this.sessions.has(endpointKey(remote));
  }

  private readonly onDatagram = (datagram: Uint8Array, from: Endpoint) => {
    if (this.isClosed) return;
    const plain = this.openCipher!.open(datagram);
    if (typeof plain === 'string') {
      this.drops[plain]++;
      if (plain === 'crc' || plain === 'auth') {
        this.lastIntegrityFailure.address = from.address;
        this.lastIntegrityFailure.port = from.port;
      }
      return;
    }
    if (plain.length < 12) {
      this.drops.short++;
      return;
    }
    // Where conv and sn sit depends on the FEC marker (docs/protocol/kcp.md, section 7 table).
    let conv = 0;
    let convKnown = false;
    /** KCP data whose first segment has sn 0: a new conversation (a restart, in kcp-go's rules). */
    let opensConversation = false;
    const marker = fecType(plain);
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
    // mid-conversation (for a peer of this server's previous run), but such a session can
    // never deliver a byte (the earlier segments went to the old run), and its ACKs would hide
    // from the peer that its session is gone (docs/operations.md, "Restarts and dead peers").
    if (!opensConversation) {
      this.drops['unknown-session']++;
      return;
    }
    if (this.backlog.length >= this.backlogLimit) {
      this.drops.backlog++;
      return;
    }
    const conversation = new KcpConversation({
      ...this.options,
      conn: this.conn!,
      remote: from,
      conv,
      cipher: this.createCipher!(),
      ownsConn: false,
    });
    const session = KcpSession.accepted(conversation, this.options.clock);
    conversation.onClosedInternal = (s) => {
      if (this.sessions.get(s.remoteKey) === s) this.sessions.delete(s.remoteKey);
      const i = this.backlog.indexOf(session);
      if (i >= 0) this.backlog.splice(i, 1);
    };
    this.sessions.set(key, conversation);
    conversation.inputPlaintext(plain, datagram.length);
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

  /** Close every session and (if owned) the PacketConn; emits 'close'. */
  close(callback?: () => void): this {
    if (callback) this.once('close', callback);
    if (this.isClosed) return this;
    this.isClosed = true;
    this.conn?.onDatagram(null);
    for (const s of [...this.sessions.values()]) s.close();
    this.sessions.clear();
    for (const w of this.waiters.splice(0)) w(null);
    if (this.ownsConn) this.conn?.close();
    process.nextTick(() => this.emit('close'));
    return this;
  }
}


/**
 * KcpSession: one KCP conversation as a Node Duplex, shaped like net.Socket. `connect()`
 * makes one (over its own UDP socket or any PacketConn); a KcpServer hands out the
 * server side. Reads and writes are the reliable byte stream of docs/protocol/kcp.md;
 * KCP has no FIN, so `end()` waits until what was written is acknowledged and then
 * closes, and the peer learns of it by its own idle timeout (or smux's keepalive).
 */
import { randomBytes } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { Duplex } from 'node:stream';
import type { Endpoint, PacketConn } from '@paqet/wire';
import { KcpError, KcpErrorCode } from '../errors.js';
import { kMuxTransport, type MuxTransport } from '../smux/transport.js';
import { UdpPacketConn } from '../udp/udp-packet-conn.js';
import { cipherFactory, cipherFactorySync, type CipherFactory } from './cipher-options.js';
import { realClock, type SessionClock } from './clock.js';
import { KcpConversation, emptyStats, type KcpSessionStats } from './conversation.js';
import { KcpMuxTransport } from './mux-transport.js';
import type { KcpConnectOptions } from './options.js';

/** How long end() waits for the peer to acknowledge what was written before closing anyway. */
export const KCP_END_LINGER_MS = 10_000;

export declare interface KcpSession {
  on(event: 'connect', listener: () => void): this;
  on(event: 'timeout', listener: () => void): this;
  on(event: 'data', listener: (chunk: Buffer) => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
  on(event: 'close' | 'drain' | 'end' | 'finish', listener: () => void): this;
  on(event: string | symbol, listener: (...args: any[]) => void): this;
  once(event: 'connect' | 'timeout' | 'close' | 'drain' | 'end' | 'finish', listener: () => void): this;
  once(event: string | symbol, listener: (...args: any[]) => void): this;
}

export class KcpSession extends Duplex {
  /** @internal the engine; null until connected. */
  conversation: KcpConversation | null = null;
  private clock: SessionClock = realClock;
  private pendingWrite: { chunk: Buffer; cb: (err?: Error | null) => void } | null = null;
  private writeCallback: ((err?: Error | null) => void) | null = null;
  private readWanted = false;
  private muxTransport: KcpMuxTransport | null = null;
  private idleMs = 0;
  private idleTimer: unknown = null;
  private lastActivity = 0;

  /** @internal use connect() or a KcpServer. */
  constructor() {
    super({ allowHalfOpen: true });
  }

  /** Dial a KCP server: `{ host, port, block, key }` over UDP, or `{ conn, remote, ... }` over any PacketConn. */
  static connect(options: KcpConnectOptions, connectListener?: () => void): KcpSession {
    return connect(options, connectListener);
  }

  /** @internal the server side of a conversation a KcpServer accepted. */
  static accepted(conversation: KcpConversation, clock: SessionClock | undefined): KcpSession {
    const session = new KcpSession();
    session.clock = clock ?? realClock;
    session.adopt(conversation);
    return session;
  }

  // ---------- state, as on net.Socket ----------

  /** True until the session has its conversation (DNS, bind and key derivation take a moment). */
  get connecting(): boolean {
    return this.conversation === null && !this.destroyed;
  }

  /** The KCP conversation id (0 before 'connect'). */
  get conv(): number {
    return this.conversation?.conv ?? 0;
  }

  get remoteAddress(): string | undefined {
    return this.conversation?.remote.address;
  }

  get remotePort(): number | undefined {
    return this.conversation?.remote.port;
  }

  get remoteFamily(): 'IPv4' | 'IPv6' | undefined {
    const a = this.conversation?.remote.address;
    return a === undefined ? undefined : a.includes(':') ? 'IPv6' : 'IPv4';
  }

  get localAddress(): string | undefined {
    return this.conversation?.conn.localEndpoint?.address;
  }

  get localPort(): number | undefined {
    return this.conversation?.conn.localEndpoint?.port;
  }

  /** The peer's endpoint (undefined before 'connect'). */
  get remote(): Endpoint | undefined {
    return this.conversation?.remote;
  }

  /** Bytes KCP carries per segment (mtu minus envelope, FEC header and KCP header). */
  get mss(): number {
    return this.conversation?.mss ?? 0;
  }

  /** Counters, RTT and windows; zeros before 'connect'. */
  stats(): KcpSessionStats {
    return this.conversation?.stats() ?? emptyStats();
  }

  /** Send what is queued now instead of at the next interval, whatever the write delay. */
  flush(): void {
    this.conversation?.flush();
  }

  /**
   * Emit 'timeout' after `ms` without a datagram from the peer or a write (0 turns it off).
   * Like net.Socket, nothing is closed: listen for 'timeout' and destroy() if you want.
   */
  setTimeout(ms: number, callback?: () => void): this {
    if (callback) this.once('timeout', callback);
    this.idleMs = ms > 0 ? ms : 0;
    if (this.idleTimer !== null) this.clock.clearTimeout(this.idleTimer);
    this.idleTimer = null;
    this.lastActivity = this.clock.now();
    if (this.idleMs > 0) this.idleTimer = this.clock.setTimeout(this.onIdleTimer, this.idleMs);
    return this;
  }

  private readonly onActivity = () => {
    this.lastActivity = this.clock.now();
    if (this.idleMs > 0 && this.idleTimer === null) this.idleTimer = this.clock.setTimeout(this.onIdleTimer, this.idleMs);
  };

  private readonly onIdleTimer = () => {
    this.idleTimer = null;
    if (this.destroyed || this.idleMs === 0) return;
    const idle = this.clock.now() - this.lastActivity;
    // Once per idle period: the next activity arms the timer again.
    if (idle >= this.idleMs) this.emit('timeout');
    else this.idleTimer = this.clock.setTimeout(this.onIdleTimer, this.idleMs - idle);
  };

  // ---------- becoming connected ----------

  /** @internal */
  adopt(conversation: KcpConversation): void {
    this.conversation = conversation;
    conversation.on('drain', this.onConversationDrain);
    conversation.once('close', this.onConversationClose);
    conversation.onActivity = this.onActivity;
    const pending = this.pendingWrite;
    this.pendingWrite = null;
    if (pending) this._write(pending.chunk, 'utf8', pending.cb);
    if (this.readWanted) this._read();
    this.muxTransport?.connected(conversation);
  }

  private readonly onConversationDrain = () => {
    const cb = this.writeCallback;
    this.writeCallback = null;
    cb?.();
  };

  private readonly onConversationClose = () => {
    if (!this.destroyed) this.destroy();
  };

  // ---------- Duplex ----------

  /** @internal */
  override _read(): void {
    const c = this.conversation;
    if (c === null || this.muxTransport !== null) {
      this.readWanted = true;
      return;
    }
    this.readWanted = false;
    c.onData(this.pushCopy);
    c.resumeReading();
  }

  /** Segments arrive as reused views: the Readable keeps what it is given, so give it a copy. */
  private readonly pushCopy = (bytes: Uint8Array) => {
    if (!this.push(Buffer.from(bytes))) this.conversation!.pauseReading();
  };

  /** @internal */
  override _write(chunk: Buffer, _encoding: BufferEncoding, cb: (err?: Error | null) => void): void {
    const c = this.conversation;
    if (c === null) {
      this.pendingWrite = { chunk, cb };
      return;
    }
    this.onActivity();
    try {
      if (c.write(chunk)) cb();
      else this.writeCallback = cb;
    } catch (err) {
      cb(err as Error);
    }
  }

  /** @internal */
  override _final(cb: (err?: Error | null) => void): void {
    const c = this.conversation;
    if (c === null) return cb();
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      this.clock.clearTimeout(linger);
      cb();
      this.destroy();
    };
    const linger = this.clock.setTimeout(finish, KCP_END_LINGER_MS);
    c.flush();
    c.whenAllAcked(finish);
  }

  /** @internal */
  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    if (this.idleTimer !== null) this.clock.clearTimeout(this.idleTimer);
    this.idleTimer = null;
    const c = this.conversation;
    if (c) {
      c.off('drain', this.onConversationDrain);
      c.off('close', this.onConversationClose);
      c.onActivity = null;
      c.close();
    }
    const pending = this.pendingWrite ?? (this.writeCallback ? { cb: this.writeCallback } : null);
    this.pendingWrite = null;
    this.writeCallback = null;
    pending?.cb(err ?? new KcpError(KcpErrorCode.SessionClosed, 'KCP session closed', 'close-session'));
    cb(err);
  }

  /** @internal smux drives the conversation directly: segments without a copy. */
  [kMuxTransport](): MuxTransport {
    this.muxTransport ??= new KcpMuxTransport(this);
    if (this.conversation) this.muxTransport.connected(this.conversation);
    return this.muxTransport;
  }

  /** @internal */
  startConnect(options: KcpConnectOptions): void {
    this.clock = options.clock ?? realClock;
    // Bad block or missing key: thrown here, as net.connect throws on bad arguments.
    const sync = cipherFactorySync(options);
    if (options.conn) {
      const { conn, remote } = options;
      if (!remote) throw new KcpError(KcpErrorCode.Options, 'connect over a PacketConn needs `remote`');
      if (sync) {
        this.attachConn(options, conn, remote, sync, options.ownsConn ?? false);
        process.nextTick(() => this.emit('connect'));
        return;
      }
      void this.connectAsync(options, sync, async () => ({ conn, remote, owns: options.ownsConn ?? false }));
      return;
    }
    const { host, port } = options;
    if (host === undefined || port === undefined) throw new KcpError(KcpErrorCode.Options, 'connect needs `host` and `port`, or `conn` and `remote`');
    void this.connectAsync(options, sync, async () => {
      const resolved = await lookup(host);
      const remote = { address: resolved.address, port };
      const conn = await UdpPacketConn.bind({
        type: resolved.family === 6 ? 'udp6' : 'udp4',
        host: options.localAddress,
        port: options.localPort,
        connect: remote, // one peer only: a connected socket sends cheaper
      });
      return { conn, remote, owns: true };
    });
  }

  private async connectAsync(
    options: KcpConnectOptions,
    sync: CipherFactory | null,
    open: () => Promise<{ conn: PacketConn; remote: Endpoint; owns: boolean }>,
  ): Promise<void> {
    try {
      const createCipher = sync ?? (await cipherFactory(options));
      const { conn, remote, owns } = await open();
      if (this.destroyed) {
        if (owns) conn.close();
        return;
      }
      this.attachConn(options, conn, remote, createCipher, owns);
      this.emit('connect');
    } catch (err) {
      this.destroy(err as Error);
    }
  }

  private attachConn(options: KcpConnectOptions, conn: PacketConn, remote: Endpoint, createCipher: CipherFactory, ownsConn: boolean): void {
    const c = new KcpConversation({ ...options, conn, remote, cipher: createCipher(), ownsConn, conv: options.conv ?? randomConv() });
    const { address, port } = c.remote;
    // Only the server's datagrams belong to this conversation (docs/protocol/kcp.md).
    conn.onDatagram((datagram, from) => {
      if (from.port !== port || from.address !== address) c.countForeignDatagram();
      else c.inputDatagram(datagram);
    });
    c.once('close', () => {
      if (!conn.closed) conn.onDatagram(null);
    });
    this.adopt(c);
  }
}

/** A CSPRNG conv, as kcp-go's dialer picks it. */
function randomConv(): number {
  return randomBytes(4).readUInt32LE(0);
}

/**
 * Dial a KCP server, like net.connect: returns the session at once and emits 'connect'
 * when it can send (writes made before are queued). `{ host, port }` opens a UDP socket
 * of its own; `{ conn, remote }` runs over any PacketConn.
 */
export function connect(options: KcpConnectOptions, connectListener?: () => void): KcpSession {
  const session = new KcpSession();
  if (connectListener) session.once('connect', connectListener);
  session.startConnect(options);
  return session;
}

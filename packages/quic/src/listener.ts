/**
 * The server side over one PacketConn: datagrams are routed to sessions by
 * the sender's endpoint (each paqet client connection has its own port and
 * migration is off); an Initial from an unknown endpoint starts a handshake.
 * A session is announced only once its handshake, including the check of the
 * client's certificate, has finished. Handshakes that fail because the client
 * does not hold the secret (whichever side noticed first: the client checks
 * the server's certificate before the server checks the client's) are
 * reported as 'rejected'.
 */
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import type { Endpoint, PacketConn } from '@paqet/wire';
import type { QuicCloseInfo } from './close-reason.js';
import { quiche, PACKET_TYPE_INITIAL, type HostPort, type NativeConfig } from './native.js';
import { QuicSession, type QuicSessionInternals } from './session.js';
import { buildNativeConfig, resolveIdentity, resolveSettings, type QuicAuthOptions, type QuicSettings, type ResolvedQuicSettings } from './settings.js';

export interface QuicListenOptions extends QuicSettings, QuicAuthOptions {
  readonly conn: PacketConn;
  /** Close the PacketConn with the listener (default false). */
  readonly ownsConn?: boolean;
  /** A handshake not finished after this long is dropped, ms (default 10 000). */
  readonly handshakeTimeoutMs?: number;
  /** At most this many handshakes in progress; further Initials are dropped (default 1024). */
  readonly maxPendingHandshakes?: number;
}

export interface QuicRejection {
  readonly remote: Endpoint;
  readonly reason: string;
  readonly info: QuicCloseInfo;
}

export type QuicListenerDrops = {
  /** Not a QUIC packet, or a QUIC packet other than an Initial from an unknown endpoint. */
  unknown: number;
  /** An Initial shorter than RFC 9000's 1200 bytes. */
  shortInitial: number;
  /** Too many handshakes in progress. */
  backlog: number;
};

export declare interface QuicListener {
  on(event: 'session', listener: (session: QuicSession) => void): this;
  on(event: 'rejected', listener: (rejection: QuicRejection) => void): this;
  on(event: 'close', listener: () => void): this;
  on(event: string | symbol, listener: (...args: any[]) => void): this;
}

const LOCAL: HostPort = { host: '0.0.0.0', port: 0 };
const CONNECTION_ID_LENGTH = 16;

interface Entry {
  session: QuicSession;
  /** Destination connection ids the client used in its first Initial and we chose: later Initials with other ids are a new connection. */
  odcid: Buffer;
  scid: Buffer;
}

export class QuicListener extends EventEmitter {
  readonly conn: PacketConn;
  readonly settings: ResolvedQuicSettings;
  readonly drops: QuicListenerDrops = { unknown: 0, shortInitial: 0, backlog: 0 };
  private readonly config: NativeConfig;
  /** address → port → entry: no per-datagram key string. */
  private readonly byEndpoint = new Map<string, Map<number, Entry>>();
  private readonly acceptQueue: QuicSession[] = [];
  private readonly acceptWaiters: ((s: QuicSession | null) => void)[] = [];
  private readonly ownsConn: boolean;
  private readonly handshakeTimeoutMs: number;
  private readonly maxPending: number;
  private pending = 0;
  private count = 0;
  private isClosed = false;

  constructor(options: QuicListenOptions) {
    super();
    this.conn = options.conn;
    this.settings = resolveSettings(options, options.conn.maxDatagramSize);
    const identity = resolveIdentity(options, 'server');
    this.config = buildNativeConfig(this.settings, identity, options.insecure === true);
    this.ownsConn = options.ownsConn ?? false;
    this.handshakeTimeoutMs = options.handshakeTimeoutMs ?? 10_000;
    this.maxPending = options.maxPendingHandshakes ?? 1024;
    this.conn.onDatagram((d, from) => this.onDatagram(d, from));
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Sessions alive (handshaking or established). */
  get sessionCount(): number {
    return this.count;
  }

  /** Whether datagrams from `remote` belong to one of this listener's sessions (handshaking or established). */
  hasEndpoint(remote: Endpoint): boolean {
    return this.byEndpoint.get(remote.address)?.has(remote.port) ?? false;
  }

  /** Next established session (when nobody listens to 'session'); null once closed. */
  accept(): Promise<QuicSession | null> {
    const s = this.acceptQueue.shift();
    if (s) return Promise.resolve(s);
    if (this.isClosed) return Promise.resolve(null);
    return new Promise((resolve) => this.acceptWaiters.push(resolve));
  }

  private onDatagram(datagram: Uint8Array, from: Endpoint): void {
    const entry = this.byEndpoint.get(from.address)?.get(from.port);
    // Long header, type Initial (RFC 9000 17.2.2): the only packet that may start a connection.
    const initial = datagram.length > 0 && (datagram[0]! & 0xf0) === 0xc0;
    if (entry && !(initial && this.isNewConnection(entry, datagram))) return entry.session.input(datagram);
    if (!initial) return void this.drops.unknown++;
    let dcid: Buffer;
    try {
      const header = quiche().Header.fromSlice(datagram, CONNECTION_ID_LENGTH);
      if (header.ty !== PACKET_TYPE_INITIAL) return void this.drops.unknown++;
      dcid = Buffer.from(header.dcid);
    } catch {
      return void this.drops.unknown++;
    }
    if (datagram.length < quiche().MIN_CLIENT_INITIAL_LEN) return void this.drops.shortInitial++;
    if (this.pending >= this.maxPending) return void this.drops.backlog++;
    // The same endpoint started over (a restarted client on a fixed port): the old connection is dead.
    entry?.session.close('replaced by a new connection from the same endpoint');
    this.startSession(datagram, from, dcid);
  }

  private isNewConnection(entry: Entry, datagram: Uint8Array): boolean {
    try {
      const dcid = quiche().Header.fromSlice(datagram, CONNECTION_ID_LENGTH).dcid;
      return !entry.odcid.equals(dcid) && !entry.scid.equals(dcid);
    } catch {
      return false;
    }
  }

  private startSession(datagram: Uint8Array, from: Endpoint, odcid: Buffer): void {
    const remote: Endpoint = { address: from.address, port: from.port };
    const scid = randomBytes(CONNECTION_ID_LENGTH);
    const init: QuicSessionInternals = {
      native: quiche().Connection.accept(scid, null, LOCAL, { host: remote.address, port: remote.port }, this.config),
      conn: this.conn,
      remote,
      isClient: false,
      settings: this.settings,
      ownsConn: false,
      handshakeTimeoutMs: this.handshakeTimeoutMs,
    };
    const session = new QuicSession(init);
    const entry: Entry = { session, odcid, scid };
    let ports = this.byEndpoint.get(remote.address);
    if (!ports) this.byEndpoint.set(remote.address, (ports = new Map()));
    ports.set(remote.port, entry);
    this.count++;
    this.pending++;
    let established = false;
    session.once('ready', () => {
      established = true;
      this.pending--;
      this.deliver(session);
    });
    session.once('close', (_reason: string, info: QuicCloseInfo) => {
      if (!established) this.pending--;
      this.count--;
      const p = this.byEndpoint.get(remote.address);
      if (p?.get(remote.port) === entry) {
        p.delete(remote.port);
        if (p.size === 0) this.byEndpoint.delete(remote.address);
      }
      if (!established && info.auth !== null) this.emit('rejected', { remote, reason: info.reason, info } satisfies QuicRejection);
    });
    session.input(datagram);
  }

  private deliver(session: QuicSession): void {
    const waiter = this.acceptWaiters.shift();
    if (waiter) waiter(session);
    else if (this.listenerCount('session') > 0) this.emit('session', session);
    else this.acceptQueue.push(session);
  }

  /** Close every session (CONNECTION_CLOSE to each) and stop listening. Idempotent. */
  close(reason = 'server closed'): void {
    if (this.isClosed) return;
    this.isClosed = true;
    for (const ports of [...this.byEndpoint.values()]) for (const e of [...ports.values()]) e.session.close(reason);
    this.byEndpoint.clear();
    for (const s of this.acceptQueue.splice(0)) s.close(reason);
    for (const w of this.acceptWaiters.splice(0)) w(null);
    this.conn.onDatagram(null);
    if (this.ownsConn) this.conn.close();
    this.emit('close');
  }
}

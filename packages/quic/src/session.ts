/**
 * One QUIC v1 connection (RFC 9000) driven over a PacketConn: datagrams from
 * the PacketConn go into quiche, and every datagram quiche produces goes out
 * through PacketConn.send to the one remote endpoint. The session owns the
 * timers (quiche's loss/idle timer and the keep-alive) and maps quiche's
 * readable/writable stream sets onto QuicStream Duplexes.
 */
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import type { Endpoint, PacketConn, Transport } from '@paqet/wire';
import { closeReasonOf, type QuicCloseInfo } from './close-reason.js';
import { quiche, SHUTDOWN_READ, SHUTDOWN_WRITE, type HostPort, type NativeConnection, type RecvInfo } from './native.js';
import {
  buildNativeConfig, resolveIdentity, resolveSettings, type QuicAuthOptions, type QuicSettings, type ResolvedQuicSettings,
} from './settings.js';
import { QuicStream, type StreamHost } from './stream.js';
import { Pacer } from './pacer.js';

export type QuicSessionStats = {
  readonly packetsIn: number;
  readonly packetsOut: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly lost: number;
  readonly retransmitted: number;
  /** Datagrams quiche refused (not QUIC, undecryptable, after close). */
  readonly dropped: number;
  readonly rttMs: number;
  readonly cwnd: number;
  readonly streams: number;
  readonly streamsOpened: number;
  readonly streamsAccepted: number;
  /** How often the session polled quiche (streams, sending, timers): an idle session polls only on its timers. */
  readonly passes: number;
  /**
   * How often the session asked quiche for its list of readable or writable
   * streams; each answer is an object only a full GC frees, so a busy session
   * asks far less often than it passes (DIRECT_WRITE_STREAMS in session.ts).
   */
  readonly streamScans: number;
  /** Bytes per second datagrams are paced at (0: not paced, or no estimate yet). */
  readonly pacingRate: number;
};

export interface QuicDialOptions extends QuicSettings, QuicAuthOptions {
  /** The datagram socket: pcap, UDP, memory link. */
  readonly conn: PacketConn;
  readonly remote: Endpoint;
  /** Close the PacketConn when the session closes (default false). */
  readonly ownsConn?: boolean;
  /** Give up on a handshake that has not finished after this long, ms (default 30 000). */
  readonly handshakeTimeoutMs?: number;
  /**
   * TLS server name (SNI), sent in insecure mode only: with a secret the
   * derived certificate is the check, and it names no host.
   */
  readonly serverName?: string;
}

export declare interface QuicSession {
  on(event: 'stream', listener: (stream: QuicStream) => void): this;
  on(event: 'ready', listener: () => void): this;
  on(event: 'close', listener: (reason: string, info: QuicCloseInfo) => void): this;
  on(event: string | symbol, listener: (...args: any[]) => void): this;
}

/** A made-up local address for quiche's path bookkeeping: paths never change here. */
const LOCAL: HostPort = { host: '0.0.0.0', port: 0 };
/** Datagrams sent per pass before giving the event loop a turn. */
const SEND_BURST = 256;
/**
 * Up to this many streams waiting for bytes are polled directly in a pass;
 * quiche's readable() iterator (one N-API generator object per call, the
 * costliest call per pass on a receiver) is then needed only when something
 * else is still readable: a new stream, or one whose reader is paused.
 */
const DIRECT_READ_STREAMS = 8;
/**
 * readable() and writable() hand out N-API objects whose memory (on both the V8
 * and the native side) is freed only by a full GC: they live past the
 * scavenges, which promote them. Called on every pass (a receiver with a paused
 * reader, a sender waiting for room), they piled up to tens of MB between full
 * GCs and set the daemon's peak RSS at bulk load (bench/notes.md, "QUIC peak
 * RSS"). So up to DIRECT_WRITE_STREAMS blocked writers are asked one by one
 * (streamCapacity allocates nothing), and once a scan of readable() found a
 * stream whose reader is paused, the next scan waits until the next peer
 * stream (or a gap below it) is readable, a reader wants more than
 * DIRECT_READ_STREAMS can serve, or READABLE_RESCAN_MS have passed (a backstop
 * for a new stream whose id skipped ahead of a lost one).
 */
const DIRECT_WRITE_STREAMS = 32;
const READABLE_RESCAN_MS = 10;
/**
 * Pacing (docs/quic.md, "Congestion control and pacing"): the bucket fills at
 * PACE_GAIN x max(delivery rate, cwnd / srtt), read from quiche every
 * PACE_REFRESH_MS, and holds PACE_BURST_MS of that rate (at least
 * PACE_MIN_BURST datagrams): Node's timers fire a millisecond or more late, and
 * a smaller bucket would cap the rate below the estimate.
 */
const PACE_GAIN = 2;
const PACE_REFRESH_MS = 5;
const PACE_BURST_MS = 4;
const PACE_MIN_BURST = 4;
const CONNECTION_ID_LENGTH = 16;
const STREAM_SCRATCH = 64 * 1024;
const EMPTY = new Uint8Array(0);

/** @internal what QuicListener hands a server-side session. */
export interface QuicSessionInternals {
  readonly native: NativeConnection;
  readonly conn: PacketConn;
  readonly remote: Endpoint;
  readonly isClient: boolean;
  readonly settings: ResolvedQuicSettings;
  readonly ownsConn: boolean;
  readonly handshakeTimeoutMs: number;
}

export class QuicSession extends EventEmitter implements Transport {
  readonly remote: Endpoint;
  /** QUIC FIN ends one direction only. */
  readonly halfClose = true;
  readonly isClient: boolean;
  readonly settings: ResolvedQuicSettings;
  readonly ready: Promise<void>;
  private readonly native: NativeConnection;
  private readonly conn: PacketConn;
  private readonly ownsConn: boolean;
  private readonly recvInfo: RecvInfo;
  private readonly recvBuf: Uint8Array;
  private readonly sendBuf: Uint8Array;
  /** sendBuf as a whole: most datagrams are full-sized, and then need no new view. */
  private readonly fullSendView: Uint8Array;
  private fullRecvView: Uint8Array;
  private readonly streamBuf = new Uint8Array(STREAM_SCRATCH);
  private readonly streams = new Map<number, QuicStream>();
  /** Locally opened streams waiting for the peer's stream limit, in open order. */
  private readonly opening: QuicStream[] = [];
  private readonly acceptQueue: QuicStream[] = [];
  private readonly acceptWaiters: ((s: QuicStream | null) => void)[] = [];
  /** Streams Node wants bytes from (their readers are not full). */
  private readonly reading = new Set<QuicStream>();
  /** Streams with bytes or a FIN quiche has not taken yet: only then is writable() asked. */
  private readonly blocked = new Set<QuicStream>();
  // stream ids: client-initiated bidi are 0 mod 4, server-initiated 1 mod 4 (RFC 9000 2.1)
  private nextLocalId: number;
  private nextPeerId: number;
  /** Peer stream ids below nextPeerId whose first frame has not arrived yet. */
  private readonly peerGaps = new Set<number>();
  /** The last readable() scan found a stream whose reader is paused: quiche stays readable for it (see DIRECT_WRITE_STREAMS). */
  private readableScanIdle = false;
  private readableScanAt = 0;
  /** Reused each pass: blocked writers to ask (a stream may re-block while we go through them). */
  private readonly blockedScratch: QuicStream[] = [];
  // ---------- state ----------
  private isReady = false;
  private isClosed = false;
  private closeInfo: QuicCloseInfo | null = null;
  private passScheduled = false;
  private inPass = false;
  /** Input or a timer since the last pass: quiche may have closed or started draining. */
  private mayHaveClosed = true;
  private timer: NodeJS.Timeout | null = null;
  /** When `timer` fires (performance.now() ms). */
  private timerDue = 0;
  private keepAliveTimer: NodeJS.Timeout | null = null;
  private handshakeTimer: NodeJS.Timeout | null = null;
  private lastSendAt = 0;
  /** null when pacing is off. */
  private readonly pacer: Pacer | null;
  private paceTimer: NodeJS.Timeout | null = null;
  private paceReadAt = -Infinity;
  private resolveReady!: () => void;
  private rejectReady!: (err: Error) => void;
  // ---------- counters ----------
  private dropped = 0;
  private opened = 0;
  private accepted = 0;
  private passCount = 0;
  private streamScanCount = 0;

  /** @internal use QuicSession.dial / connect, or QuicListener. */
  constructor(init: QuicSessionInternals) {
    super();
    this.native = init.native;
    this.conn = init.conn;
    this.remote = { address: init.remote.address, port: init.remote.port };
    this.isClient = init.isClient;
    this.settings = init.settings;
    this.ownsConn = init.ownsConn;
    this.nextLocalId = init.isClient ? 0 : 1;
    this.nextPeerId = init.isClient ? 1 : 0;
    this.recvInfo = { from: { host: this.remote.address, port: this.remote.port }, to: LOCAL };
    this.recvBuf = new Uint8Array(65536);
    this.fullRecvView = this.recvBuf.subarray(0, init.settings.mtu);
    this.sendBuf = new Uint8Array(init.settings.mtu);
    this.fullSendView = this.sendBuf;
    this.pacer = init.settings.pacing ? new Pacer(PACE_MIN_BURST * init.settings.mtu, performance.now()) : null;
    this.ready = new Promise<void>((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    // Nobody may be awaiting `ready` (listener sessions, dial without await): never an unhandled rejection.
    this.ready.catch(() => {});
    this.handshakeTimer = setTimeout(() => this.close('handshake timeout'), init.handshakeTimeoutMs);
  }

  /**
   * Start a client handshake to `remote` over `conn`. Returns at once; streams
   * opened before the handshake finishes send when it does. `ready` settles
   * with the handshake.
   */
  static dial(options: QuicDialOptions): QuicSession {
    const settings = resolveSettings(options, options.conn.maxDatagramSize);
    const identity = resolveIdentity(options, 'client');
    const config = buildNativeConfig(settings, identity, options.insecure === true);
    const remote: HostPort = { host: options.remote.address, port: options.remote.port };
    const sni = options.insecure && options.serverName ? options.serverName : null;
    const nativeConn = quiche().Connection.connect(sni, randomBytes(CONNECTION_ID_LENGTH), LOCAL, remote, config);
    const session = new QuicSession({
      native: nativeConn,
      conn: options.conn,
      remote: options.remote,
      isClient: true,
      settings,
      ownsConn: options.ownsConn ?? false,
      handshakeTimeoutMs: options.handshakeTimeoutMs ?? 30_000,
    });
    options.conn.onDatagram((d, from) => {
      if (from.port === session.remote.port && from.address === session.remote.address) session.input(d);
      else session.dropped++;
    });
    session.pass();
    return session;
  }

  /** dial, then wait for the handshake; rejects with the reason it failed. */
  static async connect(options: QuicDialOptions): Promise<QuicSession> {
    const session = QuicSession.dial(options);
    await session.ready;
    return session;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** The handshake finished (for a client: the server also accepted our certificate) and the session is open. */
  get established(): boolean {
    return this.isReady && !this.isClosed;
  }

  /** Why the session closed (null while open). */
  get closeReason(): string | null {
    return this.closeInfo?.reason ?? null;
  }

  /** The details of why it closed: by whom, the error code, an authentication failure. */
  get closeDetails(): QuicCloseInfo | null {
    return this.closeInfo;
  }

  get streamCount(): number {
    return this.streams.size + this.opening.length;
  }

  // ---------- streams ----------

  /**
   * Open a bidirectional stream. Never waits: if the peer's stream limit is
   * reached the stream gets its id (and sends) once the peer allows more.
   */
  openStream(): QuicStream {
    if (this.isClosed) throw Object.assign(new Error(`QUIC session closed: ${this.closeInfo?.reason}`), { code: 'PAQET_ERR_QUIC_CLOSED' });
    const stream = new QuicStream(this.host, -1);
    this.opening.push(stream);
    this.opened++;
    return stream;
  }

  /** Next stream the peer opened (when nobody listens to 'stream'); null once closed. */
  acceptStream(): Promise<QuicStream | null> {
    const s = this.acceptQueue.shift();
    if (s) return Promise.resolve(s);
    if (this.isClosed) return Promise.resolve(null);
    return new Promise((resolve) => this.acceptWaiters.push(resolve));
  }

  private readonly host: StreamHost = {
    open: (stream) => {
      if (!this.isReady || this.isClosed || this.opening[0] !== stream) return false;
      if (this.native.peerStreamsLeftBidi() <= 0) return false;
      this.opening.shift();
      const id = this.nextLocalId;
      this.nextLocalId += 4;
      this.streams.set(id, stream);
      stream.id = id;
      // An empty send creates the stream in quiche, so the peer's limit counts it right away.
      this.native.streamSend(id, EMPTY, false);
      // The next queued stream may fit too; it is tried on the next pass.
      if (this.opening.length > 0) this.schedulePass();
      return true;
    },
    send: (id, data, fin) => {
      try {
        return this.native.streamSend(id, data, fin);
      } catch (err) {
        // quiche reports "no room" for a stream it has not created yet as StreamLimit; wait.
        if ((err as Error).message === 'StreamLimit') return null;
        throw err;
      }
    },
    recv: (id) => {
      const r = this.native.streamRecv(id, this.streamBuf);
      if (r === null) return null;
      return { data: this.streamBuf.subarray(0, r[0]), fin: r[1] };
    },
    abort: (id, write, read) => {
      if (this.isClosed) return;
      try {
        if (write) this.native.streamShutdown(id, SHUTDOWN_WRITE, 0);
        if (read) this.native.streamShutdown(id, SHUTDOWN_READ, 0);
      } catch {
        // already finished or collected by quiche
      }
      this.schedulePass();
    },
    flushSoon: () => this.schedulePass(),
    waitWritable: (stream) => {
      this.blocked.add(stream);
      this.schedulePass();
    },
    consumed: () => {
      // Inside a pass the flush that follows sends the update; outside (a reader resumed), a pass must.
      if (!this.inPass) this.schedulePass();
    },
    readInterest: (stream, wanted) => {
      if (wanted) this.reading.add(stream);
      else this.reading.delete(stream);
    },
    forget: (stream) => {
      this.reading.delete(stream);
      this.blocked.delete(stream);
      if (stream.id >= 0) {
        if (this.streams.get(stream.id) === stream) this.streams.delete(stream.id);
      } else {
        const i = this.opening.indexOf(stream);
        if (i >= 0) this.opening.splice(i, 1);
      }
    },
  };

  // ---------- input ----------

  /** @internal one datagram from the remote endpoint. */
  input(datagram: Uint8Array): void {
    if (this.isClosed) return void this.dropped++;
    // quiche decrypts in place and the PacketConn may reuse its buffer: work on a copy.
    const buf = this.recvBuf;
    const n = datagram.length;
    if (n > buf.length) return void this.dropped++;
    buf.set(datagram);
    // A peer with the same MTU sends mostly full datagrams: reuse their view.
    if (this.fullRecvView.length !== n && n >= 1200) this.fullRecvView = buf.subarray(0, n);
    this.mayHaveClosed = true;
    try {
      this.native.recv(this.fullRecvView.length === n ? this.fullRecvView : buf.subarray(0, n), this.recvInfo);
    } catch {
      // Not QUIC, undecryptable, or a TLS failure (the pass below sees the latter as a close).
      this.dropped++;
    }
    if (!this.isReady && this.native.isEstablished()) this.checkReady();
    this.schedulePass();
  }

  private schedulePass(): void {
    if (this.passScheduled || this.isClosed) return;
    this.passScheduled = true;
    setImmediate(this.runPass);
  }

  private readonly runPass = () => {
    this.passScheduled = false;
    this.pass();
  };

  /** Streams, then datagrams out, then closing, then the timer. */
  private pass(): void {
    if (this.isClosed) return;
    this.passCount++;
    this.inPass = true;
    try {
      this.passInner();
    } finally {
      this.inPass = false;
    }
  }

  private passInner(): void {
    if (this.isReady) {
      this.serviceStreams();
      while (this.opening.length > 0 && this.native.peerStreamsLeftBidi() > 0) {
        const before = this.opening.length;
        this.opening[0]!.onWritable();
        if (this.opening.length === before) break;
      }
    }
    this.flush(this.pacer !== null && this.isReady);
    if (this.mayHaveClosed) {
      this.mayHaveClosed = false;
      if (this.native.isClosed() || this.native.isDraining()) return this.finish(closeReasonOf(this.native, null));
    }
    this.armTimer();
  }

  private serviceStreams(): void {
    if (this.native.isReadable()) {
      if (this.reading.size > 0 && this.reading.size <= DIRECT_READ_STREAMS) {
        for (const stream of this.reading) stream.onReadable();
      }
      if (this.native.isReadable() && this.readableScanDue()) this.scanReadable();
    }
    if (this.blocked.size > DIRECT_WRITE_STREAMS) {
      this.streamScanCount++;
      for (const id of this.native.writable()) {
        const stream = this.streams.get(id);
        if (stream && this.blocked.delete(stream)) stream.onWritable();
      }
    } else if (this.blocked.size > 0) {
      this.serviceBlocked();
    }
  }

  private scanReadable(): void {
    let paused = false;
    this.streamScanCount++;
    for (const id of this.native.readable()) {
      const stream = this.streams.get(id) ?? this.acceptPeerStream(id);
      if (stream && !this.reading.has(stream)) paused = true;
      stream?.onReadable();
    }
    this.readableScanIdle = paused;
    this.readableScanAt = performance.now();
  }

  /** Whether readable() may hold a stream we would act on (DIRECT_WRITE_STREAMS says why we ask). */
  private readableScanDue(): boolean {
    if (!this.readableScanIdle || this.reading.size > DIRECT_READ_STREAMS) return true;
    if (this.native.streamReadable(this.nextPeerId)) return true;
    if (this.peerGaps.size <= DIRECT_READ_STREAMS) {
      for (const id of this.peerGaps) if (this.native.streamReadable(id)) return true;
    }
    return performance.now() - this.readableScanAt >= READABLE_RESCAN_MS;
  }

  private serviceBlocked(): void {
    const waiting = this.blockedScratch;
    for (const stream of this.blocked) waiting.push(stream);
    for (const stream of waiting) {
      let room: boolean;
      try {
        room = this.native.streamCapacity(stream.id) > 0;
      } catch {
        room = true; // stopped by the peer: the stream's next send reports it (EPIPE)
      }
      if (room && this.blocked.delete(stream)) stream.onWritable();
    }
    waiting.length = 0;
  }

  /**
   * A stream id we have no object for. A stream is taken on only once quiche
   * has it (its first frame arrived): opening stream N implicitly opens the
   * lower ids too, but their frames may arrive later (loss, reordering), and
   * quiche refuses to read a stream it has not seen yet. Lower ids not seen yet
   * are remembered as gaps, so they are still taken on when they show up.
   */
  private acceptPeerStream(id: number): QuicStream | undefined {
    const peerBidi = (id & 3) === (this.isClient ? 1 : 0);
    const fresh = peerBidi && (id >= this.nextPeerId || this.peerGaps.delete(id));
    if (!fresh) {
      // Unidirectional (paqet opens none) or one we already finished with: discard.
      try {
        this.native.streamShutdown(id, SHUTDOWN_READ, 0);
      } catch {
        // collected already
      }
      return undefined;
    }
    for (let sid = this.nextPeerId; sid < id; sid += 4) this.peerGaps.add(sid);
    if (id >= this.nextPeerId) this.nextPeerId = id + 4;
    const stream = new QuicStream(this.host, id);
    this.streams.set(id, stream);
    this.accepted++;
    this.deliverAccepted(stream);
    return stream;
  }


  private deliverAccepted(stream: QuicStream): void {
    const waiter = this.acceptWaiters.shift();
    if (waiter) waiter(stream);
    else if (this.listenerCount('stream') > 0) this.emit('stream', stream);
    else this.acceptQueue.push(stream);
  }

  /**
   * A client is established once its Finished is sent, before the server has
   * checked the client's certificate. The server's next datagram either
   * confirms (HANDSHAKE_DONE) or closes (a TLS alert), so the client waits for
   * one more datagram that leaves the connection open.
   */
  private establishedAtRecv = -1;
  private checkReady(): void {
    if (!this.isClient) return this.markReady();
    const received = this.native.stats().recv;
    if (this.establishedAtRecv < 0) this.establishedAtRecv = received;
    else if (received > this.establishedAtRecv && !this.native.isClosed() && !this.native.isDraining() && !this.native.peerError()) this.markReady();
  }

  private markReady(): void {
    this.isReady = true;
    if (this.handshakeTimer) clearTimeout(this.handshakeTimer);
    this.handshakeTimer = null;
    this.resolveReady();
    this.emit('ready');
  }

  // ---------- output and timers ----------

  /** Datagrams out: as many as quiche has (up to SEND_BURST), or as the pacer allows. */
  private flush(paced: boolean): void {
    const out = this.sendBuf;
    const pacer = paced ? this.pacer : null;
    if (pacer) this.refillPacer(pacer);
    let sent = 0;
    for (; sent < SEND_BURST; sent++) {
      if (pacer && !pacer.canSend) {
        this.armPaceTimer(pacer);
        break;
      }
      let r: [number, unknown] | null;
      try {
        r = this.native.send(out);
      } catch {
        break;
      }
      if (r === null) break;
      this.conn.send(r[0] === out.length ? this.fullSendView : out.subarray(0, r[0]), this.remote);
      pacer?.onSent(r[0]);
    }
    if (sent > 0) this.lastSendAt = performance.now();
    // More to send than one burst: continue after other I/O had a turn.
    if (sent === SEND_BURST) this.schedulePass();
  }

  /** Refill the bucket; every PACE_REFRESH_MS, take its rate from quiche's path estimates first. */
  private refillPacer(pacer: Pacer): void {
    const now = performance.now();
    if (now - this.paceReadAt >= PACE_REFRESH_MS) {
      this.paceReadAt = now;
      const path = this.native.pathStats()[0];
      if (path && path.rtt > 0) {
        const bytesPerMs = PACE_GAIN * Math.max(path.deliveryRate / 1000, path.cwnd / path.rtt);
        pacer.setRate(bytesPerMs, Math.max(PACE_MIN_BURST * this.settings.mtu, bytesPerMs * PACE_BURST_MS));
      }
    }
    pacer.refill(now);
  }

  /** quiche may have more to send once the bucket has room for a datagram: a pass then. */
  private armPaceTimer(pacer: Pacer): void {
    if (this.paceTimer) return;
    this.paceTimer = setTimeout(this.onPaceTimer, Math.max(1, Math.ceil(pacer.waitMs(this.settings.mtu))));
  }

  private readonly onPaceTimer = () => {
    this.paceTimer = null;
    this.pass();
  };

  /**
   * quiche's next deadline. A timer already due no later stays: firing early
   * is harmless (quiche acts only on deadlines that have passed, and the pass
   * re-arms), and re-arming on every pass cost more than the rest of it.
   */
  private armTimer(): void {
    const ms = this.native.timeout();
    if (ms === null) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
    } else {
      const due = performance.now() + ms;
      if (!this.timer || this.timerDue > due) {
        if (this.timer) clearTimeout(this.timer);
        this.timer = setTimeout(this.onTimer, Math.max(0, Math.ceil(ms)));
        this.timerDue = due;
      }
    }
    if (this.isReady && this.settings.keepAlivePeriodMs > 0 && !this.keepAliveTimer) this.armKeepAlive();
  }

  private readonly onTimer = () => {
    this.timer = null;
    if (this.isClosed) return;
    this.mayHaveClosed = true;
    this.native.onTimeout();
    this.pass();
  };

  private armKeepAlive(): void {
    const period = this.settings.keepAlivePeriodMs;
    const due = Math.max(0, this.lastSendAt + period - performance.now());
    this.keepAliveTimer = setTimeout(() => {
      this.keepAliveTimer = null;
      if (this.isClosed) return;
      if (performance.now() - this.lastSendAt >= period) this.native.sendAckEliciting();
      this.mayHaveClosed = true;
      this.pass();
    }, due);
  }

  // ---------- closing ----------

  /** Close with CONNECTION_CLOSE carrying `reason`; open streams are destroyed. Idempotent. */
  close(reason = 'closed'): void {
    if (this.isClosed) return;
    try {
      this.native.close(true, 0, new TextEncoder().encode(reason));
    } catch {
      // already closing
    }
    this.flush(false);
    this.finish({ reason, byPeer: false, code: 0, auth: null });
  }

  private finish(info: QuicCloseInfo): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.closeInfo = info;
    for (const t of [this.timer, this.keepAliveTimer, this.handshakeTimer, this.paceTimer]) if (t) clearTimeout(t);
    this.timer = this.keepAliveTimer = this.handshakeTimer = this.paceTimer = null;
    const streams = [...this.streams.values(), ...this.opening];
    this.streams.clear();
    this.reading.clear();
    this.blocked.clear();
    this.opening.length = 0;
    for (const s of streams) s.onSessionClosed(info.reason);
    for (const s of this.acceptQueue.splice(0)) s.onSessionClosed(info.reason);
    for (const w of this.acceptWaiters.splice(0)) w(null);
    // A shared conn may already carry the next session (a re-dial): leave its handler alone.
    if (this.ownsConn) {
      this.conn.onDatagram(null);
      this.conn.close();
    }
    this.rejectReady(Object.assign(new Error(`QUIC handshake failed: ${info.reason}`), { code: info.auth ? 'PAQET_ERR_QUIC_AUTH' : 'PAQET_ERR_QUIC_CLOSED' }));
    this.emit('close', info.reason, info);
  }

  stats(): QuicSessionStats {
    const s = this.native.stats();
    const path = this.native.pathStats()[0];
    return {
      packetsIn: s.recv,
      packetsOut: s.sent,
      bytesIn: s.recvBytes,
      bytesOut: s.sentBytes,
      lost: s.lost,
      retransmitted: s.retrans,
      dropped: this.dropped,
      rttMs: path ? path.rtt : 0,
      cwnd: path ? path.cwnd : 0,
      streams: this.streamCount,
      streamsOpened: this.opened,
      streamsAccepted: this.accepted,
      passes: this.passCount,
      streamScans: this.streamScanCount,
      pacingRate: this.pacer ? this.pacer.bytesPerMs * 1000 : 0,
    };
  }
}

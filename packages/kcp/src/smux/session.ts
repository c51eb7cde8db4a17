/**
 * smux v2 session (xtaci/smux v1.5.53 behaviour, docs/protocol/smux.md) over any Duplex: a
 * KcpSession (driven directly, without copies), a TCP socket, a QUIC stream.
 * One writer serves per-stream queues round-robin, control frames before data
 * frames (docs/protocol/smux.md, section 6).
 */
import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { KcpError, KcpErrorCode, SmuxCloseError } from '../errors.js';
import { realClock, type SessionClock } from '../session/clock.js';
import {
  FrameParser,
  SMUX_CMD_NOP,
  SMUX_CMD_SYN,
  SMUX_CMD_UPD,
  SMUX_HEADER_SIZE,
  encodeFrameHeader,
  type FrameSink,
} from './frame.js';
import { SmuxStream, type SmuxStreamInit } from './stream.js';
import { muxTransportOf, type MuxTransport } from './transport.js';

export interface SmuxConfig {
  version: number;
  /** ms between NOPs (paqet smuxkalive 2 s). */
  keepAliveInterval: number;
  /** ms of silence after which the session closes (paqet smuxktimeout 8 s). */
  keepAliveTimeout: number;
  maxFrameSize: number;
  maxReceiveBuffer: number;
  maxStreamBuffer: number;
  /**
   * Flush the transport right after a window update (UPD) instead of leaving
   * it to the transport's write delay. Local timing only, nothing on the wire
   * changes; default true.
   */
  flushWindowUpdates: boolean;
  /**
   * Advertise stream windows (UPD) of at least the transport's receive window
   * (`receiveWindowBytes`), so one stream can fill a long fat path; maxStreamBuffer
   * is then the floor. Local choice, legal on the wire: a Go sender honours any
   * window. The session buffer grows with it (maxReceiveBuffer - maxStreamBuffer + the
   * stream window), so other streams keep the room they had. Default false.
   */
  fitStreamWindow: boolean;
}

/** paqet's smuxConf (docs/protocol/smux.md, section 7). */
export const PAQET_SMUX_CONFIG: Readonly<SmuxConfig> = {
  version: 2,
  keepAliveInterval: 2000,
  keepAliveTimeout: 8000,
  maxFrameSize: 65535,
  maxReceiveBuffer: 4194304,
  maxStreamBuffer: 2097152,
  flushWindowUpdates: true,
  fitStreamWindow: false,
};

export const SMUX_ACCEPT_BACKLOG = 1024;

/**
 * Frames are assembled here and copied by the transport's synchronous write (KcpSession
 * copies into its segments), so one buffer serves every session of the process instead of
 * 64 KiB each: it matters to a server holding many sessions.
 */
let frameScratch: Uint8Array | null = null;

export interface SmuxSessionOptions extends Partial<SmuxConfig> {
  clock?: SessionClock;
}

interface QueuedFrame {
  cmd: number;
  payload: Uint8Array | null;
  a: number;
  b: number;
  done: (() => void) | null;
}

interface SidQueue {
  control: QueuedFrame[];
  data: QueuedFrame[];
}

export declare interface SmuxSession {
  on(event: 'stream', listener: (stream: SmuxStream) => void): this;
  /** Why the session ended: SmuxCloseError with code PAQET_ERR_SMUX_CLOSED, _KEEPALIVE_TIMEOUT or _TRANSPORT_CLOSED. */
  on(event: 'close', listener: (reason: SmuxCloseError) => void): this;
  on(event: 'protocolError', listener: (error: KcpError) => void): this;
  on(event: string | symbol, listener: (...args: any[]) => void): this;
  once(event: 'stream', listener: (stream: SmuxStream) => void): this;
  once(event: 'close', listener: (reason: SmuxCloseError) => void): this;
  once(event: string | symbol, listener: (...args: any[]) => void): this;
}

export class SmuxSession extends EventEmitter {
  readonly config: SmuxConfig;
  readonly isClient: boolean;
  /** The byte stream the session runs over. */
  readonly transport: Duplex;
  private readonly pipe: MuxTransport;
  private readonly clock: SessionClock;
  private readonly streams = new Map<number, SmuxStream>();
  private nextId: number;
  private goAway = false;
  /** PSH bytes held for the application (the session bucket counted the other way round). */
  private buffered = 0;
  private readPaused = false;
  private readonly parser: FrameParser;
  private readonly queues = new Map<number, SidQueue>();
  /** sids with queued frames, in round-robin order (Set keeps insertion order). */
  private readonly active = new Set<number>();
  private writing = false;
  /** A UPD went into the transport during this pump: flush it out at the end. */
  private updWritten = false;
  private waitingDrain = false;
  private frameSeen = false;
  private keepAliveTimer: unknown = null;
  private timeoutTimer: unknown = null;
  private isClosed = false;
  private readonly acceptQueue: SmuxStream[] = [];
  private readonly acceptWaiters: ((s: SmuxStream | null) => void)[] = [];
  /** Set when the peer sent something we cannot parse; reading stopped for good. */
  protocolError: KcpError | null = null;
  /** Why the session closed (null while open). */
  closeReason: SmuxCloseError | null = null;
  readonly counters = { framesIn: 0, framesOut: 0, bytesIn: 0, bytesOut: 0, discardedPsh: 0 };

  constructor(transport: Duplex, isClient: boolean, options: SmuxSessionOptions = {}) {
    super();
    const { clock, ...cfg } = options;
    this.config = { ...PAQET_SMUX_CONFIG, ...cfg };
    const c = this.config;
    if (c.version !== 1 && c.version !== 2) throw new KcpError(KcpErrorCode.SmuxConfig, `smux version ${c.version} unsupported`);
    if (c.keepAliveInterval <= 0 || c.keepAliveTimeout < c.keepAliveInterval) {
      throw new KcpError(KcpErrorCode.SmuxConfig, 'keepalive timeout must be >= interval > 0');
    }
    if (c.maxFrameSize <= 0 || c.maxFrameSize > 65535) throw new KcpError(KcpErrorCode.SmuxConfig, 'maxFrameSize must be 1..65535');
    if (c.maxStreamBuffer > c.maxReceiveBuffer) throw new KcpError(KcpErrorCode.SmuxConfig, 'maxStreamBuffer must be <= maxReceiveBuffer');
    this.transport = transport;
    this.pipe = muxTransportOf(transport);
    this.isClient = isClient;
    this.clock = clock ?? realClock;
    this.nextId = isClient ? 1 : 0;
    this.parser = new FrameParser(c.version, this.sink);
    // Start reading after the caller had a chance to listen for 'stream'.
    queueMicrotask(() => {
      if (!this.isClosed) this.pipe.start({ data: this.onBytes, drain: this.onDrain, close: this.onTransportClose });
    });
    this.keepAliveTimer = this.clock.setTimeout(this.onKeepAlive, c.keepAliveInterval);
    this.timeoutTimer = this.clock.setTimeout(this.onKeepAliveTimeout, c.keepAliveTimeout);
  }

  /** smux client (odd stream ids from 3), as paqet's dialer runs it. */
  static client(transport: Duplex, options?: SmuxSessionOptions): SmuxSession {
    return new SmuxSession(transport, true, options);
  }

  /** smux server (accepts streams), as paqet's listener runs it. */
  static server(transport: Duplex, options?: SmuxSessionOptions): SmuxSession {
    return new SmuxSession(transport, false, options);
  }

  get closed(): boolean {
    return this.isClosed;
  }

  get streamCount(): number {
    return this.streams.size;
  }

  // ---------- opening and accepting ----------

  /** Open a stream: SYN is queued ahead of anything written to it. */
  openStream(): SmuxStream {
    if (this.isClosed) throw new KcpError(KcpErrorCode.SmuxClosed, 'smux session closed', 'close-session');
    if (this.goAway) throw new KcpError(KcpErrorCode.SmuxGoAway, 'smux stream ids exhausted', 'close-session');
    const id = this.nextId + 2;
    if (id > 0xffffffff) {
      this.goAway = true;
      throw new KcpError(KcpErrorCode.SmuxGoAway, 'smux stream ids exhausted', 'close-session');
    }
    this.nextId = id;
    const stream = new SmuxStream(this.streamInit(id));
    this.streams.set(id, stream);
    this.enqueueControl(id, SMUX_CMD_SYN, null, 0, 0);
    return stream;
  }

  /** Next stream the peer opened (when nobody listens to 'stream'). Null once closed. */
  acceptStream(): Promise<SmuxStream | null> {
    const s = this.acceptQueue.shift();
    if (s) {
      this.maybeResume();
      return Promise.resolve(s);
    }
    if (this.isClosed) return Promise.resolve(null);
    return new Promise((resolve) => this.acceptWaiters.push(resolve));
  }

  // ---------- inbound ----------

  private readonly onBytes = (chunk: Uint8Array) => {
    this.counters.bytesIn += chunk.length;
    this.parser.push(chunk);
  };

  private readonly sink: FrameSink = {
    onHeader: () => {
      this.frameSeen = true;
      this.counters.framesIn++;
    },
    onSyn: (sid) => {
      if (this.streams.has(sid) || this.isClosed) return; // duplicate SYN ignored
      const stream = new SmuxStream(this.streamInit(sid));
      this.streams.set(sid, stream);
      const waiter = this.acceptWaiters.shift();
      if (waiter) waiter(stream);
      else if (this.listenerCount('stream') > 0) this.emit('stream', stream);
      else {
        this.acceptQueue.push(stream);
        // A full accept queue stops the receive loop until the app accepts (docs/protocol/smux.md, section 2).
        if (this.acceptQueue.length >= SMUX_ACCEPT_BACKLOG) this.pauseTransport();
      }
    },
    onFin: (sid) => {
      this.streams.get(sid)?.handleFin();
    },
    wantsPayload: (sid) => {
      const s = this.streams.get(sid);
      if (s && s.registered) return true;
      this.counters.discardedPsh++;
      return false;
    },
    onPsh: (sid, payload) => {
      const s = this.streams.get(sid);
      if (!s) return;
      this.buffered += payload.length;
      if (this.buffered >= this.receiveBuffer()) this.pauseTransport();
      s.handlePush(payload);
    },
    onNop: () => {},
    onUpd: (sid, consumed, window) => {
      this.streams.get(sid)?.handleUpd(consumed, window);
    },
    onProtocolError: (reason) => {
      const error = new KcpError(KcpErrorCode.SmuxProtocol, `smux: ${reason}`, 'close-session');
      this.protocolError = error;
      // Like Go: the receive loop stops; pending accepts fail; keepalive timeout ends the session.
      for (const w of this.acceptWaiters.splice(0)) w(null);
      this.emit('protocolError', error);
    },
  };

  /** What a stream may ask of its session (it holds no reference to the session itself). */
  private streamInit(id: number): SmuxStreamInit {
    return {
      id,
      maxFrameSize: this.config.maxFrameSize,
      streamWindow: this.streamWindow,
      sendControl: this.enqueueControl,
      sendData: this.enqueueData,
      returnTokens: this.returnTokens,
      onUnregister: this.removeStream,
    };
  }

  /** A stream read n bytes: give them back to the bucket. */
  private readonly returnTokens = (n: number): void => {
    this.buffered -= n;
    this.maybeResume();
  };

  private pauseTransport(): void {
    if (this.readPaused) return;
    this.readPaused = true;
    this.pipe.pause();
  }

  private maybeResume(): void {
    if (!this.readPaused || this.buffered >= this.receiveBuffer() || this.acceptQueue.length >= SMUX_ACCEPT_BACKLOG || this.isClosed) return;
    this.readPaused = false;
    // Not inside the caller's read path: resuming delivers more frames synchronously.
    queueMicrotask(() => {
      if (!this.readPaused && !this.isClosed) this.pipe.resume();
    });
  }

  private readonly removeStream = (id: number): void => {
    this.streams.delete(id);
  };

  // ---------- outbound (the shaper) ----------

  /** The window each stream advertises in its UPDs. */
  private readonly streamWindow = (): number => {
    const floor = this.config.maxStreamBuffer;
    if (!this.config.fitStreamWindow) return floor;
    const path = this.pipe.receiveWindowBytes?.() ?? 0;
    return path > floor ? Math.min(path, 0x7fffffff) : floor;
  };

  /**
   * The session bucket: maxReceiveBuffer, grown by as much as the stream window grew past
   * maxStreamBuffer. One stream can then hold its whole window while the others keep the
   * room they had, and memory stays bounded by the transport's receive window.
   */
  private receiveBuffer(): number {
    const c = this.config;
    return c.maxReceiveBuffer - c.maxStreamBuffer + this.streamWindow();
  }

  /** Control frames (SYN, NOP, UPD) go ahead of data on the same sid. */
  private readonly enqueueControl = (sid: number, cmd: number, payload: Uint8Array | null, a: number, b: number): void => {
    this.enqueue(sid, true, { cmd, payload, a, b, done: null });
  };

  /** Data-class frames (PSH, FIN) keep their order. */
  private readonly enqueueData = (sid: number, cmd: number, payload: Uint8Array | null, done: (() => void) | null): void => {
    this.enqueue(sid, false, { cmd, payload, a: 0, b: 0, done });
  };

  private enqueue(sid: number, control: boolean, f: QueuedFrame): void {
    if (this.isClosed) return;
    let q = this.queues.get(sid);
    if (!q) {
      q = { control: [], data: [] };
      this.queues.set(sid, q);
    }
    (control ? q.control : q.data).push(f);
    this.active.add(sid);
    this.pump();
  }

  private readonly onDrain = () => {
    this.waitingDrain = false;
    this.pump();
  };

  private pump(): void {
    if (this.writing || this.isClosed) return;
    this.writing = true;
    try {
      while (this.active.size > 0 && !this.isClosed) {
        if (!this.pipe.writable) {
          this.waitingDrain = true;
          return;
        }
        const sid = this.active.values().next().value as number;
        const q = this.queues.get(sid)!;
        const f = q.control.length > 0 ? q.control.shift()! : q.data.shift()!;
        // Round robin: move this sid to the back (or drop it when empty).
        this.active.delete(sid);
        if (q.control.length > 0 || q.data.length > 0) this.active.add(sid);
        else this.queues.delete(sid);
        this.writeFrame(sid, f);
        f.done?.();
      }
    } finally {
      this.writing = false;
      if (this.updWritten) {
        // The peer's writer may be blocked on this window: with KCP's write
        // delay it would otherwise wait for our next interval tick (30 ms in
        // 'fast'), which caps a stream near 1 MiB per tick.
        this.updWritten = false;
        if (this.config.flushWindowUpdates) this.pipe.flush();
      }
    }
  }

  private writeFrame(sid: number, f: QueuedFrame): void {
    const buf = (frameScratch ??= new Uint8Array(SMUX_HEADER_SIZE + 65535));
    let len = 0;
    if (f.cmd === SMUX_CMD_UPD) {
      this.updWritten = true;
      encodeFrameHeader(buf, 0, this.config.version, f.cmd, 8, sid);
      const o = SMUX_HEADER_SIZE;
      buf[o] = f.a;
      buf[o + 1] = f.a >>> 8;
      buf[o + 2] = f.a >>> 16;
      buf[o + 3] = f.a >>> 24;
      buf[o + 4] = f.b;
      buf[o + 5] = f.b >>> 8;
      buf[o + 6] = f.b >>> 16;
      buf[o + 7] = f.b >>> 24;
      len = 8;
    } else if (f.payload) {
      len = f.payload.length;
      encodeFrameHeader(buf, 0, this.config.version, f.cmd, len, sid);
      buf.set(f.payload, SMUX_HEADER_SIZE);
    } else {
      encodeFrameHeader(buf, 0, this.config.version, f.cmd, 0, f.cmd === SMUX_CMD_NOP ? 0 : sid);
    }
    this.counters.framesOut++;
    this.counters.bytesOut += SMUX_HEADER_SIZE + len;
    // The transport copies before write returns, so the shared scratch buffer is reused.
    this.pipe.write(buf.subarray(0, SMUX_HEADER_SIZE + len));
  }

  // ---------- keepalive (docs/protocol/smux.md, section 4) ----------

  private readonly onKeepAlive = () => {
    if (this.isClosed) return;
    this.enqueueControl(0, SMUX_CMD_NOP, null, 0, 0);
    this.keepAliveTimer = this.clock.setTimeout(this.onKeepAlive, this.config.keepAliveInterval);
  };

  private readonly onKeepAliveTimeout = () => {
    if (this.isClosed) return;
    if (!this.frameSeen && this.buffered < this.receiveBuffer()) {
      this.close(new SmuxCloseError(KcpErrorCode.SmuxKeepaliveTimeout, 'smux: keepalive timeout'));
      return;
    }
    this.frameSeen = false;
    this.timeoutTimer = this.clock.setTimeout(this.onKeepAliveTimeout, this.config.keepAliveTimeout);
  };

  // ---------- close ----------

  private readonly onTransportClose = () => this.close(new SmuxCloseError(KcpErrorCode.SmuxTransportClosed, 'smux: the transport closed'));

  /**
   * Close the session and its transport. No FIN frames are sent (docs/protocol/smux.md, section 5);
   * streams are destroyed, accepts resolve null, 'close' is emitted with the reason
   * (a SmuxCloseError; a string becomes one with code PAQET_ERR_SMUX_CLOSED).
   */
  close(reason: string | SmuxCloseError = 'smux session closed'): void {
    if (this.isClosed) return;
    this.isClosed = true;
    const error = typeof reason === 'string' ? new SmuxCloseError(KcpErrorCode.SmuxClosed, reason) : reason;
    this.closeReason = error;
    this.clock.clearTimeout(this.keepAliveTimer);
    this.clock.clearTimeout(this.timeoutTimer);
    this.pipe.stop();
    this.queues.clear();
    this.active.clear();
    for (const s of [...this.streams.values()]) s.handleSessionClosed();
    this.streams.clear();
    for (const s of this.acceptQueue.splice(0)) s.handleSessionClosed();
    for (const w of this.acceptWaiters.splice(0)) w(null);
    if (!this.pipe.closed) this.pipe.close();
    this.emit('close', error);
  }
}

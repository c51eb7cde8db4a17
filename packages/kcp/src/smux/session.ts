/**
 * smux v2 session (xtaci/smux v1.5.53 behaviour, smux.md) over any reliable
 * byte pipe, normally a KcpSession. One writer serves per-stream queues
 * round-robin, control frames before data frames (§8).
 */
import { EventEmitter } from 'node:events';
import { PaqetError } from '@paqet/wire';
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
import { SmuxStream } from './stream.js';

/** The byte pipe smux runs over (KcpSession implements it). */
export interface SmuxTransport {
  /** Takes the whole write; false = full, wait for 'drain'. */
  write(data: Uint8Array): boolean;
  readonly writable: boolean;
  onData(handler: ((chunk: Uint8Array) => void) | null): void;
  pauseReading(): void;
  resumeReading(): void;
  close(): void;
  /**
   * Optional: send queued bytes now rather than at the pipe's next scheduled
   * flush (KcpSession with writeDelay). Called after a window update.
   */
  flush?(): void;
  /** Optional: bytes the pipe's receive side holds for the path now (KcpSession with fitWindows). */
  receiveWindowBytes?(): number;
  readonly closed: boolean;
  on(event: 'drain' | 'close', listener: () => void): unknown;
  off(event: 'drain' | 'close', listener: () => void): unknown;
}

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
   * window. Default false.
   */
  fitStreamWindow: boolean;
}

/** paqet's smuxConf (smux.md §10). */
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
  on(event: 'close', listener: (reason: string) => void): this;
  on(event: 'protocolError', listener: (reason: string) => void): this;
  on(event: string | symbol, listener: (...args: any[]) => void): this;
}

export class SmuxSession extends EventEmitter {
  readonly config: SmuxConfig;
  readonly isClient: boolean;
  readonly transport: SmuxTransport;
  private readonly clock: SessionClock;
  private readonly streams = new Map<number, SmuxStream>();
  private nextId: number;
  private goAway = false;
  private bucket: number;
  private readPaused = false;
  private readonly parser: FrameParser;
  private readonly queues = new Map<number, SidQueue>();
  /** sids with queued frames, in round-robin order (Set keeps insertion order). */
  private readonly active = new Set<number>();
  private readonly scratch: Uint8Array;
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
  protocolError: string | null = null;
  readonly counters = { framesIn: 0, framesOut: 0, bytesIn: 0, bytesOut: 0, discardedPsh: 0 };

  constructor(transport: SmuxTransport, isClient: boolean, options: SmuxSessionOptions = {}) {
    super();
    const { clock, ...cfg } = options;
    this.config = { ...PAQET_SMUX_CONFIG, ...cfg };
    const c = this.config;
    if (c.version !== 1 && c.version !== 2) throw new PaqetError('PAQET_ERR_SMUX_CONFIG', `smux version ${c.version} unsupported`);
    if (c.keepAliveInterval <= 0 || c.keepAliveTimeout < c.keepAliveInterval) {
      throw new PaqetError('PAQET_ERR_SMUX_CONFIG', 'keepalive timeout must be >= interval > 0');
    }
    if (c.maxFrameSize <= 0 || c.maxFrameSize > 65535) throw new PaqetError('PAQET_ERR_SMUX_CONFIG', 'maxFrameSize must be 1..65535');
    if (c.maxStreamBuffer > c.maxReceiveBuffer) throw new PaqetError('PAQET_ERR_SMUX_CONFIG', 'maxStreamBuffer must be <= maxReceiveBuffer');
    this.transport = transport;
    this.isClient = isClient;
    this.clock = clock ?? realClock;
    this.nextId = isClient ? 1 : 0;
    this.bucket = c.maxReceiveBuffer;
    this.scratch = new Uint8Array(SMUX_HEADER_SIZE + c.maxFrameSize);
    this.parser = new FrameParser(c.version, this.sink);
    transport.on('drain', this.onDrain);
    transport.on('close', this.onTransportClose);
    // Start reading after the caller had a chance to listen for 'stream'.
    queueMicrotask(() => {
      if (!this.isClosed) transport.onData(this.onBytes);
    });
    this.keepAliveTimer = this.clock.setTimeout(this.onKeepAlive, c.keepAliveInterval);
    this.timeoutTimer = this.clock.setTimeout(this.onKeepAliveTimeout, c.keepAliveTimeout);
  }

  /** smux client (odd stream ids from 3), as paqet's dialer runs it. */
  static client(transport: SmuxTransport, options?: SmuxSessionOptions): SmuxSession {
    return new SmuxSession(transport, true, options);
  }

  /** smux server (accepts streams), as paqet's listener runs it. */
  static server(transport: SmuxTransport, options?: SmuxSessionOptions): SmuxSession {
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
    if (this.isClosed) throw new PaqetError('PAQET_ERR_SMUX_CLOSED', 'smux session closed', 'close-session');
    if (this.goAway) throw new PaqetError('PAQET_ERR_SMUX_GOAWAY', 'smux stream ids exhausted', 'close-session');
    const id = this.nextId + 2;
    if (id > 0xffffffff) {
      this.goAway = true;
      throw new PaqetError('PAQET_ERR_SMUX_GOAWAY', 'smux stream ids exhausted', 'close-session');
    }
    this.nextId = id;
    const stream = new SmuxStream(this, id);
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
      const stream = new SmuxStream(this, sid);
      this.streams.set(sid, stream);
      const waiter = this.acceptWaiters.shift();
      if (waiter) waiter(stream);
      else if (this.listenerCount('stream') > 0) this.emit('stream', stream);
      else {
        this.acceptQueue.push(stream);
        // A full accept queue stops the receive loop until the app accepts (§4).
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
      this.bucket -= payload.length;
      if (this.bucket <= 0) this.pauseTransport();
      s.handlePush(payload);
    },
    onNop: () => {},
    onUpd: (sid, consumed, window) => {
      this.streams.get(sid)?.handleUpd(consumed, window);
    },
    onProtocolError: (reason) => {
      this.protocolError = reason;
      // Like Go: the receive loop stops; pending accepts fail; keepalive timeout ends the session.
      for (const w of this.acceptWaiters.splice(0)) w(null);
      this.emit('protocolError', reason);
    },
  };

  /** @internal a stream read n bytes: give them back to the bucket. */
  returnTokens(n: number): void {
    this.bucket += n;
    this.maybeResume();
  }

  private pauseTransport(): void {
    if (this.readPaused) return;
    this.readPaused = true;
    this.transport.pauseReading();
  }

  private maybeResume(): void {
    if (!this.readPaused || this.bucket <= 0 || this.acceptQueue.length >= SMUX_ACCEPT_BACKLOG || this.isClosed) return;
    this.readPaused = false;
    // Not inside the caller's read path: resuming delivers more frames synchronously.
    queueMicrotask(() => {
      if (!this.readPaused && !this.isClosed) this.transport.resumeReading();
    });
  }

  /** @internal */
  removeStream(id: number): void {
    this.streams.delete(id);
  }

  // ---------- outbound (the shaper) ----------

  /** @internal the window each stream advertises in its UPDs. */
  streamWindow(): number {
    const floor = this.config.maxStreamBuffer;
    if (!this.config.fitStreamWindow) return floor;
    const path = this.transport.receiveWindowBytes?.() ?? 0;
    return path > floor ? Math.min(path, 0x7fffffff) : floor;
  }

  /** @internal control frames (SYN, NOP, UPD) go ahead of data on the same sid. */
  enqueueControl(sid: number, cmd: number, payload: Uint8Array | null, a: number, b: number): void {
    this.enqueue(sid, true, { cmd, payload, a, b, done: null });
  }

  /** @internal data-class frames (PSH, FIN) keep their order. */
  enqueueData(sid: number, cmd: number, payload: Uint8Array | null, done: (() => void) | null): void {
    this.enqueue(sid, false, { cmd, payload, a: 0, b: 0, done });
  }

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
        if (!this.transport.writable) {
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
        if (this.config.flushWindowUpdates) this.transport.flush?.();
      }
    }
  }

  private writeFrame(sid: number, f: QueuedFrame): void {
    const buf = this.scratch;
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
    // KcpSession.write copies synchronously, so the scratch buffer is reused.
    this.transport.write(buf.subarray(0, SMUX_HEADER_SIZE + len));
  }

  // ---------- keepalive (smux.md §7) ----------

  private readonly onKeepAlive = () => {
    if (this.isClosed) return;
    this.enqueueControl(0, SMUX_CMD_NOP, null, 0, 0);
    this.keepAliveTimer = this.clock.setTimeout(this.onKeepAlive, this.config.keepAliveInterval);
  };

  private readonly onKeepAliveTimeout = () => {
    if (this.isClosed) return;
    if (!this.frameSeen && this.bucket > 0) {
      this.close('keepalive timeout');
      return;
    }
    this.frameSeen = false;
    this.timeoutTimer = this.clock.setTimeout(this.onKeepAliveTimeout, this.config.keepAliveTimeout);
  };

  // ---------- close ----------

  private readonly onTransportClose = () => this.close('transport closed');

  /**
   * Close the session and its transport. No FIN frames are sent (smux.md §7);
   * streams are destroyed, accepts resolve null, 'close' is emitted with the reason.
   */
  close(reason = 'closed'): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.clock.clearTimeout(this.keepAliveTimer);
    this.clock.clearTimeout(this.timeoutTimer);
    this.transport.off('drain', this.onDrain);
    this.transport.off('close', this.onTransportClose);
    this.transport.onData(null);
    this.queues.clear();
    this.active.clear();
    for (const s of [...this.streams.values()]) s.handleSessionClosed();
    this.streams.clear();
    for (const s of this.acceptQueue.splice(0)) s.handleSessionClosed();
    for (const w of this.acceptWaiters.splice(0)) w(null);
    if (!this.transport.closed) this.transport.close();
    this.emit('close', reason);
  }
}

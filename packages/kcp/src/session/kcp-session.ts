/**
 * One KCP conversation over a PacketConn: the kcp-go UDPSession (kcp.md §10).
 * Adds the datagram envelope (cipher) and FEC around the KCP core, owns its
 * one timer, and exposes a reliable byte pipe: write() with backpressure and
 * 'drain', received bytes through onData(), 'close'.
 */
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import type { Endpoint, PacketConn } from '@paqet/wire';
import { endpointKey } from '@paqet/wire';
import type { DatagramCipher, DropReason } from '../crypto/types.js';
import { Kcp, KCP_INPUT_CONV } from '../core/kcp.js';
import { KCP_MTU_LIMIT, KCP_OVERHEAD } from '../core/constants.js';
import { kcpTuning, type KcpMode, type KcpTuning } from '../core/presets.js';
import { realClock, type SessionClock } from './clock.js';
import { FEC_HEADER_SIZE, FEC_TYPE_DATA, FEC_TYPE_OOB, FEC_TYPE_PARITY, type FecCodecFactory, type FecReceiver, type FecSender } from './fec-hook.js';
import { defaultFecCodec } from './fec-adapter.js';
import { cipherFactory, type CipherOptions } from './cipher-options.js';
import { UdpPacketConn } from '../udp/udp-packet-conn.js';
import { PathModel } from './path-model.js';
import { lookup } from 'node:dns/promises';

export interface KcpSessionSettings {
  /** paqet mode preset (default 'fast'). */
  mode?: KcpMode;
  /** Values for mode 'manual'. */
  manual?: Partial<KcpTuning>;
  /** Largest datagram including envelope (default 1350; capped at 1500). */
  mtu?: number;
  /** Send window in segments (default 128, paqet's client default). */
  sndwnd?: number;
  /** Receive window in segments (default 512, paqet's client default). */
  rcvwnd?: number;
  /**
   * Size the windows from the path instead (docs/PERFORMANCE.md, "Windows and loss"):
   * `snd` grows the send window to 3 bandwidth-delay products and paces new data at the
   * measured delivery rate; `rcv` grows the advertised receive window with the measured
   * receive rate. `sndwnd` / `rcvwnd` are then the floors; both stay within
   * PATH_WINDOW_MAX_BYTES. Off by default (fixed windows, kcp-go's schedule). `true` = both.
   */
  fitWindows?: boolean | { snd?: boolean; rcv?: boolean };
  /** FEC data / parity shards; both > 0 enables FEC. */
  dshard?: number;
  pshard?: number;
  /** FEC implementation (default: the package's Reed-Solomon codec). */
  fecCodec?: FecCodecFactory;
  /** Time source (default real time). */
  clock?: SessionClock;
}

export interface KcpSessionInit extends KcpSessionSettings {
  conn: PacketConn;
  remote: Endpoint;
  conv: number;
  cipher: DatagramCipher;
  /** Close `conn` when the session closes (client sessions that made their socket). */
  ownsConn?: boolean;
}

export type KcpDropReason = DropReason | 'oob' | 'no-fec' | 'source';

export interface KcpSessionStats {
  conv: number;
  datagramsIn: number;
  datagramsOut: number;
  bytesIn: number;
  bytesOut: number;
  parityOut: number;
  fecRecovered: number;
  /** Segments sent for the first time. */
  segmentsOut: number;
  retransmissions: { timeout: number; fast: number; early: number };
  duplicateSegments: number;
  drops: Record<KcpDropReason, number>;
  srttMs: number;
  rttVarMs: number;
  rtoMs: number;
  sndWnd: number;
  rcvWnd: number;
  remoteWnd: number;
  cwnd: number;
  waitSnd: number;
  /** Path model (fitWindows): delivery rate and pacing rate in MB/s, smallest RTT in ms. */
  path: { deliveryMBps: number; pacingMBps: number; minRttMs: number; startup: boolean } | null;
}

export type KcpDataHandler = (chunk: Uint8Array) => void;

export interface DialConnOptions extends KcpSessionSettings {
  conn: PacketConn;
  remote: Endpoint;
  cipher: DatagramCipher;
  /** Close conn with the session (default false). */
  ownsConn?: boolean;
  /** Override the random conv (tests). */
  conv?: number;
}

export interface UdpDialOptions extends KcpSessionSettings, CipherOptions {
  host: string;
  port: number;
  /** Local bind address/port (default any / ephemeral). */
  localHost?: string;
  localPort?: number;
}

let nextConvOverride: number | undefined;

/** A CSPRNG conv, as kcp-go's dialer picks it (kcp.md §10.5). */
export function randomConv(): number {
  if (nextConvOverride !== undefined) {
    const c = nextConvOverride;
    nextConvOverride = undefined;
    return c;
  }
  return randomBytes(4).readUInt32LE(0);
}

export declare interface KcpSession {
  on(event: 'drain', listener: () => void): this;
  on(event: 'close', listener: () => void): this;
  on(event: string | symbol, listener: (...args: any[]) => void): this;
}

export class KcpSession extends EventEmitter {
  readonly conv: number;
  readonly remote: Endpoint;
  readonly remoteKey: string;
  readonly conn: PacketConn;
  readonly kcp: Kcp;
  readonly tuning: KcpTuning;
  private readonly cipher: DatagramCipher;
  private readonly clock: SessionClock;
  private readonly ownsConn: boolean;
  private readonly fecSender?: FecSender;
  private fecReceiver?: FecReceiver;
  private readonly fecCodec?: FecCodecFactory;
  private readonly fecOn: boolean;
  private readonly cryptoHeader: number;
  private timer: unknown = null;
  private timerDue = 0;
  private flushScheduled = false;
  private ackFlushScheduled = false;
  private readonly recvBuf = new Uint8Array(KCP_MTU_LIMIT);
  private dataHandler: KcpDataHandler | null = null;
  private paused = false;
  private isClosed = false;
  private writeBlocked = false;
  // path fitting (fitWindows): models of what we send and what we receive, pacing tokens
  private readonly sndPath: PathModel | null;
  private readonly rcvPath: PathModel | null;
  private readonly sndFloor: number;
  private readonly rcvFloor: number;
  private pathMinRtt = 0;
  private received = 0;
  private lastRcvNxt = 0;
  private tokens = 0;
  private baseMinRto = 0;
  private tokensAt = 0;
  /** Set by the listener so closing removes the session from its map. */
  onClosedInternal: ((s: KcpSession) => void) | null = null;

  private readonly st = {
    datagramsIn: 0,
    datagramsOut: 0,
    bytesIn: 0,
    bytesOut: 0,
    parityOut: 0,
    fecRecovered: 0,
    drops: { short: 0, crc: 0, auth: 0, 'fec-malformed': 0, 'kcp-malformed': 0, conv: 0, 'unknown-session': 0, oob: 0, 'no-fec': 0, source: 0 } as Record<KcpDropReason, number>,
  };

  constructor(init: KcpSessionInit) {
    super();
    this.conv = init.conv >>> 0;
    this.remote = { address: init.remote.address, port: init.remote.port };
    this.remoteKey = endpointKey(this.remote);
    this.conn = init.conn;
    this.cipher = init.cipher;
    this.clock = init.clock ?? realClock;
    this.ownsConn = init.ownsConn ?? false;
    this.cryptoHeader = this.cipher.headerSize;
    const dshard = init.dshard ?? 0;
    const pshard = init.pshard ?? 0;
    this.fecOn = dshard > 0 && pshard > 0;
    const fecSize = this.fecOn ? FEC_HEADER_SIZE : 0;
    this.tuning = kcpTuning(init.mode ?? 'fast', init.manual);
    const clock = this.clock;
    this.kcp = new Kcp(this.conv, this.output, () => clock.now(), {
      reserve: this.cryptoHeader + fecSize,
      trailer: this.cipher.trailerSize,
      deferInputFlush: true,
    });
    this.fecCodec = init.fecCodec;
    if (this.fecOn) {
      const codec = init.fecCodec ?? defaultFecCodec();
      this.fecSender = codec.sender(dshard, pshard, this.cryptoHeader, this.cipher.trailerSize);
      this.fecReceiver = codec.receiver(dshard, pshard);
    }
    this.kcp.stream = true;
    this.kcp.setNoDelay(this.tuning.nodelay, this.tuning.interval, this.tuning.resend, this.tuning.nocongestion);
    this.sndFloor = init.sndwnd ?? 128;
    this.rcvFloor = init.rcvwnd ?? 512;
    this.kcp.setWndSize(this.sndFloor, this.rcvFloor);
    if (!this.setMtu(init.mtu ?? 1350)) throw new RangeError(`mtu ${init.mtu} leaves no room for KCP`);
    const fit = init.fitWindows === true ? { snd: true, rcv: true } : init.fitWindows || {};
    this.sndPath = fit.snd ? new PathModel(this.kcp.mss) : null;
    this.baseMinRto = this.kcp.rxMinrto;
    this.rcvPath = fit.rcv ? new PathModel(this.kcp.mss) : null;
    // The first update runs right away (kcp.md §10.3: a new session answers at once).
    this.armTimer(0);
  }

  /** Datagram MTU, envelope included (kcp.md §10.1). False if too small. */
  setMtu(mtu: number): boolean {
    const m = Math.min(mtu, KCP_MTU_LIMIT) - this.cryptoHeader - (this.fecOn ? FEC_HEADER_SIZE : 0) - this.cipher.trailerSize;
    if (m <= KCP_OVERHEAD) return false;
    return this.kcp.setMtu(m);
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Bytes KCP takes per segment. */
  get mss(): number {
    return this.kcp.mss;
  }

  // ---------- output pipeline (kcp.md §10.2) ----------

  private readonly emitParity = (shard: Uint8Array, plainLength: number) => {
    this.st.parityOut++;
    this.sendSealed(shard, plainLength);
  };

  private readonly output = (buf: Uint8Array, offset: number, length: number) => {
    if (this.fecSender) {
      // Parity is sent after the data shard, each with its own envelope.
      const pending: { shard: Uint8Array; len: number }[] = [];
      this.fecSender.encode(buf, this.cryptoHeader, offset + length, (shard, len) => pending.push({ shard, len }));
      this.sendSealed(buf, offset + length - this.cryptoHeader);
      for (const p of pending) this.emitParity(p.shard, p.len);
      return;
    }
    this.sendSealed(buf, length);
  };

  private sendSealed(buf: Uint8Array, plainLength: number): void {
    if (this.isClosed && !this.finalFlush) return;
    const total = this.cipher.seal(buf, plainLength);
    this.st.datagramsOut++;
    this.st.bytesOut += total;
    this.conn.send(buf.subarray(0, total), this.remote);
  }
  private finalFlush = false;

  // ---------- input pipeline (kcp.md §10.4) ----------

  /** A datagram from the wire, envelope still on. */
  inputDatagram(datagram: Uint8Array): void {
    if (this.isClosed) return;
    const plain = this.cipher.open(datagram);
    if (typeof plain === 'string') {
      this.st.drops[plain]++;
      return;
    }
    this.inputPlaintext(plain, datagram.length);
  }

  /** A datagram whose envelope the listener already opened. */
  inputPlaintext(plain: Uint8Array, wireLength = plain.length): void {
    if (this.isClosed) return;
    this.st.datagramsIn++;
    this.st.bytesIn += wireLength;
    if (plain.length < 12) {
      this.st.drops.short++;
      return;
    }
    const marker = plain[4] | (plain[5] << 8);
    // ACKs are never flushed per datagram here: with ackNoDelay they go out once after the
    // receive batch (afterInput), all of a batch's ACKs in as few datagrams as fit.
    const ackNoDelay = false;
    if (marker === FEC_TYPE_DATA || marker === FEC_TYPE_PARITY) {
      if (marker === FEC_TYPE_DATA) this.kcpInput(plain.subarray(FEC_HEADER_SIZE), true, ackNoDelay);
      // Like kcp-go: a session without FEC settings gets a 1+1 decoder on the
      // first FEC packet, and autotune follows the peer's shard pattern.
      this.fecReceiver ??= (this.fecCodec ?? defaultFecCodec()).receiver(1, 1);
      this.fecReceiver.decode(plain, this.onRecovered);
    } else if (marker === FEC_TYPE_OOB) {
      this.st.drops.oob++;
    } else {
      this.kcpInput(plain, true, ackNoDelay);
    }
    this.afterInput();
  }

  private readonly onRecovered = (kcpBytes: Uint8Array) => {
    this.st.fecRecovered++;
    this.kcpInput(kcpBytes, false, false);
  };

  private kcpInput(bytes: Uint8Array, regular: boolean, ackNoDelay: boolean): void {
    const r = this.kcp.input(bytes, regular, ackNoDelay);
    if (r < 0) this.st.drops[r === KCP_INPUT_CONV ? 'conv' : 'kcp-malformed']++;
  }

  private afterInput(): void {
    if (this.sndPath || this.rcvPath) this.observePath();
    // Coalesce a burst of datagrams into one FULL flush right after it.
    if (this.kcp.flushWanted) this.scheduleFlush();
    // A hole in the receive buffer means a segment was lost. ACK at the end of this turn,
    // as TCP sends its duplicate ACKs at once, rather than at our next tick: the sender's
    // fast retransmit then starts up to an interval sooner. Lossless traffic is unaffected.
    // With ackNoDelay the same end-of-turn flush carries every ACK of the receive batch.
    else if (this.kcp.pendingAckCount > 0 && (this.tuning.ackNoDelay || this.kcp.hasReceiveGap)) this.scheduleAckFlush();
    // Pending ACKs (write-delay modes) go out with the next periodic flush.
    this.armTimer(this.kcp.interval);
    this.deliver();
    this.checkWritable();
  }

  /** Feeds the path models and moves the windows they size (fitWindows). */
  private observePath(): void {
    const k = this.kcp;
    const now = this.clock.now();
    if (k.minRtt > 0) this.pathMinRtt = k.minRtt;
    const rtt = k.rxSrtt;
    if (this.sndPath) {
      // A queue on the path adds delay that KCP's tight RTO (srtt + 4 rttvar) mistakes for
      // loss, and a burst of spurious timeouts fills the queue further: keep the RTO above
      // three times the path's smallest RTT (room for the queue startup may build before
      // it sees the delay) and two smoothed RTTs (a busy peer or relay delays ACKs). Fast
      // retransmit repairs nearly every loss long before; the RTO is the last resort.
      if (this.pathMinRtt > 0) k.rxMinrto = Math.max(this.baseMinRto, 3 * this.pathMinRtt, 2 * rtt);
      if (this.sndPath.minRttExpired(now)) k.resetMinRtt();
      // Nothing queued, or the peer's window (a slow reader) is what holds data back: such a
      // sample says nothing about the path and may only raise the estimate, never lower it.
      const limitedElsewhere = k.sndQueueCount === 0 || k.rmtWnd < k.sndWnd;
      this.sndPath.observe(now, k.delivered, rtt, limitedElsewhere, k.lastRtt, this.pathMinRtt, k.inflight, k.counters.segsOut);
      const wnd = this.sndPath.window(this.sndFloor, this.pathMinRtt);
      if (wnd !== k.sndWnd) k.setWndSize(wnd, 0);
    }
    if (this.rcvPath) {
      this.received += (k.rcvNxt - this.lastRcvNxt) >>> 0;
      this.lastRcvNxt = k.rcvNxt;
      // A receiver that has sent nothing yet has no RTT of its own: assume 100 ms.
      const rcvRtt = rtt || 100;
      this.rcvPath.observe(now, this.received, rcvRtt, false);
      // Grow only, by at least a quarter (each change reallocates the receive ring).
      const wnd = this.rcvPath.window(this.rcvFloor, this.pathMinRtt || rcvRtt);
      if (wnd >= k.rcvWnd * 1.25) k.setWndSize(0, wnd);
    }
  }

  /**
   * A FULL flush; with a pacing rate, new segments enter the window only as fast as the
   * rate refills the token bucket, and a timer comes back for the rest.
   */
  private flushNow(): number {
    const k = this.kcp;
    // Never slower than the configured window would go in one round trip: the path
    // model only adds speed (and smooths it), it never costs a short transfer its start.
    // (The peer's window is not part of this floor: KCP's window check already holds data
    // back while it is closed, and a floor of zero would starve the bucket after it opens.)
    const floorRate = this.sndFloor / Math.max(k.rxSrtt, 1);
    const rate = this.sndPath && this.sndPath.pacingRate > 0 ? Math.max(this.sndPath.pacingRate, floorRate) : 0;
    if (rate <= 0) {
      k.sendQuota = Infinity;
      return k.flush(false);
    }
    const now = this.clock.now();
    // Up to 4 ms of rate may be saved up: timers and the event loop run late on a busy host.
    const cap = Math.max(16, rate * 4);
    this.tokens = Math.min(cap, this.tokens + rate * Math.max(0, now - this.tokensAt));
    this.tokensAt = now;
    const before = k.sndNxt;
    const timeoutsBefore = k.counters.retransTimeout;
    k.sendQuota = Math.floor(this.tokens);
    let next = k.flush(false);
    this.tokens -= ((k.sndNxt - before) >>> 0) + (k.counters.retransTimeout - timeoutsBefore);
    // KCP's own ACK-only flushes inside input() must not admit data behind the pacer's back.
    k.sendQuota = 0;
    if (!k.quotaLimited && k.sndQueueCount > 0) this.sndPath!.noteWindowLimited();
    if (k.quotaLimited) next = Math.min(next, Math.max(1, Math.ceil((Math.min(cap, Math.max(4, rate)) - this.tokens) / rate)));
    return next;
  }

  /** One FULL flush after the current event-loop turn, however often it is asked for. */
  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    this.clock.setTimeout(this.deferredFlush, 0);
  }

  private scheduleAckFlush(): void {
    if (this.ackFlushScheduled || this.flushScheduled) return;
    this.ackFlushScheduled = true;
    this.clock.setTimeout(this.deferredAckFlush, 0);
  }

  private readonly deferredAckFlush = () => {
    this.ackFlushScheduled = false;
    if (this.isClosed || this.kcp.pendingAckCount === 0) return;
    this.kcp.flush(true);
  };

  private readonly deferredFlush = () => {
    this.flushScheduled = false;
    if (this.isClosed) return;
    this.kcp.flushWanted = false;
    this.armTimer(this.flushNow());
    this.checkWritable();
  };

  // ---------- application side ----------

  /** Receive the byte stream. The chunk is a reused view: copy what you keep. */
  onData(handler: KcpDataHandler | null): void {
    this.dataHandler = handler;
    if (handler) this.deliver();
  }

  /** Stop taking bytes out of KCP (its window closes and the peer backs off). */
  pauseReading(): void {
    this.paused = true;
  }

  resumeReading(): void {
    if (!this.paused) return;
    this.paused = false;
    this.deliver();
    // Reading may have reopened the window: tell the peer (WINS) promptly.
    this.armTimer(0);
  }

  private delivering = false;
  private deliver(): void {
    if (this.delivering) return;
    this.delivering = true;
    try {
      // Each segment's bytes go to the handler in place (no copy): the
      // handler contract already says the chunk is only valid during the call.
      while (!this.paused && this.dataHandler && !this.isClosed) {
        if (this.kcp.recvSegment(this.dataHandler, this.recvBuf) < 0) break;
      }
    } finally {
      this.delivering = false;
    }
  }

  /** Bytes the receive window holds now (grown with the path under fitWindows). */
  receiveWindowBytes(): number {
    return this.kcp.rcvWnd * this.kcp.mss;
  }

  /** True while KCP accepts more writes without exceeding the send window. */
  get writable(): boolean {
    return !this.isClosed && this.kcp.waitSnd < this.kcp.sndWnd;
  }

  /**
   * Queue bytes (kcp.md §10.3): the whole write is taken, cut into mss pieces.
   * Returns false when the send window is now full; wait for 'drain'.
   * Throws if closed.
   */
  write(data: Uint8Array): boolean {
    if (this.isClosed) throw new Error('KCP session closed');
    const mss = this.kcp.mss;
    const wasIdle = this.kcp.waitSnd === 0;
    for (let off = 0; off < data.length; off += mss) this.kcp.send(data, off, Math.min(mss, data.length - off));
    const full = this.kcp.waitSnd >= this.kcp.sndWnd;
    if (!this.tuning.writeDelay || full) this.armTimer(this.flushNow());
    // Write delay batches writes while data is in flight. With nothing in flight (a
    // request, or the reply to one) waiting for the next tick only adds latency: kcp-go
    // waits half an interval on average, a fresh timer here would wait a whole one. Flush
    // at the end of this event-loop turn instead, so writes made together still go together.
    else if (wasIdle) this.scheduleFlush();
    this.armTimer(this.kcp.interval);
    if (this.kcp.waitSnd >= this.kcp.sndWnd) {
      this.writeBlocked = true;
      return false;
    }
    return true;
  }

  /**
   * Send what is queued now (a FULL flush) instead of at the next interval,
   * whatever writeDelay says. smux calls it after a window update, which the
   * peer's sender may be stalled on.
   */
  flush(): void {
    if (this.isClosed) return;
    this.armTimer(this.flushNow());
    this.checkWritable();
  }

  private checkWritable(): void {
    if (this.writeBlocked && this.kcp.waitSnd < this.kcp.sndWnd) {
      this.writeBlocked = false;
      this.emit('drain');
    }
  }

  // ---------- timer: one per session, rescheduled from flush's result ----------

  private armTimer(ms: number): void {
    if (this.isClosed) return;
    const due = this.clock.now() + ms;
    if (this.timer !== null) {
      if (this.timerDue <= due) return;
      this.clock.clearTimeout(this.timer);
    }
    this.timerDue = due;
    this.timer = this.clock.setTimeout(this.onTimer, ms);
  }

  private readonly onTimer = () => {
    this.timer = null;
    if (this.isClosed) return;
    const next = this.flushNow();
    this.checkWritable();
    // Idle (nothing in flight, nothing queued, peer window open): sleep until
    // a write or an input re-arms the timer, so idle sessions cost nothing.
    if (this.kcp.waitSnd === 0 && this.kcp.rmtWnd !== 0) return;
    this.armTimer(next);
  };

  // ---------- close ----------

  /** Flush what is queued and release the session (nothing is sent to say so, kcp.md §9). */
  close(): void {
    if (this.isClosed) return;
    this.finalFlush = true;
    try {
      this.kcp.sendQuota = Infinity;
      this.kcp.flush(false);
    } catch {
      // the conn may already be gone
    }
    this.finalFlush = false;
    this.isClosed = true;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.kcp.releaseAll();
    this.dataHandler = null;
    this.onClosedInternal?.(this);
    if (this.ownsConn) this.conn.close();
    this.emit('close');
  }

  stats(): KcpSessionStats {
    const k = this.kcp;
    return {
      conv: this.conv,
      datagramsIn: this.st.datagramsIn,
      datagramsOut: this.st.datagramsOut,
      bytesIn: this.st.bytesIn,
      bytesOut: this.st.bytesOut,
      parityOut: this.st.parityOut,
      fecRecovered: this.st.fecRecovered,
      segmentsOut: k.counters.segsOut,
      retransmissions: { timeout: k.counters.retransTimeout, fast: k.counters.retransFast, early: k.counters.retransEarly },
      duplicateSegments: k.counters.segsDup,
      drops: { ...this.st.drops },
      srttMs: k.rxSrtt,
      rttVarMs: k.rxRttvar,
      rtoMs: k.rxRto,
      sndWnd: k.sndWnd,
      rcvWnd: k.rcvWnd,
      remoteWnd: k.rmtWnd,
      cwnd: k.cwnd,
      waitSnd: k.waitSnd,
      path: this.sndPath
        ? {
            deliveryMBps: (this.sndPath.btlBw * k.mss) / 1000,
            pacingMBps: (this.sndPath.pacingRate * k.mss) / 1000,
            minRttMs: this.pathMinRtt,
            startup: this.sndPath.startup,
          }
        : null,
    };
  }

  /**
   * Dial over any PacketConn: a fresh random conv, and only datagrams from
   * `remote` are taken (kcp.md §10.4). The conn's handler is this session's.
   */
  static dialConn(options: DialConnOptions): KcpSession {
    const session = new KcpSession({ ...options, conv: options.conv ?? randomConv() });
    const { address, port } = session.remote;
    options.conn.onDatagram((datagram, from) => {
      if (from.port !== port || from.address !== address) {
        session.st.drops.source++;
        return;
      }
      session.inputDatagram(datagram);
    });
    session.once('close', () => {
      if (!options.conn.closed) options.conn.onDatagram(null);
    });
    return session;
  }

  /** Dial a KCP server over plain UDP (its own socket, closed with the session). */
  static async dial(options: UdpDialOptions): Promise<KcpSession> {
    const createCipher = await cipherFactory(options);
    const resolved = await lookup(options.host);
    const remote = { address: resolved.address, port: options.port };
    const conn = await UdpPacketConn.bind({
      type: resolved.family === 6 ? 'udp6' : 'udp4',
      host: options.localHost,
      port: options.localPort,
      connect: remote, // one peer only: a connected socket sends cheaper
    });
    return KcpSession.dialConn({
      ...options,
      conn,
      remote,
      cipher: createCipher(),
      ownsConn: true,
    });
  }

  /** @internal for tests: make the next randomConv() return `conv`. */
  static setNextConvForTesting(conv: number): void {
    nextConvOverride = conv >>> 0;
  }
}

export function dropCounter(): Record<KcpDropReason, number> {
  return { short: 0, crc: 0, auth: 0, 'fec-malformed': 0, 'kcp-malformed': 0, conv: 0, 'unknown-session': 0, oob: 0, 'no-fec': 0, source: 0 };
}

/**
 * One KCP conversation over a PacketConn: the kcp-go UDPSession (docs/protocol/kcp.md, section 6).
 * Adds the datagram envelope (cipher) and FEC around the KCP core and owns its
 * one timer. KcpSession (the public Duplex) and smux drive it through a reader
 * callback, write() with 'drain', and 'close'. Internal to the package.
 */
import { EventEmitter } from 'node:events';
import type { Endpoint, PacketConn } from '@paqet/wire';
import { endpointKey } from '@paqet/wire';
import type { DatagramCipher, DropReason } from '../crypto/types.js';
import { Kcp, KCP_INPUT_CONV } from '../core/kcp.js';
import { KCP_MTU_LIMIT, KCP_OVERHEAD } from '../core/constants.js';
import { kcpTuning, type KcpTuning } from '../core/presets.js';
import { realClock, type SessionClock } from './clock.js';
import { FEC_HEADER_SIZE, FEC_TYPE_DATA, FEC_TYPE_OOB, FEC_TYPE_PARITY, fecType, type FecCodec, type FecReceiver, type FecSender } from '../fec/contract.js';
import { kcpFecCodec } from '../fec/codec.js';
import { KcpError, KcpErrorCode } from '../errors.js';
import type { KcpSessionSettings } from './options.js';
import { PathFit, type PathStats } from './path-fit.js';
import { SealStage } from './seal-stage.js';

export interface KcpConversationInit extends KcpSessionSettings {
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
  /** Path model (fitWindows with `snd`); null otherwise. */
  path: PathStats | null;
}

/** Receives one segment's bytes; the view is only valid during the call. */
export type KcpReader = (chunk: Uint8Array) => void;

/** @internal Emits 'drain' (send window open again) and 'close'. */
export class KcpConversation extends EventEmitter {
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
  private readonly fecCodec?: FecCodec;
  private readonly fecOn: boolean;
  private readonly cryptoHeader: number;
  private timer: unknown = null;
  private timerDue = 0;
  private flushScheduled = false;
  private ackFlushScheduled = false;
  private afterInputQueued = false;
  private readonly recvBuf = new Uint8Array(KCP_MTU_LIMIT);
  private dataHandler: KcpReader | null = null;
  private paused = false;
  private isClosed = false;
  private writeBlocked = false;
  /** A flush's datagrams, sealed together at its end (ciphers with sealBatch); null = one at a time. */
  private readonly sealStage: SealStage | null;
  /** fitWindows: the path model and pacer; null = fixed windows. */
  private readonly pathFit: PathFit | null;
  /** Set by the server so closing removes the conversation from its map. */
  onClosedInternal: ((s: KcpConversation) => void) | null = null;
  /** Called on every datagram taken in (the owner's idle timer). */
  onActivity: (() => void) | null = null;

  private readonly st = {
    datagramsIn: 0,
    datagramsOut: 0,
    bytesIn: 0,
    bytesOut: 0,
    parityOut: 0,
    fecRecovered: 0,
    drops: dropCounter(),
  };

  constructor(init: KcpConversationInit) {
    super();
    this.conv = init.conv >>> 0;
    this.remote = { address: init.remote.address, port: init.remote.port };
    this.remoteKey = endpointKey(this.remote);
    this.conn = init.conn;
    this.cipher = init.cipher;
    this.clock = init.clock ?? realClock;
    this.ownsConn = init.ownsConn ?? false;
    this.cryptoHeader = this.cipher.headerSize;
    this.sealStage = SealStage.for(this.cipher, this.sendDatagram);
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
      const codec = init.fecCodec ?? kcpFecCodec();
      this.fecSender = codec.sender(dshard, pshard, this.cryptoHeader, this.cipher.trailerSize);
      this.fecReceiver = codec.receiver(dshard, pshard);
    }
    this.kcp.stream = true;
    this.kcp.setNoDelay(this.tuning.nodelay, this.tuning.interval, this.tuning.resend, this.tuning.nocongestion);
    this.kcp.setWndSize(init.sndwnd ?? 128, init.rcvwnd ?? 512);
    if (!this.setMtu(init.mtu ?? 1350)) throw new KcpError(KcpErrorCode.Options, `mtu ${init.mtu} leaves no room for KCP`);
    this.pathFit = PathFit.create(this.kcp, init.fitWindows, init.sndwnd ?? 128, init.rcvwnd ?? 512);
    // The first update runs right away (docs/protocol/kcp.md, section 6: a new session answers at once).
    this.armTimer(0);
  }

  /** Datagram MTU, envelope included (docs/protocol/kcp.md, section 6). False if too small. */
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

  // ---------- output pipeline (docs/protocol/kcp.md, section 6) ----------

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
    if (this.sealStage) return this.sealStage.add(buf, plainLength);
    // Written out rather than through sendDatagram: one call less keeps this whole path
    // (conn.send, the frame's assembly) small enough for V8 to inline, view included.
    const total = this.cipher.seal(buf, plainLength);
    this.st.datagramsOut++;
    this.st.bytesOut += total;
    this.conn.send(buf.subarray(0, total), this.remote);
  }

  private readonly sendDatagram = (datagram: Uint8Array): void => {
    this.st.datagramsOut++;
    this.st.bytesOut += datagram.length;
    this.conn.send(datagram, this.remote);
  };
  private finalFlush = false;

  // ---------- input pipeline (docs/protocol/kcp.md, section 6) ----------

  /** Count a datagram that came from an endpoint other than the remote (a dialer filters them). */
  countForeignDatagram(): void {
    this.st.drops.source++;
  }

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
    this.onActivity?.();
    if (plain.length < 12) {
      this.st.drops.short++;
      return;
    }
    const marker = fecType(plain);
    if (marker === FEC_TYPE_DATA || marker === FEC_TYPE_PARITY) {
      if (marker === FEC_TYPE_DATA) this.kcpInput(plain.subarray(FEC_HEADER_SIZE), true);
      // Like kcp-go: a session without FEC settings gets a 1+1 decoder on the
      // first FEC packet, and autotune follows the peer's shard pattern.
      this.fecReceiver ??= (this.fecCodec ?? kcpFecCodec()).receiver(1, 1);
      this.fecReceiver.decode(plain, this.onRecovered);
    } else if (marker === FEC_TYPE_OOB) {
      this.st.drops.oob++;
    } else {
      this.kcpInput(plain, true);
    }
    // Once per receive batch: a batching PacketConn hands over all its frames in one task,
    // and the work below (path model, timer, delivery, drain) looks at the batch's sum.
    if (!this.afterInputQueued) {
      this.afterInputQueued = true;
      queueMicrotask(this.afterInputOnce);
    }
  }

  private readonly afterInputOnce = (): void => {
    this.afterInputQueued = false;
    if (!this.isClosed) this.afterInput();
  };

  private readonly onRecovered = (kcpBytes: Uint8Array) => {
    this.st.fecRecovered++;
    this.kcpInput(kcpBytes, false);
  };

  /**
   * Never with KCP's per-datagram ackNoDelay: with ackNoDelay the ACKs go out once after the
   * receive batch (afterInput), all of a batch's ACKs in as few datagrams as fit.
   */
  private kcpInput(bytes: Uint8Array, regular: boolean): void {
    const r = this.kcp.input(bytes, regular);
    if (r < 0) this.st.drops[r === KCP_INPUT_CONV ? 'conv' : 'kcp-malformed']++;
  }

  private afterInput(): void {
    // input() itself flushes ACKs when its list is full: they leave now, as without staging.
    this.sealStage?.drain();
    this.pathFit?.observe(this.clock.now());
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

  /** A FULL flush, paced under fitWindows; returns when the next one is due (ms). */
  private flushNow(): number {
    const next = this.pathFit ? this.pathFit.flush(this.clock.now()) : this.kcp.flush(false);
    this.sealStage?.drain();
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
    this.sealStage?.drain();
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
  onData(handler: KcpReader | null): void {
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
   * Queue bytes (docs/protocol/kcp.md, section 6): the whole write is taken, cut into mss pieces.
   * Returns false when the send window is now full; wait for 'drain'.
   * Throws if closed.
   */
  write(data: Uint8Array): boolean {
    if (this.isClosed) throw new KcpError(KcpErrorCode.SessionClosed, 'KCP session closed', 'close-session');
    const mss = this.kcp.mss;
    const backlogged = this.kcp.sndQueueCount > 0;
    for (let off = 0; off < data.length; off += mss) this.kcp.send(data, off, Math.min(mss, data.length - off));
    const full = this.kcp.waitSnd >= this.kcp.sndWnd;
    if (!this.tuning.writeDelay || full) this.armTimer(this.flushNow());
    // Write delay batches writes while earlier ones still wait to be sent. When everything
    // written before has left (a request, the reply to one, a smux frame after a few
    // unacknowledged ones), waiting for the next tick only adds latency: kcp-go waits half an
    // interval on average, a fresh timer here a whole one, and the peer's ACKs of what is in
    // flight come only with its own tick (no ackNoDelay in these modes). Flush at the end of
    // this event-loop turn instead, so writes made together still go together.
    else if (!backlogged) this.scheduleFlush();
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

  /** The same FULL flush at the end of this event-loop turn: what else the turn writes goes with it. */
  flushSoon(): void {
    if (!this.isClosed) this.scheduleFlush();
  }

  private checkWritable(): void {
    if (this.writeBlocked && this.kcp.waitSnd < this.kcp.sndWnd) {
      this.writeBlocked = false;
      this.emit('drain');
    }
    if (this.ackWaiter !== null && this.kcp.waitSnd === 0) {
      const done = this.ackWaiter;
      this.ackWaiter = null;
      done();
    }
  }

  private ackWaiter: (() => void) | null = null;

  /** Calls `done` once everything written so far is acknowledged (at once if it already is). */
  whenAllAcked(done: () => void): void {
    if (this.kcp.waitSnd === 0 || this.isClosed) return done();
    this.ackWaiter = done;
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

  /** Flush what is queued and release the session (nothing is sent to say so, docs/protocol/kcp.md, section 2). */
  close(): void {
    if (this.isClosed) return;
    this.finalFlush = true;
    try {
      this.kcp.sendQuota = Infinity;
      this.kcp.flush(false);
      this.sealStage?.drain();
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
      path: this.pathFit?.stats() ?? null,
    };
  }
}

export function dropCounter(): Record<KcpDropReason, number> {
  return { short: 0, crc: 0, auth: 0, 'fec-malformed': 0, 'kcp-malformed': 0, conv: 0, 'unknown-session': 0, oob: 0, 'no-fec': 0, source: 0 };
}

/** What stats() says before a session has its conversation. */
export function emptyStats(): KcpSessionStats {
  return {
    conv: 0, datagramsIn: 0, datagramsOut: 0, bytesIn: 0, bytesOut: 0, parityOut: 0, fecRecovered: 0, segmentsOut: 0,
    retransmissions: { timeout: 0, fast: 0, early: 0 }, duplicateSegments: 0, drops: dropCounter(),
    srttMs: 0, rttVarMs: 0, rtoMs: 0, sndWnd: 0, rcvWnd: 0, remoteWnd: 0, cwnd: 0, waitSnd: 0, path: null,
  };
}

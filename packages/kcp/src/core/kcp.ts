/**
 * The KCP ARQ state machine, behaviour-compatible with kcp-go v5.6.72
 * (docs/protocol/kcp.md, section 3). No I/O and no timers: the caller injects the clock,
 * feeds datagrams to input(), and calls flush() when the returned delay passes.
 * All sequence and time comparisons use wrapping int32 differences.
 */
import {
  KCP_ASK_SEND,
  KCP_ASK_TELL,
  KCP_CMD_ACK,
  KCP_CMD_PUSH,
  KCP_CMD_WASK,
  KCP_CMD_WINS,
  KCP_FASTACK_MARK,
  KCP_INTERVAL,
  KCP_MTU_DEF,
  KCP_MTU_LIMIT,
  KCP_OVERHEAD,
  KCP_PROBE_INIT,
  KCP_PROBE_LIMIT,
  KCP_RTO_DEF,
  KCP_RTO_MAX,
  KCP_RTO_MIN,
  KCP_RTO_NDL,
  KCP_THRESH_INIT,
  KCP_THRESH_MIN,
  KCP_WND_RCV,
  KCP_WND_SND,
} from './constants.js';
import { readU16LE, readU32LE } from '../bytes.js';
import { RingQueue } from './ring-queue.js';
import { encodeSegmentHeader } from './segment.js';

/** Wrapping signed difference a − b of two u32 values. */
const diff = (a: number, b: number): number => (a - b) | 0;

class Segment {
  sn = 0;
  frg = 0;
  ts = 0;
  len = 0;
  resendts = 0;
  rto = 0;
  fastack = 0;
  /** Later ACKs seen since this segment's last fast retransmit (see lostRetransmitResend). */
  refastack = 0;
  xmit = 0;
  acked = false;
  /** Neighbours in the sn-ordered list of snd_buf's unacknowledged segments (see Kcp.unackedHead). */
  prevUnacked: Segment | null = null;
  nextUnacked: Segment | null = null;
  private cachedView: Uint8Array;
  constructor(public data: Uint8Array) {
    this.cachedView = data.subarray(0, 0);
  }
  /**
   * `data[0, len)`. The view is kept while len stays the same, so a pooled
   * segment reused at full mss (the common case) never allocates one again.
   */
  get view(): Uint8Array {
    if (this.cachedView.length !== this.len) this.cachedView = this.data.subarray(0, this.len);
    return this.cachedView;
  }
}

/**
 * Free segments, shared by every Kcp of the process and bounded. A closed session's unsent and
 * unacknowledged segments (a whole send window when its peer died mid-transfer) serve the next
 * session, instead of lying as garbage until a major GC: a server whose clients come and go
 * would otherwise grow by megabytes of dead segment buffers per client.
 */
const freeSegments: Segment[] = [];
/** At most this many free segments are kept (about 6 MB: the send windows of four paqet server sessions, the size one session's own pool used to reach). */
const KCP_FREE_SEGMENTS_MAX = 4096;

/** Receives one segment's bytes; the view is only valid during the call. */
export type KcpSegmentReader = (bytes: Uint8Array) => void;

/**
 * Receives each finished datagram: the KCP bytes are `buf[offset, offset + length)`.
 * `buf[0, offset)` is free for the caller's envelope header, and there is room for
 * `trailer` bytes after the KCP bytes. The buffer is reused after the call returns.
 */
export type KcpOutput = (buf: Uint8Array, offset: number, length: number) => void;

export interface KcpOptions {
  /** Bytes reserved before the KCP bytes in each output buffer (envelope + FEC header). */
  reserve?: number;
  /** Bytes of room after the KCP bytes (AEAD tag). */
  trailer?: number;
  /**
   * When true, input() does not flush by itself when it wants a FULL flush; it
   * sets `flushWanted` so the owner can flush once after a burst of datagrams.
   * (ACK-only flushes for a full ACK list still happen inside input.)
   */
  deferInputFlush?: boolean;
}

export interface KcpCounters {
  /** Segments sent for the first time / retransmitted by timeout / fast / early. */
  segsOut: number;
  retransTimeout: number;
  retransFast: number;
  retransEarly: number;
  /** PUSH segments received, of which duplicates (already received or below rcv_nxt). */
  segsIn: number;
  segsDup: number;
  /** Datagrams rejected by input() (bad conv, length or command). */
  inputErrors: number;
  datagramsOut: number;
}

/** input() results. 0 = accepted. */
export const KCP_INPUT_OK = 0;
export const KCP_INPUT_SHORT = -1;
export const KCP_INPUT_CONV = -4;
export const KCP_INPUT_MALFORMED = -2;
export const KCP_INPUT_BAD_CMD = -3;

export class Kcp {
  readonly conv: number;
  mtu = KCP_MTU_DEF;
  mss = KCP_MTU_DEF - KCP_OVERHEAD;
  sndUna = 0;
  sndNxt = 0;
  rcvNxt = 0;
  ssthresh = KCP_THRESH_INIT;
  rxRttvar = 0;
  rxSrtt = 0;
  rxRto = KCP_RTO_DEF;
  rxMinrto = KCP_RTO_MIN;
  sndWnd = KCP_WND_SND;
  rcvWnd = KCP_WND_RCV;
  rmtWnd = KCP_WND_RCV;
  cwnd = 0;
  incr = 0;
  probe = 0;
  interval = KCP_INTERVAL;
  tsFlush = KCP_INTERVAL;
  nodelay = 0;
  tsProbe = 0;
  probeWait = 0;
  fastresend = 0;
  /**
   * Not in kcp-go, and invisible to the peer: a fast-retransmitted segment is MARKed and
   * otherwise waits for its RTO (100 ms or more, growing) if the retransmission is lost
   * too. With this on, `fastresend` ACKs for segments sent after the retransmission
   * prove it lost, and it is fast-retransmitted again. Off gives kcp-go's exact schedule.
   */
  lostRetransmitResend = true;
  nocwnd = 0;
  stream = false;
  /** Set by input() under deferInputFlush when a FULL flush is due. */
  flushWanted = false;
  /**
   * Pacing (not in kcp-go, invisible to the peer): how many queued segments the next
   * flush may admit into the window. The session refills it from its pacing rate;
   * Infinity (the default) admits as many as the window allows, as kcp-go does.
   */
  sendQuota = Infinity;
  /** True when the last flush left segments queued because sendQuota ran out (not the window). */
  quotaLimited = false;
  /** Segments known delivered (removed by una or selectively ACKed), for delivery-rate estimates. */
  delivered = 0;
  /** Smallest RTT sample (ms) since resetMinRtt(); 0 before the first. */
  minRtt = 0;
  /** The latest RTT sample (ms); 0 before the first. */
  lastRtt = 0;
  readonly counters: KcpCounters = {
    segsOut: 0,
    retransTimeout: 0,
    retransFast: 0,
    retransEarly: 0,
    segsIn: 0,
    segsDup: 0,
    inputErrors: 0,
    datagramsOut: 0,
  };

  private readonly clock: () => number;
  private readonly output: KcpOutput;
  private readonly reserve: number;
  private readonly trailer: number;
  private readonly deferInputFlush: boolean;
  private buffer: Uint8Array;

  // snd_queue: FIFO. snd_buf: sn-ordered, consecutive sns from snd_una.
  private readonly sndQueue = new RingQueue<Segment>();
  private readonly sndBuf = new RingQueue<Segment>();
  // snd_buf's unacknowledged segments, sn-ordered, linked through the segments. Under loss
  // most of snd_buf is selectively ACKed and waits behind a hole; ACK processing and flush
  // walk only this list, so their cost follows the holes and the flight, not the window.
  private unackedHead: Segment | null = null;
  private unackedTail: Segment | null = null;
  private unackedLength = 0;
  // rcv_buf: ring indexed by sn % capacity, valid for sn in [rcvNxt, rcvNxt + rcvWnd).
  private rcvBuf: (Segment | undefined)[];
  private rcvBufCount = 0;
  private readonly rcvQueue = new RingQueue<Segment>();
  // acklist as flat (sn, ts) pairs.
  private ackList = new Uint32Array(128);
  private ackCount = 0;

  constructor(conv: number, output: KcpOutput, clock: () => number, options: KcpOptions = {}) {
    this.conv = conv >>> 0;
    this.output = output;
    this.clock = clock;
    this.reserve = options.reserve ?? 0;
    this.trailer = options.trailer ?? 0;
    this.deferInputFlush = options.deferInputFlush ?? false;
    this.buffer = new Uint8Array(this.reserve + (this.mtu + KCP_OVERHEAD) + this.trailer);
    this.rcvBuf = new Array(this.rcvWnd);
  }

  private now(): number {
    return this.clock() >>> 0;
  }

  // ---------- configuration ----------

  /** Set the KCP MTU (the session subtracts envelope sizes first). False if too small. */
  setMtu(mtu: number): boolean {
    if (mtu < 50 || mtu < KCP_OVERHEAD) return false;
    this.mtu = mtu;
    this.mss = mtu - KCP_OVERHEAD;
    this.buffer = new Uint8Array(this.reserve + (mtu + KCP_OVERHEAD) + this.trailer);
    return true;
  }

  /** NoDelay(nodelay, interval, resend, nc), docs/protocol/kcp.md, section 4. Negative values leave a setting unchanged. */
  setNoDelay(nodelay: number, interval: number, resend: number, nc: number): void {
    if (nodelay >= 0) {
      this.nodelay = nodelay;
      this.rxMinrto = nodelay !== 0 ? KCP_RTO_NDL : KCP_RTO_MIN;
    }
    if (interval >= 0) this.interval = Math.min(5000, Math.max(10, interval));
    if (resend >= 0) this.fastresend = resend;
    if (nc >= 0) this.nocwnd = nc;
  }

  setWndSize(sndwnd: number, rcvwnd: number): void {
    if (sndwnd > 0) this.sndWnd = sndwnd;
    if (rcvwnd > 0) {
      // kcp-go never lets rcv_wnd go below the largest fragment count.
      const next = Math.max(rcvwnd, KCP_WND_RCV);
      if (next !== this.rcvWnd) this.resizeRcvBuf(next);
    }
  }

  private resizeRcvBuf(wnd: number): void {
    const old = this.rcvBuf;
    this.rcvWnd = wnd;
    this.rcvBuf = new Array(wnd);
    this.rcvBufCount = 0;
    for (const seg of old) {
      if (seg && diff(seg.sn, this.rcvNxt + wnd) < 0) {
        this.rcvBuf[seg.sn % wnd] = seg;
        this.rcvBufCount++;
      }
    }
  }

  /** Segments waiting to be sent or acknowledged. */
  get waitSnd(): number {
    return this.sndBuf.length + this.sndQueue.length;
  }
  get sndBufCount(): number {
    return this.sndBuf.length;
  }
  get sndQueueCount(): number {
    return this.sndQueue.length;
  }
  get rcvQueueCount(): number {
    return this.rcvQueue.length;
  }
  get rcvBufCountValue(): number {
    return this.rcvBufCount;
  }
  /** ACKs collected by input and not yet sent. */
  get pendingAckCount(): number {
    return this.ackCount;
  }
  /** Segments wait beyond a missing one (not merely because rcv_queue is full). */
  get hasReceiveGap(): boolean {
    return this.rcvBufCount > 0 && this.rcvQueueCount < this.rcvWnd;
  }

  // ---------- segments ----------

  private newSegment(size: number): Segment {
    const seg = freeSegments.pop();
    if (seg && seg.data.length >= size) {
      seg.len = 0;
      seg.acked = false;
      seg.xmit = 0;
      seg.fastack = 0;
      seg.refastack = 0;
      return seg;
    }
    return new Segment(new Uint8Array(Math.max(size, this.mss, KCP_MTU_LIMIT - KCP_OVERHEAD)));
  }

  private release(seg: Segment): void {
    if (freeSegments.length < KCP_FREE_SEGMENTS_MAX) freeSegments.push(seg);
  }

  // ---------- application side ----------

  /** Size of the next message, or -1 if none is complete. */
  peekSize(): number {
    const n = this.rcvQueue.length;
    if (n === 0) return -1;
    const seg = this.rcvQueue.at(0);
    if (seg.frg === 0) return seg.len;
    if (n < seg.frg + 1) return -1;
    let length = 0;
    for (let i = 0; i < n; i++) {
      const s = this.rcvQueue.at(i);
      length += s.len;
      if (s.frg === 0) break;
    }
    return length;
  }

  /**
   * Copy the next message (stream mode: the next segment's bytes) into `out`.
   * Returns its length, -1 if nothing is ready, -2 if `out` is too small.
   */
  recv(out: Uint8Array): number {
    const peek = this.peekSize();
    if (peek < 0) return -1;
    if (peek > out.length) return -2;
    const fastRecover = this.rcvQueueCount >= this.rcvWnd;
    let n = 0;
    while (this.rcvQueue.length > 0) {
      const seg = this.rcvQueue.shift();
      out.set(seg.view, n);
      n += seg.len;
      const frg = seg.frg;
      this.release(seg);
      if (frg === 0) break;
    }
    this.moveRcvBufToQueue();
    if (this.rcvQueueCount < this.rcvWnd && fastRecover) this.probe |= KCP_ASK_TELL;
    return n;
  }

  /**
   * Stream-mode read without a copy: hands the next segment's bytes (a view
   * into the segment, valid only during the call) to `reader`, with the same
   * queue and window effects as recv(). Returns the byte count, or -1 if
   * nothing is ready. A multi-fragment message (message mode) is copied into
   * `scratch` first, as recv() would.
   */
  recvSegment(reader: KcpSegmentReader, scratch: Uint8Array): number {
    if (this.rcvQueue.length === 0) return -1;
    const head = this.rcvQueue.at(0);
    if (head.frg !== 0) {
      const n = this.recv(scratch);
      if (n >= 0) reader(scratch.subarray(0, n));
      return n;
    }
    const fastRecover = this.rcvQueueCount >= this.rcvWnd;
    this.rcvQueue.shift();
    this.moveRcvBufToQueue();
    if (this.rcvQueueCount < this.rcvWnd && fastRecover) this.probe |= KCP_ASK_TELL;
    const n = head.len;
    try {
      reader(head.view);
    } finally {
      this.release(head);
    }
    return n;
  }

  /**
   * Queue `data[offset, offset + length)` for sending (docs/protocol/kcp.md, section 3). Returns 0, or -1 for an empty buffer,
   * -2 if a message would need more than 255 fragments (message mode).
   */
  send(data: Uint8Array, offset = 0, length = data.length - offset): number {
    let len = length;
    if (len <= 0) return -1;
    let off = offset;
    if (this.stream && this.sndQueue.length > 0) {
      const last = this.sndQueue.last();
      if (last.len < this.mss) {
        const extend = Math.min(len, this.mss - last.len);
        last.data.set(extend === data.length ? data : data.subarray(off, off + extend), last.len);
        last.len += extend;
        off += extend;
        len -= extend;
      }
      if (len === 0) return 0;
    }
    const count = len <= this.mss ? 1 : Math.ceil(len / this.mss);
    if (!this.stream && count > 255) return -2;
    for (let i = 0; i < count; i++) {
      const size = Math.min(len, this.mss);
      const seg = this.newSegment(size);
      seg.data.set(size === data.length ? data : data.subarray(off, off + size));
      seg.len = size;
      seg.frg = this.stream ? 0 : count - i - 1;
      this.sndQueue.push(seg);
      off += size;
      len -= size;
    }
    return 0;
  }

  // ---------- input ----------

  private updateAck(rtt: number): void {
    if (rtt > 0 && (this.minRtt === 0 || rtt < this.minRtt)) this.minRtt = rtt;
    this.lastRtt = rtt;
    if (this.rxSrtt === 0) {
      this.rxSrtt = rtt;
      this.rxRttvar = rtt >> 1;
    } else {
      let delta = rtt - this.rxSrtt;
      this.rxSrtt += delta >> 3;
      delta = delta < 0 ? -delta : delta;
      if (rtt < this.rxSrtt - this.rxRttvar) this.rxRttvar += (delta - this.rxRttvar) >> 5;
      else this.rxRttvar += (delta - this.rxRttvar) >> 2;
    }
    const rto = this.rxSrtt + Math.max(this.interval, this.rxRttvar << 2);
    this.rxRto = Math.min(KCP_RTO_MAX, Math.max(this.rxMinrto, rto));
  }

  private shrinkBuf(): void {
    this.sndUna = this.sndBuf.length > 0 ? this.sndBuf.at(0).sn : this.sndNxt;
  }

  private parseAck(sn: number): void {
    if (diff(sn, this.sndUna) < 0 || diff(sn, this.sndNxt) >= 0) return;
    // snd_buf holds consecutive sns from snd_una (segments enter at snd_nxt and leave at the head).
    const i = diff(sn, this.sndUna);
    if (i >= this.sndBuf.length) return;
    const seg = this.sndBuf.at(i);
    if (seg.sn !== sn || seg.acked) return;
    this.delivered++;
    seg.acked = true;
    this.unlinkUnacked(seg);
  }

  private linkUnacked(seg: Segment): void {
    seg.prevUnacked = this.unackedTail;
    seg.nextUnacked = null;
    if (this.unackedTail) this.unackedTail.nextUnacked = seg;
    else this.unackedHead = seg;
    this.unackedTail = seg;
    this.unackedLength++;
  }

  private unlinkUnacked(seg: Segment): void {
    const prev = seg.prevUnacked;
    const next = seg.nextUnacked;
    if (prev) prev.nextUnacked = next;
    else this.unackedHead = next;
    if (next) next.prevUnacked = prev;
    else this.unackedTail = prev;
    seg.prevUnacked = seg.nextUnacked = null;
    this.unackedLength--;
  }

  /** Returns true when some counter reached the fast-resend threshold. */
  private parseFastack(sn: number, ts: number): boolean {
    if (diff(sn, this.sndUna) < 0 || diff(sn, this.sndNxt) >= 0) return false;
    const threshold = this.fastresend >>> 0;
    let reached = false;
    // Only unacknowledged segments can be resent, so only their counters matter.
    for (let seg = this.unackedHead; seg !== null; seg = seg.nextUnacked) {
      if (diff(sn, seg.sn) <= 0) break;
      if (seg.fastack !== KCP_FASTACK_MARK) {
        if (diff(seg.ts, ts) <= 0) {
          seg.fastack++;
          if (seg.fastack >= threshold) reached = true;
        }
      } else if (this.lostRetransmitResend && diff(seg.ts, ts) < 0) {
        // The ACKed copy left strictly after our retransmission and arrived: it was lost.
        seg.refastack++;
        if (seg.refastack >= threshold) reached = true;
      }
    }
    return reached;
  }

  /** Remove every snd_buf entry with sn < una. Returns how many. */
  private parseUna(una: number): number {
    let n = 0;
    while (this.sndBuf.length > 0) {
      const seg = this.sndBuf.at(0);
      if (diff(una, seg.sn) > 0) {
        if (!seg.acked) {
          this.delivered++;
          this.unlinkUnacked(seg);
        }
        this.sndBuf.shift();
        this.release(seg);
        n++;
      } else break;
    }
    return n;
  }

  private ackPush(sn: number, ts: number): void {
    if (this.ackCount * 2 + 2 > this.ackList.length) {
      const bigger = new Uint32Array(this.ackList.length * 2);
      bigger.set(this.ackList);
      this.ackList = bigger;
    }
    this.ackList[this.ackCount * 2] = sn;
    this.ackList[this.ackCount * 2 + 1] = ts;
    this.ackCount++;
  }

  private moveRcvBufToQueue(): void {
    while (this.rcvBufCount > 0 && this.rcvQueueCount < this.rcvWnd) {
      const idx = this.rcvNxt % this.rcvWnd;
      const seg = this.rcvBuf[idx];
      if (!seg || seg.sn !== this.rcvNxt) break;
      this.rcvBuf[idx] = undefined;
      this.rcvBufCount--;
      this.rcvQueue.push(seg);
      this.rcvNxt = (this.rcvNxt + 1) >>> 0;
    }
  }

  private parseData(sn: number, frg: number, src: Uint8Array, off: number, len: number): void {
    if (diff(sn, this.rcvNxt + this.rcvWnd) >= 0 || diff(sn, this.rcvNxt) < 0) {
      this.counters.segsDup++;
      return;
    }
    const idx = sn % this.rcvWnd;
    const existing = this.rcvBuf[idx];
    if (existing && existing.sn === sn) {
      this.counters.segsDup++;
    } else {
      const seg = this.newSegment(len);
      seg.sn = sn;
      seg.frg = frg;
      seg.len = len;
      seg.data.set(src.subarray(off, off + len));
      if (existing) this.release(existing); // stale entry from before a window change
      else this.rcvBufCount++;
      this.rcvBuf[idx] = seg;
    }
    this.moveRcvBufToQueue();
  }

  /**
   * Process one datagram's KCP bytes (docs/protocol/kcp.md, section 3). `regular` is false for
   * FEC-recovered data. Returns 0 or a negative KCP_INPUT_* code.
   */
  input(data: Uint8Array, regular = true, ackNoDelay = false): number {
    if (data.length < KCP_OVERHEAD) {
      this.counters.inputErrors++;
      return KCP_INPUT_SHORT;
    }
    const prevUna = this.sndUna;
    let latest = 0;
    let gotAck = false;
    let wantFull = false;
    let off = 0;
    const current = this.now();
    while (data.length - off >= KCP_OVERHEAD) {
      const conv = readU32LE(data, off);
      const cmd = data[off + 4];
      const frg = data[off + 5];
      const wnd = readU16LE(data, off + 6);
      const ts = readU32LE(data, off + 8);
      const sn = readU32LE(data, off + 12);
      const una = readU32LE(data, off + 16);
      const len = readU32LE(data, off + 20);
      off += KCP_OVERHEAD;
      if (conv !== this.conv) {
        this.counters.inputErrors++;
        return KCP_INPUT_CONV;
      }
      if (data.length - off < len) {
        this.counters.inputErrors++;
        return KCP_INPUT_MALFORMED;
      }
      if (cmd !== KCP_CMD_PUSH && cmd !== KCP_CMD_ACK && cmd !== KCP_CMD_WASK && cmd !== KCP_CMD_WINS) {
        this.counters.inputErrors++;
        return KCP_INPUT_BAD_CMD;
      }
      if (regular) this.rmtWnd = wnd;
      if (this.parseUna(una) > 0) wantFull = true;
      this.shrinkBuf();
      if (cmd === KCP_CMD_ACK) {
        this.parseAck(sn);
        if (this.parseFastack(sn, ts)) wantFull = true;
        gotAck = true;
        latest = ts;
      } else if (cmd === KCP_CMD_PUSH) {
        this.counters.segsIn++;
        if (diff(sn, this.rcvNxt + this.rcvWnd) < 0) {
          this.ackPush(sn, ts);
          if (diff(sn, this.rcvNxt) >= 0) this.parseData(sn, frg, data, off, len);
          else this.counters.segsDup++;
        }
      } else if (cmd === KCP_CMD_WASK) {
        this.probe |= KCP_ASK_TELL;
      }
      off += len;
    }
    if (gotAck && regular && diff(current, latest) >= 0) this.updateAck(diff(current, latest));
    if (this.nocwnd === 0 && diff(this.sndUna, prevUna) > 0 && this.cwnd < this.rmtWnd) {
      const mss = this.mss;
      if (this.cwnd < this.ssthresh) {
        this.cwnd++;
        this.incr += mss;
      } else {
        if (this.incr < mss) this.incr = mss;
        this.incr += Math.floor((mss * mss) / this.incr) + Math.floor(mss / 16);
        if ((this.cwnd + 1) * mss <= this.incr) this.cwnd = mss > 0 ? Math.floor((this.incr + mss - 1) / mss) : 0;
      }
      if (this.cwnd > this.rmtWnd) {
        this.cwnd = this.rmtWnd;
        this.incr = this.rmtWnd * mss;
      }
    }
    if (wantFull) {
      if (this.deferInputFlush) this.flushWanted = true;
      else this.flush(false);
    } else if (this.ackCount >= Math.floor(this.mtu / KCP_OVERHEAD)) {
      this.flush(true);
    } else if (ackNoDelay && this.ackCount > 0) {
      this.flush(true);
    }
    return KCP_INPUT_OK;
  }

  // ---------- flush ----------

  private wndUnused(): number {
    const q = this.rcvQueueCount;
    return q < this.rcvWnd ? this.rcvWnd - q : 0;
  }

  private emit(ptr: number): void {
    this.counters.datagramsOut++;
    this.output(this.buffer, this.reserve, ptr - this.reserve);
  }

  /**
   * Build and emit datagrams (docs/protocol/kcp.md, section 3). `ackOnly` = the ACK_ONLY kind.
   * Returns the ms until the next periodic flush should run.
   */
  flush(ackOnly = false): number {
    const current = this.now();
    const buf = this.buffer;
    const base = this.reserve;
    const limitBytes = this.mtu;
    let ptr = base;
    const wnd = this.wndUnused();
    const una = this.rcvNxt;
    const conv = this.conv;

    // phase 1: ACKs
    const acks = this.ackList;
    const nAck = this.ackCount;
    for (let i = 0; i < nAck; i++) {
      const sn = acks[i * 2];
      if (diff(sn, una) >= 0 || i === nAck - 1) {
        if (ptr - base + KCP_OVERHEAD > limitBytes) {
          this.emit(ptr);
          ptr = base;
        }
        ptr = encodeSegmentHeader(buf, ptr, conv, KCP_CMD_ACK, 0, wnd, acks[i * 2 + 1], sn, una, 0);
      }
    }
    this.ackCount = 0;

    // phase 2: window-probe timer
    if (this.rmtWnd === 0) {
      if (this.probeWait === 0) {
        this.probeWait = KCP_PROBE_INIT;
        this.tsProbe = (current + this.probeWait) >>> 0;
      } else if (diff(current, this.tsProbe) >= 0) {
        if (this.probeWait < KCP_PROBE_INIT) this.probeWait = KCP_PROBE_INIT;
        this.probeWait += Math.floor(this.probeWait / 2);
        if (this.probeWait > KCP_PROBE_LIMIT) this.probeWait = KCP_PROBE_LIMIT;
        this.tsProbe = (current + this.probeWait) >>> 0;
        this.probe |= KCP_ASK_SEND;
      }
    } else {
      this.tsProbe = 0;
      this.probeWait = 0;
    }

    // phase 3: probe commands
    if (this.probe & KCP_ASK_SEND) {
      if (ptr - base + KCP_OVERHEAD > limitBytes) {
        this.emit(ptr);
        ptr = base;
      }
      ptr = encodeSegmentHeader(buf, ptr, conv, KCP_CMD_WASK, 0, wnd, 0, 0, una, 0);
    }
    if (this.probe & KCP_ASK_TELL) {
      if (ptr - base + KCP_OVERHEAD > limitBytes) {
        this.emit(ptr);
        ptr = base;
      }
      ptr = encodeSegmentHeader(buf, ptr, conv, KCP_CMD_WINS, 0, wnd, 0, 0, una, 0);
    }
    this.probe = 0;

    // phase 4: admit queued segments into the window (and within the pacing quota)
    let limit = Math.min(this.sndWnd, this.rmtWnd);
    if (this.nocwnd === 0) limit = Math.min(this.cwnd, limit);
    let newCount = 0;
    const quota = this.sendQuota;
    while (diff(this.sndNxt, this.sndUna + limit) < 0 && this.sndQueue.length > 0 && newCount < quota) {
      const seg = this.sndQueue.shift();
      seg.sn = this.sndNxt;
      this.sndNxt = (this.sndNxt + 1) >>> 0;
      seg.ts = current;
      seg.resendts = current;
      seg.rto = this.rxRto;
      seg.fastack = 0;
      seg.refastack = 0;
      seg.xmit = 0;
      seg.acked = false;
      this.sndBuf.push(seg);
      this.linkUnacked(seg);
      newCount++;
    }
    this.quotaLimited = newCount >= quota && this.sndQueue.length > 0 && diff(this.sndNxt, this.sndUna + limit) < 0;

    if (ackOnly) {
      if (ptr > base) this.emit(ptr);
      return this.interval;
    }

    // phase 5: transmit / retransmit
    const resent = this.fastresend > 0 ? this.fastresend >>> 0 : 0xffffffff;
    let minrto = this.interval;
    let change = 0;
    let lost = 0;
    // Timeout retransmissions share the pacing quota with new data: after a burst loss
    // they would otherwise leave all at once and overflow the same queue again.
    let timeoutBudget = quota - newCount;
    for (let seg = this.unackedHead; seg !== null; seg = seg.nextUnacked) {
      let needSend = false;
      if (seg.xmit === 0) {
        needSend = true;
        seg.rto = this.rxRto;
        seg.resendts = (current + seg.rto) >>> 0;
        this.counters.segsOut++;
      } else if (seg.fastack !== KCP_FASTACK_MARK && seg.fastack >= resent) {
        needSend = true;
        seg.fastack = KCP_FASTACK_MARK;
        seg.refastack = 0;
        seg.rto = this.rxRto;
        seg.resendts = (current + seg.rto) >>> 0;
        change++;
        this.counters.retransFast++;
      } else if (seg.fastack === KCP_FASTACK_MARK && seg.refastack >= resent) {
        needSend = true;
        seg.refastack = 0;
        seg.rto = this.rxRto;
        seg.resendts = (current + seg.rto) >>> 0;
        change++;
        this.counters.retransFast++;
      } else if (seg.fastack !== KCP_FASTACK_MARK && seg.fastack > 0 && newCount === 0 && !this.quotaLimited) {
        needSend = true;
        seg.fastack = KCP_FASTACK_MARK;
        seg.refastack = 0;
        seg.rto = this.rxRto;
        seg.resendts = (current + seg.rto) >>> 0;
        change++;
        this.counters.retransEarly++;
      } else if (diff(current, seg.resendts) >= 0 && timeoutBudget <= 0) {
        this.quotaLimited = true;
      } else if (diff(current, seg.resendts) >= 0) {
        needSend = true;
        timeoutBudget--;
        seg.rto += this.nodelay === 0 ? this.rxRto : Math.floor(this.rxRto / 2);
        seg.fastack = 0;
        seg.refastack = 0;
        seg.resendts = (current + seg.rto) >>> 0;
        lost++;
        this.counters.retransTimeout++;
      }
      if (needSend) {
        seg.xmit++;
        seg.ts = current;
        const need = KCP_OVERHEAD + seg.len;
        if (ptr - base + need > limitBytes) {
          this.emit(ptr);
          ptr = base;
        }
        ptr = encodeSegmentHeader(buf, ptr, conv, KCP_CMD_PUSH, seg.frg, wnd, current, seg.sn, una, seg.len);
        buf.set(seg.view, ptr);
        ptr += seg.len;
      }
      const rto = diff(seg.resendts, current);
      if (rto > 0 && rto < minrto) minrto = rto;
    }
    if (ptr > base) this.emit(ptr);

    // phase 6: congestion bookkeeping
    if (this.nocwnd === 0) {
      if (change > 0) {
        const inflight = diff(this.sndNxt, this.sndUna);
        this.ssthresh = Math.max(Math.floor(inflight / 2), KCP_THRESH_MIN);
        this.cwnd = (this.ssthresh + resent) >>> 0;
        this.incr = this.cwnd * this.mss;
      }
      if (lost > 0) {
        this.ssthresh = Math.max(Math.floor(limit / 2), KCP_THRESH_MIN);
        this.cwnd = 1;
        this.incr = this.mss;
      }
      if (this.cwnd < 1) {
        this.cwnd = 1;
        this.incr = this.mss;
      }
    }
    return minrto;
  }

  /** Segments sent and not yet acknowledged by una (snd_nxt - snd_una). */
  get inflight(): number {
    return diff(this.sndNxt, this.sndUna);
  }

  /** Segments sent and neither ACKed nor covered by una: in flight or lost, not merely waiting behind a hole. */
  get unacked(): number {
    return this.unackedLength;
  }

  /** Forget the smallest RTT so the next samples set it again (paths change). */
  resetMinRtt(): void {
    this.minRtt = 0;
  }

  /** Classic KCP update(): flush when the interval has elapsed. */
  update(): void {
    const current = this.now();
    let slap = diff(current, this.tsFlush);
    if (slap >= 10000 || slap < -10000) {
      this.tsFlush = current;
      slap = 0;
    }
    if (slap >= 0) {
      this.tsFlush = (this.tsFlush + this.interval) >>> 0;
      if (diff(current, this.tsFlush) >= 0) this.tsFlush = (current + this.interval) >>> 0;
      this.flush(false);
    }
  }

  /** Classic KCP check(): ms until update() next needs calling. */
  check(): number {
    const current = this.now();
    let tsFlush = this.tsFlush;
    if (diff(current, tsFlush) >= 10000 || diff(current, tsFlush) < -10000) tsFlush = current;
    if (diff(current, tsFlush) >= 0) return 0;
    let minimal = diff(tsFlush, current);
    for (let seg = this.unackedHead; seg !== null; seg = seg.nextUnacked) {
      const d = diff(seg.resendts, current);
      if (d <= 0) return 0;
      if (d < minimal) minimal = d;
    }
    return Math.min(minimal, this.interval);
  }

  /** Drop all state (on session close); unsent, unacknowledged and unread segments become free. */
  releaseAll(): void {
    // Each segment sits in exactly one of these queues (released ones have left them).
    for (let i = 0; i < this.sndBuf.length; i++) {
      const seg = this.sndBuf.at(i);
      seg.prevUnacked = seg.nextUnacked = null;
      this.release(seg);
    }
    this.unackedHead = this.unackedTail = null;
    this.unackedLength = 0;
    for (let i = 0; i < this.sndQueue.length; i++) this.release(this.sndQueue.at(i));
    this.sndQueue.clear();
    this.sndBuf.clear();
    for (let i = 0; i < this.rcvQueue.length; i++) this.release(this.rcvQueue.at(i));
    this.rcvQueue.clear();
    this.rcvBuf = new Array(this.rcvWnd);
    this.rcvBufCount = 0;
    this.ackCount = 0;
  }
}

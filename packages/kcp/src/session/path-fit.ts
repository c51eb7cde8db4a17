/**
 * Windows fitted to the path and paced sending for one conversation (KcpSessionSettings
 * `fitWindows`, docs/PERFORMANCE.md "Windows and loss"): feeds PathModel from what KCP
 * measures, moves the send and receive windows it sizes, and meters new segments into
 * each flush from a token bucket at the pacing rate. Nothing here changes bytes on the
 * wire: the peer sees ordinary segments and a window within its u16 field.
 */
import type { Kcp } from '../core/kcp.js';
import { PathModel } from './path-model.js';

export type FitWindows = boolean | { snd?: boolean; rcv?: boolean };

/** Path numbers in stats(): delivery and pacing rate in MB/s, smallest RTT in ms. */
export interface PathStats {
  deliveryMBps: number;
  pacingMBps: number;
  minRttMs: number;
  startup: boolean;
}

export class PathFit {
  private readonly sndPath: PathModel | null;
  private readonly rcvPath: PathModel | null;
  private readonly baseMinRto: number;
  private pathMinRtt = 0;
  private received = 0;
  private lastRcvNxt = 0;
  private tokens = 0;
  private tokensAt = 0;
  /** The last flush paced at the window floor, above the model's rate. */
  private pacedAtFloor = false;
  /** Set for good once pacing at the floor lost a fifth of what it sent (see noteOverdrive). */
  private floorOverdrives = false;
  private overdriveRounds = 0;
  private lossRoundAt = 0;
  private lossRoundSent = 0;
  private lossRoundResent = 0;

  /** Null when `fit` asks for nothing (fixed windows, kcp-go's schedule). */
  static create(kcp: Kcp, fit: FitWindows | undefined, sndFloor: number, rcvFloor: number): PathFit | null {
    const f = fit === true ? { snd: true, rcv: true } : fit || {};
    return f.snd || f.rcv ? new PathFit(kcp, !!f.snd, !!f.rcv, sndFloor, rcvFloor) : null;
  }

  private constructor(
    private readonly kcp: Kcp,
    snd: boolean,
    rcv: boolean,
    private readonly sndFloor: number,
    private readonly rcvFloor: number,
  ) {
    this.sndPath = snd ? new PathModel(kcp.mss) : null;
    this.rcvPath = rcv ? new PathModel(kcp.mss) : null;
    this.baseMinRto = kcp.rxMinrto;
  }

  /** After a receive batch: feed the models and move the windows they size. */
  observe(now: number): void {
    const k = this.kcp;
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
      this.sndPath.observe(now, k.delivered, rtt, limitedElsewhere, k.lastRtt, this.pathMinRtt, k.unacked, k.counters.segsOut);
      const wnd = this.sndPath.window(this.sndFloor, this.pathMinRtt);
      if (wnd !== k.sndWnd) k.setWndSize(wnd, 0);
      this.noteOverdrive(now, rtt);
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
   * rate refills the token bucket. Returns when the next flush is due (ms).
   */
  flush(now: number): number {
    const k = this.kcp;
    // Never slower than the configured window would go in one round trip: the path model
    // only adds speed (and smooths it), it never costs a transfer its start, nor its pace
    // when a busy host makes it underestimate the path for a while. Unless the floor is
    // what overflows the path (see noteOverdrive).
    // (The peer's window is not part of this floor: KCP's window check already holds data
    // back while it is closed, and a floor of zero would starve the bucket after it opens.)
    const path = this.sndPath;
    const floorRate = this.floorOverdrives ? 0 : this.sndFloor / Math.max(k.rxSrtt, 1);
    const rate = path && path.pacingRate > 0 ? Math.max(path.pacingRate, floorRate) : 0;
    this.pacedAtFloor = rate > 0 && floorRate > path!.pacingRate;
    if (rate <= 0) {
      k.sendQuota = Infinity;
      return k.flush(false);
    }
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

  /**
   * Random loss costs a few percent of what is sent (5 % at the bench's worst); a window
   * floor above a slower bottleneck (1024 segments per 50 ms is 27 MB/s, on a 100 Mbit/s
   * link with a shallow queue) loses about half, round after round. Four rounds after
   * startup, paced at the floor, that fast-resent more than a fifth of what they sent turn
   * the floor off. (Timeouts do not count: a stalled host fires a burst of them once, and
   * the floor is what keeps such a hiccup from costing the transfer its pace.)
   */
  private noteOverdrive(now: number, rtt: number): void {
    if (this.floorOverdrives || rtt <= 0 || now - this.lossRoundAt < rtt) return;
    this.lossRoundAt = now;
    const c = this.kcp.counters;
    if (!this.pacedAtFloor || this.sndPath!.startup) {
      this.overdriveRounds = 0;
      this.lossRoundSent = c.segsOut;
      this.lossRoundResent = c.retransFast;
      return;
    }
    if (++this.overdriveRounds < 4) return;
    const sent = c.segsOut - this.lossRoundSent;
    const resent = c.retransFast - this.lossRoundResent;
    if (sent >= 64 && resent > sent / 5) this.floorOverdrives = true;
    this.overdriveRounds = 0;
    this.lossRoundSent = c.segsOut;
    this.lossRoundResent = c.retransFast;
  }

  stats(): PathStats | null {
    const p = this.sndPath;
    if (!p) return null;
    const mss = this.kcp.mss;
    return { deliveryMBps: (p.btlBw * mss) / 1000, pacingMBps: (p.pacingRate * mss) / 1000, minRttMs: this.pathMinRtt, startup: p.startup };
  }
}

/**
 * What a session knows about its path, from what KCP already measures: the bottleneck
 * delivery rate (windowed maximum of segments delivered per ms), the smallest RTT, and
 * from them the window and pacing rate that fit the path (docs/PERFORMANCE.md, "Windows
 * and loss"). Nothing here changes a byte on the wire: the peer sees ordinary segments
 * sent at a steadier pace, and an advertised window within its u16 field.
 *
 * The rules, BBR-like in spirit:
 * - startup: pace at 2x the best rate seen, until the rate stops growing by 25 % for three
 *   rounds in which the window did not hold data back (a round is one smoothed RTT) or,
 *   once it stopped growing, the RTT rises a quarter above the path's minimum (a queue is
 *   building: random loss does not do that, and while the rate still grows a higher RTT is
 *   a busy host delaying ACKs), then drain at half the rate until what is in flight (not
 *   yet ACKed) is back near one product, for at most three rounds;
 * - then cycle the pacing gain 1.25, 0.75, 1 x6 per round: probe for more, drain the
 *   queue the probe built, cruise;
 * - the window is 4 bandwidth-delay products (one to fill the pipe, the rest so a loss at
 *   the head of the window, repaired one round trip later, and its retransmission lost
 *   again, do not stop new data), between the configured value and a memory bound;
 * - random loss does not lower the rate: only delivery does.
 */

/** Largest window a path may get, in bytes of segments (per session, both directions). */
export const PATH_WINDOW_MAX_BYTES = 24 * 1024 * 1024;
/** The KCP window field is u16; paqet's config allows up to 32768. */
const WINDOW_FIELD_MAX = 32768;
const STARTUP_GAIN = 2;

const CYCLE_GAINS = [1.25, 0.75, 1, 1, 1, 1, 1, 1];
const DRAIN_GAIN = 0.5;
const DRAIN_ROUNDS = 3;
/**
 * Window in bandwidth-delay products. packages/kcp/bench/wan-sim.ts, 50 ms RTT, 51 MB/s,
 * 60 MB, loss 0/1/5 %: 3 -> 45.5/35.2/24.9 MB/s, 4 -> 45.5/40.7/34.1, 6 -> 45.5/41.1/37.0;
 * seeds 99 and 12345 at 1/5 %: 3 -> 36.4/32.1 and 38.1/31.4, 4 -> 41.6/33.3 and 40.1/34.8;
 * at 150 ms, 5 % loss: 14.2 (3), 17.7 (4), 19.3 (6). 4 takes most of the gain, steadier
 * across seeds, for a third more memory on lossy long paths (the 24 MiB bound holds).
 */
const WINDOW_GAIN = 4;
/** Rate samples older than this many rounds leave the maximum filter. */
const RATE_WINDOW_ROUNDS = 10;
const MIN_RTT_WINDOW_MS = 10_000;
const HISTORY = 64;
const RECENT_RTT = 8;

export class PathModel {
  /** Windowed maximum delivery rate, segments per ms (0 until measured). */
  btlBw = 0;
  /** Pacing rate, segments per ms (0 = not paced yet). */
  pacingRate = 0;
  startup = true;
  draining = false;
  private drainRounds = 0;
  private cycle = 0;
  private roundStart = 0;
  private fullBw = 0;
  private fullBwRounds = 0;
  /** The last round's best rate grew by a quarter: the pipe is not full yet. */
  private rateGrowing = true;
  private minRttStamp = 0;
  private roundMinRtt = 0;
  /** The window, not the pacer or the application, held data back during this round. */
  private windowLimited = false;
  private readonly recentRtt = new Float64Array(RECENT_RTT);
  private recentIndex = 0;
  private recentCount = 0;
  private minRttSeen = 0;
  // (time, delivered) history, one entry per >= 2 ms, for rate samples over one RTT
  private readonly histT = new Float64Array(HISTORY);
  private readonly histD = new Float64Array(HISTORY);
  private readonly histS = new Float64Array(HISTORY);
  private histHead = 0;
  private histCount = 0;
  // max filter: best sample of each of the last RATE_WINDOW_ROUNDS rounds
  private readonly roundMax = new Float64Array(RATE_WINDOW_ROUNDS);
  private roundIndex = 0;

  constructor(private readonly mss: number) {}

  /**
   * One observation after input: `delivered` is the running count of delivered segments,
   * `rtt` the smoothed RTT (ms, 0 = unknown). `appLimited`: the sender had nothing
   * queued, so a low sample says nothing about the path.
   */
  observe(now: number, delivered: number, rtt: number, appLimited: boolean, rttSample = 0, minRtt = 0, inflight = 0, sent = -1): void {
    // Drain: after startup, pace at half the rate until what startup queued is gone.
    // At most DRAIN_ROUNDS: under heavy loss what is in flight (holes waiting for repair)
    // may stay above one product however slowly we send.
    if (this.draining && (minRtt === 0 || inflight <= 1.25 * this.btlBw * minRtt || this.drainRounds >= DRAIN_ROUNDS)) {
      this.draining = false;
      this.cycle = 2;
      this.pacingRate = this.btlBw;
    }
    const round = Math.max(rtt, 5);
    if (rttSample > 0 && (this.roundMinRtt === 0 || rttSample < this.roundMinRtt)) this.roundMinRtt = rttSample;
    if (rttSample > 0) {
      this.recentRtt[this.recentIndex] = rttSample;
      this.recentIndex = (this.recentIndex + 1) % RECENT_RTT;
      if (this.recentCount < RECENT_RTT) this.recentCount++;
    }
    this.minRttSeen = minRtt;
    // In startup, do not wait for the round to end: the last 8 samples all above the bound
    // mean a queue is building now (on a shallow path it overflows within the round).
    if (this.startup && !this.rateGrowing && this.recentCount === RECENT_RTT && this.minRttSeen > 0) {
      let recentMin = Infinity;
      for (let i = 0; i < RECENT_RTT; i++) if (this.recentRtt[i] < recentMin) recentMin = this.recentRtt[i];
      if (recentMin > this.queueBound()) this.leaveStartup();
    }
    if (this.histCount === 0 || now - this.histT[(this.histHead + HISTORY - 1) % HISTORY] >= 2) {
      this.histT[this.histHead] = now;
      this.histD[this.histHead] = delivered;
      this.histS[this.histHead] = sent;
      this.histHead = (this.histHead + 1) % HISTORY;
      if (this.histCount < HISTORY) this.histCount++;
    }
    // The oldest entry at most one round old (or the oldest there is).
    let t0 = now;
    let d0 = delivered;
    let s0 = sent;
    for (let i = 1; i <= this.histCount; i++) {
      const k = (this.histHead + HISTORY - i) % HISTORY;
      if (now - this.histT[k] > round) break;
      t0 = this.histT[k];
      d0 = this.histD[k];
      s0 = this.histS[k];
    }
    const span = now - t0;
    if (span >= Math.min(round, 10) && rtt > 0) {
      // ACKs held up (a busy receiver, a queue) arrive in a burst that would read as a rate
      // the path never had: a sample is never more than what was sent in the same window.
      let sample = (delivered - d0) / span;
      if (sent >= 0) sample = Math.min(sample, (sent - s0) / span);
      if (!appLimited || sample > this.btlBw) this.addSample(sample);
    }
    if (rtt > 0 && now - this.roundStart >= round) this.nextRound(now);
  }

  private addSample(sample: number): void {
    if (sample > this.roundMax[this.roundIndex]) this.roundMax[this.roundIndex] = sample;
    let best = 0;
    for (let i = 0; i < RATE_WINDOW_ROUNDS; i++) if (this.roundMax[i] > best) best = this.roundMax[i];
    this.btlBw = best;
  }

  private nextRound(now: number): void {
    const queueing = this.queueing();
    const windowLimited = this.windowLimited;
    this.windowLimited = false;
    this.roundMinRtt = 0;
    this.roundStart = now;
    this.roundIndex = (this.roundIndex + 1) % RATE_WINDOW_ROUNDS;
    this.roundMax[this.roundIndex] = 0;
    if (this.startup && this.btlBw > 0) {
      // A higher RTT while the rate still grows a quarter per round is not the bottleneck's
      // queue (that stops the growth): a busy sender or receiver delays ACKs the same way.
      this.rateGrowing = this.btlBw >= this.fullBw * 1.25;
      if (this.rateGrowing) {
        this.fullBw = this.btlBw;
        this.fullBwRounds = 0;
      } else if (queueing || (!windowLimited && ++this.fullBwRounds >= 3)) {
        this.leaveStartup();
      }
    } else if (this.draining) {
      this.drainRounds++;
    } else if (!this.startup) {
      this.cycle = (this.cycle + 1) % CYCLE_GAINS.length;
    }
    const gain = this.startup ? STARTUP_GAIN : this.draining ? DRAIN_GAIN : CYCLE_GAINS[this.cycle];
    this.pacingRate = this.btlBw * gain;
  }

  private queueBound(): number {
    return this.minRttSeen * 1.25 + 2;
  }

  private queueing(): boolean {
    return this.minRttSeen > 0 && this.roundMinRtt > this.queueBound();
  }

  /** Startup is over: drain what it queued (until in flight is back near one product), then cycle. */
  private leaveStartup(): void {
    this.startup = false;
    this.draining = true;
    this.drainRounds = 0;
    this.pacingRate = this.btlBw * DRAIN_GAIN;
  }

  /** The sender had data queued that the window (not the pacing quota) kept back. */
  noteWindowLimited(): void {
    this.windowLimited = true;
  }

  /** True when the caller should forget its minimum RTT (every 10 s, so a changed path is seen). */
  minRttExpired(now: number): boolean {
    if (now - this.minRttStamp < MIN_RTT_WINDOW_MS) return false;
    this.minRttStamp = now;
    return true;
  }

  /** The window (segments) that fits the path, within [floor, memory bound]. */
  window(floor: number, minRtt: number): number {
    const cap = Math.max(floor, Math.min(WINDOW_FIELD_MAX, Math.floor(PATH_WINDOW_MAX_BYTES / this.mss)));
    if (this.btlBw === 0 || minRtt === 0) return floor;
    const gain = WINDOW_GAIN;
    return Math.min(cap, Math.max(floor, Math.ceil(gain * this.btlBw * minRtt)));
  }
}

/**
 * A token bucket that spreads a session's datagrams over time. quiche computes
 * a send time per datagram for pacing, but the binding hands it out only as an
 * opaque handle, so the session paces itself: the bucket fills at a rate taken
 * from quiche's path estimates (docs/quic.md, "Congestion control and pacing")
 * and holds at most `burstBytes`, so a congestion window never leaves at line
 * rate. No allocation: numbers only.
 */
export class Pacer {
  /** Bytes that may go now; negative after a datagram larger than what was left. */
  private tokens: number;
  /** Refill rate, bytes per ms (0: not paced). */
  private rate = 0;
  private lastRefill: number;

  /** The most that may leave back to back. */
  private burstBytes: number;

  constructor(burstBytes: number, now: number) {
    this.burstBytes = burstBytes;
    this.tokens = burstBytes;
    this.lastRefill = now;
  }

  /**
   * Fill at `bytesPerMs` (0 or less lifts pacing until the next call) and let
   * at most `burstBytes` leave back to back.
   */
  setRate(bytesPerMs: number, burstBytes: number): void {
    this.rate = bytesPerMs > 0 ? bytesPerMs : 0;
    this.burstBytes = burstBytes;
    if (this.tokens > burstBytes) this.tokens = burstBytes;
  }

  get bytesPerMs(): number {
    return this.rate;
  }

  /** Add what accrued since the last refill, up to one burst. */
  refill(now: number): void {
    const elapsed = now - this.lastRefill;
    this.lastRefill = now;
    if (this.rate === 0) this.tokens = this.burstBytes;
    else if (elapsed > 0) this.tokens = Math.min(this.burstBytes, this.tokens + elapsed * this.rate);
  }

  /** Whether a datagram may go now. */
  get canSend(): boolean {
    return this.tokens > 0;
  }

  onSent(bytes: number): void {
    if (this.rate > 0) this.tokens -= bytes;
  }

  /** How long until `bytes` more may go, ms (0 when they may already). */
  waitMs(bytes: number): number {
    if (this.rate === 0 || this.tokens >= bytes) return 0;
    return (bytes - this.tokens) / this.rate;
  }
}

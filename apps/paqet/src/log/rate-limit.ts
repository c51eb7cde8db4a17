/**
 * A log line that a peer can trigger at will (a denied target, say) must not let
 * that peer fill the log: at most `max` lines per window are written, the rest are
 * counted and reported as one line when the next window opens (or on flush()).
 */
import type { Logger } from './logger.js';

export interface RateLimitOptions {
  /** Lines per window (default 10). */
  readonly max?: number;
  /** Window length (default 10 s). */
  readonly windowMs?: number;
  readonly now?: () => number;
}

export class RateLimitedLog {
  private readonly max: number;
  private readonly windowMs: number;
  private readonly now: () => number;
  private windowStart = Number.NEGATIVE_INFINITY;
  private written = 0;
  private suppressed = 0;

  /** `what` names the suppressed lines: "… 37 more denied streams not logged". */
  constructor(private readonly logger: Logger, private readonly what: string, options: RateLimitOptions = {}) {
    this.max = options.max ?? 10;
    this.windowMs = options.windowMs ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  warn(fmt: string, ...args: unknown[]): void {
    const t = this.now();
    if (t - this.windowStart >= this.windowMs) {
      this.flush();
      this.windowStart = t;
      this.written = 0;
    }
    if (this.written < this.max) {
      this.written++;
      this.logger.warn(fmt, ...args);
    } else {
      this.suppressed++;
    }
  }

  /** Reports what the current window suppressed (also called at shutdown). */
  flush(): void {
    if (this.suppressed === 0) return;
    this.logger.warn('… %d more %s not logged (at most %d per %d s)', this.suppressed, this.what, this.max, this.windowMs / 1000);
    this.suppressed = 0;
  }
}

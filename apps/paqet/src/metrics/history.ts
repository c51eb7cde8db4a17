/** The last minutes of a TunnelSnapshot, sampled on a timer, for the status page. */
import type { TunnelSnapshot } from './snapshot.js';

export interface HistorySample {
  /** Unix ms. */
  readonly t: number;
  /** Payload bytes per second since the previous sample. */
  readonly inBps: number;
  readonly outBps: number;
  readonly rttMs: number | null;
  readonly sessions: number;
  readonly streams: number;
}

export class SnapshotHistory {
  private readonly samples: HistorySample[] = [];
  private last: { t: number; s: TunnelSnapshot } | null = null;

  constructor(private readonly capacity: number) {}

  add(s: TunnelSnapshot, t = Date.now()): void {
    const prev = this.last;
    const dt = prev ? (t - prev.t) / 1000 : 0;
    const rate = (now: number, before: number | undefined) => (dt > 0 && before !== undefined ? Math.max(0, (now - before) / dt) : 0);
    this.samples.push({
      t,
      inBps: rate(s.bytesIn, prev?.s.bytesIn),
      outBps: rate(s.bytesOut, prev?.s.bytesOut),
      rttMs: s.rttMs,
      sessions: s.sessions,
      streams: s.streams,
    });
    if (this.samples.length > this.capacity) this.samples.shift();
    this.last = { t, s };
  }

  list(): readonly HistorySample[] {
    return this.samples;
  }
}

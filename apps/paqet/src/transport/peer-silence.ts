/**
 * Notices a dead KCP peer long before smux's keepalive timeout (8-16 s) would. A peer that
 * knows our conversation ACKs every segment within a round trip, so when we have data in
 * flight and hear nothing at all from it, it is gone: dead, cut off, or restarted and
 * dropping our conversation (our KcpListener opens sessions only at sn 0). While the peer
 * holds its window closed (flow control) nothing is in flight, and no silence is counted.
 * Wire-neutral: it only reads the session's counters (docs/operations.md, "Restarts and
 * dead peers").
 */
import type { KcpSession, KcpSessionStats } from '@paqet/kcp';

/** What PeerSilence reads: a KCP session's counters (or another transport's, mapped onto them). */
export type PeerCounters = Pick<KcpSessionStats, 'datagramsIn' | 'waitSnd' | 'remoteWnd' | 'rtoMs'> & { readonly drops: { readonly conv: number } };
export interface PeerCounterSource {
  stats(): PeerCounters;
}

/** Shortest silence that declares a peer dead; on slow links 4 RTOs if that is longer. */
export const PEER_SILENCE_MIN_MS = 1500;

export class PeerSilence {
  private heard = -1;
  private since = 0;
  /** Milliseconds our data had waited for any answer at the last sample. */
  silentMs = 0;

  constructor(
    private readonly kcp: PeerCounterSource,
    private readonly minMs = PEER_SILENCE_MIN_MS,
  ) {}

  /** True once the peer has sent any datagram of this conversation. */
  get answered(): boolean {
    return heardFrom(this.kcp.stats()) > 0;
  }

  /**
   * Samples the session at `now` and says whether the peer has been silent for too long.
   * Call it regularly: its resolution is the sampling period.
   */
  dead(now: number): boolean {
    const st = this.kcp.stats();
    const heard = heardFrom(st);
    const waiting = st.waitSnd > 0 && st.remoteWnd > 0;
    if (!waiting || heard !== this.heard) {
      this.heard = heard;
      this.since = now;
    }
    this.silentMs = now - this.since;
    return this.silentMs >= Math.max(this.minMs, 4 * st.rtoMs);
  }
}

/** Authenticated datagrams of this conversation (another conv's, e.g. a replaced session's, do not count). */
function heardFrom(st: PeerCounters): number {
  return st.datagramsIn - st.drops.conv;
}

/**
 * Samples many sessions on one timer (the server's): `onDead` runs once for a session whose
 * peer stays silent, after which it is no longer watched.
 */
export class PeerSilenceWatch {
  private readonly watched = new Map<KcpSession, { silence: PeerSilence; onDead: (silentMs: number) => void }>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly periodMs: number,
    private readonly minMs: number,
  ) {}

  get size(): number {
    return this.watched.size;
  }

  watch(kcp: KcpSession, onDead: (silentMs: number) => void): void {
    this.watched.set(kcp, { silence: new PeerSilence(kcp, this.minMs), onDead });
    if (!this.timer) {
      this.timer = setInterval(this.check, this.periodMs);
      this.timer.unref();
    }
  }

  unwatch(kcp: KcpSession): void {
    this.watched.delete(kcp);
    if (this.watched.size === 0) this.stop();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private readonly check = (): void => {
    const now = performance.now();
    for (const [kcp, w] of this.watched) {
      if (!w.silence.dead(now)) continue;
      this.unwatch(kcp);
      w.onDead(w.silence.silentMs);
    }
  };
}

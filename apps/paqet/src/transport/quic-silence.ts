/**
 * PeerSilence for a QUIC connection: a client sends an ack-eliciting PING after at most
 * CLIENT_KEEPALIVE_MS without sending anything, and the server acknowledges every such packet
 * within a round trip, so a connection that has received nothing for 2 s (or 4 round trips, if
 * longer) has lost its server: dead, cut off, or restarted and ignoring our connection ids.
 * Wire-neutral: it only reads the session's counters.
 */
import type { QuicSession } from '@paqet/quic';
import { PEER_SILENCE_MIN_MS, type Liveness } from './peer-silence.js';

export class QuicSilence implements Liveness {
  private heard = -1;
  private since = 0;
  silentMs = 0;

  constructor(
    private readonly session: QuicSession,
    private readonly minMs = PEER_SILENCE_MIN_MS,
  ) {}

  /** The handshake finished: the server answered (and, with a key, proved it). */
  get answered(): boolean {
    return this.session.established;
  }

  dead(now: number): boolean {
    if (this.session.closed) return true;
    const st = this.session.stats();
    if (st.packetsIn !== this.heard) {
      this.heard = st.packetsIn;
      this.since = now;
    }
    this.silentMs = now - this.since;
    return this.silentMs >= Math.max(this.minMs, 4 * st.rttMs);
  }
}

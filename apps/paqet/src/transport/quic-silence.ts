/**
 * PeerSilence for a QUIC connection. A client sends an ack-eliciting PING after at most
 * CLIENT_KEEPALIVE_MS without sending anything, and the server acknowledges every such packet
 * within a round trip, so something is always waiting for an answer: a connection that has
 * received nothing for 2 s (or 4 round trips, if longer) has lost its server (dead, cut off,
 * or restarted and ignoring our connection ids). Only an established connection (the handshake
 * finished, the key proven) counts as answered. Wire-neutral: it reads the session's counters.
 */
import type { QuicSession } from '@paqet/quic';
import { PeerSilence, type PeerCounters } from './peer-silence.js';

export function quicPeerSilence(session: QuicSession): PeerSilence {
  return new PeerSilence({
    stats(): PeerCounters {
      const st = session.stats();
      return { datagramsIn: session.established ? st.packetsIn : 0, waitSnd: 1, remoteWnd: 1, rtoMs: st.rttMs, drops: { conv: 0 } };
    },
  });
}

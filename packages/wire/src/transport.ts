/**
 * The second seam (after PacketConn): one multiplexed, reliable connection to
 * a peer, whatever carries it. KCP+smux and QUIC both implement it, and it is
 * all the paqet daemon sees of a transport. Modelled on quic-go's Connection
 * (OpenStreamSync / AcceptStream / CloseWithError) and yamux's muxer. Types
 * only: the implementations live with their protocols.
 */
import type { Duplex } from 'node:stream';
import type { Endpoint } from './conn.js';

/** A reliable, ordered byte stream inside a Transport. */
export interface TransportStream extends Duplex {
  /** Protocol stream id (smux sid, QUIC stream id); -1 while a QUIC stream waits for the peer's stream limit. */
  readonly id: number;
}

export interface Transport {
  /** The peer's datagram endpoint. */
  readonly remote: Endpoint;
  /**
   * True when `end()` closes only our direction and the peer can still write
   * back (QUIC). False when the peer's writes fail with EPIPE once our FIN
   * arrives (smux, as Go's smux does).
   */
  readonly halfClose: boolean;
  /** Open a stream. Never waits (it sends once the protocol allows); throws once closed. */
  openStream(): TransportStream;
  /** The next stream the peer opened; null once closed. */
  acceptStream(): Promise<TransportStream | null>;
  /** Close everything with a reason (sent to the peer when the protocol carries one). Idempotent. */
  close(reason?: string): void;
  readonly closed: boolean;
  /** Why it closed; null while open. */
  readonly closeReason: string | null;
  /** 'close' fires once, with the reason, however the transport ended. */
  once(event: 'close', listener: (reason: string) => void): unknown;
  off(event: 'close', listener: (reason: string) => void): unknown;
  /** Counters for logs and tests (packets, bytes, streams, losses: whatever the protocol counts). */
  stats(): Readonly<Record<string, number>>;
}

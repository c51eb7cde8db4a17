/**
 * Dials the server from one PacketConn until it answers: each unanswered conversation is
 * replaced by a fresh one (new conv, sn 0) after a growing wait (REDIAL_BACKOFF_MS), so the
 * first datagram after the server is back reaches it soon, whatever KCP's own retransmission
 * backoff has grown to. The conversation the server answered is handed over with take().
 */
import type { RawPacketConnBase } from '@paqet/rawsock';
import type { ResolvedConfig } from '../config/index.js';
import type { Logger } from '../log/logger.js';
import type { PeerSilence } from '../transport/peer-silence.js';
import { ClientConnection } from './connection.js';

/** How long each unanswered dial waits before the next replaces it. */
export const REDIAL_BACKOFF_MS = [200, 400, 800, 1600, 2000] as const;

export class Redialer {
  /** Conversations started. */
  dials = 0;
  private connection: ClientConnection | null = null;
  private silence: PeerSilence | null = null;
  private attempt = 0;
  private dialedAt = 0;

  constructor(
    readonly packetConn: RawPacketConnBase,
    private readonly config: ResolvedConfig,
    private readonly logger: Logger,
    private readonly label: string,
    /** Called when a conversation that was taken ends by itself (smux keepalive timeout, protocol error). */
    private readonly onTakenClosed: (connection: ClientConnection, reason: Error) => void,
  ) {
    this.dial();
  }

  /** True once the server answered the current conversation (take() it then). */
  poll(now: number): boolean {
    const c = this.connection;
    if (c && !c.closed && this.silence!.answered) return true;
    const wait = REDIAL_BACKOFF_MS[Math.min(this.attempt, REDIAL_BACKOFF_MS.length - 1)];
    if (!c || c.closed || now - this.dialedAt >= wait) {
      this.logger.debug('%s: no answer from %s within %d ms, dialling again', this.label, this.config.server!.text, wait);
      this.attempt++;
      this.dial();
    }
    return false;
  }

  /** The answered conversation; the redialer is done with it. */
  take(): ClientConnection {
    const c = this.connection!;
    this.connection = null;
    return c;
  }

  /** Drops the unanswered conversation, if any (the PacketConn stays open). */
  close(): void {
    this.connection?.close('re-dial');
    this.connection = null;
  }

  private dial(): void {
    this.close();
    this.dialedAt = performance.now();
    this.dials++;
    try {
      const c: ClientConnection = new ClientConnection(this.config, this.packetConn, (reason) => {
        if (this.connection !== c) this.onTakenClosed(c, reason);
      });
      this.connection = c;
      this.silence = c.silence();
    } catch (err) {
      // Nothing local should fail here (the PacketConn is open); the next poll dials again.
      this.logger.debug('failed to open conn, retrying: %v', err);
    }
  }
}

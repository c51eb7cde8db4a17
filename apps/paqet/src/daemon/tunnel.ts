/**
 * One `transport.conn` slot of the client: its raw-packet PacketConn (one local port for its
 * whole life) and the conversation on it. The tunnel is up once the server has answered the
 * conversation; it is lost when the server stops answering (PeerSilence) or smux gives up,
 * and is then re-dialled at once with a fresh conv. A dial that gets no answer is replaced by
 * a new one after a growing wait (REDIAL_BACKOFF_MS), so the first retransmission after the
 * server is back comes soon, whatever KCP's own RTO backoff has grown to. Unlike the Go
 * client, which reconnects only when the next request finds its session closed
 * (docs/protocol/stream-header.md, section 4), this runs in the background
 * (docs/operations.md, "Restarts and dead peers").
 */
import { EventEmitter } from 'node:events';
import type { SmuxStream } from '@paqet/kcp';
import { PcapPacketConn } from '@paqet/rawsock';
import type { ResolvedConfig } from '../config/index.js';
import type { Logger } from '../log/logger.js';
import { rawSocketOptions } from '../transport/packet-conn.js';
import { PeerSilence } from '../transport/peer-silence.js';
import { ClientConnection } from './connection.js';

/** How long each unanswered dial waits before the next replaces it. */
export const REDIAL_BACKOFF_MS = [200, 400, 800, 1600, 2000] as const;
/** How often the tunnel looks at its conversation. */
export const TUNNEL_CHECK_MS = 100;

export type TunnelState = 'connecting' | 'up' | 'down';

export interface TunnelCounters {
  /** Conversations started (the first dial included). */
  dials: number;
  /** Times an up tunnel was lost (and re-dialled). */
  reconnects: number;
}

export declare interface Tunnel {
  on(event: 'up' | 'down', listener: () => void): this;
  on(event: string | symbol, listener: (...args: any[]) => void): this;
}

export class Tunnel extends EventEmitter {
  readonly packetConn: PcapPacketConn;
  readonly counters: TunnelCounters = { dials: 0, reconnects: 0 };
  private stateValue: TunnelState = 'connecting';
  private current: ClientConnection | null = null;
  private silence: PeerSilence | null = null;
  private attempt = 0;
  private dialedAt = 0;
  private lostAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly serverText: string;

  /** Opens the PacketConn; throws (a local failure: pcap, permissions) at start-up. */
  constructor(
    readonly id: number,
    private readonly config: ResolvedConfig,
    private readonly logger: Logger,
  ) {
    super();
    this.serverText = config.server!.text;
    this.packetConn = new PcapPacketConn(rawSocketOptions(config));
  }

  get state(): TunnelState {
    return this.stateValue;
  }

  /** The conversation of the moment (up or still being dialled). */
  get connection(): ClientConnection | null {
    return this.current;
  }

  get localPort(): number {
    return this.packetConn.port;
  }

  start(): void {
    this.dial(0);
    this.timer = setInterval(this.check, TUNNEL_CHECK_MS);
    this.timer.unref();
  }

  /**
   * The streams of one request (docs/protocol/stream-header.md, section 4): a TCPF stream, an empty probe stream, then
   * the data stream. Throws when the conversation is gone; the tunnel is then lost.
   */
  openRequestStream(): SmuxStream {
    const c = this.current;
    if (this.stateValue !== 'up' || !c) throw new Error('tunnel is not up');
    try {
      c.sendFlags();
      c.probe();
      return c.openStream();
    } catch (err) {
      this.lose(`smux: ${(err as Error).message}`);
      throw err;
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.current?.close('client closed');
    this.current = null;
    this.packetConn.close();
  }

  private dial(attempt: number): void {
    this.current?.close('re-dial');
    this.current = null;
    this.attempt = attempt;
    this.dialedAt = performance.now();
    this.counters.dials++;
    try {
      const c = new ClientConnection(this.config, this.packetConn, (reason) => {
        if (this.current === c) this.lose(`smux: ${reason.message}`);
      });
      this.current = c;
      this.silence = new PeerSilence(c.kcp);
    } catch (err) {
      // Nothing local should fail here (the PacketConn is open); the next check dials again.
      this.logger.debug('failed to open conn, retrying: %v', err);
    }
  }

  private readonly check = (): void => {
    if (this.closed) return;
    const now = performance.now();
    const silence = this.silence;
    if (this.stateValue === 'up') {
      if (silence && silence.dead(now)) this.lose(`no answer from the server for ${(silence.silentMs / 1000).toFixed(1)} s`);
      return;
    }
    if (!this.current || this.current.closed) {
      this.dial(this.attempt + 1);
      return;
    }
    if (silence?.answered) {
      this.becomeUp();
      return;
    }
    const wait = REDIAL_BACKOFF_MS[Math.min(this.attempt, REDIAL_BACKOFF_MS.length - 1)];
    if (now - this.dialedAt >= wait) {
      this.logger.debug('connection %d: no answer from %s within %d ms, dialling again', this.id, this.serverText, wait);
      this.dial(this.attempt + 1);
    }
  };

  private becomeUp(): void {
    const after = this.lostAt ? `, ${((performance.now() - this.lostAt) / 1000).toFixed(1)} s after it was lost` : '';
    this.logger.info('tunnel up: connection %d to %s from port %d%s', this.id, this.serverText, this.localPort, after);
    this.stateValue = 'up';
    this.emit('up');
  }

  private lose(reason: string): void {
    if (this.stateValue !== 'up' || this.closed) return;
    this.counters.reconnects++;
    this.stateValue = 'down';
    this.lostAt = performance.now();
    this.logger.warn('tunnel lost: connection %d to %s: %s', this.id, this.serverText, reason);
    this.logger.info('connection lost, retrying....');
    this.emit('down');
    this.dial(0);
  }
}

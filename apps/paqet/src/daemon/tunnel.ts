/**
 * One `transport.conn` slot of the client: a raw-packet PacketConn (one local port) and the
 * conversation with the server on it. Unlike the Go client, which notices a dead session only
 * by smux's keepalive (or QUIC's idle timeout) and reconnects when the next request finds it closed
 * (docs/protocol/stream-header.md, section 4), the tunnel watches its conversation and
 * re-dials in the background (docs/operations.md, "Restarts and dead peers"):
 *
 * - up: the server answers. When it leaves our data unanswered for 1.5 s (PeerSilence) the tunnel
 *   is lost for new requests ('suspect'), but the conversation is kept: a link cut shorter than
 *   the keepalive timeout must not cost the streams on it. Meanwhile a probe dials the server
 *   from a second port.
 * - If the old conversation hears from the server again, the cut has healed: the probe goes.
 * - If the probe is answered while the old conversation stays silent (even after a poke), the
 *   server no longer knows the old conversation (it restarted): the probe's port and
 *   conversation become the tunnel's, and the old ones are closed.
 * - If the transport gives the old conversation up (smux keepalive or QUIC idle timeout), the
 *   tunnel is down and dials on.
 */
import { EventEmitter } from 'node:events';
import type { RawPacketConnBase } from '@paqet/rawsock';
import type { TransportStream } from '@paqet/wire';
import type { ResolvedConfig } from '../config/index.js';
import type { Logger } from '../log/logger.js';
import { createPacketConn } from '../transport/packet-conn.js';
import type { PeerSilence } from '../transport/peer-silence.js';
import type { ClientConnection } from './connection.js';
import { Redialer } from './redialer.js';

/** How often the tunnel looks at its conversations. */
export const TUNNEL_CHECK_MS = 100;
/** How long to wait before trying again to open a probe's PacketConn that failed to open. */
export const PROBE_RETRY_MS = 1000;
/** After a probe is answered, how long the old conversation gets to answer the poke (at least). */
export const POKE_GRACE_MS = 250;

/** 'connecting': never up yet; 'suspect': the server went silent, its conversation is kept; 'down': none left. */
export type TunnelState = 'connecting' | 'up' | 'suspect' | 'down';

export interface TunnelCounters {
  /** Conversations started (the first dial included). */
  dials: number;
  /** Times the tunnel came up on a new conversation after it had been up. */
  reconnects: number;
}

export declare interface Tunnel {
  on(event: 'up' | 'down', listener: () => void): this;
  /** The tunnel moved to another local port (its old one is closed). */
  on(event: 'port', listener: (port: number, oldPort: number) => void): this;
  on(event: string | symbol, listener: (...args: any[]) => void): this;
}

export class Tunnel extends EventEmitter {
  readonly counters: TunnelCounters = { dials: 0, reconnects: 0 };
  private packetConnValue: RawPacketConnBase;
  private stateValue: TunnelState = 'connecting';
  private current: ClientConnection | null = null;
  private silence: PeerSilence | null = null;
  /** Dials on the tunnel's own port ('connecting', 'down'), or on a second port ('suspect'). */
  private redialer: Redialer | null = null;
  private pokedAt = 0;
  private probeRetryAt = 0;
  private lostAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly serverText: string;
  private readonly label: string;

  /** Opens the PacketConn; throws (a local failure: pcap, permissions) at start-up. */
  constructor(
    readonly id: number,
    private readonly config: ResolvedConfig,
    private readonly logger: Logger,
  ) {
    super();
    this.serverText = config.server!.text;
    this.label = `connection ${id}`;
    this.packetConnValue = createPacketConn(config);
  }

  get state(): TunnelState {
    return this.stateValue;
  }

  get packetConn(): RawPacketConnBase {
    return this.packetConnValue;
  }

  /** The conversation requests use (null while none is up). */
  get connection(): ClientConnection | null {
    return this.stateValue === 'up' ? this.current : null;
  }

  get localPort(): number {
    return this.packetConnValue.port;
  }

  get dials(): number {
    return this.counters.dials + (this.redialer?.dials ?? 0);
  }

  start(): void {
    this.redialer = this.newRedialer(this.packetConnValue);
    this.timer = setInterval(this.check, TUNNEL_CHECK_MS);
    this.timer.unref();
  }

  /**
   * The streams of one request (docs/protocol/stream-header.md, section 4): a TCPF stream, an
   * empty probe stream, then the data stream. Throws when the conversation is gone.
   */
  openRequestStream(): TransportStream {
    const c = this.connection;
    if (!c) throw new Error('tunnel is not up');
    try {
      c.sendFlags();
      c.probe();
      return c.openStream();
    } catch (err) {
      this.dropCurrent(`${c.kind}: ${(err as Error).message}`);
      throw err;
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.stopProbe();
    this.redialer?.close();
    this.current?.close('client closed');
    this.current = null;
    this.packetConnValue.close();
  }

  private newRedialer(conn: RawPacketConnBase): Redialer {
    return new Redialer(conn, this.config, this.logger, this.label, (c, reason) => {
      if (c === this.current) this.dropCurrent(`${c.kind}: ${reason.message}`);
    });
  }

  private readonly check = (): void => {
    if (this.closed) return;
    const now = performance.now();
    switch (this.stateValue) {
      case 'up':
        if (this.silence!.dead(now)) this.suspect();
        return;
      case 'suspect':
        return this.checkSuspect(now);
      default:
        if (this.redialer!.poll(now)) this.adopt(this.redialer!, 'dialled');
    }
  };

  /** The server stopped answering: no new requests here; keep the conversation, probe from another port. */
  private suspect(): void {
    this.stateValue = 'suspect';
    this.lostAt = performance.now();
    this.pokedAt = 0;
    this.logger.warn('tunnel lost: %s to %s: no answer from the server for %s s', this.label, this.serverText, (this.silence!.silentMs / 1000).toFixed(1));
    this.logger.info('connection lost, retrying....');
    this.emit('down');
    if (this.config.network.port !== 0) {
      // A fixed local port has no second one to probe from: dial again on it.
      this.dropCurrent('no answer from the server');
      return;
    }
    this.startProbe();
  }

  /** A redialer on a second PacketConn (its own random port). */
  private startProbe(): void {
    const now = performance.now();
    if (now < this.probeRetryAt) return;
    try {
      this.redialer = this.newRedialer(createPacketConn(this.config));
    } catch (err) {
      // E.g. the interface is down. Each failed pcap open costs a little memory for good
      // (@paqet/rawsock keeps the half-open handle): try again in a while, not every check.
      this.logger.debug('failed to open conn, retrying: %v', err);
      this.redialer = null;
      this.probeRetryAt = now + PROBE_RETRY_MS;
    }
  }

  private checkSuspect(now: number): void {
    if (!this.silence!.dead(now)) {
      // The old conversation hears the server again: a cut that healed.
      this.stopProbe();
      this.becomeUp('the server answers again');
      return;
    }
    const probe = this.redialer;
    if (!probe) {
      this.startProbe();
      return;
    }
    if (!probe.poll(now)) return;
    // The server answers a new conversation. Does it still know the old one? A poke sends a
    // segment at once, which it would ACK within a round trip.
    const grace = Math.max(POKE_GRACE_MS, 4 * this.current!.rttMs);
    if (this.pokedAt === 0) {
      this.pokedAt = now;
      try {
        this.current!.probe();
      } catch {
        // gone already: the next check adopts the probe
      }
      return;
    }
    if (now - this.pokedAt >= grace) this.adopt(probe, 'the server forgot the old session');
  }

  /** The conversation requests used is gone: dial again on the tunnel's own port. */
  private dropCurrent(reason: string): void {
    if (this.closed || !this.current) return;
    const wasUp = this.stateValue === 'up';
    this.current.close(reason);
    this.current = null;
    this.silence = null;
    this.stopProbe();
    this.stateValue = 'down';
    if (wasUp) {
      this.lostAt = performance.now();
      this.logger.warn('tunnel lost: %s to %s: %s', this.label, this.serverText, reason);
      this.logger.info('connection lost, retrying....');
      this.emit('down');
    }
    this.redialer = this.newRedialer(this.packetConnValue);
  }

  /** A redialer's conversation was answered: it becomes the tunnel's, on the redialer's port. */
  private adopt(redialer: Redialer, why: string): void {
    const conversation = redialer.take();
    this.counters.dials += redialer.dials;
    this.redialer = null;
    const hadOne = this.lostAt !== 0;
    this.current?.close('replaced');
    this.current = conversation;
    this.silence = conversation.silence();
    if (redialer.packetConn !== this.packetConnValue) {
      const oldPort = this.packetConnValue.port;
      this.packetConnValue.close();
      this.packetConnValue = redialer.packetConn;
      this.emit('port', this.packetConnValue.port, oldPort);
    }
    if (hadOne) this.counters.reconnects++;
    this.becomeUp(hadOne ? why : '');
  }

  private becomeUp(why: string): void {
    const after = this.lostAt ? `, ${((performance.now() - this.lostAt) / 1000).toFixed(1)} s after it was lost (${why})` : '';
    this.logger.info('tunnel up: %s to %s from port %d%s', this.label, this.serverText, this.localPort, after);
    this.stateValue = 'up';
    this.emit('up');
  }

  /** Drops a probe dialling from a second port (the old conversation recovered, or is gone). */
  private stopProbe(): void {
    const r = this.redialer;
    if (!r || r.packetConn === this.packetConnValue) return;
    this.counters.dials += r.dials;
    r.close();
    r.packetConn.close();
    this.redialer = null;
  }
}

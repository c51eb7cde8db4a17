/**
 * Stream opening for every request (docs/protocol/stream-header.md, section 4): round robin
 * over the tunnels that are up, with the TCPF stream and the empty probe stream before the
 * data stream. When no tunnel is up the request waits for one, at most TUNNEL_WAIT_MS
 * (TUNNEL_STARTUP_WAIT_MS before the first connection), and then fails with TunnelDownError,
 * so the SOCKS5 client gets a failure reply instead of a connection that goes nowhere.
 */
import type { TransportStream } from '@paqet/wire';
import type { ResolvedConfig } from '../config/index.js';
import type { Logger } from '../log/logger.js';
import { Tunnel } from './tunnel.js';

/** How long a request waits for a tunnel that was lost to come back. */
export const TUNNEL_WAIT_MS = 2000;
/** How long a request waits while the client is still making its first connection. */
export const TUNNEL_STARTUP_WAIT_MS = 10_000;

export interface OpenerCounters {
  streamsOpened: number;
  /** Requests that found no tunnel up within TUNNEL_WAIT_MS. */
  tunnelDown: number;
}

/** No tunnel to the server came up in time for a request. */
export class TunnelDownError extends Error {
  constructor(readonly server: string, waitedMs: number) {
    super(`tunnel to the server ${server} is down (not back within ${(waitedMs / 1000).toFixed(1)} s)`);
    this.name = 'TunnelDownError';
  }
}

export class StreamOpener {
  readonly tunnels: Tunnel[] = [];
  private readonly countersValue: OpenerCounters = { streamsOpened: 0, tunnelDown: 0 };
  private next = 0;
  private readonly waiters = new Set<() => void>();
  private closed = false;

  constructor(
    private readonly config: ResolvedConfig,
    private readonly logger: Logger,
  ) {}

  /** Counters of the opener and its tunnels. */
  get counters(): OpenerCounters & { dials: number; reconnects: number } {
    let dials = 0;
    let reconnects = 0;
    for (const t of this.tunnels) {
      dials += t.dials;
      reconnects += t.counters.reconnects;
    }
    return { ...this.countersValue, dials, reconnects };
  }

  /** docs/protocol/stream-header.md, section 4: every connection with its TCPF. Local failures (pcap) throw. */
  start(): void {
    for (let i = 0; i < this.config.transport.conn; i++) {
      const tunnel = new Tunnel(i + 1, this.config, this.logger);
      this.tunnels.push(tunnel);
      tunnel.on('up', this.wakeWaiters);
    }
    for (const t of this.tunnels) t.start();
  }

  async open(signal?: AbortSignal): Promise<TransportStream> {
    const started = performance.now();
    // A server that has not answered yet may just be slow to start: give it longer.
    const waitMs = this.tunnels.every((t) => t.state === 'connecting') ? TUNNEL_STARTUP_WAIT_MS : TUNNEL_WAIT_MS;
    for (;;) {
      if (this.closed || signal?.aborted) throw new Error('client is shutting down');
      const tunnel = this.pickUp();
      if (tunnel) {
        try {
          const stream = tunnel.openRequestStream();
          this.countersValue.streamsOpened++;
          return stream;
        } catch (err) {
          this.logger.debug('failed to open stream, retrying: %v', err);
          continue;
        }
      }
      const left = waitMs - (performance.now() - started);
      if (left <= 0 || !(await this.waitForUp(left, signal))) {
        if (this.closed || signal?.aborted) throw new Error('client is shutting down');
        this.countersValue.tunnelDown++;
        throw new TunnelDownError(this.config.server!.text, waitMs);
      }
    }
  }

  close(): void {
    this.closed = true;
    this.wakeWaiters();
    for (const t of this.tunnels) t.close();
  }

  /** The next tunnel in round-robin order that is up. */
  private pickUp(): Tunnel | null {
    const n = this.tunnels.length;
    for (let i = 0; i < n; i++) {
      const t = this.tunnels[(this.next + i) % n]!;
      if (t.state === 'up') {
        this.next = (this.next + i + 1) % n;
        return t;
      }
    }
    return null;
  }

  /** Resolves true when a tunnel comes up (or the opener closes), false after `ms` or on abort. */
  private waitForUp(ms: number, signal?: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      const done = (up: boolean): void => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        signal?.removeEventListener('abort', onAbort);
        resolve(up);
      };
      const wake = (): void => done(true);
      const onAbort = (): void => done(false);
      const timer = setTimeout(() => done(false), ms);
      this.waiters.add(wake);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private readonly wakeWaiters = (): void => {
    for (const w of [...this.waiters]) w();
  };
}

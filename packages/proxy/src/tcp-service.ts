import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { formatHostPort, parseHostPort, type TargetAddress } from './address.js';
import { resolveLimits, type ProxyLimits } from './limits.js';
import { TrackedTcpListener } from './listener.js';
import { escapingLogger } from './log-text.js';
import { silentLogger, type Logger } from './logger.js';
import { pipeBidirectional } from './relay/pipe.js';
import { isQuietError } from './relay/relay-tcp.js';
import { ProxyStats } from './stats.js';

export interface TcpServiceOptions {
  /** Local `host:port` (or address object) to listen on. */
  listen: string | TargetAddress;
  limits?: Partial<ProxyLimits>;
  logger?: Logger;
  stats?: ProxyStats;
}

/**
 * What every TCP-accepting service here shares (SOCKS5 server, TCP forward): limits,
 * logger and stats, a tracked listener, and a shutdown signal for in-flight work.
 * Subclasses serve one accepted socket each.
 */
export abstract class TcpService {
  readonly stats: ProxyStats;
  protected readonly limits: ProxyLimits;
  protected readonly logger: Logger;
  /** Aborted by close(): pending dials and relays give up. */
  protected readonly shutdown = new AbortController();
  private readonly listener: TrackedTcpListener;
  private readonly listenAddress: TargetAddress;

  constructor(options: TcpServiceOptions) {
    this.limits = resolveLimits(options.limits);
    this.logger = escapingLogger(options.logger ?? silentLogger);
    this.stats = options.stats ?? new ProxyStats();
    this.listenAddress = typeof options.listen === 'string' ? parseHostPort(options.listen) : options.listen;
    this.listener = new TrackedTcpListener(this.limits.maxConnections, this.stats, (socket) => void this.serve(socket));
  }

  /** Handles one accepted (paused) socket until it is done; never rejects. */
  protected abstract serve(socket: Socket): Promise<void>;

  /** The INFO line once listening, e.g. "SOCKS5 server listening on 127.0.0.1:1080". */
  protected abstract listeningMessage(address: string): string;

  async listen(): Promise<AddressInfo> {
    const address = await this.listener.listen(this.listenAddress);
    this.logger.info(this.listeningMessage(formatHostPort(address.address, address.port)));
    return address;
  }

  address(): AddressInfo | null {
    return this.listener.address();
  }

  /** TCP connections open right now. */
  get connectionCount(): number {
    return this.listener.connectionCount;
  }

  /**
   * Copies both ways between an accepted socket and its dialed stream with the configured
   * limits, counting bytes; a failure other than an ordinary end is counted and logged
   * under `label` ("TCP stream failed for A -> B: ...").
   */
  protected async relay(socket: Socket, remote: Duplex, label: string): Promise<void> {
    const stats = this.stats;
    const result = await pipeBidirectional(socket, remote, {
      halfClose: this.limits.halfClose,
      idleTimeoutMs: this.limits.idleTimeoutMs,
      lingerMs: this.limits.lingerMs,
      onBytesUp: (n) => void (stats.bytesUp += n),
      onBytesDown: (n) => void (stats.bytesDown += n),
    });
    if (result.error && !result.idle && !isQuietError(result.error)) {
      stats.errors.relay++;
      this.logger.error(`${label}: ${result.error.message}`);
    }
  }

  /** Stops listening and closes every connection. */
  close(): Promise<void> {
    this.shutdown.abort();
    return this.listener.close();
  }
}

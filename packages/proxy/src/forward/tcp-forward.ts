import type { AddressInfo, Socket } from 'node:net';
import { formatHostPort, formatTarget, parseHostPort, unmapIPv4, type TargetAddress } from '../address.js';
import type { Dialer } from '../dialer.js';
import { toDialError } from '../errors.js';
import { resolveLimits, type ProxyLimits } from '../limits.js';
import { TrackedTcpListener } from '../listener.js';
import { silentLogger, type Logger } from '../logger.js';
import { pipeBidirectional } from '../relay/pipe.js';
import { isQuietError } from '../relay/relay-tcp.js';
import { ProxyStats } from '../stats.js';

export interface ForwardOptions {
  /** Local `host:port` (or address object) to listen on. */
  listen: string | TargetAddress;
  /** Fixed destination, resolved by the dialer (on the paqet server for the tunnel dialer). */
  target: string | TargetAddress;
  dialer: Dialer;
  limits?: Partial<ProxyLimits>;
  logger?: Logger;
  stats?: ProxyStats;
}

/** TCP port forward (socks5-forward.md §2.1): each accepted connection gets its own stream to the target. */
export class TcpForward {
  readonly stats: ProxyStats;
  private readonly listener: TrackedTcpListener;
  private readonly limits: ProxyLimits;
  private readonly logger: Logger;
  private readonly listenAddress: TargetAddress;
  private readonly target: TargetAddress;
  private readonly shutdown = new AbortController();

  constructor(private readonly options: ForwardOptions) {
    this.limits = resolveLimits(options.limits);
    this.logger = options.logger ?? silentLogger;
    this.stats = options.stats ?? new ProxyStats();
    this.listenAddress = typeof options.listen === 'string' ? parseHostPort(options.listen) : options.listen;
    this.target = typeof options.target === 'string' ? parseHostPort(options.target) : options.target;
    this.listener = new TrackedTcpListener(this.limits.maxConnections, this.stats, (socket) => void this.serve(socket));
  }

  async listen(): Promise<AddressInfo> {
    const address = await this.listener.listen(this.listenAddress);
    this.logger.info(`TCP forwarder listening on ${formatHostPort(address.address, address.port)} -> ${formatTarget(this.target)}`);
    return address;
  }

  address(): AddressInfo | null {
    return this.listener.address();
  }

  get connectionCount(): number {
    return this.listener.connectionCount;
  }

  close(): Promise<void> {
    this.shutdown.abort();
    return this.listener.close();
  }

  private async serve(socket: Socket): Promise<void> {
    const client = formatHostPort(unmapIPv4(socket.remoteAddress ?? ''), socket.remotePort ?? 0);
    const target = formatTarget(this.target);
    socket.on('error', (error) => this.logger.debug(`TCP forward ${client}: ${error.message}`));
    const dialAbort = new AbortController();
    const abortDial = (): void => dialAbort.abort();
    socket.once('close', abortDial);
    this.shutdown.signal.addEventListener('abort', abortDial, { once: true });
    let remote;
    try {
      // The socket stays paused (pauseOnConnect): nothing is read before the stream exists.
      remote = await this.options.dialer.dialTcp(this.target.host, this.target.port, dialAbort.signal);
    } catch (error) {
      const dialError = toDialError(error, target);
      this.stats.errors[dialError.reason]++;
      this.logger.error(`failed to establish stream for ${client} -> ${target}: ${dialError.message}`);
      socket.destroy();
      return;
    } finally {
      socket.off('close', abortDial);
      this.shutdown.signal.removeEventListener('abort', abortDial);
    }
    if (socket.destroyed) {
      remote.destroy();
      return;
    }
    this.logger.info(`accepted TCP connection ${client} -> ${target}`);
    socket.setNoDelay(true);
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
      this.logger.error(`TCP stream failed for ${client} -> ${target}: ${result.error.message}`);
    }
  }
}

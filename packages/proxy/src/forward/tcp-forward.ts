import type { Socket } from 'node:net';
import { formatTarget, parseTarget, unmapIPv4, type TargetAddress } from '../address.js';
import { formatHostPort } from '@paqet/wire';
import type { Dialer } from '../dialer.js';
import { toDialError } from '../errors.js';
import type { ProxyLimits } from '../limits.js';
import type { Logger } from '../logger.js';
import type { ProxyStats } from '../stats.js';
import { TcpService } from '../tcp-service.js';

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

/** TCP port forward (packages/proxy/README.md): each accepted connection gets its own stream to the target. */
export class TcpForward extends TcpService {
  private readonly target: TargetAddress;

  constructor(private readonly options: ForwardOptions) {
    super(options);
    this.target = typeof options.target === 'string' ? parseTarget(options.target) : options.target;
  }

  protected listeningMessage(address: string): string {
    return `TCP forwarder listening on ${address} -> ${formatTarget(this.target)}`;
  }

  protected async serve(socket: Socket): Promise<void> {
    const client = formatHostPort(unmapIPv4(socket.remoteAddress ?? ''), socket.remotePort ?? 0);
    const target = formatTarget(this.target);
    socket.on('error', (error) => this.logger.debug(`TCP forward ${client}: ${error.message}`));
    let remote;
    try {
      // The socket stays paused (pauseOnConnect): nothing is read before the stream exists.
      remote = await this.dialFor(socket, (signal) => this.options.dialer.dialTcp(this.target.host, this.target.port, signal));
    } catch (error) {
      const dialError = toDialError(error, target);
      this.stats.errors[dialError.reason]++;
      this.logger.error(`failed to establish stream for ${client} -> ${target}: ${dialError.message}`);
      socket.destroy();
      return;
    }
    if (socket.destroyed) {
      remote.destroy();
      return;
    }
    this.logger.info(`accepted TCP connection ${client} -> ${target}`);
    socket.setNoDelay(true);
    await this.relay(socket, remote, `TCP stream failed for ${client} -> ${target}`);
  }
}

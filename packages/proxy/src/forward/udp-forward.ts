import { createSocket, type RemoteInfo, type Socket as UdpSocket } from 'node:dgram';
import { isIP, type AddressInfo } from 'node:net';
import { formatHostPort, formatTarget, parseHostPort, type TargetAddress } from '../address.js';
import { toDialError } from '../errors.js';
import { resolveLimits, type ProxyLimits } from '../limits.js';
import { escapingLogger } from '../log-text.js';
import { silentLogger, type Logger } from '../logger.js';
import { ProxyStats } from '../stats.js';
import { UdpFlow, UdpFlowTable } from '../udp/flow.js';
import { MAX_UDP_PAYLOAD } from '../udp/framing.js';
import type { ForwardOptions } from './tcp-forward.js';

/**
 * UDP port forward (socks5-forward.md §2.2): one session (datagram channel) per source
 * address, a 64-datagram tail-drop queue while it opens, idle expiry (60 s by default).
 */
export class UdpForward {
  readonly stats: ProxyStats;
  private readonly limits: ProxyLimits;
  private readonly logger: Logger;
  private readonly listenAddress: TargetAddress;
  private readonly target: TargetAddress;
  private readonly sessions: UdpFlowTable;
  private socket: UdpSocket | null = null;

  constructor(private readonly options: ForwardOptions) {
    this.limits = resolveLimits(options.limits);
    this.logger = escapingLogger(options.logger ?? silentLogger);
    this.stats = options.stats ?? new ProxyStats();
    this.listenAddress = typeof options.listen === 'string' ? parseHostPort(options.listen) : options.listen;
    this.target = typeof options.target === 'string' ? parseHostPort(options.target) : options.target;
    this.sessions = new UdpFlowTable(this.limits.udpIdleTimeoutMs);
  }

  async listen(): Promise<AddressInfo> {
    const host = this.listenAddress.host === '' ? '0.0.0.0' : this.listenAddress.host;
    const socket = createSocket(isIP(host) === 6 ? 'udp6' : 'udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(this.listenAddress.port, host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    socket.on('error', (error) => this.logger.debug(`UDP forwarder socket error: ${error.message}`));
    socket.on('message', (datagram, from) => this.fromSource(datagram, from));
    this.socket = socket;
    const address = socket.address();
    this.logger.info(`UDP forwarder listening on ${formatHostPort(address.address, address.port)} -> ${formatTarget(this.target)}`);
    return address;
  }

  address(): AddressInfo | null {
    return this.socket ? this.socket.address() : null;
  }

  /** Source sessions open right now. */
  get sessionCount(): number {
    return this.sessions.size;
  }

  close(): Promise<void> {
    this.sessions.close();
    const socket = this.socket;
    this.socket = null;
    if (!socket) return Promise.resolve();
    return new Promise((resolve) => socket.close(() => resolve()));
  }

  private fromSource(datagram: Buffer, from: RemoteInfo): void {
    const source = formatHostPort(from.address, from.port);
    if (datagram.length > MAX_UDP_PAYLOAD || datagram.length === 0) {
      this.stats.datagramsDropped++;
      this.logger.debug(`UDP ${source}: datagram of ${datagram.length} bytes not relayed (limit ${MAX_UDP_PAYLOAD})`);
      return;
    }
    let session = this.sessions.get(source);
    if (!session || session.closed) session = this.openSession(source, from.address, from.port);
    session.send(datagram);
  }

  private openSession(source: string, address: string, port: number): UdpFlow {
    const target = formatTarget(this.target);
    const session: UdpFlow = new UdpFlow(this.limits.udpQueueLength, this.stats, {
      onDatagram: (datagram) => {
        if (datagram.length > MAX_UDP_PAYLOAD) {
          this.stats.datagramsDropped++;
          return;
        }
        this.socket?.send(datagram, port, address, (error) => {
          if (error) {
            this.logger.error(`UDP stream write failed for ${source} -> ${target}: ${error.message}`);
            session.close();
          }
        });
      },
      onEnd: () => this.sessions.delete(source, session),
    });
    this.sessions.set(source, session);
    void session.open((signal) => this.options.dialer.dialUdp(this.target.host, this.target.port, signal)).then((error) => {
      if (!error) {
        this.logger.info(`accepted UDP connection for ${source} -> ${target}`);
        return;
      }
      const dialError = toDialError(error, target);
      this.stats.errors[dialError.reason]++;
      this.logger.error(`failed to establish UDP stream for ${source} -> ${target}: ${dialError.message}`);
    });
    return session;
  }
}

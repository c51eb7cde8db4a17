import type { Socket } from 'node:net';
import { unmapIPv4, type TargetAddress } from '../address.js';
import { formatHostPort } from '@paqet/wire';
import type { Dialer } from '../dialer.js';
import { toDialError, type DialFailureReason } from '../errors.js';
import type { ProxyLimits } from '../limits.js';
import type { Logger } from '../logger.js';
import type { ProxyStats } from '../stats.js';
import { TcpService } from '../tcp-service.js';
import { runHandshake, type Credentials } from './handshake.js';
import { AddressType, Command, ReplyCode, encodeReply, type SocksRequest } from './protocol.js';
import { UdpAssociation } from './udp-associate.js';

export interface Socks5ServerOptions {
  /** `host:port` or an address object; port 0 picks a free port. */
  listen: string | TargetAddress;
  dialer: Dialer;
  /** When either is non-empty, RFC 1929 authentication is required and no-auth is refused. */
  username?: string;
  password?: string;
  limits?: Partial<ProxyLimits>;
  logger?: Logger;
  /** Share counters between listeners; a new ProxyStats by default. */
  stats?: ProxyStats;
}

/** Longest name the paqet stream header can carry (docs/protocol/stream-header.md, section 1). */
export const MAX_TARGET_HOST_LENGTH = 253;

const REPLY_BY_REASON: Record<DialFailureReason, ReplyCode> = {
  refused: ReplyCode.ConnectionRefused,
  'host-unreachable': ReplyCode.HostUnreachable,
  'network-unreachable': ReplyCode.NetworkUnreachable,
  'not-allowed': ReplyCode.NotAllowed,
  timeout: ReplyCode.HostUnreachable,
  general: ReplyCode.GeneralFailure,
};

/** The SOCKS5 reply code sent when a dial fails for `reason`. */
export function replyCodeForDialFailure(reason: DialFailureReason): ReplyCode {
  return REPLY_BY_REASON[reason];
}

/** SOCKS5 server: CONNECT and UDP ASSOCIATE over a Dialer (packages/proxy/README.md). */
export class Socks5Server extends TcpService {
  private readonly credentials: Credentials | null;

  constructor(private readonly options: Socks5ServerOptions) {
    super(options);
    const username = options.username ?? '';
    const password = options.password ?? '';
    this.credentials = username !== '' || password !== '' ? { username: Buffer.from(username), password: Buffer.from(password) } : null;
  }

  protected listeningMessage(address: string): string {
    return `SOCKS5 server listening on ${address}`;
  }

  protected async serve(socket: Socket): Promise<void> {
    const client = formatHostPort(unmapIPv4(socket.remoteAddress ?? ''), socket.remotePort ?? 0);
    socket.on('error', (error) => this.logger.debug(`SOCKS5 ${client}: ${error.message}`));
    const handshake = await runHandshake(socket, this.credentials, this.limits.handshakeTimeoutMs);
    if (!handshake.ok) {
      this.stats.errors[handshake.kind]++;
      this.logger.debug(`SOCKS5 ${client}: ${handshake.reason}`);
      this.destroyAfterLinger(socket);
      return;
    }
    const { request, leftover } = handshake;
    switch (request.command) {
      case Command.Connect:
        this.logger.debug(`SOCKS5 CONNECT from ${client} to ${formatHostPort(request.host, request.port)}`);
        return this.connect(socket, client, request, leftover);
      case Command.UdpAssociate:
        this.logger.debug(`SOCKS5 UDP_ASSOCIATE from ${client}`);
        return new UdpAssociation(socket, request, {
          dialer: this.options.dialer,
          stats: this.stats,
          logger: this.logger,
          limits: this.limits,
        }).run();
      default:
        this.logger.debug(`SOCKS5 unsupported command ${request.command} from ${client}`);
        this.stats.errors.protocol++;
        socket.end(encodeReply(ReplyCode.CommandNotSupported));
        this.destroyAfterLinger(socket);
    }
  }

  private async connect(socket: Socket, client: string, request: SocksRequest, leftover: Buffer): Promise<void> {
    const destination = formatHostPort(request.host, request.port);
    if (request.type === AddressType.Domain && Buffer.byteLength(request.host) > MAX_TARGET_HOST_LENGTH) {
      // The tunnel header cannot carry it; the reference fails the same way (general failure).
      this.stats.errors.protocol++;
      socket.end(encodeReply(ReplyCode.GeneralFailure));
      this.destroyAfterLinger(socket);
      return;
    }
    let remote;
    try {
      remote = await this.dialFor(socket, (signal) => this.options.dialer.dialTcp(request.host, request.port, signal));
    } catch (error) {
      const dialError = toDialError(error, destination);
      this.stats.errors[dialError.reason]++;
      this.logger.error(`SOCKS5 failed to connect ${client} -> ${destination}: ${dialError.message}`);
      if (!socket.destroyed) socket.end(encodeReply(replyCodeForDialFailure(dialError.reason)));
      this.destroyAfterLinger(socket);
      return;
    }
    if (socket.destroyed) {
      remote.destroy();
      return;
    }
    this.logger.info(`SOCKS5 accepted TCP connection ${client} -> ${destination}`);
    socket.setNoDelay(true);
    socket.write(encodeReply(ReplyCode.Succeeded, { address: unmapIPv4(socket.localAddress ?? ''), port: socket.localPort ?? 0 }));
    if (leftover.length > 0) {
      this.stats.bytesUp += leftover.length;
      remote.write(leftover);
    }
    await this.relay(socket, remote, `SOCKS5 TCP stream failed for ${client} -> ${destination}`);
    this.logger.debug(`SOCKS5 connection ${client} -> ${destination} closed`);
  }

  /** Lets a final reply flush, but never keeps a refused client longer than the linger time. */
  private destroyAfterLinger(socket: Socket): void {
    if (socket.destroyed) return;
    const timer = setTimeout(() => socket.destroy(), this.limits.lingerMs);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
    // A refused client that keeps sending must not stall: discard its bytes.
    socket.on('data', () => {});
    socket.resume();
  }
}

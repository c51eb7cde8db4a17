import { createSocket, type RemoteInfo, type Socket as UdpSocket } from 'node:dgram';
import { isIP, type Socket } from 'node:net';
import { unmapIPv4 } from '../address.js';
import { formatHostPort } from '@paqet/wire';
import type { Dialer } from '../dialer.js';
import { toDialError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { ProxyLimits } from '../limits.js';
import type { ProxyStats } from '../stats.js';
import { UdpFlow, UdpFlowTable } from '../udp/flow.js';
import { MAX_UDP_PAYLOAD } from '../udp/framing.js';
import { AddressType, ReplyCode, encodeReply, parseUdpHeader, udpReplyHeaderFrom, type SocksRequest } from './protocol.js';

/** Receive-buffer size of the reference relay: 4 + 1 + 255 + 2 + 4096 + 1; a datagram this long is dropped. */
export const SOCKS_UDP_RECEIVE_LIMIT = 4359;

export interface AssociationContext {
  dialer: Dialer;
  stats: ProxyStats;
  logger: Logger;
  limits: ProxyLimits;
}

/**
 * One UDP ASSOCIATE (packages/proxy/README.md): a relay socket on the control connection's
 * local IP, one flow per destination, living exactly as long as the control connection.
 */
export class UdpAssociation {
  private relay: UdpSocket | null = null;
  private readonly flows: UdpFlowTable;
  private expectedIp: string;
  private expectedPort: number;
  private closed = false;
  private readonly client: string;

  constructor(
    private readonly control: Socket,
    request: SocksRequest,
    private readonly context: AssociationContext,
  ) {
    this.flows = new UdpFlowTable(context.limits.udpIdleTimeoutMs);
    this.client = formatHostPort(unmapIPv4(control.remoteAddress ?? ''), control.remotePort ?? 0);
    const unspecified = request.host === '0.0.0.0' || request.host === '::';
    if (request.type === AddressType.Domain || unspecified) {
      this.expectedIp = unmapIPv4(control.remoteAddress ?? '');
      this.expectedPort = 0;
    } else {
      this.expectedIp = unmapIPv4(request.host);
      this.expectedPort = request.port;
    }
  }

  /** Binds the relay socket and answers the request; resolves when the association has ended. */
  async run(): Promise<void> {
    const localIp = unmapIPv4(this.control.localAddress ?? '127.0.0.1');
    const relay = createSocket(isIP(localIp) === 6 ? 'udp6' : 'udp4');
    this.relay = relay;
    try {
      await new Promise<void>((resolve, reject) => {
        relay.once('error', reject);
        relay.bind(0, localIp, () => {
          relay.off('error', reject);
          resolve();
        });
      });
    } catch (error) {
      this.context.logger.error(`SOCKS5 failed to open UDP relay socket: ${(error as Error).message}`);
      this.context.stats.errors.general++;
      relay.close();
      this.control.end(encodeReply(ReplyCode.GeneralFailure));
      return;
    }
    relay.on('error', () => this.close());
    relay.on('message', (datagram, from) => this.fromClient(datagram, from));
    const bound = relay.address();
    this.control.write(encodeReply(ReplyCode.Succeeded, { address: bound.address, port: bound.port }));
    this.context.logger.debug(`SOCKS5 UDP_ASSOCIATE from ${this.client} relay=${formatHostPort(bound.address, bound.port)} expect=${this.expectedIp}`);

    // The control connection is read and discarded; its end ends the association.
    await new Promise<void>((resolve) => {
      this.control.on('data', () => {});
      this.control.once('close', () => resolve());
      this.control.once('end', () => this.control.destroy());
      this.control.resume();
    });
    this.context.logger.debug(`SOCKS5 UDP_ASSOCIATE control connection ${this.client} closed`);
    this.close();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.flows.close();
    this.relay?.close();
    this.control.destroy();
  }

  private drop(reason: string, from: RemoteInfo): void {
    this.context.stats.datagramsDropped++;
    this.context.logger.debug(`SOCKS5 UDP ${formatHostPort(from.address, from.port)}: ${reason}`);
  }

  private fromClient(datagram: Buffer, from: RemoteInfo): void {
    if (datagram.length >= SOCKS_UDP_RECEIVE_LIMIT) return this.drop('datagram too large', from);
    if (unmapIPv4(from.address) !== this.expectedIp) return this.drop('unexpected source', from);
    if (this.expectedPort === 0) this.expectedPort = from.port;
    else if (from.port !== this.expectedPort) return this.drop('unexpected source', from);
    const header = parseUdpHeader(datagram);
    if (!header || header.fragment !== 0) return this.drop('malformed datagram', from);
    const payload = datagram.subarray(header.length);
    if (payload.length > MAX_UDP_PAYLOAD) return this.drop('payload too large', from);
    if (payload.length === 0) return this.drop('empty payload', from);

    const destination = formatHostPort(header.host, header.port);
    let flow = this.flows.get(destination);
    if (!flow || flow.closed) {
      flow = this.openFlow(destination, header.host, header.port, udpReplyHeaderFrom(datagram, header));
    }
    flow.send(payload);
  }

  private openFlow(destination: string, host: string, port: number, replyHeader: Buffer): UdpFlow {
    const { stats, logger, dialer, limits } = this.context;
    const relay = this.relay!;
    const flow: UdpFlow = new UdpFlow(limits.udpQueueLength, stats, {
      // Every reply carries the first datagram's destination header, whoever answered.
      onDatagram: (datagram) => {
        if (datagram.length > MAX_UDP_PAYLOAD) {
          stats.datagramsDropped++;
          return;
        }
        relay.send([replyHeader, datagram], this.expectedPort, this.expectedIp, (error) => {
          if (error) flow.close();
        });
      },
      onEnd: () => this.flows.delete(destination, flow),
    });
    this.flows.set(destination, flow);
    void flow.open((signal) => dialer.dialUdp(host, port, signal)).then((error) => {
      if (!error) {
        logger.info(`SOCKS5 accepted UDP connection ${this.client} -> ${destination}`);
        return;
      }
      const dialError = toDialError(error, destination);
      stats.errors[dialError.reason]++;
      logger.error(`SOCKS5 failed to establish UDP stream for ${this.client} -> ${destination}: ${dialError.message}`);
    });
    return flow;
  }
}

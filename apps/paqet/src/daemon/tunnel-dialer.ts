/**
 * The client's @paqet/proxy Dialer: every TCP or UDP request becomes one transport
 * stream that starts with the paqet TCP/UDP message (single write, in the
 * configured header kind), then carries raw bytes (TCP) or one datagram per
 * frame (UDP, docs/protocol/stream-header.md, section 3). The header never shares a write with relay
 * bytes: the fork's Go reader buffers ahead and would swallow them. While the tunnel is down
 * a dial fails with DialError 'network-unreachable'.
 */
import type { Duplex } from 'node:stream';
import { DialError, StreamDatagramChannel, type DatagramChannel, type Dialer } from '@paqet/proxy';
import { STREAM_MAX_HOST, encodeStreamHeader, formatHostPort, type StreamHeaderKind, type TransportStream } from '@paqet/wire';
import type { Logger } from '../log/logger.js';
import { TunnelDownError, type StreamOpener } from './stream-opener.js';

export class TunnelDialer implements Dialer {
  constructor(
    private readonly opener: StreamOpener,
    private readonly logger: Logger,
    private readonly headerKind: StreamHeaderKind = 'binary',
  ) {}

  async dialTcp(host: string, port: number, signal?: AbortSignal): Promise<Duplex> {
    const header = this.header('tcp', host, port);
    const stream = await this.open(host, port, signal);
    stream.write(header);
    this.logger.debug('TCP stream %d created for %s', stream.id, formatHostPort(host, port));
    return stream;
  }

  async dialUdp(host: string, port: number, signal?: AbortSignal): Promise<DatagramChannel> {
    const header = this.header('udp', host, port);
    const stream = await this.open(host, port, signal);
    stream.write(header);
    this.logger.debug('UDP stream %d created for %s', stream.id, formatHostPort(host, port));
    const channel = new StreamDatagramChannel(stream, { reader: 'client' });
    return channel;
  }

  /** A tunnel that stays down is "network unreachable" to the SOCKS5 client (RFC 1928 REP 3). */
  private async open(host: string, port: number, signal?: AbortSignal): Promise<TransportStream> {
    try {
      return await this.opener.open(signal);
    } catch (err) {
      if (err instanceof TunnelDownError) throw new DialError('network-unreachable', formatHostPort(host, port), err.message, { cause: err });
      throw err;
    }
  }

  private header(kind: 'tcp' | 'udp', host: string, port: number): Buffer {
    if (Buffer.byteLength(host) > STREAM_MAX_HOST) throw new DialError('general', formatHostPort(host, port), `host longer than ${STREAM_MAX_HOST} bytes`);
    return Buffer.from(encodeStreamHeader(this.headerKind, { type: kind, host, port }));
  }
}

/**
 * The client's @paqet/proxy Dialer: every TCP or UDP request becomes one smux
 * stream that starts with the paqet TCP/UDP message (single write, in the
 * configured header kind), then carries raw bytes (TCP) or one datagram per
 * frame (UDP, protocol.md 3.4). The header never shares a write with relay
 * bytes: the fork's Go reader buffers ahead and would swallow them.
 */
import type { Duplex } from 'node:stream';
import { DialError, StreamDatagramChannel, formatHostPort, type DatagramChannel, type Dialer } from '@paqet/proxy';
import { STREAM_MAX_HOST, encodeStreamHeader, type StreamHeaderKind } from '@paqet/wire';
import type { Logger } from '../log/logger.js';
import type { StreamOpener } from './stream-opener.js';

export class TunnelDialer implements Dialer {
  constructor(
    private readonly opener: StreamOpener,
    private readonly logger: Logger,
    private readonly headerKind: StreamHeaderKind = 'binary',
  ) {}

  async dialTcp(host: string, port: number, signal?: AbortSignal): Promise<Duplex> {
    const header = this.header('tcp', host, port);
    const stream = await this.opener.open(signal);
    stream.write(header);
    this.logger.debug('TCP stream %d created for %s', stream.id, formatHostPort(host, port));
    return stream;
  }

  async dialUdp(host: string, port: number, signal?: AbortSignal): Promise<DatagramChannel> {
    const header = this.header('udp', host, port);
    const stream = await this.opener.open(signal);
    stream.write(header);
    this.logger.debug('UDP stream %d created for %s', stream.id, formatHostPort(host, port));
    const channel = new StreamDatagramChannel(stream, { reader: 'client' });
    return channel;
  }

  private header(kind: 'tcp' | 'udp', host: string, port: number): Buffer {
    if (Buffer.byteLength(host) > STREAM_MAX_HOST) throw new DialError('general', formatHostPort(host, port), `host longer than ${STREAM_MAX_HOST} bytes`);
    return Buffer.from(encodeStreamHeader(this.headerKind, { type: kind, host, port }));
  }
}

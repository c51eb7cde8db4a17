import type { Duplex } from 'node:stream';
import { DatagramChannelBase } from './channel-base.js';
import { decodeUdpFrame, isRelayableDatagramLength, type UdpFrameReader } from './framing.js';

export interface StreamDatagramChannelOptions {
  /** Which reference reader to imitate when a frame exceeds 4096 bytes (see decodeUdpFrame). */
  reader: UdpFrameReader;
  /** Datagrams are dropped while more than this many bytes wait in the stream's write buffer. */
  maxQueuedBytes?: number;
}

/** 64 full-size datagrams, the forward queue bound of packages/proxy/README.md. */
export const DEFAULT_MAX_QUEUED_BYTES = 64 * 4096;

/**
 * A DatagramChannel over a byte stream whose chunks are frames (an smux stream after its
 * paqet UDP header). Requires that the stream pushes one chunk per received frame; it is
 * read in flowing mode, which delivers pushed chunks one by one.
 */
export class StreamDatagramChannel extends DatagramChannelBase {
  private readonly maxQueuedBytes: number;
  /** Bytes of oversize frames thrown away by the decoding rule. */
  discardedBytes = 0;

  constructor(
    private readonly stream: Duplex,
    options: StreamDatagramChannelOptions,
  ) {
    super();
    this.maxQueuedBytes = options.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES;
    const reader = options.reader;
    stream.on('data', (chunk: Buffer) => {
      this.discardedBytes += decodeUdpFrame(chunk, reader, this.deliver);
    });
    stream.on('end', () => this.finish());
    stream.on('error', (error) => this.finish(error));
    stream.on('close', () => this.finish());
    // The owner may have paused it (explicitly paused streams do not flow on a 'data' listener).
    stream.resume();
  }

  send(datagram: Uint8Array): boolean {
    if (this.closed || !isRelayableDatagramLength(datagram.length)) return false;
    // UDP semantics under backpressure: drop instead of queueing without bound.
    if (this.stream.writableLength > this.maxQueuedBytes) return false;
    this.stream.write(datagram);
    return true;
  }

  protected release(): void {
    this.stream.destroy();
  }
}

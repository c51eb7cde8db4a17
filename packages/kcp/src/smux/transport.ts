/**
 * What smux needs from the byte stream under it, and the adapter that gets it from any
 * Duplex (a TCP socket, a QUIC stream, a test pipe). A KcpSession offers a direct version
 * under `kMuxTransport` that hands smux each KCP segment without a copy.
 */
import type { Duplex } from 'node:stream';

export interface MuxTransportHandlers {
  /** Received bytes; the view is only valid during the call. */
  data(chunk: Uint8Array): void;
  /** Writes may continue. */
  drain(): void;
  /** The byte stream ended or failed. */
  close(): void;
}

export interface MuxTransport {
  /** Send bytes (copied before this returns). False: wait for `drain` before the next write. */
  write(bytes: Uint8Array): boolean;
  readonly writable: boolean;
  start(handlers: MuxTransportHandlers): void;
  /** Drop the handlers given to start(). */
  stop(): void;
  pause(): void;
  resume(): void;
  /** Send what is queued now rather than at the stream's next scheduled flush (KCP write delay). */
  flush(): void;
  /** Optional: bytes the receive side holds for the path now (a KCP session with fitWindows). */
  receiveWindowBytes?(): number;
  close(): void;
  readonly closed: boolean;
}

/** @internal A Duplex that offers its own MuxTransport (KcpSession). */
export const kMuxTransport: unique symbol = Symbol.for('@paqet/kcp.muxTransport') as never;

export interface MuxTransportSource {
  [kMuxTransport](): MuxTransport;
}

/** The MuxTransport of a Duplex: its own direct one if it has one, else one over the stream API. */
export function muxTransportOf(stream: Duplex): MuxTransport {
  const own = (stream as Partial<MuxTransportSource>)[kMuxTransport];
  return typeof own === 'function' ? own.call(stream) : new DuplexMuxTransport(stream);
}

class DuplexMuxTransport implements MuxTransport {
  private handlers: MuxTransportHandlers | null = null;
  private ended = false;

  constructor(private readonly stream: Duplex) {}

  write(bytes: Uint8Array): boolean {
    // smux reuses its frame buffer: the stream may keep what it is given, so give it a copy.
    return this.stream.write(Buffer.from(bytes));
  }

  get writable(): boolean {
    return !this.stream.writableNeedDrain && !this.closed;
  }

  start(handlers: MuxTransportHandlers): void {
    this.handlers = handlers;
    this.stream.on('data', this.onData);
    this.stream.on('drain', this.onDrain);
    this.stream.on('end', this.onEnd);
    this.stream.on('close', this.onEnd);
    this.stream.on('error', this.onEnd);
  }

  stop(): void {
    this.handlers = null;
    this.stream.off('data', this.onData);
    this.stream.off('drain', this.onDrain);
    this.stream.off('end', this.onEnd);
    this.stream.off('close', this.onEnd);
    // An error after smux let go must not become an unhandled 'error'.
    this.stream.off('error', this.onEnd);
    this.stream.on('error', () => {});
  }

  pause(): void {
    this.stream.pause();
  }

  resume(): void {
    this.stream.resume();
  }

  flush(): void {
    // A Duplex that batches writes (one wrapping a KCP session, say) may offer flush().
    (this.stream as Duplex & { flush?: () => void }).flush?.();
  }

  receiveWindowBytes(): number {
    // Likewise a Duplex over a path-fitted KCP session may say how much it can receive.
    return (this.stream as Duplex & { receiveWindowBytes?: () => number }).receiveWindowBytes?.() ?? 0;
  }

  close(): void {
    this.stream.destroy();
  }

  get closed(): boolean {
    return this.ended || this.stream.destroyed;
  }

  private readonly onData = (chunk: Uint8Array) => this.handlers?.data(chunk);
  private readonly onDrain = () => this.handlers?.drain();
  private readonly onEnd = () => {
    this.ended = true;
    this.handlers?.close();
  };
}

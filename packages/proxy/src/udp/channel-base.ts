import type { DatagramChannel } from '../dialer.js';

/**
 * The handler and close bookkeeping every DatagramChannel shares: one message handler,
 * one close handler called once, and a subclass hook that releases the transport.
 */
export abstract class DatagramChannelBase implements DatagramChannel {
  private messageHandler: ((datagram: Uint8Array) => void) | null = null;
  private closeHandler: ((error?: Error) => void) | null = null;
  private isClosed = false;

  abstract send(datagram: Uint8Array): boolean;

  /** Release the socket or stream underneath; called once, on the first close or error. */
  protected abstract release(): void;

  get closed(): boolean {
    return this.isClosed;
  }

  onMessage(handler: ((datagram: Uint8Array) => void) | null): void {
    this.messageHandler = handler;
  }

  onClose(handler: ((error?: Error) => void) | null): void {
    this.closeHandler = handler;
  }

  close(): void {
    this.finish();
  }

  /** Hand one inbound datagram to the message handler. */
  protected readonly deliver = (datagram: Uint8Array): void => {
    this.messageHandler?.(datagram);
  };

  protected finish(error?: Error): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.messageHandler = null;
    this.release();
    const handler = this.closeHandler;
    this.closeHandler = null;
    handler?.(error);
  }
}

/**
 * smux's direct line into a KcpSession's conversation: received segments reach the smux
 * parser as views (no copy), writes go straight into KCP, and a window update is flushed
 * at the end of the turn. Writes made before the session connects wait in order.
 */
import type { MuxTransport, MuxTransportHandlers } from '../smux/transport.js';
import type { KcpConversation } from './conversation.js';
import type { KcpSession } from './kcp-session.js';

export class KcpMuxTransport implements MuxTransport {
  private conversation: KcpConversation | null = null;
  private handlers: MuxTransportHandlers | null = null;
  private early: Buffer[] = [];
  private paused = false;

  constructor(private readonly session: KcpSession) {}

  /** The session got its conversation (at once, or after connecting). */
  connected(c: KcpConversation): void {
    if (this.conversation === c) return;
    this.conversation = c;
    for (const chunk of this.early.splice(0)) c.write(chunk);
    if (this.handlers) this.wire(c, this.handlers);
  }

  write(bytes: Uint8Array): boolean {
    const c = this.conversation;
    if (c !== null) return c.write(bytes);
    this.early.push(Buffer.from(bytes));
    return true;
  }

  get writable(): boolean {
    const c = this.conversation;
    return c !== null ? c.writable : !this.session.destroyed;
  }

  start(handlers: MuxTransportHandlers): void {
    this.handlers = handlers;
    this.session.once('close', this.onSessionClose);
    if (this.conversation) this.wire(this.conversation, handlers);
  }

  private wire(c: KcpConversation, h: MuxTransportHandlers): void {
    c.on('drain', h.drain);
    c.once('close', this.onSessionClose); // synchronous, unlike the Duplex's 'close'
    if (this.paused) c.pauseReading();
    c.onData(h.data);
  }

  stop(): void {
    const h = this.handlers;
    this.handlers = null;
    this.session.off('close', this.onSessionClose);
    const c = this.conversation;
    if (c && h) {
      c.off('drain', h.drain);
      c.off('close', this.onSessionClose);
      if (!c.closed) c.onData(null);
    }
  }

  private readonly onSessionClose = () => {
    const h = this.handlers;
    if (h === null) return;
    this.stop();
    h.close();
  };

  pause(): void {
    this.paused = true;
    this.conversation?.pauseReading();
  }

  resume(): void {
    this.paused = false;
    this.conversation?.resumeReading();
  }

  /**
   * smux asks after a window update. At the end of the turn rather than now: the update
   * still leaves before any tick, with the rest of what the turn writes (a stream's other
   * frames, its target's answer) in the same datagrams, and a receive batch is not held up
   * by a send per update.
   */
  flush(): void {
    this.conversation?.flushSoon();
  }

  receiveWindowBytes(): number {
    return this.conversation?.receiveWindowBytes() ?? 0;
  }

  close(): void {
    this.session.destroy();
  }

  get closed(): boolean {
    return this.session.destroyed || (this.conversation?.closed ?? false);
  }
}

/**
 * One PacketConn shared by a KCP and a QUIC listener (transport.protocol
 * kcp+quic, docs/quic.md "KCP and QUIC on one port"). Every client connection
 * has its own endpoint and speaks one protocol, so datagrams go by sender: to
 * QUIC when a QUIC session has that endpoint, to KCP when a KCP session has it,
 * and from a new endpoint to QUIC only when the datagram is a QUIC v1 Initial
 * (everything else goes to KCP, whose cipher check drops garbage). A known KCP
 * endpoint is never asked about QUIC, so no KCP datagram, however its random
 * bytes fall, can be taken from its session.
 */
import type { DatagramHandler, Endpoint, PacketConn } from '@paqet/wire';

export interface SplitRouting {
  /** A QUIC session (handshaking or established) owns this endpoint. */
  quicOwns(from: Endpoint): boolean;
  /** A KCP session owns this endpoint. */
  kcpOwns(from: Endpoint): boolean;
  /** The datagram opens a QUIC connection. */
  opensQuic(datagram: Uint8Array): boolean;
}

/** One side of the split: sends go straight to the shared conn; it closes once both sides have. */
class SplitSide implements PacketConn {
  handler: DatagramHandler | null = null;
  private isClosed = false;

  constructor(private readonly owner: SplitPacketConn) {}

  get closed(): boolean {
    return this.isClosed || this.owner.base.closed;
  }

  get maxDatagramSize(): number | undefined {
    return this.owner.base.maxDatagramSize;
  }

  send(datagram: Uint8Array, to: Endpoint): void {
    if (!this.isClosed) this.owner.base.send(datagram, to);
  }

  onDatagram(handler: DatagramHandler | null): void {
    this.handler = handler;
  }

  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.handler = null;
    this.owner.sideClosed();
  }
}

export class SplitPacketConn {
  readonly kcp: PacketConn;
  readonly quic: PacketConn;
  private readonly kcpSide: SplitSide;
  private readonly quicSide: SplitSide;
  private routing: SplitRouting | null = null;

  constructor(readonly base: PacketConn) {
    this.kcp = this.kcpSide = new SplitSide(this);
    this.quic = this.quicSide = new SplitSide(this);
    base.onDatagram((d, from) => this.route(d, from));
  }

  /** Set once both listeners exist (they are built on the sides). */
  setRouting(routing: SplitRouting): void {
    this.routing = routing;
  }

  private route(datagram: Uint8Array, from: Endpoint): void {
    const r = this.routing;
    if (!r) return;
    const toQuic = r.quicOwns(from) || (r.opensQuic(datagram) && !r.kcpOwns(from));
    (toQuic ? this.quicSide : this.kcpSide).handler?.(datagram, from);
  }

  /** @internal */
  sideClosed(): void {
    if (this.kcpSide.closed && this.quicSide.closed) {
      this.base.onDatagram(null);
      this.base.close();
    }
  }
}

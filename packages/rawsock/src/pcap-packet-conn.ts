/**
 * The raw-packet PacketConn over libpcap (docs/protocol/frames.md, section 1), the portable backend: datagrams
 * travel as the payload of crafted TCP segments. Sending assembles one frame with
 * @paqet/wire's envelope into a reused buffer and injects it through the send handle
 * (one pcap_sendpacket per frame); receiving captures inbound TCP to the local port,
 * one frame per callback.
 */
import type { Endpoint } from '@paqet/wire';
import type { CapHandle } from './cap-binding.js';
import type { RawSocketOptions } from './options.js';
import { CAPTURE_BUFFER_SIZE, openReceiveHandle, openSendHandle } from './pcap-handles.js';
import { MAX_FRAME_SIZE, RawPacketConnBase } from './raw-conn-base.js';

export class PcapPacketConn extends RawPacketConnBase {
  readonly backend = 'pcap' as const;
  /** cap copies each captured frame here; views of it by frame length are cached (no per-frame allocation). */
  private readonly rxBuffer = Buffer.alloc(CAPTURE_BUFFER_SIZE);
  private readonly rxViews: (Uint8Array | undefined)[] = [];
  private readonly txBuffer = Buffer.alloc(MAX_FRAME_SIZE);
  private readonly sendHandle: CapHandle;
  private readonly receiveHandle: CapHandle;

  constructor(options: RawSocketOptions) {
    super(options);
    const r = this.resolved;
    try {
      this.sendHandle = openSendHandle(r.interface);
    } catch (err) {
      this.releaseClaim();
      throw err;
    }
    try {
      this.receiveHandle = openReceiveHandle(r.interface, r.port, this.localMac, r.sockbuf, this.rxBuffer, (_frame, length, truncated) =>
        this.onFrame(length, truncated),
      );
    } catch (err) {
      this.sendHandle.close();
      this.releaseClaim();
      throw err;
    }
  }

  send(datagram: Uint8Array, to: Endpoint): void {
    const c = this.c;
    if (this.closed) {
      c.dropped.sendAfterClose++;
      return;
    }
    let length: number;
    try {
      length = this.envelope.assemble(this.txBuffer, datagram, to);
    } catch {
      c.dropped.unbuildable++;
      return;
    }
    try {
      this.sendHandle.send(this.txBuffer, length);
    } catch {
      c.dropped.injectFailed++;
      return;
    }
    this.countSent(datagram.length, length);
  }

  /** @internal */
  protected closeFrames(): void {
    this.sendHandle.close();
    this.receiveHandle.close();
  }

  private onFrame(length: number, truncated: boolean): void {
    if (truncated) {
      this.c.framesCaptured++;
      this.c.dropped.captureTruncated++;
      return;
    }
    let frame = this.rxViews[length];
    if (frame === undefined) frame = this.rxViews[length] = new Uint8Array(this.rxBuffer.buffer, this.rxBuffer.byteOffset, length);
    this.receiveFrame(frame);
  }
}

/** Alias: the name the design document uses. */
export { PcapPacketConn as RawSocket };

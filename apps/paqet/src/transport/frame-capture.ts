/**
 * A capture-only libpcap handle for `dump`: whole Ethernet frames of inbound
 * TCP to one port (so `-w` can write them to a pcap file). Uses the `cap`
 * binding that @paqet/rawsock depends on, loaded from rawsock's location;
 * rawsock itself only hands out payloads, not frames.
 */
import { createRequire } from 'node:module';

interface CapInstance {
  open(device: string, filter: string, bufSize: number, buffer: Buffer): string;
  close(): boolean;
  on(event: 'packet', listener: (length: number, truncated: boolean) => void): unknown;
}

export class FrameCapture {
  private readonly handle: CapInstance;
  private readonly buffer = Buffer.alloc(65535);

  constructor(device: string, port: number, onFrame: (frame: Buffer) => void) {
    const { Cap } = createRequire(import.meta.resolve('@paqet/rawsock'))('cap') as { Cap: new () => CapInstance };
    this.handle = new Cap();
    const linkType = this.handle.open(device, `tcp and dst port ${port}`, 4 * 1024 * 1024, this.buffer);
    if (linkType !== 'ETHERNET') {
      this.handle.close();
      throw new Error(`interface ${device} has link type ${linkType}; paqet needs an Ethernet interface`);
    }
    this.handle.on('packet', (length) => onFrame(this.buffer.subarray(0, length)));
  }

  close(): void {
    this.handle.close();
  }
}

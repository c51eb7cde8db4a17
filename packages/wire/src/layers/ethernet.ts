/** Ethernet II header (14 bytes, no FCS): parse into a view, assemble into a buffer. */
import type { MacAddress } from '../address.js';
import { addressBytes, checkWindow, readU16, requireBytes, requireRoom, writeU16 } from './bounds.js';

export const ETHERNET_HEADER_LENGTH = 14;
export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_IPV6 = 0x86dd;
export const ETHERTYPE_VLAN = 0x8100;
export const ETHERTYPE_QINQ = 0x88a8;

/** A zero-copy view over an Ethernet frame; `reset` re-points it without allocating. */
export class EthernetView {
  bytes: Uint8Array = new Uint8Array(0);
  offset = 0;
  end = 0;

  static parse(bytes: Uint8Array, offset = 0, end?: number): EthernetView {
    return new EthernetView().reset(bytes, offset, end);
  }

  reset(bytes: Uint8Array, offset = 0, end?: number): this {
    const e = checkWindow(bytes, offset, end, 'ethernet');
    requireBytes('ethernet header', e - offset, ETHERNET_HEADER_LENGTH);
    this.bytes = bytes;
    this.offset = offset;
    this.end = e;
    return this;
  }

  get destination(): Uint8Array {
    return this.bytes.subarray(this.offset, this.offset + 6);
  }
  get source(): Uint8Array {
    return this.bytes.subarray(this.offset + 6, this.offset + 12);
  }
  get etherType(): number {
    return readU16(this.bytes, this.offset + 12);
  }
  get payloadOffset(): number {
    return this.offset + ETHERNET_HEADER_LENGTH;
  }
  get payload(): Uint8Array {
    return this.bytes.subarray(this.offset + ETHERNET_HEADER_LENGTH, this.end);
  }
}

/** Writes the 14-byte header at `offset`; returns 14. */
export function assembleEthernet(
  out: Uint8Array,
  offset: number,
  destination: MacAddress | Uint8Array,
  source: MacAddress | Uint8Array,
  etherType: number,
): number {
  requireRoom(out, offset, ETHERNET_HEADER_LENGTH, 'ethernet header');
  out.set(addressBytes(destination, 6, 'ethernet.destination'), offset);
  out.set(addressBytes(source, 6, 'ethernet.source'), offset + 6);
  writeU16(out, offset + 12, etherType);
  return ETHERNET_HEADER_LENGTH;
}

/** Ethernet II header (14 bytes, no FCS): parse into a view, assemble into a buffer. */
import type { MacAddress } from '../address.js';
import { addressBytes, checkWindow, readU16, requireBytes, requireRoom, writeU16 } from './bounds.js';

export const ETHERNET_HEADER_LENGTH = 14;
export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_IPV6 = 0x86dd;
export const ETHERTYPE_VLAN = 0x8100;
export const ETHERTYPE_QINQ = 0x88a8;
/** Field offsets from the start of the header (an enum: bundlers inline the values, so hot paths pay nothing). */
export enum EthernetOffset {
  Source = 6,
  Type = 12,
}

/** EtherType of the frame at `offset` (no bounds check: the caller checked 14 bytes). */
export function ethernetType(bytes: Uint8Array, offset: number): number {
  return readU16(bytes, offset + EthernetOffset.Type);
}

/** Writes the header without validation (hot path); returns 14. */
export function writeEthernetHeader(out: Uint8Array, offset: number, destination: Uint8Array, source: Uint8Array, etherType: number): number {
  out.set(destination, offset);
  out.set(source, offset + EthernetOffset.Source);
  writeU16(out, offset + EthernetOffset.Type, etherType);
  return ETHERNET_HEADER_LENGTH;
}

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
    return ethernetType(this.bytes, this.offset);
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
  return writeEthernetHeader(out, offset, addressBytes(destination, 6, 'ethernet.destination'), addressBytes(source, 6, 'ethernet.source'), etherType);
}

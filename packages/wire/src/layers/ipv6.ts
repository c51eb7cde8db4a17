/** IPv6 fixed header (RFC 8200): parse into a view, assemble into a buffer. */
import type { Ipv6Address } from '../address.js';
import { addressBytes, checkWindow, readU16, requireBytes, requireRoom, writeU16 } from './bounds.js';

export const IPV6_NEXT_HOP_BY_HOP = 0;
/** Field offsets from the start of the header (an enum: bundlers inline the values, so hot paths pay nothing). */
export enum Ipv6Offset {
  PayloadLength = 4,
  NextHeader = 6,
  Source = 8,
  Destination = 24,
  /** The next header starts here: the fixed header's length. */
  Payload = 40,
}
export const IPV6_HEADER_LENGTH: number = Ipv6Offset.Payload;

// Field readers shared by Ipv6View and the inbound decoder (no bounds checks: callers check).
export function ipv6PayloadLength(b: Uint8Array, off: number): number {
  return readU16(b, off + Ipv6Offset.PayloadLength);
}
export function ipv6NextHeader(b: Uint8Array, off: number): number {
  return b[off + Ipv6Offset.NextHeader];
}

/**
 * A zero-copy view over an IPv6 packet, trimmed to the payload-length field.
 * `truncated` is set when fewer bytes were captured than that field claims.
 * Extension headers are not walked here (see the inbound decoder).
 */
export class Ipv6View {
  bytes: Uint8Array = new Uint8Array(0);
  offset = 0;
  end = 0;
  truncated = false;

  static parse(bytes: Uint8Array, offset = 0, end?: number): Ipv6View {
    return new Ipv6View().reset(bytes, offset, end);
  }

  reset(bytes: Uint8Array, offset = 0, end?: number): this {
    const e = checkWindow(bytes, offset, end, 'ipv6');
    requireBytes('ipv6 header', e - offset, IPV6_HEADER_LENGTH);
    const payloadLength = ipv6PayloadLength(bytes, offset);
    const want = offset + IPV6_HEADER_LENGTH + payloadLength;
    this.truncated = want > e;
    this.bytes = bytes;
    this.offset = offset;
    this.end = this.truncated ? e : want;
    return this;
  }

  get version(): number {
    return this.bytes[this.offset] >> 4;
  }
  get trafficClass(): number {
    return ((this.bytes[this.offset] & 0x0f) << 4) | (this.bytes[this.offset + 1] >> 4);
  }
  get flowLabel(): number {
    return ((this.bytes[this.offset + 1] & 0x0f) << 16) | readU16(this.bytes, this.offset + 2);
  }
  get payloadLength(): number {
    return ipv6PayloadLength(this.bytes, this.offset);
  }
  get nextHeader(): number {
    return ipv6NextHeader(this.bytes, this.offset);
  }
  get hopLimit(): number {
    return this.bytes[this.offset + 7];
  }
  get source(): Uint8Array {
    return this.bytes.subarray(this.offset + Ipv6Offset.Source, this.offset + Ipv6Offset.Destination);
  }
  get destination(): Uint8Array {
    return this.bytes.subarray(this.offset + Ipv6Offset.Destination, this.offset + IPV6_HEADER_LENGTH);
  }
  get payloadOffset(): number {
    return this.offset + IPV6_HEADER_LENGTH;
  }
  get payload(): Uint8Array {
    return this.bytes.subarray(this.offset + IPV6_HEADER_LENGTH, this.end);
  }
}

export interface Ipv6HeaderFields {
  trafficClass?: number;
  flowLabel?: number;
  payloadLength: number;
  nextHeader: number;
  hopLimit?: number;
  source: Ipv6Address | Uint8Array;
  destination: Ipv6Address | Uint8Array;
}

/** Writes the 40-byte header at `offset`; returns 40. */
export function assembleIpv6(out: Uint8Array, offset: number, h: Ipv6HeaderFields): number {
  requireRoom(out, offset, IPV6_HEADER_LENGTH, 'ipv6 header');
  const src = addressBytes(h.source, 16, 'ipv6.source');
  const dst = addressBytes(h.destination, 16, 'ipv6.destination');
  const tc = h.trafficClass ?? 0;
  const fl = h.flowLabel ?? 0;
  out[offset] = 0x60 | (tc >> 4);
  out[offset + 1] = ((tc & 0x0f) << 4) | ((fl >> 16) & 0x0f);
  writeU16(out, offset + 2, fl & 0xffff);
  writeU16(out, offset + 4, h.payloadLength);
  out[offset + 6] = h.nextHeader;
  out[offset + 7] = h.hopLimit ?? 64;
  out.set(src, offset + 8);
  out.set(dst, offset + 24);
  return IPV6_HEADER_LENGTH;
}

/** IPv4 header (RFC 791): parse into a view, assemble into a buffer. */
import type { Ipv4Address } from '../address.js';
import { checksumVerifies, internetChecksum } from '../checksum.js';
import { addressBytes, badHeader, checkWindow, readU16, requireBytes, requireRoom, writeU16 } from './bounds.js';

/** Field offsets from the start of the header (an enum: bundlers inline the values, so hot paths pay nothing). */
export enum Ipv4Offset {
  TotalLength = 2,
  Flags = 6,
  Protocol = 9,
  Checksum = 10,
  Source = 12,
  Destination = 16,
  /** Options start here: the fixed header's length. */
  Options = 20,
}
export const IPV4_MIN_HEADER_LENGTH: number = Ipv4Offset.Options;

// Field readers shared by Ipv4View and the inbound decoder (no bounds checks: callers check).
export function ipv4HeaderLength(b: Uint8Array, off: number): number {
  return (b[off] & 0x0f) * 4;
}
export function ipv4TotalLength(b: Uint8Array, off: number): number {
  return readU16(b, off + Ipv4Offset.TotalLength);
}
/** MF set or a non-zero fragment offset. */
export function ipv4IsFragment(b: Uint8Array, off: number): boolean {
  return (b[off + Ipv4Offset.Flags] & 0x20) !== 0 || (readU16(b, off + Ipv4Offset.Flags) & 0x1fff) !== 0;
}
export function ipv4Protocol(b: Uint8Array, off: number): number {
  return b[off + Ipv4Offset.Protocol];
}

/**
 * A zero-copy view over an IPv4 packet. `end` is trimmed to the total-length
 * field (dropping Ethernet padding); a total length of 0 (TSO captures) means
 * "use what was captured". `truncated` is set when fewer bytes were captured
 * than the total length claims (the view then ends at the captured end).
 */
export class Ipv4View {
  bytes: Uint8Array = new Uint8Array(0);
  offset = 0;
  end = 0;
  truncated = false;

  static parse(bytes: Uint8Array, offset = 0, end?: number): Ipv4View {
    return new Ipv4View().reset(bytes, offset, end);
  }

  reset(bytes: Uint8Array, offset = 0, end?: number): this {
    const e = checkWindow(bytes, offset, end, 'ipv4');
    const have = e - offset;
    requireBytes('ipv4 header', have, IPV4_MIN_HEADER_LENGTH);
    const ihl = ipv4HeaderLength(bytes, offset) / 4;
    if (ihl < 5) throw badHeader('ipv4.ihl', ihl, 'must be at least 5');
    requireBytes('ipv4 header with options', have, ihl * 4);
    const total = ipv4TotalLength(bytes, offset);
    let packetEnd = e;
    this.truncated = false;
    if (total !== 0) {
      if (total < ihl * 4) throw badHeader('ipv4.totalLength', total, `smaller than the ${ihl * 4}-byte header`);
      if (total <= have) packetEnd = offset + total;
      else this.truncated = true;
    }
    this.bytes = bytes;
    this.offset = offset;
    this.end = packetEnd;
    return this;
  }

  get version(): number {
    return this.bytes[this.offset] >> 4;
  }
  get headerLength(): number {
    return ipv4HeaderLength(this.bytes, this.offset);
  }
  get tos(): number {
    return this.bytes[this.offset + 1];
  }
  get totalLength(): number {
    return ipv4TotalLength(this.bytes, this.offset);
  }
  get identification(): number {
    return readU16(this.bytes, this.offset + 4);
  }
  get dontFragment(): boolean {
    return (this.bytes[this.offset + 6] & 0x40) !== 0;
  }
  get moreFragments(): boolean {
    return (this.bytes[this.offset + 6] & 0x20) !== 0;
  }
  /** In 8-byte units, as on the wire. */
  get fragmentOffset(): number {
    return readU16(this.bytes, this.offset + 6) & 0x1fff;
  }
  get isFragment(): boolean {
    return ipv4IsFragment(this.bytes, this.offset);
  }
  get ttl(): number {
    return this.bytes[this.offset + 8];
  }
  get protocol(): number {
    return ipv4Protocol(this.bytes, this.offset);
  }
  get checksum(): number {
    return readU16(this.bytes, this.offset + 10);
  }
  get source(): Uint8Array {
    return this.bytes.subarray(this.offset + Ipv4Offset.Source, this.offset + Ipv4Offset.Source + 4);
  }
  get destination(): Uint8Array {
    return this.bytes.subarray(this.offset + Ipv4Offset.Destination, this.offset + Ipv4Offset.Destination + 4);
  }
  get options(): Uint8Array {
    return this.bytes.subarray(this.offset + 20, this.offset + this.headerLength);
  }
  get payloadOffset(): number {
    return this.offset + this.headerLength;
  }
  get payload(): Uint8Array {
    return this.bytes.subarray(this.payloadOffset, this.end);
  }
  checksumValid(): boolean {
    return checksumVerifies(this.bytes, this.offset, this.offset + this.headerLength);
  }
}

export interface Ipv4HeaderFields {
  tos?: number;
  /** Header + payload length. */
  totalLength: number;
  identification?: number;
  dontFragment?: boolean;
  moreFragments?: boolean;
  /** In 8-byte units. */
  fragmentOffset?: number;
  ttl?: number;
  protocol: number;
  source: Ipv4Address | Uint8Array;
  destination: Ipv4Address | Uint8Array;
  /** Raw option bytes, a multiple of 4 long. */
  options?: Uint8Array;
}

/** Writes the header (with a correct checksum) at `offset`; returns its length. */
export function assembleIpv4(out: Uint8Array, offset: number, h: Ipv4HeaderFields): number {
  const optLen = h.options ? h.options.length : 0;
  if (optLen % 4 !== 0 || optLen > 40) throw badHeader('ipv4.options', optLen, 'length must be a multiple of 4, at most 40');
  const hl = IPV4_MIN_HEADER_LENGTH + optLen;
  if (!Number.isInteger(h.totalLength) || h.totalLength < hl || h.totalLength > 0xffff) {
    throw badHeader('ipv4.totalLength', h.totalLength, `must be ${hl}..65535`);
  }
  requireRoom(out, offset, hl, 'ipv4 header');
  const src = addressBytes(h.source, 4, 'ipv4.source');
  const dst = addressBytes(h.destination, 4, 'ipv4.destination');
  out[offset] = 0x40 | (hl >> 2);
  out[offset + 1] = h.tos ?? 0;
  writeU16(out, offset + 2, h.totalLength);
  writeU16(out, offset + 4, h.identification ?? 0);
  const flags = (h.dontFragment ? 0x4000 : 0) | (h.moreFragments ? 0x2000 : 0) | ((h.fragmentOffset ?? 0) & 0x1fff);
  writeU16(out, offset + 6, flags);
  out[offset + 8] = h.ttl ?? 64;
  out[offset + 9] = h.protocol;
  writeU16(out, offset + 10, 0);
  out.set(src, offset + 12);
  out.set(dst, offset + 16);
  if (h.options) out.set(h.options, offset + 20);
  writeU16(out, offset + 10, internetChecksum(out, offset, offset + hl));
  return hl;
}

/** TCP header (RFC 9293) with options: parse into a view, assemble into a buffer. */
import type { IpAddress } from '../address.js';
import { checksumVerifies, internetChecksum, IP_PROTOCOL_TCP, pseudoHeaderSum, tcpChecksum } from '../checksum.js';
import { badHeader, checkWindow, readU16, readU32, requireBytes, requireRoom, writeU16, writeU32 } from './bounds.js';
import { assembleTcpOptions, parseTcpOptions, tcpOptionsLength, type TcpOption } from './tcp-options.js';

/** Field offsets from the start of the header (an enum: bundlers inline the values, so hot paths pay nothing). */
export enum TcpOffset {
  DestinationPort = 2,
  DataOffset = 12,
  Checksum = 16,
  Options = 20,
}
export const TCP_MIN_HEADER_LENGTH: number = TcpOffset.Options;

// Field readers shared by TcpView and the inbound decoder (no bounds checks: callers check).
export function tcpSourcePort(b: Uint8Array, off: number): number {
  return readU16(b, off);
}
export function tcpDestinationPort(b: Uint8Array, off: number): number {
  return readU16(b, off + TcpOffset.DestinationPort);
}
export function tcpHeaderLength(b: Uint8Array, off: number): number {
  return (b[off + TcpOffset.DataOffset] >> 4) * 4;
}

/**
 * Writes the fixed 20 bytes without validation (hot path); options follow at
 * offset + 20 and `headerLength` must count them. The checksum field is written as given.
 */
export function writeTcpHeader(
  out: Uint8Array, offset: number, sourcePort: number, destinationPort: number, seq: number, ack: number,
  headerLength: number, flags: number, window: number, checksum = 0, urgentPointer = 0,
): void {
  writeU16(out, offset, sourcePort);
  writeU16(out, offset + TcpOffset.DestinationPort, destinationPort);
  writeU32(out, offset + 4, seq);
  writeU32(out, offset + 8, ack);
  writeU16(out, offset + TcpOffset.DataOffset, ((headerLength >> 2) << 12) | (flags & 0x1ff));
  writeU16(out, offset + 14, window);
  writeU16(out, offset + TcpOffset.Checksum, checksum);
  writeU16(out, offset + 18, urgentPointer);
}

/** Flag bits of the 9-bit flags field (NS is bit 8, in byte 12). */
export const TcpFlag = {
  FIN: 0x001,
  SYN: 0x002,
  RST: 0x004,
  PSH: 0x008,
  ACK: 0x010,
  URG: 0x020,
  ECE: 0x040,
  CWR: 0x080,
  NS: 0x100,
} as const;

/** A zero-copy view over a TCP segment `bytes[offset, end)`. */
export class TcpView {
  bytes: Uint8Array = new Uint8Array(0);
  offset = 0;
  end = 0;

  static parse(bytes: Uint8Array, offset = 0, end?: number): TcpView {
    return new TcpView().reset(bytes, offset, end);
  }

  /** Validates header length and data offset; options are validated by `options()`. */
  reset(bytes: Uint8Array, offset = 0, end?: number): this {
    const e = checkWindow(bytes, offset, end, 'tcp');
    requireBytes('tcp header', e - offset, TCP_MIN_HEADER_LENGTH);
    const dataOffset = bytes[offset + 12] >> 4;
    if (dataOffset < 5) throw badHeader('tcp.dataOffset', dataOffset, 'must be at least 5');
    requireBytes('tcp header with options', e - offset, dataOffset * 4);
    this.bytes = bytes;
    this.offset = offset;
    this.end = e;
    return this;
  }

  get sourcePort(): number {
    return tcpSourcePort(this.bytes, this.offset);
  }
  get destinationPort(): number {
    return tcpDestinationPort(this.bytes, this.offset);
  }
  get seq(): number {
    return readU32(this.bytes, this.offset + 4);
  }
  get ack(): number {
    return readU32(this.bytes, this.offset + 8);
  }
  /** In 32-bit words. */
  get dataOffset(): number {
    return this.bytes[this.offset + 12] >> 4;
  }
  get headerLength(): number {
    return tcpHeaderLength(this.bytes, this.offset);
  }
  /** The 9 flag bits (see `TcpFlag`). */
  get flags(): number {
    return readU16(this.bytes, this.offset + 12) & 0x1ff;
  }
  get window(): number {
    return readU16(this.bytes, this.offset + 14);
  }
  get checksum(): number {
    return readU16(this.bytes, this.offset + 16);
  }
  get urgentPointer(): number {
    return readU16(this.bytes, this.offset + 18);
  }
  get optionBytes(): Uint8Array {
    return this.bytes.subarray(this.offset + 20, this.offset + this.headerLength);
  }
  /** Parsed options; throws a typed error when they are malformed. */
  options(): TcpOption[] {
    return parseTcpOptions(this.bytes, this.offset + 20, this.offset + this.headerLength);
  }
  get payloadOffset(): number {
    return this.offset + this.headerLength;
  }
  get payload(): Uint8Array {
    return this.bytes.subarray(this.payloadOffset, this.end);
  }
  /** Verifies the checksum over the pseudo-header of `src`/`dst` (4- or 16-byte addresses). */
  checksumValid(src: IpAddress | Uint8Array, dst: IpAddress | Uint8Array): boolean {
    const s = src instanceof Uint8Array ? src : src.bytes;
    const d = dst instanceof Uint8Array ? dst : dst.bytes;
    return checksumVerifies(this.bytes, this.offset, this.end, pseudoHeaderSum(s, d, IP_PROTOCOL_TCP, this.end - this.offset));
  }
}

export interface TcpHeaderFields {
  sourcePort: number;
  destinationPort: number;
  seq: number;
  ack: number;
  /** 9 flag bits (see `TcpFlag`). */
  flags: number;
  window: number;
  urgentPointer?: number;
  /** Parsed options (zero-padded to a multiple of 4) or raw option bytes (a multiple of 4). */
  options?: readonly TcpOption[] | Uint8Array;
  /** Checksum field value to store; compute later with `setTcpChecksum`. Default 0. */
  checksum?: number;
}

/** Writes the header and options at `offset`; returns the header length. The checksum is left to `setTcpChecksum`. */
export function assembleTcp(out: Uint8Array, offset: number, h: TcpHeaderFields): number {
  const opts = h.options;
  const rawLen = opts === undefined ? 0 : opts instanceof Uint8Array ? opts.length : tcpOptionsLength(opts);
  const optLen = (rawLen + 3) & ~3;
  if (optLen > 40) throw badHeader('tcp.options', rawLen, 'at most 40 option bytes fit');
  const hl = TCP_MIN_HEADER_LENGTH + optLen;
  requireRoom(out, offset, hl, 'tcp header');
  writeTcpHeader(out, offset, h.sourcePort, h.destinationPort, h.seq, h.ack, hl, h.flags, h.window, h.checksum ?? 0, h.urgentPointer ?? 0);
  let written = 0;
  if (opts instanceof Uint8Array) {
    out.set(opts, offset + 20);
    written = opts.length;
  } else if (opts) written = assembleTcpOptions(out, offset + 20, opts);
  out.fill(0, offset + 20 + written, offset + hl);
  return hl;
}

/** Computes and stores the checksum of the segment `out[start, end)` over the pseudo-header. */
export function setTcpChecksum(out: Uint8Array, start: number, end: number, src: IpAddress | Uint8Array, dst: IpAddress | Uint8Array): number {
  requireRoom(out, start, Math.max(end - start, TCP_MIN_HEADER_LENGTH), 'tcp segment');
  writeU16(out, start + 16, 0);
  const c = tcpChecksum(out, start, end, src, dst);
  writeU16(out, start + 16, c);
  return c;
}

/**
 * Finishes a TCP checksum left partial (`PaqetEnvelope.assemblePartial`): the segment
 * `frame[tcpOffset, end)` is summed with the pseudo-header sum its checksum field holds.
 */
export function completeTcpChecksum(frame: Uint8Array, tcpOffset: number, end = frame.length): void {
  const at = tcpOffset + TcpOffset.Checksum;
  if (!(tcpOffset >= 0 && at + 2 <= end && end <= frame.length)) throw new RangeError(`no TCP header at ${tcpOffset} in ${end} bytes`);
  writeU16(frame, at, internetChecksum(frame, tcpOffset, end));
}

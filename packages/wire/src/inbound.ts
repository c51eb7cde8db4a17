/**
 * The inbound decode rules (docs/protocol/frames.md, section 5): which captured frames carry a paqet
 * datagram, where its payload is, and who sent it. Allocation-free per frame:
 * the result object is reused by its decoder and source endpoints come from a
 * small cache.
 */
import { IpEndpoint, Ipv4Address, Ipv6Address } from './address.js';
import { IP_PROTOCOL_TCP } from './checksum.js';
import { readU16 } from './layers/bounds.js';
import { ETHERNET_HEADER_LENGTH, EthernetOffset, ETHERTYPE_IPV4, ETHERTYPE_IPV6, ETHERTYPE_QINQ, ETHERTYPE_VLAN } from './layers/ethernet.js';
import { Ipv4Offset } from './layers/ipv4.js';
import { Ipv6Offset, IPV6_NEXT_HOP_BY_HOP } from './layers/ipv6.js';
import { TcpOffset } from './layers/tcp.js';
import { findBadTcpOption } from './layers/tcp-options.js';

/** Why a frame carries no deliverable payload. */
export const InboundDrop = {
  /** Shorter than a header, or the IP length claims more than was captured. */
  Truncated: 'truncated',
  /** 802.1Q / 802.1ad tagged. */
  Vlan: 'vlan',
  /** EtherType other than IPv4 / IPv6 (ARP, LLC...). */
  NotIp: 'not-ip',
  /** IPv4 with MF set or a non-zero fragment offset. */
  Fragment: 'fragment',
  /** IPv6 with an extension header other than Hop-by-Hop. */
  Ipv6Extension: 'ipv6-extension',
  /** The IP payload is not TCP. */
  NotTcp: 'not-tcp',
  /** IHL < 5, IPv4 total length below the header, TCP data offset < 5 or past the packet. */
  BadHeader: 'bad-header',
  /** TCP options do not parse. */
  BadTcpOptions: 'bad-tcp-options',
  /** TCP destination port differs from the local port given to the decoder. */
  WrongPort: 'wrong-port',
  /** A TCP segment without payload (pure ACK, RST...). */
  EmptyPayload: 'empty-payload',
} as const;
export type InboundDropReason = (typeof InboundDrop)[keyof typeof InboundDrop];

/** IPv6 next-header values that are extension headers (RFC 8200, 7045). */
const IPV6_EXTENSION_HEADERS = new Set([0, 43, 44, 50, 51, 60, 135, 139, 140, 253, 254]);

/**
 * Result of decoding one frame. Reused by its decoder: read it before the
 * next decode call. `source` is an immutable cached endpoint and may be kept.
 */
export class InboundFrame {
  /** null when the frame carries a deliverable payload. */
  dropReason: InboundDropReason | null = null;
  frame: Uint8Array = new Uint8Array(0);
  /** Payload position inside `frame` (bytes after the TCP header up to the trimmed IP end). */
  payloadOffset = 0;
  payloadLength = 0;
  /** Sender IP (4-byte form for IPv4, no zone) and TCP source port; null on drop. */
  source: IpEndpoint | null = null;
  destinationPort = 0;
  /** IP version of the frame (4 or 6), 0 when not IP. */
  family: 0 | 4 | 6 = 0;

  get ok(): boolean {
    return this.dropReason === null;
  }

  /** A view of the payload (allocates a view object; hot paths should use the offsets). */
  get payload(): Uint8Array {
    return this.frame.subarray(this.payloadOffset, this.payloadOffset + this.payloadLength);
  }

  /** Copies the payload into `buf` (truncating to its length, as upstream does); returns bytes copied. */
  copyPayload(buf: Uint8Array): number {
    const n = Math.min(buf.length, this.payloadLength);
    buf.set(this.frame.subarray(this.payloadOffset, this.payloadOffset + n));
    return n;
  }
}

const CACHE_SLOTS = 1024; // power of two

/** Decodes captured frames into reusable `InboundFrame` results. */
export class InboundDecoder {
  readonly result = new InboundFrame();
  /** Direct-mapped cache of source endpoints: a hit costs no allocation. */
  private readonly sources: (IpEndpoint | undefined)[] = new Array(CACHE_SLOTS);

  /**
   * Applies docs/protocol/frames.md, section 5 to `frame`. When `localPort` is given, segments to any
   * other TCP port are dropped as 'wrong-port' (the BPF filter's job upstream).
   * Never throws: every malformed frame becomes a drop reason.
   */
  decode(frame: Uint8Array, localPort?: number): InboundFrame {
    const r = this.result;
    r.frame = frame;
    r.source = null;
    r.payloadOffset = 0;
    r.payloadLength = 0;
    r.destinationPort = 0;
    r.family = 0;
    const len = frame.length;
    if (len < ETHERNET_HEADER_LENGTH) return drop(r, InboundDrop.Truncated);
    // Field positions are the layer modules'; reading them inline here keeps this loop free
    // of calls (measured: about 15% of decode time on bundled code).
    const etherType = readU16(frame, EthernetOffset.Type);
    let ipEnd: number;
    let tcpOff: number;
    let srcOff: number;
    if (etherType === ETHERTYPE_IPV4) {
      r.family = 4;
      const ip = ETHERNET_HEADER_LENGTH;
      if (len - ip < Ipv4Offset.Options) return drop(r, InboundDrop.Truncated);
      const hl = (frame[ip] & 0x0f) * 4;
      if (hl < Ipv4Offset.Options) return drop(r, InboundDrop.BadHeader);
      if (len - ip < hl) return drop(r, InboundDrop.Truncated);
      const total = readU16(frame, ip + Ipv4Offset.TotalLength);
      if (total === 0) ipEnd = len; // TSO captures: use the captured length
      else {
        if (total < hl) return drop(r, InboundDrop.BadHeader);
        if (ip + total > len) return drop(r, InboundDrop.Truncated);
        ipEnd = ip + total; // trims Ethernet padding
      }
      if ((frame[ip + Ipv4Offset.Flags] & 0x20) !== 0 || (readU16(frame, ip + Ipv4Offset.Flags) & 0x1fff) !== 0) return drop(r, InboundDrop.Fragment);
      if (frame[ip + Ipv4Offset.Protocol] !== IP_PROTOCOL_TCP) return drop(r, InboundDrop.NotTcp);
      srcOff = ip + Ipv4Offset.Source;
      tcpOff = ip + hl;
    } else if (etherType === ETHERTYPE_IPV6) {
      r.family = 6;
      const ip = ETHERNET_HEADER_LENGTH;
      if (len - ip < Ipv6Offset.Payload) return drop(r, InboundDrop.Truncated);
      ipEnd = ip + Ipv6Offset.Payload + readU16(frame, ip + Ipv6Offset.PayloadLength);
      if (ipEnd > len) return drop(r, InboundDrop.Truncated);
      let next = frame[ip + Ipv6Offset.NextHeader];
      tcpOff = ip + Ipv6Offset.Payload;
      if (next === IPV6_NEXT_HOP_BY_HOP) {
        if (ipEnd - tcpOff < 8) return drop(r, InboundDrop.Truncated);
        next = frame[tcpOff];
        const extLen = (frame[tcpOff + 1] + 1) * 8;
        if (tcpOff + extLen > ipEnd) return drop(r, InboundDrop.Truncated);
        tcpOff += extLen;
      }
      if (next !== IP_PROTOCOL_TCP) return drop(r, IPV6_EXTENSION_HEADERS.has(next) ? InboundDrop.Ipv6Extension : InboundDrop.NotTcp);
      srcOff = ip + Ipv6Offset.Source;
    } else if (etherType === ETHERTYPE_VLAN || etherType === ETHERTYPE_QINQ) {
      return drop(r, InboundDrop.Vlan);
    } else {
      return drop(r, InboundDrop.NotIp);
    }

    if (ipEnd - tcpOff < TcpOffset.Options) return drop(r, InboundDrop.Truncated);
    const tcpHl = (frame[tcpOff + TcpOffset.DataOffset] >> 4) * 4;
    if (tcpHl < TcpOffset.Options || tcpOff + tcpHl > ipEnd) return drop(r, InboundDrop.BadHeader);
    if (findBadTcpOption(frame, tcpOff + TcpOffset.Options, tcpOff + tcpHl) >= 0) return drop(r, InboundDrop.BadTcpOptions);
    const dstPort = readU16(frame, tcpOff + TcpOffset.DestinationPort);
    r.destinationPort = dstPort;
    if (localPort !== undefined && dstPort !== localPort) return drop(r, InboundDrop.WrongPort);
    const payloadOffset = tcpOff + tcpHl;
    if (payloadOffset >= ipEnd) return drop(r, InboundDrop.EmptyPayload);
    r.payloadOffset = payloadOffset;
    r.payloadLength = ipEnd - payloadOffset;
    r.source = this.sourceEndpoint(frame, srcOff, r.family === 4 ? 4 : 16, readU16(frame, tcpOff));
    r.dropReason = null;
    return r;
  }

  private sourceEndpoint(frame: Uint8Array, off: number, size: 4 | 16, port: number): IpEndpoint {
    let h = port * 0x9e37;
    for (let i = 0; i < size; i++) h = Math.imul(h ^ frame[off + i], 0x01000193);
    const slot = (h ^ (h >>> 15)) & (CACHE_SLOTS - 1);
    const cached = this.sources[slot];
    if (cached !== undefined && cached.port === port && cached.ip.bytes.length === size) {
      const b = cached.ip.bytes;
      let same = true;
      for (let i = 0; i < size; i++) {
        if (b[i] !== frame[off + i]) {
          same = false;
          break;
        }
      }
      if (same) return cached;
    }
    const ep = new IpEndpoint(size === 4 ? Ipv4Address.fromBytes(frame, off) : Ipv6Address.fromBytes(frame, off), port);
    this.sources[slot] = ep;
    return ep;
  }
}

function drop(r: InboundFrame, reason: InboundDropReason): InboundFrame {
  r.dropReason = reason;
  r.source = null;
  r.payloadLength = 0;
  return r;
}

const sharedDecoder = new InboundDecoder();

/**
 * Decodes with a module-wide decoder. The returned object is that decoder's
 * reused result: read or copy what you need before the next call. Use your
 * own `InboundDecoder` per capture loop if calls may interleave.
 */
export function decodeInboundFrame(frame: Uint8Array, localPort?: number): InboundFrame {
  return sharedDecoder.decode(frame, localPort);
}

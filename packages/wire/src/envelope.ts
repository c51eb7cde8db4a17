/**
 * The paqet envelope (docs/protocol/frames.md, section 2): how paqet fills every header field of an
 * outbound frame. One `PaqetEnvelope` corresponds to one upstream send handle:
 * it owns T0, the packet counter and the flag selection. `assemble` writes a
 * whole Ethernet frame into the caller's buffer without allocating.
 */
import { IpEndpoint, Ipv4Address, Ipv6Address, MacAddress, tryParseIpAddress, type IpAddress } from './address.js';
import { foldSum, IP_PROTOCOL_TCP, sumWords } from './checksum.js';
import type { Endpoint } from './conn.js';
import { WireErrorCode } from './error-codes.js';
import { PaqetValueError } from './errors.js';
import { FlagSelector, parseTcpFlagList } from './flags.js';
import { generateSegmentNumbers, SegmentNumbers, startTimeFromUnixMs } from './generators.js';
import { requireRoom, writeU16 } from './layers/bounds.js';
import { assembleEthernet, ETHERNET_HEADER_LENGTH, ETHERTYPE_IPV4, ETHERTYPE_IPV6 } from './layers/ethernet.js';
import { assembleIpv4, Ipv4Offset, IPV4_MIN_HEADER_LENGTH } from './layers/ipv4.js';
import { assembleIpv6, Ipv6Offset, IPV6_HEADER_LENGTH } from './layers/ipv6.js';
import { TcpOffset, TcpFlag, writeTcpHeader } from './layers/tcp.js';
import { writeMssOption, writeNopOption, writeSackPermittedOption, writeTimestampsOption, writeWindowScaleOption } from './layers/tcp-options.js';

export const PAQET_IPV4_TOS = 0xb8;
export const PAQET_TTL = 64;
export const PAQET_TCP_WINDOW = 0xffff;
export const PAQET_SYN_MSS = 1460;
export const PAQET_SYN_WINDOW_SCALE = 8;
export const PAQET_TCP_HEADER_LENGTH = 32;
export const PAQET_TCP_SYN_HEADER_LENGTH = 40;
/** Ethernet + IPv4 + non-SYN TCP: 66 bytes before the payload. */
export const PAQET_IPV4_OVERHEAD = ETHERNET_HEADER_LENGTH + IPV4_MIN_HEADER_LENGTH + PAQET_TCP_HEADER_LENGTH;
/** Ethernet + IPv6 + SYN TCP: the largest overhead, 94 bytes. */
export const PAQET_MAX_OVERHEAD = ETHERNET_HEADER_LENGTH + IPV6_HEADER_LENGTH + PAQET_TCP_SYN_HEADER_LENGTH;

export interface PaqetEnvelopeOptions {
  /** Hardware address of the sending interface. */
  localMac: MacAddress | string | Uint8Array;
  /** Next-hop MAC for IPv4 destinations (`network.ipv4.router_mac`). */
  routerMacV4?: MacAddress | string | Uint8Array;
  /** Next-hop MAC for IPv6 destinations (`network.ipv6.router_mac`). */
  routerMacV6?: MacAddress | string | Uint8Array;
  localIpv4?: Ipv4Address | string;
  localIpv6?: Ipv6Address | string;
  /** TCP source port of every frame (docs/protocol/frames.md, section 1). */
  localPort: number;
  /** `local_flag`: letter strings ("PA") or flag sets; empty/missing = ["PA"]. */
  localFlags?: readonly string[] | readonly number[];
  /** T0 as Unix ms (truncated to 32 bits). Default: Date.now() at construction. */
  startTimeMs?: number;
  /** Counter value before the first packet (default 0, so the first packet uses c = 1). */
  initialCounter?: number;
}

interface FamilyTemplate {
  /** Ethernet header + constant IP header bytes (addresses, checksum and length filled per packet). */
  head: Uint8Array;
  /** Unfolded sum of the constant IPv4 header words (IPv4 only). */
  ipConstSum: number;
  /** Unfolded pseudo-header sum of source address + protocol. */
  pseudoConstSum: number;
}

function envelopeError(field: string, value: unknown, reason: string): PaqetValueError {
  return new PaqetValueError(WireErrorCode.Envelope, field, value, reason, 'drop-packet');
}

const MAX_CACHED_DESTINATIONS = 4096;

export class PaqetEnvelope {
  /** T0: uint32 of the start time in Unix ms. */
  readonly startTime: number;
  /** Packets assembled so far (uint32, wraps); the next packet uses counter + 1. */
  counter: number;
  readonly localPort: number;
  /** Flag choice per destination; feed TCPF messages to `flags.setPeerFlags`. */
  readonly flags: FlagSelector;
  /** Where the TCP header of the last assembled frame starts, from the frame's first byte (34 or 54). */
  lastTcpOffset = 0;
  private readonly v4: FamilyTemplate | null;
  private readonly v6: FamilyTemplate | null;
  private readonly numbers = new SegmentNumbers();
  /** Parsed destination addresses for plain `Endpoint` objects, keyed by their text. */
  private readonly destinations = new Map<string, IpAddress>();

  constructor(options: PaqetEnvelopeOptions) {
    const { localPort } = options;
    if (!Number.isInteger(localPort) || localPort < 0 || localPort > 65535) throw envelopeError('localPort', localPort, 'must be an integer 0..65535');
    this.localPort = localPort;
    this.startTime = startTimeFromUnixMs(options.startTimeMs ?? Date.now());
    this.counter = (options.initialCounter ?? 0) >>> 0;
    const lf = options.localFlags;
    const list = lf && lf.length > 0 && typeof lf[0] === 'number' ? (lf as readonly number[]) : parseTcpFlagList(lf as readonly string[] | undefined);
    this.flags = new FlagSelector(list);
    const localMac = MacAddress.from(options.localMac);
    this.v4 = null;
    this.v6 = null;
    if (options.localIpv4 !== undefined && options.routerMacV4 !== undefined) {
      const src = typeof options.localIpv4 === 'string' ? Ipv4Address.parse(options.localIpv4) : options.localIpv4;
      this.v4 = buildV4Template(MacAddress.from(options.routerMacV4), localMac, src);
    }
    if (options.localIpv6 !== undefined && options.routerMacV6 !== undefined) {
      const src = typeof options.localIpv6 === 'string' ? Ipv6Address.parse(options.localIpv6) : options.localIpv6;
      this.v6 = buildV6Template(MacAddress.from(options.routerMacV6), localMac, src);
    }
  }

  /** Frame length for a payload: overhead (66/74/86/94) + payload length. */
  static frameLength(payloadLength: number, family: 4 | 6, syn: boolean): number {
    return ETHERNET_HEADER_LENGTH + (family === 4 ? IPV4_MIN_HEADER_LENGTH : IPV6_HEADER_LENGTH) + (syn ? PAQET_TCP_SYN_HEADER_LENGTH : PAQET_TCP_HEADER_LENGTH) + payloadLength;
  }

  /**
   * Writes one complete frame carrying `payload` to `dst` at `out[offset]` and
   * returns its length. Increments the counter. `flags` (a 9-bit set) overrides
   * the flag selection; otherwise the destination's TCPF list or the default
   * `local_flag` list is cycled. Throws a typed error (nothing written to the
   * counter) if the family is not configured or `out` is too small.
   */
  assemble(out: Uint8Array, payload: Uint8Array, dst: Endpoint, flags?: number, offset = 0): number {
    return this.write(out, payload, dst, flags, offset, false);
  }

  /**
   * As `assemble`, but the TCP checksum is left for the sender to finish: its field holds the
   * folded pseudo-header sum (Linux's CHECKSUM_PARTIAL form), and the frame is valid once the
   * one's-complement sum of `frame[lastTcpOffset, end)` is folded, inverted and stored there
   * (`completeTcpChecksum`). For senders that sum natively, off the JavaScript thread's budget.
   */
  assemblePartial(out: Uint8Array, payload: Uint8Array, dst: Endpoint, flags?: number, offset = 0): number {
    return this.write(out, payload, dst, flags, offset, true);
  }

  private write(out: Uint8Array, payload: Uint8Array, dst: Endpoint, flags: number | undefined, offset: number, partial: boolean): number {
    const ip = this.resolve(dst);
    const port = dst.port;
    if (!(port >= 0 && port <= 65535 && (port | 0) === port)) throw envelopeError('destination.port', port, 'must be an integer 0..65535');
    const tpl = ip.family === 4 ? this.v4 : this.v6;
    if (tpl === null) throw envelopeError(ip.family === 4 ? 'localIpv4' : 'localIpv6', dst.address, `no IPv${ip.family} source address / router MAC configured`);
    const f = flags === undefined ? this.flags.next(ip.text, port) : flags & 0x1ff;
    const syn = (f & TcpFlag.SYN) !== 0;
    const tcpHeaderLength = syn ? PAQET_TCP_SYN_HEADER_LENGTH : PAQET_TCP_HEADER_LENGTH;
    const ipHeaderLength = ip.family === 4 ? IPV4_MIN_HEADER_LENGTH : IPV6_HEADER_LENGTH;
    const tcpLength = tcpHeaderLength + payload.length;
    const frameLength = ETHERNET_HEADER_LENGTH + ipHeaderLength + tcpLength;
    if (ipHeaderLength + tcpLength > 0xffff + (ip.family === 6 ? 40 : 0)) throw envelopeError('payload', payload.length, 'too long for one IP packet');
    requireRoom(out, offset, frameLength, 'frame');

    const c = (this.counter = (this.counter + 1) >>> 0);
    const n = generateSegmentNumbers(this.startTime, c, f, this.numbers);

    out.set(tpl.head, offset);
    const ipOff = offset + ETHERNET_HEADER_LENGTH;
    let dstSum: number;
    // The template holds every constant field; only lengths, destination and checksum change.
    if (ip.family === 4) {
      const total = IPV4_MIN_HEADER_LENGTH + tcpLength;
      writeU16(out, ipOff + Ipv4Offset.TotalLength, total);
      out.set(ip.bytes, ipOff + Ipv4Offset.Destination);
      dstSum = sumWords(ip.bytes, 0, 4);
      writeU16(out, ipOff + Ipv4Offset.Checksum, ~foldSum(tpl.ipConstSum + total + dstSum) & 0xffff);
    } else {
      writeU16(out, ipOff + Ipv6Offset.PayloadLength, tcpLength);
      out.set(ip.bytes, ipOff + Ipv6Offset.Destination);
      dstSum = sumWords(ip.bytes, 0, 16);
    }

    const t = ipOff + ipHeaderLength;
    writeTcpHeader(out, t, this.localPort, port, n.seq, n.ack, tcpHeaderLength, f, PAQET_TCP_WINDOW);
    let o = t + TcpOffset.Options;
    if (syn) {
      // MSS 1460, SACK permitted, timestamps (echo 0), NOP, window scale 8.
      o = writeMssOption(out, o, PAQET_SYN_MSS);
      o = writeSackPermittedOption(out, o);
      o = writeTimestampsOption(out, o, n.tsval, 0);
      o = writeNopOption(out, o);
      writeWindowScaleOption(out, o, PAQET_SYN_WINDOW_SCALE);
    } else {
      // NOP, NOP, timestamps.
      o = writeNopOption(out, writeNopOption(out, o));
      writeTimestampsOption(out, o, n.tsval, n.tsecr);
    }
    out.set(payload, t + tcpHeaderLength);
    this.lastTcpOffset = t - offset;
    const pseudo = tpl.pseudoConstSum + dstSum + tcpLength;
    if (partial) writeU16(out, t + TcpOffset.Checksum, foldSum(pseudo));
    else writeU16(out, t + TcpOffset.Checksum, ~foldSum(sumWords(out, t, t + tcpLength, pseudo)) & 0xffff);
    return frameLength;
  }

  /** The counter value the next `assemble` will use (counter + 1, wrapped). */
  get nextCounter(): number {
    return (this.counter + 1) >>> 0;
  }

  private resolve(dst: Endpoint): IpAddress {
    let ip: IpAddress | undefined;
    if (dst instanceof IpEndpoint) ip = dst.ip;
    else {
      ip = this.destinations.get(dst.address);
      if (ip === undefined) {
        const parsed = tryParseIpAddress(dst.address);
        if (parsed === null) throw envelopeError('destination.address', dst.address, 'not an IP address literal');
        if (this.destinations.size >= MAX_CACHED_DESTINATIONS) this.destinations.clear();
        this.destinations.set(dst.address, parsed);
        ip = parsed;
      }
    }
    // docs/protocol/frames.md, section 2: an IPv4-mapped IPv6 destination gets an IPv4 packet.
    return ip.family === 6 && ip.ipv4Mapped !== null ? ip.ipv4Mapped : ip;
  }
}

const NO_ADDRESS_V4 = new Uint8Array(4);
const NO_ADDRESS_V6 = new Uint8Array(16);

function buildV4Template(routerMac: MacAddress, localMac: MacAddress, src: Ipv4Address): FamilyTemplate {
  const head = new Uint8Array(ETHERNET_HEADER_LENGTH + IPV4_MIN_HEADER_LENGTH);
  const ip = assembleEthernet(head, 0, routerMac, localMac, ETHERTYPE_IPV4);
  // DF, identification 0, TOS 0xB8, TTL 64 (docs/protocol/frames.md).
  assembleIpv4(head, ip, {
    tos: PAQET_IPV4_TOS, totalLength: IPV4_MIN_HEADER_LENGTH, dontFragment: true, ttl: PAQET_TTL,
    protocol: IP_PROTOCOL_TCP, source: src, destination: NO_ADDRESS_V4,
  });
  // Constant words only: total length and checksum are zeroed; the destination is zero already.
  writeU16(head, ip + Ipv4Offset.TotalLength, 0);
  writeU16(head, ip + Ipv4Offset.Checksum, 0);
  const ipConstSum = sumWords(head, ip, ip + IPV4_MIN_HEADER_LENGTH);
  return { head, ipConstSum, pseudoConstSum: sumWords(src.bytes, 0, 4) + IP_PROTOCOL_TCP };
}

function buildV6Template(routerMac: MacAddress, localMac: MacAddress, src: Ipv6Address): FamilyTemplate {
  const head = new Uint8Array(ETHERNET_HEADER_LENGTH + IPV6_HEADER_LENGTH);
  const ip = assembleEthernet(head, 0, routerMac, localMac, ETHERTYPE_IPV6);
  // Traffic class 0xB8 (the IPv4 TOS), flow label 0, hop limit 64.
  assembleIpv6(head, ip, {
    trafficClass: PAQET_IPV4_TOS, payloadLength: 0, nextHeader: IP_PROTOCOL_TCP, hopLimit: PAQET_TTL,
    source: src, destination: NO_ADDRESS_V6,
  });
  return { head, ipConstSum: 0, pseudoConstSum: sumWords(src.bytes, 0, 16) + IP_PROTOCOL_TCP };
}

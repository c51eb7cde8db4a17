/**
 * SOCKS5 wire format (RFC 1928, RFC 1929 username/password), pure parse and encode.
 * Parsers take the bytes received so far and say whether a message is complete.
 */
import { ipToBytes, ipv4ToText, ipv6ToText } from './ip.js';

export const SOCKS_VERSION = 0x05;
export const USERPASS_VERSION = 0x01;

export const Method = { NoAuth: 0x00, UserPass: 0x02, NoneAcceptable: 0xff } as const;
export const Command = { Connect: 0x01, Bind: 0x02, UdpAssociate: 0x03 } as const;
export const AddressType = { IPv4: 0x01, Domain: 0x03, IPv6: 0x04 } as const;

/** RFC 1928 §6 reply codes. */
export const ReplyCode = {
  Succeeded: 0x00,
  GeneralFailure: 0x01,
  NotAllowed: 0x02,
  NetworkUnreachable: 0x03,
  HostUnreachable: 0x04,
  ConnectionRefused: 0x05,
  TtlExpired: 0x06,
  CommandNotSupported: 0x07,
  AddressTypeNotSupported: 0x08,
} as const;
export type ReplyCode = (typeof ReplyCode)[keyof typeof ReplyCode];

/** Result of parsing a message that may not have fully arrived yet. */
export type ParseResult<T> =
  | { readonly status: 'incomplete' }
  | { readonly status: 'ok'; readonly value: T; readonly length: number }
  | { readonly status: 'invalid'; readonly reason: string; readonly reply?: ReplyCode };

const INCOMPLETE = { status: 'incomplete' } as const;

/** `VER NMETHODS METHODS…` */
export function parseGreeting(buf: Uint8Array): ParseResult<{ methods: Uint8Array }> {
  if (buf.length < 2) return INCOMPLETE;
  if (buf[0] !== SOCKS_VERSION) return { status: 'invalid', reason: `greeting version ${buf[0]}` };
  const length = 2 + buf[1];
  if (buf.length < length) return INCOMPLETE;
  return { status: 'ok', value: { methods: buf.subarray(2, length) }, length };
}

/** RFC 1929: `VER ULEN UNAME PLEN PASSWD` */
export function parseUserPass(buf: Uint8Array): ParseResult<{ username: Uint8Array; password: Uint8Array }> {
  if (buf.length < 2) return INCOMPLETE;
  if (buf[0] !== USERPASS_VERSION) return { status: 'invalid', reason: `auth version ${buf[0]}` };
  const userEnd = 2 + buf[1];
  if (buf.length < userEnd + 1) return INCOMPLETE;
  const length = userEnd + 1 + buf[userEnd];
  if (buf.length < length) return INCOMPLETE;
  return { status: 'ok', value: { username: buf.subarray(2, userEnd), password: buf.subarray(userEnd + 1, length) }, length };
}

export interface SocksAddress {
  readonly type: number;
  /** Dotted IPv4, RFC 5952 IPv6 (IPv4-mapped printed as IPv4) or the domain name. */
  readonly host: string;
  readonly port: number;
}

export interface SocksRequest extends SocksAddress {
  readonly command: number;
}

/** `VER CMD RSV ATYP DST.ADDR DST.PORT` */
export function parseRequest(buf: Uint8Array): ParseResult<SocksRequest> {
  if (buf.length < 4) return INCOMPLETE;
  if (buf[0] !== SOCKS_VERSION) return { status: 'invalid', reason: `request version ${buf[0]}` };
  const address = parseAddress(buf, 3);
  if (address.status !== 'ok') return address;
  return { status: 'ok', value: { command: buf[1], ...address.value }, length: 3 + address.length };
}

/** `ATYP ADDR PORT` at `offset`; `length` counts from `offset`. */
export function parseAddress(buf: Uint8Array, offset: number): ParseResult<SocksAddress> {
  if (buf.length < offset + 1) return INCOMPLETE;
  const type = buf[offset];
  let addressLength: number;
  let start = offset + 1;
  switch (type) {
    case AddressType.IPv4:
      addressLength = 4;
      break;
    case AddressType.IPv6:
      addressLength = 16;
      break;
    case AddressType.Domain:
      if (buf.length < offset + 2) return INCOMPLETE;
      addressLength = buf[offset + 1];
      start = offset + 2;
      break;
    default:
      return { status: 'invalid', reason: `address type ${type}`, reply: ReplyCode.AddressTypeNotSupported };
  }
  const end = start + addressLength + 2;
  if (buf.length < end) return INCOMPLETE;
  const host =
    type === AddressType.IPv4
      ? ipv4ToText(buf, start)
      : type === AddressType.IPv6
        ? ipv6ToText(buf, start)
        : Buffer.from(buf.buffer, buf.byteOffset + start, addressLength).toString('utf8');
  const port = (buf[end - 2] << 8) | buf[end - 1];
  return { status: 'ok', value: { type, host, port }, length: end - offset };
}

export function encodeMethodSelection(method: number): Buffer {
  return Buffer.from([SOCKS_VERSION, method]);
}

export function encodeUserPassStatus(success: boolean): Buffer {
  return Buffer.from([USERPASS_VERSION, success ? 0x00 : 0x01]);
}

/**
 * `VER REP RSV ATYP BND.ADDR BND.PORT`. The bound address is sent as IPv4 when it has an
 * IPv4 form, else IPv6; failures (and a non-IP bound address) carry 0.0.0.0:0.
 */
export function encodeReply(code: ReplyCode, bound?: { address: string; port: number }): Buffer {
  const ip = bound ? ipToBytes(bound.address) : null;
  const addr = ip ?? new Uint8Array(4);
  const out = Buffer.alloc(4 + addr.length + 2);
  out[0] = SOCKS_VERSION;
  out[1] = code;
  out[3] = addr.length === 4 ? AddressType.IPv4 : AddressType.IPv6;
  out.set(addr, 4);
  out.writeUInt16BE(ip && bound ? bound.port : 0, 4 + addr.length);
  return out;
}

/** UDP request header `RSV(2) FRAG ATYP DST.ADDR DST.PORT` of a relayed datagram. */
export interface SocksUdpHeader extends SocksAddress {
  readonly fragment: number;
  /** Header size in bytes; the payload follows. */
  readonly length: number;
}

/** Parses the header of a client datagram; null when it is truncated or has an unknown type. */
export function parseUdpHeader(datagram: Uint8Array): SocksUdpHeader | null {
  if (datagram.length < 4) return null;
  const address = parseAddress(datagram, 3);
  if (address.status !== 'ok') return null;
  return { fragment: datagram[2], ...address.value, length: 3 + address.length };
}

/** A reply header for datagrams from a destination: the request's address fields with RSV and FRAG zero. */
export function udpReplyHeaderFrom(datagram: Uint8Array, header: SocksUdpHeader): Buffer {
  const out = Buffer.from(datagram.subarray(0, header.length));
  out[0] = 0;
  out[1] = 0;
  out[2] = 0;
  return out;
}

/** A UDP header for `host:port` (IP literal → IPv4/IPv6 type, anything else → domain). */
export function encodeUdpHeader(host: string, port: number): Buffer {
  const ip = ipToBytes(host);
  const name = ip ? null : Buffer.from(host, 'utf8');
  if (name && name.length > 255) throw new RangeError(`domain ${JSON.stringify(host)}: longer than 255 bytes`);
  const addressLength = ip ? ip.length : 1 + name!.length;
  const out = Buffer.alloc(4 + addressLength + 2);
  if (ip) {
    out[3] = ip.length === 4 ? AddressType.IPv4 : AddressType.IPv6;
    out.set(ip, 4);
  } else {
    out[3] = AddressType.Domain;
    out[4] = name!.length;
    out.set(name!, 5);
  }
  out.writeUInt16BE(port, 4 + addressLength);
  return out;
}

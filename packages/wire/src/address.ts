/**
 * Address value types: MAC, IPv4, IPv6 and endpoint (IP + port). Each is
 * validated on construction and immutable; the canonical text form is computed
 * once so hot paths can use it as a map key without allocating.
 */
import type { Endpoint } from './conn.js';
import { WireErrorCode } from './error-codes.js';
import { PaqetValueError } from './errors.js';

function addressError(field: string, value: unknown, reason: string): PaqetValueError {
  return new PaqetValueError(WireErrorCode.Address, field, value, reason);
}

function hex2(n: number): string {
  return (n < 16 ? '0' : '') + n.toString(16);
}

export class MacAddress {
  /** The 6 address bytes (do not mutate). */
  readonly bytes: Uint8Array;
  /** Lower-case colon form, e.g. "02:00:00:00:00:01". */
  readonly text: string;

  private constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.text = formatHardwareAddress(bytes);
  }

  /** Any form parseHardwareAddress accepts ("aa:bb:..", "aa-bb-..", "aabb.ccdd.eeff"), 6 bytes long. */
  static parse(text: string): MacAddress {
    const bytes = parseHardwareAddress(text);
    if (bytes.length !== 6) throw addressError('mac', text, `an Ethernet MAC has 6 bytes, not ${bytes.length}`);
    return new MacAddress(bytes);
  }

  /** Copies 6 bytes starting at `offset`. */
  static fromBytes(bytes: Uint8Array, offset = 0): MacAddress {
    if (offset < 0 || offset + 6 > bytes.length) throw addressError('mac', bytes, `needs 6 bytes at offset ${offset}`);
    return new MacAddress(bytes.slice(offset, offset + 6));
  }

  static from(value: MacAddress | string | Uint8Array): MacAddress {
    if (value instanceof MacAddress) return value;
    if (typeof value === 'string') return MacAddress.parse(value);
    if (value.length !== 6) throw addressError('mac', value, 'must be exactly 6 bytes');
    return MacAddress.fromBytes(value);
  }

  equals(other: MacAddress): boolean {
    return bytesEqual(this.bytes, 0, other.bytes, 0, 6);
  }

  toString(): string {
    return this.text;
  }
}

export class Ipv4Address {
  readonly family = 4 as const;
  /** The 4 address bytes (do not mutate). */
  readonly bytes: Uint8Array;
  /** The address as an unsigned 32-bit integer. */
  readonly value: number;
  /** Dotted-quad text. */
  readonly text: string;

  private constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.value = ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0;
    this.text = `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
  }

  /** Strict dotted quad: four decimal octets 0..255, no leading zeros. */
  static parse(text: string): Ipv4Address {
    const bytes = parseDottedQuad(text);
    if (!bytes) throw addressError('ipv4', text, 'not a dotted-quad IPv4 address');
    return new Ipv4Address(bytes);
  }

  static fromBytes(bytes: Uint8Array, offset = 0): Ipv4Address {
    if (offset < 0 || offset + 4 > bytes.length) throw addressError('ipv4', bytes, `needs 4 bytes at offset ${offset}`);
    return new Ipv4Address(bytes.slice(offset, offset + 4));
  }

  static fromValue(value: number): Ipv4Address {
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw addressError('ipv4', value, 'not a 32-bit unsigned integer');
    return new Ipv4Address(Uint8Array.of(value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff));
  }

  equals(other: IpAddress): boolean {
    return other.family === 4 && other.value === this.value;
  }

  toString(): string {
    return this.text;
  }
}

export class Ipv6Address {
  readonly family = 6 as const;
  /** The 16 address bytes (do not mutate). */
  readonly bytes: Uint8Array;
  /** RFC 5952 text (lower case, longest zero run compressed). */
  readonly text: string;
  /** For an IPv4-mapped address (::ffff:a.b.c.d) the IPv4 address, else null. */
  readonly ipv4Mapped: Ipv4Address | null;

  private constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.ipv4Mapped = isV4Mapped(bytes) ? Ipv4Address.fromBytes(bytes, 12) : null;
    this.text = formatIpv6(bytes, this.ipv4Mapped);
  }

  /** RFC 4291 text forms, including "::" and a trailing dotted quad. Zones are rejected. */
  static parse(text: string): Ipv6Address {
    const bytes = parseIpv6Text(text);
    if (!bytes) throw addressError('ipv6', text, 'not an IPv6 address');
    return new Ipv6Address(bytes);
  }

  static fromBytes(bytes: Uint8Array, offset = 0): Ipv6Address {
    if (offset < 0 || offset + 16 > bytes.length) throw addressError('ipv6', bytes, `needs 16 bytes at offset ${offset}`);
    return new Ipv6Address(bytes.slice(offset, offset + 16));
  }

  equals(other: IpAddress): boolean {
    return other.family === 6 && bytesEqual(this.bytes, 0, other.bytes, 0, 16);
  }

  toString(): string {
    return this.text;
  }
}

export type IpAddress = Ipv4Address | Ipv6Address;

/** Parses IPv4 dotted-quad or IPv6 text (brackets allowed around IPv6). */
export function parseIpAddress(text: string): IpAddress {
  if (text.startsWith('[') && text.endsWith(']')) return Ipv6Address.parse(text.slice(1, -1));
  if (text.includes(':')) return Ipv6Address.parse(text);
  return Ipv4Address.parse(text);
}

/** Returns the parsed address or null instead of throwing. */
export function tryParseIpAddress(text: string): IpAddress | null {
  if (text.includes(':')) {
    const inner = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
    const b = parseIpv6Text(inner);
    return b ? Ipv6Address.fromBytes(b) : null;
  }
  const b = parseDottedQuad(text);
  return b ? Ipv4Address.fromBytes(b) : null;
}

/** An IP address plus TCP/UDP port; satisfies the shared `Endpoint` interface. */
export class IpEndpoint implements Endpoint {
  readonly ip: IpAddress;
  readonly port: number;
  /** Canonical address text (`ip.text`), as `Endpoint.address`. */
  readonly address: string;
  /** "ip:port" or "[v6]:port", the same text as `endpointKey`. */
  readonly text: string;

  constructor(ip: IpAddress, port: number) {
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw addressError('port', port, 'must be an integer 0..65535');
    this.ip = ip;
    this.port = port;
    this.address = ip.text;
    this.text = ip.family === 6 ? `[${ip.text}]:${port}` : `${ip.text}:${port}`;
  }

  /** "1.2.3.4:80" or "[2001:db8::1]:80" (brackets required for IPv6). */
  static parse(text: string): IpEndpoint {
    const colon = text.lastIndexOf(':');
    if (colon < 0) throw addressError('endpoint', text, 'missing ":port"');
    const host = text.slice(0, colon);
    const portText = text.slice(colon + 1);
    if (!/^[0-9]{1,5}$/.test(portText)) throw addressError('endpoint', text, 'port is not a decimal number');
    let ip: IpAddress;
    if (host.startsWith('[')) {
      if (!host.endsWith(']')) throw addressError('endpoint', text, 'unbalanced "["');
      ip = Ipv6Address.parse(host.slice(1, -1));
    } else {
      if (host.includes(':')) throw addressError('endpoint', text, 'IPv6 host must be in brackets');
      ip = Ipv4Address.parse(host);
    }
    return new IpEndpoint(ip, Number(portText));
  }

  /** Builds from any `Endpoint` (its address must be an IP literal). */
  static from(ep: Endpoint): IpEndpoint {
    if (ep instanceof IpEndpoint) return ep;
    return new IpEndpoint(parseIpAddress(ep.address), ep.port);
  }

  equals(other: IpEndpoint): boolean {
    return this.port === other.port && this.ip.equals(other.ip);
  }

  toString(): string {
    return this.text;
  }
}

const HEX_PAIR = /^[0-9a-fA-F]{2}$/;
const HEX_QUAD = /^[0-9a-fA-F]{4}$/;

/**
 * A hardware address with Go's net.ParseMAC rules (the reference program's config parser):
 * 6, 8 or 20 bytes written as `xx:xx:..`, `xx-xx-..` or `xxxx.xxxx...`, any case.
 * Throws PAQET_ERR_ADDRESS (field `mac`) otherwise.
 */
export function parseHardwareAddress(text: string): Uint8Array {
  const fail = (): never => {
    throw addressError('mac', text, 'invalid MAC address');
  };
  if (text.length < 14) fail();
  let parts: string[];
  if (text[2] === ':' || text[2] === '-') {
    if ((text.length + 1) % 3 !== 0) fail();
    parts = text.split(text[2]);
    if (!parts.every((p) => HEX_PAIR.test(p))) fail();
  } else if (text[4] === '.') {
    if ((text.length + 1) % 5 !== 0) fail();
    parts = text.split('.');
    if (!parts.every((p) => HEX_QUAD.test(p))) fail();
  } else {
    return fail();
  }
  const hex = parts.join('');
  const n = hex.length / 2;
  if (n !== 6 && n !== 8 && n !== 20) fail();
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Lower-case colon form of a hardware address of any length. */
export function formatHardwareAddress(bytes: Uint8Array): string {
  let t = '';
  for (let i = 0; i < bytes.length; i++) t += (i > 0 ? ':' : '') + hex2(bytes[i]);
  return t;
}

/** Text of an IP literal with IPv4-mapped IPv6 (`::ffff:a.b.c.d`) shown as dotted IPv4, as Go prints it. */
export function unmappedIpText(ip: IpAddress): string {
  return ip.family === 6 && ip.ipv4Mapped !== null ? ip.ipv4Mapped.text : ip.text;
}

export function bytesEqual(a: Uint8Array, aOff: number, b: Uint8Array, bOff: number, len: number): boolean {
  for (let i = 0; i < len; i++) if (a[aOff + i] !== b[bOff + i]) return false;
  return true;
}

function isV4Mapped(b: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return b[10] === 0xff && b[11] === 0xff;
}

function parseDottedQuad(text: string): Uint8Array | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i];
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    out[i] = n;
  }
  return out;
}

function parseIpv6Text(text: string): Uint8Array | null {
  if (text.length < 2 || text.length > 45) return null;
  const dbl = text.indexOf('::');
  if (dbl >= 0 && text.indexOf('::', dbl + 1) >= 0) return null;
  const words: number[] = [];
  const parseGroups = (s: string, allowV4Tail: boolean): number[] | null => {
    if (s === '') return [];
    const groups = s.split(':');
    const res: number[] = [];
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i];
      if (allowV4Tail && i === groups.length - 1 && g.includes('.')) {
        const v4 = parseDottedQuad(g);
        if (!v4) return null;
        res.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
        res.push(parseInt(g, 16));
      }
    }
    return res;
  };
  if (dbl >= 0) {
    const head = parseGroups(text.slice(0, dbl), false);
    const tail = parseGroups(text.slice(dbl + 2), true);
    if (!head || !tail || head.length + tail.length > 7) return null;
    words.push(...head);
    for (let i = head.length + tail.length; i < 8; i++) words.push(0);
    words.push(...tail);
  } else {
    const all = parseGroups(text, true);
    if (!all || all.length !== 8) return null;
    words.push(...all);
  }
  const out = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    out[2 * i] = words[i] >> 8;
    out[2 * i + 1] = words[i] & 0xff;
  }
  return out;
}

function formatIpv6(b: Uint8Array, mapped: Ipv4Address | null): string {
  if (mapped) return `::ffff:${mapped.text}`;
  const w: number[] = [];
  for (let i = 0; i < 8; i++) w.push((b[2 * i] << 8) | b[2 * i + 1]);
  // RFC 5952: compress the longest run (>= 2) of zero groups, the first on a tie.
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (w[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (from: number, to: number) => w.slice(from, to).map((x) => x.toString(16)).join(':');
  if (bestStart < 0) return hex(0, 8);
  return `${hex(0, bestStart)}::${hex(bestStart + bestLen, 8)}`;
}

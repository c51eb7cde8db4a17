import { Ipv4Address, Ipv6Address, tryParseIpAddress, unmappedIpText } from '@paqet/wire';

/** Dotted text of 4 bytes at `offset`. */
export function ipv4ToText(bytes: Uint8Array, offset: number): string {
  return Ipv4Address.fromBytes(bytes, offset).text;
}

/** RFC 5952 text of 16 bytes at `offset`; IPv4-mapped addresses print as dotted IPv4, as Go does. */
export function ipv6ToText(bytes: Uint8Array, offset: number): string {
  return unmappedIpText(Ipv6Address.fromBytes(bytes, offset));
}

/** Bytes of an IP literal: 4 for IPv4 (and IPv4-mapped IPv6), 16 for IPv6; null if not an IP. A zone is ignored. */
export function ipToBytes(address: string): Uint8Array | null {
  const zone = address.indexOf('%');
  const ip = tryParseIpAddress(zone >= 0 ? address.slice(0, zone) : address);
  if (ip === null) return null;
  return ip.family === 6 && ip.ipv4Mapped !== null ? ip.ipv4Mapped.bytes : ip.bytes;
}

import { formatHostPort, parseHostPort, tryParseIpAddress, unmappedIpText } from '@paqet/wire';

/** Where a stream or datagram channel goes: a DNS name or an IP literal (IPv6 without brackets), and a port. */
export interface TargetAddress {
  readonly host: string;
  readonly port: number;
}

export function formatTarget(target: TargetAddress): string {
  return formatHostPort(target.host, target.port);
}

/** `host:port` (hosts containing `:` bracketed), port 0-65535; throws @paqet/wire's PAQET_ERR_ADDRESS. */
export function parseTarget(text: string): TargetAddress {
  return parseHostPort(text, 65535);
}

/** IPv4-mapped IPv6 (`::ffff:a.b.c.d`) printed as dotted IPv4, as SOCKS replies and address matching want. */
export function unmapIPv4(address: string): string {
  const ip = tryParseIpAddress(address);
  return ip === null ? address : unmappedIpText(ip);
}

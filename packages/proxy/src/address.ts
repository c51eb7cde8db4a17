import { isIP } from 'node:net';

/** Where a stream or datagram channel goes: a DNS name or an IP literal (IPv6 without brackets), and a port. */
export interface TargetAddress {
  readonly host: string;
  readonly port: number;
}

/** `host:port`, bracketing hosts that contain `:` (the reference program's address text). */
export function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

export function formatTarget(target: TargetAddress): string {
  return formatHostPort(target.host, target.port);
}

/**
 * Parses `host:port` by splitting at the last colon; hosts containing `:` must be bracketed.
 * Throws a RangeError naming the bad value.
 */
export function parseHostPort(text: string): TargetAddress {
  const colon = text.lastIndexOf(':');
  if (colon < 0) throw new RangeError(`address ${JSON.stringify(text)}: missing port`);
  let host = text.slice(0, colon);
  const portText = text.slice(colon + 1);
  if (host.startsWith('[')) {
    if (!host.endsWith(']')) throw new RangeError(`address ${JSON.stringify(text)}: unterminated bracket`);
    host = host.slice(1, -1);
  } else if (host.includes(':')) {
    throw new RangeError(`address ${JSON.stringify(text)}: IPv6 host must be bracketed`);
  }
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) {
    throw new RangeError(`address ${JSON.stringify(text)}: port must be 0-65535`);
  }
  return { host, port: Number(portText) };
}

/** IPv4-mapped IPv6 (`::ffff:a.b.c.d`) printed as dotted IPv4, as SOCKS replies and address matching want. */
export function unmapIPv4(address: string): string {
  if (address.length > 7 && address.slice(0, 7).toLowerCase() === '::ffff:' && isIP(address.slice(7)) === 4) {
    return address.slice(7);
  }
  return address;
}

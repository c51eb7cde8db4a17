/**
 * `network.ipv4.addr` / `ipv6.addr` is the source address of every crafted
 * packet, so it must be an address of `network.interface` in that family; the
 * reference program does not check this and then sends packets nobody answers.
 */
import { isIP } from 'node:net';
import { tryParseIpAddress } from '@paqet/wire';
import type { ResolvedEndpoint } from './address.js';
import { shown } from './issues.js';
import type { Collector } from './collector.js';
import type { FoundInterface } from './interfaces.js';
import type { KeyPath } from './source.js';

const LISTED = 4;

function sameAddress(a: string, b: string): boolean {
  const x = tryParseIpAddress(a);
  const y = tryParseIpAddress(b);
  return x !== null && y !== null && x.equals(y);
}

/** `iface` null: the interface itself is missing (reported at network.interface); addresses null: not checkable here. */
export function checkLocalAddress(c: Collector, path: KeyPath, family: 4 | 6, ep: ResolvedEndpoint, iface: FoundInterface | null): void {
  if (ep.ip === null) {
    c.error(path, `needs this host's IPv${family} address, not an empty host`);
    return;
  }
  if (ep.family !== family) {
    c.error(path, `${ep.ip} is not an IPv${family} address`);
    return;
  }
  if (!iface?.addresses) return;
  const own = iface.addresses.filter((a) => isIP(a) === family);
  if (own.some((a) => sameAddress(a, ep.ip!))) return;
  const has = own.length === 0 ? `it has no IPv${family} address` : `it has ${own.slice(0, LISTED).join(', ')}${own.length > LISTED ? ', …' : ''}`;
  c.error(path, `${ep.ip} is not an address of interface ${shown(iface.name)} (${has})`);
}

/**
 * Interface lookup for `network.interface` (must exist; its MAC is the Ethernet
 * source, and network.ipv4/ipv6.addr must be one of its addresses).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';

export interface FoundInterface {
  readonly name: string;
  readonly mac: string | null;
  /** Its IPv4 and IPv6 addresses (no zone, no prefix length); null = not known here, nothing is checked. */
  readonly addresses: readonly string[] | null;
}

/** Returns the interface, or the error text Go's net.InterfaceByName would give. */
export type InterfaceFinder = (name: string) => FoundInterface | { error: string };

/**
 * The interface's addresses from netlink (`ip -j addr`): os.networkInterfaces() leaves out an
 * interface whose carrier is down at that instant (a veth pair just set up, a NIC at boot),
 * which would make a correct address look foreign. Null when `ip` cannot answer.
 */
function linuxAddresses(name: string): string[] | null {
  try {
    const out = execFileSync('ip', ['-j', 'addr', 'show', 'dev', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 });
    const links = JSON.parse(out) as { addr_info?: { local?: string }[] }[];
    return links.flatMap((l) => (l.addr_info ?? []).map((a) => a.local).filter((a): a is string => Boolean(a)));
  } catch {
    return null;
  }
}

export const systemInterfaceFinder: InterfaceFinder = (name) => {
  const entries = networkInterfaces()[name];
  const fromOs = (entries ?? []).map((e) => e.address);
  const fromNetlink = process.platform === 'linux' && /^[\w.:@-]{1,15}$/.test(name) ? linuxAddresses(name) : null;
  const addresses = fromNetlink ?? fromOs;
  // /sys lists interfaces that have no address too (os.networkInterfaces does not).
  if (process.platform === 'linux' && !name.includes('/') && name !== '.' && name !== '..') {
    try {
      const mac = readFileSync(`/sys/class/net/${name}/address`, 'utf8').trim();
      return { name, mac: mac && mac !== '00:00:00:00:00:00' ? mac : null, addresses };
    } catch {
      // fall through to the portable list
    }
  }
  if (!entries) return { error: 'route ip+net: no such network interface' };
  const mac = entries.find((e) => e.mac && e.mac !== '00:00:00:00:00:00')?.mac ?? null;
  return { name, mac, addresses };
};

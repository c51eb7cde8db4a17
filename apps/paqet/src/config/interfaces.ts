/**
 * Interface lookup for `network.interface` (must exist; its MAC is the Ethernet
 * source, and network.ipv4/ipv6.addr must be one of its addresses).
 */
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

export const systemInterfaceFinder: InterfaceFinder = (name) => {
  const entries = networkInterfaces()[name];
  const addresses = (entries ?? []).map((e) => e.address);
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

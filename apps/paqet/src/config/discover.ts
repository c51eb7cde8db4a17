/**
 * Our extension: the `network:` section (or parts of it) may be left out. What is missing is
 * taken from the host's default route at start: the interface, the local address of each
 * family that has a default route, and the gateway's MAC. Explicit values always win; a
 * section that is complete triggers no discovery at all, so Go-style configs behave as before.
 */
import { defaultRoute, type DefaultRoute } from '@paqet/rawsock';
import type { ConfigFile } from './schema.js';
import { splitHostPort } from './address.js';

export type RouteFinder = (family: 4 | 6) => Promise<DefaultRoute>;

export const systemRouteFinder: RouteFinder = (family) => defaultRoute({ family, timeoutMs: 2000 });

export interface DiscoveryResult {
  /** The config with the discovered values filled in. */
  readonly raw: ConfigFile;
  /** One line per filled-in value, for the start-up log. */
  readonly notes: readonly string[];
  /** Why nothing could be discovered (the usual validation errors then apply). */
  readonly failure: string | null;
}

type NetworkFile = NonNullable<ConfigFile['network']>;
type AddrEntry = NonNullable<NetworkFile['ipv4']>;

function needsDiscovery(net: NetworkFile | null | undefined): boolean {
  if (!net?.interface) return true;
  if (!net.ipv4?.addr && !net.ipv6?.addr) return true;
  return Boolean((net.ipv4?.addr && !net.ipv4.router_mac) || (net.ipv6?.addr && !net.ipv6.router_mac));
}

/** The port a discovered address gets: the server's listen port, 0 (random) for a client. */
function localPort(raw: ConfigFile, role: string): string {
  if (role !== 'server' || !raw.listen?.addr) return '0';
  try {
    return splitHostPort(raw.listen.addr).port || '0';
  } catch {
    return '0';
  }
}

export async function discoverNetwork(raw: ConfigFile, role: string, findRoute: RouteFinder): Promise<DiscoveryResult> {
  const net: NetworkFile = { ...(raw.network ?? {}) };
  if (!needsDiscovery(raw.network)) return { raw, notes: [], failure: null };
  const routes = new Map<4 | 6, DefaultRoute>();
  const failures: string[] = [];
  for (const family of [4, 6] as const) {
    try {
      routes.set(family, await findRoute(family));
    } catch (err) {
      failures.push((err as Error).message);
    }
  }
  if (routes.size === 0) return { raw, notes: [], failure: failures.join('; ') };
  const notes: string[] = [];
  const primary = routes.get(4) ?? routes.get(6)!;
  if (!net.interface) {
    net.interface = primary.interface;
    notes.push(`network.interface: ${primary.interface} (default route)`);
  }
  const port = localPort(raw, role);
  const explicitFamily = Boolean(net.ipv4?.addr || net.ipv6?.addr);
  for (const [family, key] of [[4, 'ipv4'], [6, 'ipv6']] as const) {
    const route = routes.get(family);
    const entry: AddrEntry = { ...(net[key] ?? {}) };
    if (!entry.addr && !explicitFamily && route && route.interface === net.interface) {
      entry.addr = family === 6 ? `[${route.sourceAddress}]:${port}` : `${route.sourceAddress}:${port}`;
      notes.push(`network.${key}.addr: ${entry.addr}`);
    }
    if (entry.addr && !entry.router_mac && route && route.interface === net.interface) {
      entry.router_mac = route.gatewayMac;
      notes.push(`network.${key}.router_mac: ${route.gatewayMac} (gateway ${route.gateway})`);
    }
    if (entry.addr || entry.router_mac) net[key] = entry;
  }
  return { raw: { ...raw, network: net }, notes, failure: null };
}

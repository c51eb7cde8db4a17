/**
 * Linux interface discovery for `paqet iface` and config generation: interfaces with
 * their MAC and addresses, the default route (interface, source address, gateway) and
 * the gateway's MAC from the neighbour table, resolving it when the table has none.
 * Uses /sys/class/net and iproute2's JSON output (`ip -j`).
 */
import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { readdirSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { RawsockError, RawsockErrorCode, noSuchInterfaceError } from './errors.js';

export interface InterfaceAddress {
  family: 4 | 6;
  address: string;
  prefixLength: number;
  /** "global", "link", "host"... as iproute2 reports it. */
  scope: string;
}

export interface NetworkInterfaceInfo {
  name: string;
  index: number;
  /** Lower-case colon MAC, or null for interfaces without one (TUN, PPP...). */
  mac: string | null;
  mtu: number;
  up: boolean;
  loopback: boolean;
  /** iproute2's link type: "ether", "loopback", "none" (TUN)... paqet needs "ether". */
  linkType: string;
  addresses: InterfaceAddress[];
}

export interface DefaultRoute {
  family: 4 | 6;
  interface: string;
  sourceAddress: string;
  gateway: string;
  /** The gateway's MAC (use as network.ipv4/ipv6.router_mac). */
  gatewayMac: string;
}

export interface DefaultRouteOptions {
  family?: 4 | 6;
  /** Resolve the gateway MAC when the neighbour table lacks it (default true). */
  resolve?: boolean;
  /** How long resolution may take (default 2000 ms). */
  timeoutMs?: number;
}

/** Names of the interfaces of this network namespace (sync; used in error messages). */
export function interfaceNames(): string[] {
  try {
    return readdirSync('/sys/class/net').sort();
  } catch {
    return Object.keys(networkInterfaces()).sort();
  }
}

/** Throws PAQET_ERR_NO_SUCH_INTERFACE (listing the existing ones) unless `name` exists. */
export function assertInterfaceExists(name: string): void {
  const names = interfaceNames();
  if (!names.includes(name)) throw noSuchInterfaceError(name, names);
}

function runIp(args: string[]): Promise<unknown> {
  return new Promise((resolve, reject) => {
    execFile('ip', ['-j', ...args], { timeout: 5000 }, (err, stdout, stderr) => {
      if (err) {
        const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
        reject(
          new RawsockError(
            RawsockErrorCode.Discovery,
            missing
              ? 'the "ip" command (iproute2) is not installed; install iproute2'
              : `ip ${args.join(' ')} failed: ${String(stderr).trim() || err.message}`,
            { cause: err },
          ),
        );
        return;
      }
      const text = stdout.trim();
      try {
        resolve(text === '' ? [] : JSON.parse(text));
      } catch (parseErr) {
        reject(new RawsockError(RawsockErrorCode.Discovery, `ip ${args.join(' ')}: unreadable JSON output`, { cause: parseErr }));
      }
    });
  });
}

interface IpAddrEntry {
  ifindex: number;
  ifname: string;
  flags?: string[];
  mtu?: number;
  link_type?: string;
  address?: string;
  addr_info?: { family: string; local: string; prefixlen: number; scope?: string }[];
}

export async function listInterfaces(): Promise<NetworkInterfaceInfo[]> {
  const entries = (await runIp(['addr', 'show'])) as IpAddrEntry[];
  return entries.map((e) => {
    const linkType = e.link_type ?? 'unknown';
    const mac = e.address && /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(e.address) && linkType === 'ether' ? e.address.toLowerCase() : null;
    return {
      name: e.ifname,
      index: e.ifindex,
      mac,
      mtu: e.mtu ?? 0,
      up: (e.flags ?? []).includes('UP'),
      loopback: (e.flags ?? []).includes('LOOPBACK'),
      linkType,
      addresses: (e.addr_info ?? [])
        .filter((a) => a.family === 'inet' || a.family === 'inet6')
        .map((a) => ({ family: a.family === 'inet' ? 4 : 6, address: a.local, prefixLength: a.prefixlen, scope: a.scope ?? 'global' })),
    };
  });
}

/** One interface by name; PAQET_ERR_NO_SUCH_INTERFACE if absent. */
export async function getInterface(name: string): Promise<NetworkInterfaceInfo> {
  const all = await listInterfaces();
  const found = all.find((i) => i.name === name);
  if (!found) throw noSuchInterfaceError(name, all.map((i) => i.name));
  return found;
}

interface IpRouteEntry {
  dst: string;
  gateway?: string;
  dev?: string;
  metric?: number;
  prefsrc?: string;
}

export async function defaultRoute(options: DefaultRouteOptions = {}): Promise<DefaultRoute> {
  const family = options.family ?? 4;
  const routes = ((await runIp([`-${family}`, 'route', 'show', 'default'])) as IpRouteEntry[])
    .filter((r) => r.dst === 'default' && r.gateway && r.dev)
    .sort((x, y) => (x.metric ?? 0) - (y.metric ?? 0));
  const route = routes[0];
  if (!route?.gateway || !route.dev) {
    throw new RawsockError(RawsockErrorCode.NoRoute, `no IPv${family} default route with a gateway in this network namespace`);
  }
  const gateway = route.gateway;
  const via = ((await runIp([`-${family}`, 'route', 'get', gateway])) as IpRouteEntry[])[0];
  const sourceAddress = via?.prefsrc ?? (await firstAddress(route.dev, family));
  let gatewayMac = await neighbourMac(gateway, route.dev);
  if (!gatewayMac && options.resolve !== false) {
    gatewayMac = await resolveNeighbourMac(gateway, route.dev, { timeoutMs: options.timeoutMs });
  }
  if (!gatewayMac) {
    throw new RawsockError(RawsockErrorCode.Neighbour, `the MAC address of gateway ${gateway} on ${route.dev} is not known`);
  }
  return { family, interface: route.dev, sourceAddress, gateway, gatewayMac };
}

async function firstAddress(dev: string, family: 4 | 6): Promise<string> {
  const iface = await getInterface(dev);
  const addr = iface.addresses.find((a) => a.family === family && a.scope === 'global') ?? iface.addresses.find((a) => a.family === family);
  if (!addr) throw new RawsockError(RawsockErrorCode.NoRoute, `interface ${dev} has no IPv${family} address`);
  return addr.address;
}

interface IpNeighEntry {
  dst: string;
  dev?: string;
  lladdr?: string;
  state?: string[];
}

/** The neighbour table's MAC for `ip` on `dev`, or null if absent/unresolved. */
export async function neighbourMac(ip: string, dev: string): Promise<string | null> {
  const entries = (await runIp(['neigh', 'show', 'to', ip, 'dev', dev])) as IpNeighEntry[];
  for (const e of entries) {
    const state = e.state ?? [];
    if (e.lladdr && !state.includes('FAILED') && !state.includes('INCOMPLETE')) return e.lladdr.toLowerCase();
  }
  return null;
}

/**
 * Makes the kernel resolve `ip` (ARP / neighbour discovery) by sending it one UDP
 * datagram to the discard port, then polls the neighbour table. Needs no ping binary
 * and no privileges. Returns null if nothing answered within the timeout.
 */
export async function resolveNeighbourMac(
  ip: string,
  dev: string,
  options: { timeoutMs?: number } = {},
): Promise<string | null> {
  const deadline = Date.now() + (options.timeoutMs ?? 2000);
  const family = ip.includes(':') ? 6 : 4;
  const sock = createSocket(family === 6 ? 'udp6' : 'udp4');
  sock.on('error', () => {
    /* unreachable gateways answer with ICMP errors; they are expected here */
  });
  try {
    let nextProbe = 0;
    while (Date.now() < deadline) {
      if (Date.now() >= nextProbe) {
        sock.send(Buffer.from([0]), 9, ip);
        nextProbe = Date.now() + 500;
      }
      await new Promise((r) => setTimeout(r, 50));
      const mac = await neighbourMac(ip, dev);
      if (mac) return mac;
    }
    return null;
  } finally {
    sock.close();
  }
}

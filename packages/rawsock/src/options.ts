/**
 * Options of a raw socket, mirroring the `network` config section (docs/configuration.md),
 * validated into the values the socket runs with.
 */
import { readFileSync } from 'node:fs';
import { MacAddress, parseIpAddress, parseTcpFlagList, type IpAddress } from '@paqet/wire';
import { RawsockError, RawsockErrorCode } from './errors.js';
import { assertInterfaceExists } from './discovery.js';

export interface RawSocketFamilyOptions {
  /** Local source address (network.ipv4.addr / ipv6.addr without the port). */
  addr: string;
  /** Local TCP port; 0 picks a random port in [32768, 65535] (docs/protocol/frames.md, section 1). */
  port: number;
  /** Ethernet destination for this family (network.ipv4.router_mac / ipv6.router_mac). */
  routerMac: string;
}

export interface RawSocketOptions {
  /** network.interface: the Ethernet interface to capture on and inject into. */
  interface: string;
  ipv4?: RawSocketFamilyOptions;
  ipv6?: RawSocketFamilyOptions;
  /** network.tcp.local_flag: flag strings cycled over outbound packets (default ["PA"]). */
  localFlags?: readonly string[];
  /** network.pcap.sockbuf: receive-handle kernel buffer in bytes (default 4 MiB, the client default). */
  sockbuf?: number;
  /** Source MAC; default: the interface's own (from /sys/class/net). */
  localMac?: string;
}

export interface ResolvedFamily {
  ip: IpAddress;
  routerMac: MacAddress;
}

export interface ResolvedOptions {
  interface: string;
  port: number;
  localMac: MacAddress;
  ipv4: ResolvedFamily | null;
  ipv6: ResolvedFamily | null;
  localFlags: number[];
  sockbuf: number;
}

export const DEFAULT_SOCKBUF = 4 * 1024 * 1024;

function optionsError(message: string, cause?: unknown): RawsockError {
  return new RawsockError(RawsockErrorCode.Options, message, cause === undefined ? undefined : { cause });
}

function resolveFamily(name: 'ipv4' | 'ipv6', f: RawSocketFamilyOptions | undefined): ResolvedFamily | null {
  if (!f) return null;
  let ip: IpAddress;
  let routerMac: MacAddress;
  try {
    ip = parseIpAddress(f.addr);
  } catch (err) {
    throw optionsError(`${name}.addr: ${(err as Error).message}`, err);
  }
  if ((name === 'ipv4') !== (ip.family === 4)) throw optionsError(`${name}.addr ${f.addr} is not an ${name === 'ipv4' ? 'IPv4' : 'IPv6'} address`);
  try {
    routerMac = MacAddress.parse(f.routerMac);
  } catch (err) {
    throw optionsError(`${name}.routerMac: ${(err as Error).message}`, err);
  }
  if (!Number.isInteger(f.port) || f.port < 0 || f.port > 65535) throw optionsError(`${name}.port must be 0..65535 (got ${f.port})`);
  return { ip, routerMac };
}

/** The interface's MAC from sysfs, or null if it has none / is not Linux. */
export function interfaceMac(name: string): string | null {
  try {
    const mac = readFileSync(`/sys/class/net/${name}/address`, 'utf8').trim();
    return /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(mac) && mac !== '00:00:00:00:00:00' ? mac : null;
  } catch {
    return null;
  }
}

/** The interface MTU from sysfs (1500 if unknown). */
export function interfaceMtu(name: string): number {
  try {
    return parseInt(readFileSync(`/sys/class/net/${name}/mtu`, 'utf8'), 10) || 1500;
  } catch {
    return 1500;
  }
}

export function randomPort(): number {
  return 32768 + Math.floor(Math.random() * 32768);
}

/** Validates options. Interface existence is checked separately (it needs the host). */
export function resolveOptions(o: RawSocketOptions): ResolvedOptions {
  if (!o.interface) throw optionsError('interface is required');
  if (o.interface.length > 15) throw optionsError(`interface name too long (max 15 characters): '${o.interface}'`);
  const ipv4 = resolveFamily('ipv4', o.ipv4);
  const ipv6 = resolveFamily('ipv6', o.ipv6);
  if (!ipv4 && !ipv6) throw optionsError('at least one address family (ipv4 or ipv6) must be configured');
  if (o.ipv4 && o.ipv6 && o.ipv4.port !== o.ipv6.port) {
    throw optionsError(`IPv4 port (${o.ipv4.port}) and IPv6 port (${o.ipv6.port}) must match when both are configured`);
  }
  // docs/protocol/frames.md, section 1: the IPv6 port wins when both are set (they are equal anyway).
  const configuredPort = o.ipv6?.port ?? o.ipv4!.port;
  const sockbuf = o.sockbuf ?? DEFAULT_SOCKBUF;
  if (!Number.isInteger(sockbuf) || sockbuf < 1024) throw optionsError(`sockbuf must be an integer >= 1024 bytes (got ${sockbuf})`);
  let localFlags: number[];
  try {
    localFlags = parseTcpFlagList(o.localFlags ?? null, 'localFlags');
  } catch (err) {
    throw optionsError((err as Error).message, err);
  }
  assertInterfaceExists(o.interface);
  const macText = o.localMac ?? interfaceMac(o.interface);
  if (!macText) throw new RawsockError(RawsockErrorCode.LinkType, `interface ${o.interface} has no Ethernet MAC address; paqet needs an Ethernet interface`);
  let localMac: MacAddress;
  try {
    localMac = MacAddress.parse(macText);
  } catch (err) {
    throw optionsError(`localMac: ${(err as Error).message}`, err);
  }
  return { interface: o.interface, port: configuredPort === 0 ? randomPort() : configuredPort, localMac, ipv4, ipv6, localFlags, sockbuf };
}

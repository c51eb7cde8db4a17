/**
 * Defaults and validation with the reference program's rules, messages and
 * order (docs/configuration.md): log level, socks5[i], forward[i], network,
 * transport, then the role-specific checks. Every problem is collected.
 */
import { AddressError, resolveUdpAddr, splitHostPort, type HostResolver, type ResolvedEndpoint } from './address.js';
import {
  BLOCK_NAMES, COMMON_DEFAULTS, FIREWALL_MODES, KCP_MODES, LIMITS, LOG_LEVELS, RAW_BACKEND_NAMES, ROLE_DEFAULTS, SERVER_PROTOCOLS, TRANSPORT_PROTOCOLS,
} from './constants.js';
import { CIPHERS, isBlockName, kcpTuning } from '@paqet/kcp';
import { parseFlagString, type TcpFlagSpec } from './flags.js';
import { resolveHeader, resolveProtocol, warnForkExtras } from './fork.js';
import type { FoundInterface, InterfaceFinder } from './interfaces.js';
import { shown } from './issues.js';
import { warnExposed, warnExposedMetrics } from './exposure.js';
import { checkSmuxAndFec } from './kcp-limits.js';
import { checkTargets } from './targets.js';
import { checkLocalAddress } from './local-address.js';
import { cipherKeyFor, deriveKey } from './key.js';
import { formatMac, MacParseError, parseMac } from './mac.js';
import { checkQuic, type CheckedQuic } from './quic.js';
import { readSecret } from './secrets.js';
import type { ConfigFile } from './schema.js';
import type { KeyPath } from './source.js';
import { Collector, type RawIssue } from './collector.js';
import type {
  BlockName, RawBackendName, FirewallMode, ForwardRule, KcpMode, LogLevelName, NetworkFamily, ResolvedConfig, ResolvedKcp, Role, Socks5Listener,
} from './types.js';

export interface ValidateEnv {
  readonly resolveHost: HostResolver;
  readonly findInterface: InterfaceFinder;
  readonly platform: NodeJS.Platform;
}

/** Go's validateAddr: required, resolvable, and (optionally) port 1-65535. */
async function checkAddr(
  c: Collector, path: KeyPath, text: string | null | undefined, checkPort: boolean, env: ValidateEnv, goPrefix = '',
): Promise<ResolvedEndpoint | null> {
  if (!text) {
    c.error(path, 'address is required', goPrefix);
    return null;
  }
  let ep: ResolvedEndpoint;
  try {
    ep = await resolveUdpAddr(text, env.resolveHost);
  } catch (err) {
    if (!(err instanceof AddressError)) throw err;
    c.error(path, `invalid address '${shown(text)}': ${err.message}`, goPrefix);
    return null;
  }
  if (checkPort && (ep.port < 1 || ep.port > 65535)) {
    c.error(path, 'port must be between 1-65535', goPrefix);
    return null;
  }
  return ep;
}

/** An empty list means the default, ["PA"] (docs/configuration.md); written as `[]` it is pointed out. */
function flagListOr(c: Collector, path: KeyPath, list: readonly (string | null | undefined)[] | null | undefined): string[] {
  if (list?.length) return list.map((s) => s ?? '');
  if (list) c.warn(path, `[] means the default, ${JSON.stringify(COMMON_DEFAULTS.tcpFlags)}`);
  return [...COMMON_DEFAULTS.tcpFlags];
}

function checkFlags(c: Collector, path: KeyPath, name: string, list: readonly string[]): TcpFlagSpec[] {
  const out: TcpFlagSpec[] = [];
  if (list.length === 0) c.error(path, 'at least one TCP flag combination required');
  if (list.length > LIMITS.flagStrings) c.error(path, `${name} exceeds max ${LIMITS.flagStrings}`);
  list.forEach((text, i) => {
    const parsed = parseFlagString(text);
    if ('badChar' in parsed) {
      c.error([...path, i], `invalid TCP flag '${shown(parsed.badChar)}' in combination`);
      return;
    }
    out.push(parsed);
    if (parsed.bits === 0) c.warn([...path, i], '"" sends segments with no TCP flags at all, which many networks drop');
  });
  return out;
}

async function checkFamily(
  c: Collector, path: KeyPath, entry: { addr?: string | null; router_mac?: string | null }, env: ValidateEnv,
  family: 4 | 6, iface: FoundInterface | null,
): Promise<{ addr: ResolvedEndpoint | null; family: NetworkFamily | null }> {
  const addr = await checkAddr(c, [...path, 'addr'], entry.addr, false, env);
  if (addr) checkLocalAddress(c, [...path, 'addr'], family, addr, iface);
  const macText = entry.router_mac ?? '';
  let mac: Uint8Array | null = null;
  if (!macText) c.error([...path, 'router_mac'], 'router MAC address is required');
  try {
    mac = parseMac(macText);
  } catch (err) {
    if (!(err instanceof MacParseError)) throw err;
    c.error([...path, 'router_mac'], `invalid Router MAC address '${shown(macText)}': ${err.message}`);
  }
  // Go accepts 8- and 20-byte forms here, but only a 6-byte MAC fits an Ethernet header.
  if (mac && mac.length !== 6) c.error([...path, 'router_mac'], `router MAC must be a 6-byte Ethernet address, not ${mac.length} bytes`);
  else if (mac) checkRouterMac(c, [...path, 'router_mac'], mac);
  return { addr, family: addr && mac ? { addr, routerMac: formatMac(mac), routerMacBytes: mac } : null };
}

/** Example MACs from documentation; a gateway with one of these is far less likely than a copied example. */
const EXAMPLE_MACS = new Set(['aa:bb:cc:dd:ee:ff', '00:11:22:33:44:55', '11:22:33:44:55:66', '12:34:56:78:9a:bc', '01:23:45:67:89:ab', 'de:ad:be:ef:00:01']);

/** A gateway's MAC is a unicast address: zero, broadcast and multicast cannot be; example values are warned about. */
function checkRouterMac(c: Collector, path: KeyPath, mac: Uint8Array): void {
  const text = formatMac(mac);
  if (mac.every((b) => b === 0)) c.error(path, `router MAC ${text} is the all-zero address; put the gateway's MAC here (paqet iface shows it)`);
  else if (mac[0]! & 1) c.error(path, `router MAC ${text} is a ${mac.every((b) => b === 0xff) ? 'broadcast' : 'multicast'} address, never a gateway's; put the gateway's MAC here (paqet iface shows it)`);
  else if (EXAMPLE_MACS.has(text)) c.warn(path, `router MAC ${text} looks like a placeholder from an example; paqet iface shows the real gateway MAC (or leave router_mac out to discover it)`);
}

export interface ValidateResult {
  readonly issues: readonly RawIssue[];
  readonly config: ResolvedConfig | null;
}

export async function validateConfig(file: string, role: Role, raw: ConfigFile, env: ValidateEnv): Promise<ValidateResult> {
  const c = new Collector();
  const roleDefaults = ROLE_DEFAULTS[role];

  // log
  const level = c.strOr(['log', 'level'], raw.log?.level, COMMON_DEFAULTS.logLevel);
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    c.error(['log', 'level'], `invalid logging level '${shown(level)}': must be one of ${LOG_LEVELS.join(', ')}`);
  }
  const logFormat = c.strOr(['log', 'format'], raw.log?.format, 'text');
  if (logFormat !== 'text' && logFormat !== 'json') c.error(['log', 'format'], `invalid log format '${shown(logFormat)}': must be text or json`);

  // socks5[i], forward[i]
  const socks5Raw = raw.socks5 ?? [];
  const forwardRaw = raw.forward ?? [];
  if (role === 'client' && socks5Raw.length === 0 && forwardRaw.length === 0) {
    c.warn([], 'client mode enabled but no SOCKS5 or forward configurations found');
  }
  const socks5: Socks5Listener[] = [];
  for (const [i, s] of socks5Raw.entries()) {
    const listen = await checkAddr(c, ['socks5', i, 'listen'], s.listen, true, env, `socks5[${i}] `);
    const username = s.username ?? '';
    const password = readSecret(c, ['socks5', i, 'password'], { inline: s.password, file: s.password_file, env: s.password_env }, file);
    if (listen) socks5.push({ listen, username, password, authRequired: username !== '' || password !== '' });
  }
  const forward: ForwardRule[] = [];
  for (const [i, f] of forwardRaw.entries()) {
    const prefix = `forward[${i}] `;
    const listen = await checkAddr(c, ['forward', i, 'listen'], f.listen, true, env, prefix);
    const target = checkForwardTarget(c, ['forward', i, 'target'], f.target, prefix);
    const protocol = f.protocol ?? '';
    // The reference program loads it and then refuses to start; refusing here makes --check say so.
    if (protocol !== 'tcp' && protocol !== 'udp') {
      c.error(['forward', i, 'protocol'], `unsupported protocol '${shown(protocol)}': must be tcp or udp (the client refuses to start with it)`, prefix);
    } else if (listen && target) forward.push({ listen, target, protocol });
  }
  warnExposed(c, socks5, forward);

  // network
  const net = raw.network ?? {};
  const ifaceName = net.interface ?? '';
  let interfaceMac: string | null = null;
  let iface: FoundInterface | null = null;
  if (!ifaceName) c.error(['network', 'interface'], 'network interface is required');
  if (ifaceName.length > LIMITS.interfaceName) {
    c.error(['network', 'interface'], `network interface name too long (max ${LIMITS.interfaceName} characters): '${shown(ifaceName)}'`);
  }
  if (ifaceName) {
    const found = env.findInterface(ifaceName);
    if ('error' in found) c.error(['network', 'interface'], `failed to find network interface ${shown(ifaceName)}: ${found.error}`);
    else {
      iface = found;
      interfaceMac = found.mac;
    }
  }
  const guid = net.guid ?? '';
  if (env.platform === 'win32' && !guid) c.error(['network', 'guid'], 'guid is required on windows');
  const firewall = (net.firewall ?? 'check') as FirewallMode;
  if (!FIREWALL_MODES.includes(firewall)) c.error(['network', 'firewall'], `firewall must be one of ${FIREWALL_MODES.join(', ')}, got '${shown(firewall)}'`);

  let ipv4: NetworkFamily | null = null;
  let ipv6: NetworkFamily | null = null;
  let v4Addr: ResolvedEndpoint | null = null;
  let v6Addr: ResolvedEndpoint | null = null;
  const sockbuf = c.intOr(['network', 'pcap', 'sockbuf'], net.pcap?.sockbuf, roleDefaults.sockbuf);
  const backend = (net.backend ?? 'auto') as RawBackendName;
  if (!(RAW_BACKEND_NAMES as readonly string[]).includes(backend)) {
    c.error(['network', 'backend'], `network backend must be one of: [${RAW_BACKEND_NAMES.join(' ')}]`);
  } else if (backend === 'afpacket' && env.platform !== 'linux') c.error(['network', 'backend'], 'network backend afpacket needs Linux; use pcap or auto');
  const localFlagText = flagListOr(c, ['network', 'tcp', 'local_flag'], net.tcp?.local_flag);
  const remoteFlagText = flagListOr(c, ['network', 'tcp', 'remote_flag'], net.tcp?.remote_flag);
  let localFlag: TcpFlagSpec[] = [];
  let remoteFlag: TcpFlagSpec[] = [];
  const v4Configured = Boolean(net.ipv4?.addr);
  const v6Configured = Boolean(net.ipv6?.addr);
  if (!v4Configured && !v6Configured) {
    // The reference program stops checking the network section here.
    c.error(['network'], 'at least one address family (IPv4 or IPv6) must be configured');
  } else {
    // Ports count even when the router MAC is bad, as in the reference program.
    if (v4Configured) ({ addr: v4Addr, family: ipv4 } = await checkFamily(c, ['network', 'ipv4'], net.ipv4!, env, 4, iface));
    if (v6Configured) ({ addr: v6Addr, family: ipv6 } = await checkFamily(c, ['network', 'ipv6'], net.ipv6!, env, 6, iface));
    if (v4Addr && v6Addr && v4Addr.port !== v6Addr.port) {
      c.error(['network', 'ipv6', 'addr'], `IPv4 port (${v4Addr.port}) and IPv6 port (${v6Addr.port}) must match when both are configured`);
    }
    if (sockbuf < LIMITS.sockbufMin) c.error(['network', 'pcap', 'sockbuf'], `PCAP sockbuf must be >= ${LIMITS.sockbufMin} bytes`);
    else if (sockbuf > LIMITS.sockbufMax) c.error(['network', 'pcap', 'sockbuf'], 'PCAP sockbuf too large (max 100MB)');
    else if ((sockbuf & (sockbuf - 1)) !== 0) {
      c.warn(['network', 'pcap', 'sockbuf'], `PCAP sockbuf (${sockbuf} bytes) is not a power of 2 - consider using values like 4MB, 8MB, or 16MB for better performance`);
    }
    localFlag = checkFlags(c, ['network', 'tcp', 'local_flag'], 'local_flag', localFlagText);
    remoteFlag = checkFlags(c, ['network', 'tcp', 'remote_flag'], 'remote_flag', remoteFlagText);
  }
  const networkPort = v6Addr ? v6Addr.port : v4Addr ? v4Addr.port : 0;

  // transport
  const tr = raw.transport ?? {};
  const header = resolveHeader(c, tr);
  const protocol = resolveProtocol(tr, header);
  const conn = c.intOr(['transport', 'conn'], tr.conn, COMMON_DEFAULTS.conn);
  const protocols: readonly string[] = role === 'server' ? SERVER_PROTOCOLS : TRANSPORT_PROTOCOLS;
  if (!protocols.includes(protocol)) {
    const serverOnly = protocol === 'kcp+quic' ? ' (kcp+quic is for servers: a client speaks one)' : '';
    c.error(['transport', 'protocol'], `transport protocol must be one of: [${protocols.join(' ')}]${serverOnly}`);
  }
  if (conn < LIMITS.connMin || conn > LIMITS.connMax) c.error(['transport', 'conn'], 'KCP conn must be between 1-256 connections');
  let kcp: Omit<ResolvedKcp, 'derivedKey' | 'cipherKey'> | null = null;
  let quic: CheckedQuic | null = null;
  const usable = protocols.includes(protocol);
  if (usable && (protocol === 'kcp' || protocol === 'kcp+quic')) {
    // The fork fills in a missing kcp section with its defaults.
    const kcpFile = tr.kcp ?? (header === 'gob' ? {} : null);
    if (kcpFile == null) c.error(['transport', 'kcp'], 'transport.kcp configuration is required');
    else kcp = checkKcp(c, role, kcpFile, file);
  }
  if (usable && (protocol === 'quic' || protocol === 'kcp+quic')) {
    // Like the fork: the section may be absent (every key has a default), but the key is required.
    quic = checkQuic(c, role, tr.quic ?? {}, file, header === 'gob');
  }
  warnForkExtras(c, raw);

  // role-specific
  // metrics (our extension): where /metrics, /healthz and /status are served.
  let metricsListen: ResolvedEndpoint | null = null;
  if (raw.metrics?.listen) metricsListen = await checkAddr(c, ['metrics', 'listen'], raw.metrics.listen, false, env);
  warnExposedMetrics(c, metricsListen);
  let listen: ResolvedEndpoint | null = null;
  let server: ResolvedEndpoint | null = null;
  if (role === 'server') {
    listen = await checkAddr(c, ['listen', 'addr'], raw.listen?.addr, true, env);
    if (listen && networkPort !== 0 && listen.port !== networkPort) {
      c.warn(['listen', 'addr'], `port ${listen.port} is only shown in logs: the server receives on the network address port, ${networkPort}`);
    }
  } else {
    server = await checkAddr(c, ['server', 'addr'], raw.server?.addr, true, env);
    // Skipped when the address itself is invalid: the family would be meaningless.
    if (server) {
      if (server.family !== 6 && !v4Configured) {
        c.error(['server', 'addr'], 'server address is IPv4, but the IPv4 interface is not configured');
      }
      if (server.family === 6 && !v6Configured) {
        c.error(['server', 'addr'], 'server address is IPv6, but the IPv6 interface is not configured');
      }
    }
    if (conn > 1 && networkPort !== 0) {
      c.error(['transport', 'conn'], 'only one connection is allowed when a client port is explicitly set');
    }
  }

  const targets = checkTargets(c, role, raw.targets);

  if (c.failed || (!kcp && !quic)) return { issues: c.issues, config: null };

  const resolvedKcp = kcp && (await resolveKcpKey(kcp));
  const resolvedQuic = quic && { ...quic, derivedKey: quic.key ? await deriveKey(quic.key) : null };
  const transport: ResolvedConfig['transport'] =
    resolvedKcp && resolvedQuic
      ? { protocol: 'kcp+quic', header, conn, kcp: resolvedKcp, quic: resolvedQuic }
      : resolvedKcp
        ? { protocol: 'kcp', header, conn, kcp: resolvedKcp }
        : { protocol: 'quic', header, conn, quic: resolvedQuic! };
  const config: ResolvedConfig = {
    file,
    role,
    log: { level: level as LogLevelName, format: logFormat === 'json' ? 'json' : 'text' },
    listen,
    server,
    metrics: { listen: metricsListen },
    socks5,
    forward,
    network: {
      interface: ifaceName,
      interfaceMac,
      guid,
      ipv4,
      ipv6,
      port: networkPort,
      pcap: { sockbuf },
      backend,
      tcp: { localFlag, remoteFlag },
      firewall,
    },
    transport,
    targets,
  };
  return { issues: c.issues, config };
}

async function resolveKcpKey(kcp: Omit<ResolvedKcp, 'derivedKey' | 'cipherKey'>): Promise<ResolvedKcp> {
  const derivedKey = await deriveKey(kcp.key);
  return { ...kcp, derivedKey, cipherKey: cipherKeyFor(kcp.block, derivedKey) };
}

function checkForwardTarget(c: Collector, path: KeyPath, text: string | null | undefined, prefix: string) {
  if (!text) {
    c.error(path, 'address is required', prefix);
    return null;
  }
  let parts: { host: string; port: string };
  try {
    parts = splitHostPort(text);
  } catch (err) {
    if (!(err instanceof AddressError)) throw err;
    c.error(path, `invalid address '${shown(text)}': ${err.message}`, prefix);
    return null;
  }
  const port = /^\d{1,5}$/.test(parts.port) ? Number(parts.port) : -1;
  if (port < 1 || port > 65535) {
    c.error(path, 'port must be between 1-65535', prefix);
    return null;
  }
  return { text, host: parts.host, port };
}

type KcpFile = NonNullable<NonNullable<ConfigFile['transport']>['kcp']>;

function checkKcp(c: Collector, role: Role, k: KcpFile, file: string): Omit<ResolvedKcp, 'derivedKey' | 'cipherKey'> | null {
  const at = (key: string): KeyPath => ['transport', 'kcp', key];
  const roleDefaults = ROLE_DEFAULTS[role];
  const mode = c.strOr(at('mode'), k.mode, COMMON_DEFAULTS.mode);
  const mtu = c.intOr(at('mtu'), k.mtu, COMMON_DEFAULTS.mtu);
  const rcvwnd = c.intOr(at('rcvwnd'), k.rcvwnd, roleDefaults.rcvwnd);
  const sndwnd = c.intOr(at('sndwnd'), k.sndwnd, roleDefaults.sndwnd);
  const block = c.strOr(at('block'), k.block, COMMON_DEFAULTS.block);
  const key = readSecret(c, at('key'), { inline: k.key, file: k.key_file, env: k.key_env }, file);
  const smuxbuf = c.intOr(at('smuxbuf'), k.smuxbuf, COMMON_DEFAULTS.smuxbuf);
  const streambuf = c.intOr(at('streambuf'), k.streambuf, COMMON_DEFAULTS.streambuf);
  const smuxkalive = c.intOr(at('smuxkalive'), k.smuxkalive, COMMON_DEFAULTS.smuxkalive);
  const smuxktimeout = c.intOr(at('smuxktimeout'), k.smuxktimeout, COMMON_DEFAULTS.smuxktimeout);
  const before = c.issues.length;

  if (!(KCP_MODES as readonly string[]).includes(mode)) {
    c.error(at('mode'), `KCP mode must be one of: [${KCP_MODES.join(' ')}]`);
  }
  if (mtu < LIMITS.mtuMin || mtu > LIMITS.mtuMax) c.error(at('mtu'), 'KCP MTU must be between 50-1500 bytes');
  if (rcvwnd < LIMITS.windowMin || rcvwnd > LIMITS.windowMax) c.error(at('rcvwnd'), 'KCP rcvwnd must be between 1-32768');
  if (sndwnd < LIMITS.windowMin || sndwnd > LIMITS.windowMax) c.error(at('sndwnd'), 'KCP sndwnd must be between 1-32768');
  const blockKnown = isBlockName(block);
  if (!blockKnown) {
    c.error(at('block'), `KCP encryption block must be one of: [${BLOCK_NAMES.join(' ')}]`);
    c.error(at('block'), `unsupported block type: ${shown(block)}`);
  }
  // An unknown block still needs a key, as in the Go program.
  if (!key && (!blockKnown || CIPHERS[block].needsKey)) c.error(at('key'), 'KCP encryption key is required');
  if (smuxbuf < LIMITS.smuxBufferMin) c.error(at('smuxbuf'), 'KCP smuxbuf must be >= 1024 bytes');
  if (streambuf < LIMITS.smuxBufferMin) c.error(at('streambuf'), 'KCP streambuf must be >= 1024 bytes');
  checkSmuxAndFec(c, at, { smuxbuf, streambuf, smuxkalive, smuxktimeout, dshard: k.dshard ?? 0, pshard: k.pshard ?? 0 });
  if (c.issues.slice(before).some((i) => i.severity === 'error')) return null;

  const preset = kcpTuning(mode as KcpMode, {
    nodelay: k.nodelay ?? 0, interval: k.interval ?? 0, resend: k.resend ?? 0, nocongestion: k.nocongestion ?? 0,
    writeDelay: k.wdelay ?? false, ackNoDelay: k.acknodelay ?? false,
  });
  return {
    mode: mode as KcpMode,
    ...preset,
    mtu,
    sndwnd,
    rcvwnd,
    // Unset windows are sized from the measured path (within a memory bound) at run time.
    windowsFromPath: { snd: !k.sndwnd, rcv: !k.rcvwnd },
    dshard: k.dshard ?? 0,
    pshard: k.pshard ?? 0,
    block: block as BlockName,
    key,
    smux: {
      version: 2,
      keepAliveIntervalMs: smuxkalive * 1000,
      keepAliveTimeoutMs: smuxktimeout * 1000,
      maxFrameSize: 65535,
      maxReceiveBuffer: smuxbuf,
      maxStreamBuffer: streambuf,
      windowFromPath: !k.streambuf,
    },
  };
}

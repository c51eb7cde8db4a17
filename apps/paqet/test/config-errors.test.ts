/**
 * Broken configs: every problem is reported at once, as FILE:LINE:COL: key.path: message,
 * with the Go program's message texts (docs/configuration.md) in its order.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, formatIssue, loadConfig } from '../src/config/index.js';
import { FIXTURES, offlineEnv } from './helpers.js';

async function failure(name: string, platform: NodeJS.Platform = 'linux'): Promise<ConfigError> {
  const err = await loadConfig(FIXTURES + 'broken/' + name, { ...offlineEnv, platform }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConfigError);
  return err as ConfigError;
}

const located = (e: ConfigError) => e.issues.map((i) => formatIssue(i).replace(FIXTURES + 'broken/', ''));

const CASES: Record<string, string[]> = {
  'bad-role.yaml': ["bad-role.yaml:1:7: role: role must be 'client' or 'server'"],
  'missing-role.yaml': ["missing-role.yaml:2:1: role: role must be 'client' or 'server'"],
  'duplicate-key.yaml': ['duplicate-key.yaml:2:1: mapping key "role" already defined at line 1'],
  'yaml-syntax.yaml': ['yaml-syntax.yaml:3:14: Nested mappings are not allowed in compact mappings (first of 2 YAML errors)'],
  'wrong-types.yaml': [
    'wrong-types.yaml:2:9: socks5: string was used where sequence is expected',
    'wrong-types.yaml:6:17: network.tcp.local_flag: string was used where sequence is expected',
    'wrong-types.yaml:9:9: transport.conn: cannot use string "many" as an integer',
    'wrong-types.yaml:11:10: transport.kcp.mtu: float was used where integer is expected',
    'wrong-types.yaml:12:13: transport.kcp.wdelay: string was used where bool is expected',
  ],
  'config-md-example.yaml': [
    'config-md-example.yaml:5:1: network.interface: network interface is required',
    'config-md-example.yaml:11:3: transport.kcp.key: KCP encryption key is required',
  ],
  'everything-wrong.yaml': [
    "everything-wrong.yaml:3:10: log.level: invalid logging level 'loud': must be one of none, debug, info, warn, error, fatal",
    "everything-wrong.yaml:5:13: socks5[0].listen: invalid address '127.0.0.1:99999': address 99999: invalid port",
    "everything-wrong.yaml:6:13: socks5[1].listen: invalid address '127.0.0.1': address 127.0.0.1: missing port in address",
    'everything-wrong.yaml:7:13: socks5[2].listen: port must be between 1-65535',
    'everything-wrong.yaml:10:13: forward[0].target: port must be between 1-65535',
    'everything-wrong.yaml:12:13: forward[1].listen: address is required',
    "everything-wrong.yaml:13:13: forward[1].target: invalid address '10.0.0.1': address 10.0.0.1: missing port in address",
    "everything-wrong.yaml:14:15: forward[1].protocol: unsupported protocol 'sctp': must be tcp or udp (the client refuses to start with it)",
    'everything-wrong.yaml:16:14: network.interface: failed to find network interface nosuchiface0: route ip+net: no such network interface',
    "everything-wrong.yaml:19:17: network.ipv4.router_mac: invalid Router MAC address 'zz:50:51:00:01:02': address zz:50:51:00:01:02: invalid MAC address",
    'everything-wrong.yaml:24:14: network.pcap.sockbuf: PCAP sockbuf too large (max 100MB)',
    "everything-wrong.yaml:21:24: network.tcp.local_flag[1]: invalid TCP flag 'x' in combination",
    "everything-wrong.yaml:22:19: network.tcp.remote_flag[0]: invalid TCP flag 'p' in combination",
    'everything-wrong.yaml:31:11: transport.kcp.mode: KCP mode must be one of: [normal fast fast2 fast3 manual]',
    'everything-wrong.yaml:32:10: transport.kcp.mtu: KCP MTU must be between 50-1500 bytes',
    'everything-wrong.yaml:33:13: transport.kcp.rcvwnd: KCP rcvwnd must be between 1-32768',
    'everything-wrong.yaml:34:13: transport.kcp.sndwnd: KCP sndwnd must be between 1-32768',
    'everything-wrong.yaml:35:12: transport.kcp.block: KCP encryption block must be one of: [aes aes-128 aes-128-gcm aes-192 salsa20 blowfish twofish cast5 3des tea xtea xor sm4 none null]',
    'everything-wrong.yaml:35:12: transport.kcp.block: unsupported block type: rot13',
    'everything-wrong.yaml:30:3: transport.kcp.key: KCP encryption key is required',
    'everything-wrong.yaml:36:14: transport.kcp.smuxbuf: KCP smuxbuf must be >= 1024 bytes',
    'everything-wrong.yaml:37:16: transport.kcp.streambuf: KCP streambuf must be >= 1024 bytes',
    'everything-wrong.yaml:29:9: transport.conn: only one connection is allowed when a client port is explicitly set',
  ],
  'kcp-missing.yaml': ['kcp-missing.yaml:9:1: transport.kcp: transport.kcp configuration is required'],
  'mac-and-ports.yaml': [
    "mac-and-ports.yaml:5:14: network.interface: network interface name too long (max 15 characters): 'an-interface-name-too-long'",
    'mac-and-ports.yaml:5:14: network.interface: failed to find network interface an-interface-name-too-long: route ip+net: no such network interface',
    'mac-and-ports.yaml:8:17: network.ipv4.router_mac: router MAC address is required',
    "mac-and-ports.yaml:8:17: network.ipv4.router_mac: invalid Router MAC address '': invalid MAC address",
    "mac-and-ports.yaml:11:17: network.ipv6.router_mac: invalid Router MAC address 'aa:bb:cc:dd:ee': address aa:bb:cc:dd:ee: invalid MAC address",
    'mac-and-ports.yaml:10:11: network.ipv6.addr: IPv4 port (9999) and IPv6 port (9998) must match when both are configured',
  ],
  'no-family.yaml': ['no-family.yaml:5:3: network: at least one address family (IPv4 or IPv6) must be configured'],
  'transport.yaml': [
    'transport.yaml:10:13: transport.protocol: transport protocol must be one of: [kcp quic kcp+quic]',
    'transport.yaml:11:9: transport.conn: KCP conn must be between 1-256 connections',
    "transport.yaml:3:9: listen.addr: invalid address ':70000': address 70000: invalid port",
  ],
  'client-family.yaml': [
    'client-family.yaml:10:9: server.addr: server address is IPv6, but the IPv6 interface is not configured',
  ],
  'client-no-server.yaml': [
    "client-no-server.yaml:12:9: server.addr: invalid address 'nonexistent.invalid:9999': lookup nonexistent.invalid: no such host",
    'client-no-server.yaml:15:9: transport.conn: only one connection is allowed when a client port is explicitly set',
  ],
};

describe('broken configs give the exact error, file, line and column', () => {
  it.each(Object.entries(CASES))('%s', async (name, expected) => {
    expect(located(await failure(name))).toEqual(expected);
  });

  it('guid is required on Windows only', async () => {
    expect(located(await failure('windows.yaml', 'win32'))).toEqual(['windows.yaml:4:1: network.guid: guid is required on windows']);
    await expect(loadConfig(FIXTURES + 'broken/windows.yaml', offlineEnv)).resolves.toBeTruthy();
  });

  it('network.backend (ours) names one of auto, afpacket, pcap; afpacket needs Linux', async () => {
    expect(located(await failure('backend.yaml'))).toEqual(['backend.yaml:6:12: network.backend: network backend must be one of: [auto afpacket pcap]']);
    expect(located(await failure('backend-afpacket.yaml', 'darwin'))).toEqual([
      'backend-afpacket.yaml:6:12: network.backend: network backend afpacket needs Linux; use pcap or auto',
    ]);
    const linux = await loadConfig(FIXTURES + 'broken/backend-afpacket.yaml', offlineEnv);
    expect(linux.config.network.backend).toBe('afpacket');
    const dflt = await loadConfig(FIXTURES + 'broken/windows.yaml', offlineEnv);
    expect(dflt.config.network.backend).toBe('auto');
    expect(dflt.config.transport.kcp?.windowsFromPath).toEqual({ snd: true, rcv: true });
  });

  it('the error text keeps the Go layout: header, then one "  - " line per problem', async () => {
    const err = await failure('config-md-example.yaml');
    const file = FIXTURES + 'broken/config-md-example.yaml';
    expect(err.message).toBe(
      `validation failed:\n  - ${file}:5:1: network.interface: network interface is required\n  - ${file}:11:3: transport.kcp.key: KCP encryption key is required`,
    );
    expect(err.code).toBe('PAQET_ERR_CONFIG');
    expect(err.issues.map((i) => i.goMessage)).toEqual(['network interface is required', 'KCP encryption key is required']);
  });

  it('list entries keep the Go prefix in goMessage', async () => {
    const err = await failure('everything-wrong.yaml');
    expect(err.issues[3]?.goMessage).toBe('socks5[2] port must be between 1-65535');
    expect(err.issues[7]?.goMessage).toBe("forward[1] unsupported protocol 'sctp': must be tcp or udp (the client refuses to start with it)");
  });

  it('a missing file is the read error as-is', async () => {
    await expect(loadConfig(FIXTURES + 'nope.yaml')).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

/**
 * What `run --check` says about configs the Go program loads but that cannot run as
 * written (refused with file:line and key), zeros it reads as "the default" (said so),
 * listeners open to other hosts (EXPOSED), and the server's `targets` section.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig, loadConfigText } from '../src/config/index.js';
import { describePlan } from '../src/plan.js';
import { FIXTURES, offlineEnv } from './helpers.js';
import { runInProcess } from './run-in-process.js';

const RUNNABLE = `${FIXTURES}runnable/`;

/** A client with only loopback listeners, its metrics on `listen`. */
const loopbackMetricsClient = (listen: string) =>
  `role: client\nsocks5: [ { listen: "127.0.0.1:1080" } ]\nnetwork:\n  interface: pqc0\n  ipv4: { addr: "10.200.1.1:0", router_mac: "02:50:51:00:01:02" }\nserver: { addr: "10.200.1.2:9999" }\ntransport: { protocol: kcp, kcp: { key: "k" } }\nmetrics: { listen: "${listen}" }\n`;

/** run --check's output as lines without timestamps (and without the fixture directory). */
async function check(file: string) {
  const { code, out, err } = await runInProcess(file, true);
  const strip = (s: string) =>
    s.replaceAll(RUNNABLE, '').split('\n').filter(Boolean).map((l) => l.replace(/^\d{4}[-/]\d\d[-/]\d\d \d\d:\d\d:\d\d(\.\d+)? (\[WARN\] )?/, ''));
  return { code, out: strip(out), err: strip(err) };
}

describe('zeros the Go program reads as "use the default"', () => {
  it('are accepted, and --check says which default each one means', async () => {
    const r = await check(`${RUNNABLE}zeros.yaml`);
    expect(r.code).toBe(0);
    expect(r.out.slice(0, 7)).toEqual([
      'zeros.yaml:4:10: log.level: "" means the default, none',
      'zeros.yaml:10:20: network.pcap.sockbuf: 0 means the default, 4194304',
      'zeros.yaml:11:22: network.tcp.local_flag: [] means the default, ["PA"]',
      'zeros.yaml:15:9: transport.conn: 0 means the default, 1',
      'zeros.yaml:17:11: transport.kcp.mode: "" means the default, fast',
      'zeros.yaml:18:10: transport.kcp.mtu: 0 means the default, 1350',
      'zeros.yaml:19:13: transport.kcp.rcvwnd: 0 means the default, 512',
    ]);
    expect(r.out).toContain('client IPv4:10.200.1.1:0 IPv6:<nil> -> 10.200.1.2:9999 (1 connections)');
    // Unset or 0 windows are floors that the session grows to fit the path.
    expect(r.out).toContain('  KCP mode fast (nodelay 0, interval 30 ms, resend 2, nc 1, write delay on, ack nodelay off), mtu 1350, sndwnd 128+ (fitted to the path), rcvwnd 512+ (fitted to the path)');
  });

  it('an empty flag string is legal (no flags at all) but pointed out', async () => {
    const text = readFileSync(`${RUNNABLE}zeros.yaml`, 'utf8').replace('remote_flag: ["PA"]', 'remote_flag: ["PA", ""]');
    const { warnings, config } = await loadConfigText(text, 'z.yaml', offlineEnv);
    expect(warnings.map((w) => `${w.path}: ${w.message}`)).toContain('network.tcp.remote_flag[1]: "" sends segments with no TCP flags at all, which many networks drop');
    expect(config.network.tcp.remoteFlag).toEqual([{ text: 'PA', bits: 0x18 }, { text: '', bits: 0 }]);
  });
});

describe('configs that cannot run as written are refused, with file:line and key', () => {
  it('forward protocol, local address not on the interface or of the wrong family, 8-byte MAC, smux and FEC limits', async () => {
    const r = await check(`${RUNNABLE}cannot-run.yaml`);
    expect(r.code).toBe(1);
    expect(r.out).toEqual([]);
    expect(r.err).toEqual([
      'failed to parse configuration: validation failed:',
      "  - cannot-run.yaml:6:68: forward[0].protocol: unsupported protocol 'sctp': must be tcp or udp (the client refuses to start with it)",
      "  - cannot-run.yaml:7:5: forward[1].protocol: unsupported protocol '': must be tcp or udp (the client refuses to start with it)",
      '  - cannot-run.yaml:10:17: network.ipv4.addr: 10.200.1.9 is not an address of interface pqc0 (it has 10.200.1.1)',
      '  - cannot-run.yaml:10:45: network.ipv4.router_mac: router MAC must be a 6-byte Ethernet address, not 8 bytes',
      '  - cannot-run.yaml:11:17: network.ipv6.addr: 10.200.1.1 is not an IPv6 address',
      '  - cannot-run.yaml:18:16: transport.kcp.streambuf: KCP streambuf (2097152) must not exceed smuxbuf (1048576); smux refuses the session',
      '  - cannot-run.yaml:20:19: transport.kcp.smuxktimeout: KCP smuxktimeout (5) must be at least smuxkalive (10); smux refuses the session',
      '  - cannot-run.yaml:21:13: transport.kcp.dshard: FEC dshard + pshard must be at most 256, not 300',
    ]);
  });

  it('a server whose address is not on its interface', async () => {
    const r = await check(`${RUNNABLE}server-not-on-interface.yaml`);
    expect(r.code).toBe(1);
    expect(r.err).toEqual([
      'failed to parse configuration: validation failed:',
      '  - server-not-on-interface.yaml:5:17: network.ipv4.addr: 10.200.1.20 is not an address of interface pqs0 (it has 10.200.1.2)',
    ]);
  });

  it('the interface list is the host\'s: an empty host or an interface without that family is refused too', async () => {
    const base = readFileSync(`${RUNNABLE}server-not-on-interface.yaml`, 'utf8');
    const noV6 = { ...offlineEnv, findInterface: (name: string) => ({ name, mac: '02:00:00:00:00:01', addresses: ['10.200.1.2'] }) };
    const err = await loadConfigText(base.replace('ipv4: { addr: "10.200.1.20:9999"', 'ipv6: { addr: "[fd00:200:1::2]:9999"'), 's.yaml', noV6).catch((e: Error) => e);
    expect((err as Error).message).toBe('validation failed:\n  - s.yaml:5:17: network.ipv6.addr: fd00:200:1::2 is not an address of interface pqs0 (it has no IPv6 address)');
    const empty = await loadConfigText(base.replace('"10.200.1.20:9999"', '":9999"'), 's.yaml', offlineEnv).catch((e: Error) => e);
    expect((empty as Error).message).toBe("validation failed:\n  - s.yaml:5:17: network.ipv4.addr: needs this host's IPv4 address, not an empty host");
  });
});

describe('listeners other hosts can use, loudly', () => {
  it('SOCKS5 without credentials, forwards and metrics on non-loopback addresses: EXPOSED warnings and plan lines', async () => {
    const r = await check(`${RUNNABLE}exposed.yaml`);
    expect(r.code).toBe(0);
    expect(r.out.slice(0, 5)).toEqual([
      'exposed.yaml:4:13: socks5[0].listen: EXPOSED: ":1081" is reachable from other hosts and asks for no username or password: an open proxy (listen on 127.0.0.1, or set username and password)',
      'exposed.yaml:10:15: forward[0].listen: EXPOSED: "0.0.0.0:8080" is reachable from other hosts, and forwards take no credentials: anyone who can reach this machine can use it (listen on 127.0.0.1)',
      'exposed.yaml:16:29: transport.kcp.pshard: FEC is off: it needs both dshard and pshard above 0 (dshard 10, pshard 0)',
      'exposed.yaml:18:20: metrics.listen: EXPOSED: ":9100" is reachable from other hosts, and /metrics, /healthz and /status take no credentials: anyone who can reach this machine can read the tunnel\'s state and traffic counts (listen on 127.0.0.1)',
      'exposed.yaml:17:10: targets: only a server applies targets; ignored in a client config',
    ]);
    expect(r.out).toContain('  SOCKS5 listener :1081 (no auth, EXPOSED: reachable from other hosts)');
    expect(r.out).toContain('  SOCKS5 listener 0.0.0.0:1082 (RFC 1929 user "u")');
    expect(r.out).toContain('  SOCKS5 listener [::1]:1083 (no auth)');
    expect(r.out).toContain('  forward tcp 0.0.0.0:8080 -> 10.200.2.2:80 (resolved by the server; EXPOSED: reachable from other hosts)');
    expect(r.out).toContain('  forward udp 127.0.0.1:5353 -> 10.200.2.2:53 (resolved by the server)');
    expect(r.out).toContain('  encryption aes (32-byte key from PBKDF2), FEC off (dshard 10 without pshard: FEC needs both)');
    expect(r.out).toContain('  datagrams sealed natively (@paqet/kcp-native)');
    expect(r.out.find((l) => l.includes('metrics on'))).toMatch(/^ {2}firewall \w+, metrics on http:\/\/:9100\/metrics \(status page \/status; EXPOSED: reachable from other hosts\)$/);
  });

  it('metrics on loopback (IPv4 or IPv6): no EXPOSED warning, no EXPOSED in the plan', async () => {
    for (const listen of ['127.0.0.1:9100', '[::1]:9100']) {
      const { warnings, config } = await loadConfigText(loopbackMetricsClient(listen), 'm.yaml', offlineEnv);
      expect(warnings.filter((w) => w.message.includes('EXPOSED'))).toEqual([]);
      expect(describePlan(config)).toContain(`metrics on http://${listen}/metrics (status page /status)\n`);
    }
  });

  it('the shipped client example binds loopback only: no EXPOSED warning', async () => {
    const { warnings } = await loadConfig(`${FIXTURES}../../../../examples/client.yaml`, offlineEnv);
    expect(warnings).toEqual([]);
  });
});

describe('targets (server)', () => {
  it('each bad rule is refused at its own line', async () => {
    const r = await check(`${RUNNABLE}targets-bad.yaml`);
    expect(r.code).toBe(1);
    expect(r.err).toEqual([
      'failed to parse configuration: validation failed:',
      "  - targets-bad.yaml:10:7: targets.deny[1]: invalid target rule '10.0.0.1/8': host bits are set after /8 (the block starts at 10.0.0.0/8)",
      "  - targets-bad.yaml:11:7: targets.deny[2]: invalid target rule 'metadata.google.internal': \"metadata.google.internal\" is not an IPv4 or IPv6 address (rules take addresses, not names)",
      "  - targets-bad.yaml:14:7: targets.allow[1]: invalid target rule '192.0.2.0/24:70000': port \"70000\" must be within 1-65535, low to high",
    ]);
    expect(r.out).toEqual(['targets-bad.yaml:2:17: listen.addr: port 9998 is only shown in logs: the server receives on the network address port, 9999']);
  });

  it('examples/server-hardened.yaml passes --check and its plan lists the rules; server.yaml says everything is reachable', async () => {
    const hardened = await check(`${FIXTURES}../../../../examples/server-hardened.yaml`);
    expect(hardened.code).toBe(0);
    expect(hardened.err).toEqual([]);
    expect(hardened.out).toContain(
      '  targets: deny 127.0.0.0/8, ::1, 0.0.0.0/8, 169.254.0.0/16, fe80::/10, fd00:ec2::254, 100.64.0.0/10, 172.16.0.0/12, 192.168.0.0/16, fc00::/7, 224.0.0.0/4, ff00::/8, *:25; ' +
        'allow only *:80, *:443, 10.200.2.2:8000, 10.200.2.2:7777 (names are checked after resolving)',
    );
    const { config } = await loadConfig(`${FIXTURES}../../../../examples/server-hardened.yaml`, offlineEnv);
    expect(config.targets.check('169.254.169.254', 80)).toMatchObject({ allowed: false, reason: 'denied by rule 169.254.0.0/16' });
    expect(config.targets.check('::ffff:127.0.0.1', 80)).toMatchObject({ allowed: false, reason: 'denied by rule 127.0.0.0/8' });
    expect(config.targets.check('203.0.113.9', 443).allowed).toBe(true);
    expect(config.targets.check('203.0.113.9', 25)).toMatchObject({ allowed: false, reason: 'denied by rule *:25' });
    expect(config.targets.check('10.200.2.2', 8001)).toMatchObject({ allowed: false, reason: 'matches no allow rule' });
    const plain = await check(`${FIXTURES}../../../../examples/server.yaml`);
    expect(plain.out).toContain('  targets: any address this server can reach (no targets section; see docs/configuration.md)');
  });

  it('docs/operations.md shows the example\'s targets section as it is', async () => {
    const docs = readFileSync(`${FIXTURES}../../../../docs/operations.md`, 'utf8');
    const block = /```yaml\n(targets:\n[\s\S]*?)```/.exec(docs)![1]!;
    const example = parse(readFileSync(`${FIXTURES}../../../../examples/server-hardened.yaml`, 'utf8')) as { targets: unknown };
    expect(parse(block)).toEqual({ targets: example.targets });
  });
});

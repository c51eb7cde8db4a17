// The server-side target policy: rule syntax, matching (IPv4, IPv6, IPv4-mapped IPv6,
// ports), the deny-over-allow order, and PolicyDialer through real sockets: names are
// resolved once, each answer is checked, and the checked address is what gets dialed.
import { createServer, type AddressInfo, type Server } from 'node:net';
import type { Duplex } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DirectDialer, PolicyDialer, TargetDeniedError, TargetPolicy, TargetRule, TargetRuleError, relayTcp, relayUdp,
  type Dialer, type TargetResolver,
} from '@paqet/proxy';
import { startUdpEcho, type UdpEcho } from './helpers.js';
import { framedPair } from './framed-pair.js';

const allowed = (p: TargetPolicy, address: string, port: number) => p.check(address, port).allowed;

describe('TargetRule syntax', () => {
  it.each([
    ['10.0.0.0/8', '10.255.1.2', 1, true],
    ['10.0.0.0/8', '11.0.0.1', 80, false],
    ['127.0.0.0/8:22', '127.9.9.9', 22, true],
    ['127.0.0.0/8:22', '127.0.0.1', 23, false],
    ['192.0.2.7', '192.0.2.7', 443, true],
    ['192.0.2.7', '192.0.2.8', 443, false],
    ['192.0.2.0/25:8000-8999', '192.0.2.127', 8999, true],
    ['192.0.2.0/25:8000-8999', '192.0.2.128', 8500, false],
    ['192.0.2.0/25:8000-8999', '192.0.2.1', 9000, false],
    ['172.16.0.0/12', '172.31.255.255', 1, true],
    ['172.16.0.0/12', '172.32.0.0', 1, false],
    ['0.0.0.0/0', '203.0.113.5', 9, true],
    ['0.0.0.0/0', '2001:db8::1', 9, false],
    ['*', '2001:db8::1', 9, true],
    ['*:25', '198.51.100.1', 25, true],
    ['*:25', '198.51.100.1', 26, false],
    ['fe80::/10', 'fe80::1', 1, true],
    ['fe80::/10', 'febf:ffff::1', 1, true],
    ['fe80::/10', 'fec0::1', 1, false],
    ['fe80::/10', 'fe80::1%eth0', 1, true],
    ['[::1]:22', '::1', 22, true],
    ['[::1]:22', '::1', 80, false],
    ['[2001:db8::/32]:443', '2001:db8:ffff::9', 443, true],
    ['[2001:db8::]/32:443', '2001:db8:ffff::9', 443, true],
    ['[2001:db8::]/32', '2001:db9::', 443, false],
    ['::/0', '::1', 1, true],
    // IPv4-mapped IPv6 targets are the IPv4 address they map, both ways round.
    ['127.0.0.0/8', '::ffff:127.0.0.1', 80, true],
    ['127.0.0.0/8', '::ffff:7f00:1', 80, true],
    ['::ffff:169.254.0.0/112', '169.254.169.254', 80, true],
    ['[::ffff:10.0.0.0/104]:53', '10.1.2.3', 53, true],
    ['::ffff:0:0/96', '8.8.8.8', 53, true],
    ['::/0', '::ffff:127.0.0.1', 1, false],
  ] as const)('%s matches %s port %d: %s', (rule, address, port, expected) => {
    expect(new TargetPolicy({ deny: [rule] }).check(address, port).allowed).toBe(!expected);
  });

  it.each([
    ['10.0.0.0/33', 'prefix length must be 0-32'],
    ['2001:db8::/129', 'prefix length must be 0-128'],
    ['10.0.0.1/8', 'host bits are set after /8 (the block starts at 10.0.0.0/8)'],
    ['[2001:db8::1]/32', 'host bits are set after /32 (the block starts at 2001:db8::/32)'],
    ['example.com', '"example.com" is not an IPv4 or IPv6 address (rules take addresses, not names)'],
    ['10.0.0.0/8:0', 'port "0" must be within 1-65535, low to high'],
    ['10.0.0.0/8:90-80', 'port "90-80" must be within 1-65535, low to high'],
    ['10.0.0.0/8:http', 'port "http" must be N or N-M'],
    ['[::1:22', "missing ']'"],
    ['[::1]x', 'unexpected "x" after \']\''],
    ['', 'empty rule'],
    ['010.0.0.1', '"010.0.0.1" is not an IPv4 or IPv6 address (rules take addresses, not names)'],
  ])('%j is refused: %s', (text, reason) => {
    expect(() => TargetRule.parse(text)).toThrow(new TargetRuleError(text, reason));
  });
});

describe('TargetPolicy order: deny wins, then a non-empty allow list must match', () => {
  const policy = new TargetPolicy({
    allow: ['10.0.0.0/8', '[2001:db8::/32]:443', '127.0.0.1:8080'],
    deny: ['10.9.0.0/16', '127.0.0.0/8:22'],
  });

  it('deny over allow', () => {
    expect(policy.check('10.9.1.1', 80)).toMatchObject({ allowed: false, reason: 'denied by rule 10.9.0.0/16' });
    expect(allowed(policy, '10.8.1.1', 80)).toBe(true);
  });

  it('outside every allow rule is refused', () => {
    expect(policy.check('192.0.2.1', 80)).toMatchObject({ allowed: false, rule: null, reason: 'matches no allow rule' });
    expect(allowed(policy, '2001:db8::5', 443)).toBe(true);
    expect(allowed(policy, '2001:db8::5', 80)).toBe(false);
    expect(allowed(policy, '127.0.0.1', 8080)).toBe(true);
    expect(allowed(policy, '::ffff:127.0.0.1', 8080)).toBe(true);
  });

  it('no rules: everything (the reference behaviour)', () => {
    const open = new TargetPolicy();
    expect(open.restricts).toBe(false);
    for (const a of ['127.0.0.1', '169.254.169.254', '::1', 'fe80::1']) expect(allowed(open, a, 22)).toBe(true);
  });

  it('0.0.0.0 and :: are checked as the loopback they reach', () => {
    const p = new TargetPolicy({ deny: ['127.0.0.0/8', '::1'] });
    expect(p.check('0.0.0.0', 80)).toMatchObject({ allowed: false, reason: 'denied by rule 127.0.0.0/8' });
    expect(p.check('::', 80)).toMatchObject({ allowed: false, reason: 'denied by rule ::1' });
    expect(p.check('::ffff:0.0.0.0', 80)).toMatchObject({ allowed: false });
    expect(allowed(p, '0.0.0.1', 80)).toBe(true);
  });

  it('a name is never checked, only addresses', () => {
    expect(new TargetPolicy().check('localhost', 80)).toMatchObject({ allowed: false, reason: 'not an IP address' });
  });
});

describe('PolicyDialer over real sockets', () => {
  let server: Server;
  let port: number;
  let echo: UdpEcho;
  const accepted: string[] = [];

  beforeAll(async () => {
    server = createServer((socket) => {
      accepted.push(socket.localAddress ?? '');
      socket.end('hello');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    echo = await startUdpEcho();
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await echo.close();
  });

  /** Everything until EOF, then the socket is closed. */
  const read = (d: Duplex) =>
    new Promise<string>((resolve) => {
      let s = '';
      d.on('data', (c: Buffer) => (s += c.toString()));
      d.on('end', () => {
        d.destroy();
        resolve(s);
      });
    });

  it('an allowed literal connects; a denied one never leaves this host', async () => {
    const dialer = new PolicyDialer({ policy: new TargetPolicy({ deny: [`127.0.0.0/8:${port}`] }), dialer: new DirectDialer({ timeoutMs: 2000 }) });
    const before = accepted.length;
    const error = await dialer.dialTcp('127.0.0.1', port).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TargetDeniedError);
    expect(error).toMatchObject({ reason: 'not-allowed', code: 'PAQET_ERR_DIAL_NOT_ALLOWED', address: '127.0.0.1' });
    expect((error as Error).message).toBe(`dial 127.0.0.1:${port}: denied by rule 127.0.0.0/8:${port}`);
    await expect(dialer.dialTcp('::ffff:127.0.0.1', port)).rejects.toBeInstanceOf(TargetDeniedError);
    await expect(dialer.dialTcp('0.0.0.0', port)).rejects.toBeInstanceOf(TargetDeniedError);
    expect(accepted.length).toBe(before);
    const open = new PolicyDialer({ policy: new TargetPolicy({ deny: ['127.0.0.0/8:1-1000'] }), dialer: new DirectDialer() });
    expect(await read(await open.dialTcp('127.0.0.1', port))).toBe('hello');
  });

  it('a name is resolved once; the checked address is dialed, so a rebinding answer cannot slip through', async () => {
    // The resolver answers a denied address first, then an allowed one; a second lookup would say otherwise.
    let lookups = 0;
    const resolve: TargetResolver = async () => {
      lookups++;
      return lookups === 1 ? [{ address: '10.255.255.1', family: 4 }, { address: '127.0.0.1', family: 4 }] : [{ address: '10.255.255.1', family: 4 }];
    };
    const dialed: string[] = [];
    const direct = new DirectDialer({ timeoutMs: 2000 });
    const recording: Dialer = {
      dialTcp: (host, p, signal) => (dialed.push(host), direct.dialTcp(host, p, signal)),
      dialUdp: (host, p, signal) => (dialed.push(host), direct.dialUdp(host, p, signal)),
    };
    const dialer = new PolicyDialer({ policy: new TargetPolicy({ deny: ['10.0.0.0/8'] }), dialer: recording, resolve });
    expect(await read(await dialer.dialTcp('rebind.test', port))).toBe('hello');
    expect(lookups).toBe(1);
    expect(dialed).toEqual(['127.0.0.1']);
  });

  it('every answer denied: refused with the first address and its rule', async () => {
    const resolve: TargetResolver = async () => [{ address: '169.254.169.254', family: 4 }, { address: 'fe80::1', family: 6 }];
    const dialer = new PolicyDialer({ policy: new TargetPolicy({ deny: ['169.254.0.0/16', 'fe80::/10'] }), dialer: new DirectDialer(), resolve });
    await expect(dialer.dialTcp('metadata.test', 80)).rejects.toThrow('dial metadata.test:80: 169.254.169.254 denied by rule 169.254.0.0/16');
    await expect(dialer.dialUdp('metadata.test', 80)).rejects.toBeInstanceOf(TargetDeniedError);
  });

  it('the system resolver answers localhost with loopback, which the policy sees (an empty host too)', async () => {
    const dialer = new PolicyDialer({ policy: new TargetPolicy({ deny: ['127.0.0.0/8', '::1'] }), dialer: new DirectDialer() });
    await expect(dialer.dialTcp('localhost', port)).rejects.toBeInstanceOf(TargetDeniedError);
    await expect(dialer.dialTcp('', port)).rejects.toBeInstanceOf(TargetDeniedError);
  });

  it('relays: a denied TCP or UDP target closes the stream and reports the denial', async () => {
    const policy = new TargetPolicy({ deny: [`127.0.0.1:${port}`, `127.0.0.1:${echo.port}`] });
    const dialer = new PolicyDialer({ policy, dialer: new DirectDialer({ timeoutMs: 2000 }) });
    const lines: string[] = [];
    const logger = { debug: () => {}, info: () => {}, warn: () => {}, error: (m: string) => lines.push(m) };
    const [tcpNear, tcpFar] = framedPair();
    const tcp = await relayTcp(tcpFar, { host: '127.0.0.1', port }, dialer, { logger });
    expect(tcp.connected).toBe(false);
    expect(tcp.error).toBeInstanceOf(TargetDeniedError);
    expect(tcpFar.destroyed).toBe(true);
    const [udpNear, udpFar] = framedPair();
    const udp = await relayUdp(udpFar, { host: '127.0.0.1', port: echo.port }, dialer, { logger });
    expect(udp.error).toBeInstanceOf(TargetDeniedError);
    expect(udpFar.destroyed).toBe(true);
    expect(lines).toEqual([
      `failed to establish TCP connection to 127.0.0.1:${port}: dial 127.0.0.1:${port}: denied by rule 127.0.0.1:${port}`,
      `failed to establish UDP connection to 127.0.0.1:${echo.port}: dial 127.0.0.1:${echo.port}: denied by rule 127.0.0.1:${echo.port}`,
    ]);
    tcpNear.destroy();
    udpNear.destroy();
  });
});

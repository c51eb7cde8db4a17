/** Configs that work with the Go program load here, with the defaults of docs/configuration.md applied. */
import { describe, expect, it } from 'vitest';
import { loadConfig, loadConfigText } from '../src/config/index.js';
import { kcpConfig } from '../src/transport/kcp-options.js';
import { FIXTURES, offlineEnv } from './helpers.js';

const load = (name: string) => loadConfig(FIXTURES + name, offlineEnv);
const hex = (b: Uint8Array | null) => (b ? Buffer.from(b).toString('hex') : null);

const PLACEHOLDER_MAC =
  'router MAC aa:bb:cc:dd:ee:ff looks like a placeholder from an example; paqet iface shows the real gateway MAC (or leave router_mac out to discover it)';

describe('Go example configs', () => {
  it('example client: values as written, client defaults for the rest', async () => {
    const { config, warnings } = await load('go-example-client.yaml');
    // The Go example's router MAC is a placeholder, which we warn about (our extension); nothing else.
    expect(warnings.map((w) => `${w.path}: ${w.message}`)).toEqual(
      ['network.ipv4.router_mac', 'network.ipv6.router_mac'].map((p) => `${p}: ${PLACEHOLDER_MAC}`),
    );
    expect(config.role).toBe('client');
    expect(config.log.level).toBe('info');
    expect(config.server).toMatchObject({ ip: '203.0.113.10', port: 9999, family: 4 });
    expect(config.socks5).toEqual([
      { listen: expect.objectContaining({ ip: '127.0.0.1', port: 1080 }), username: '', password: '', authRequired: false },
    ]);
    expect(config.network.interface).toBe('en0');
    expect(config.network.ipv4?.addr).toMatchObject({ ip: '192.168.1.100', port: 0 });
    expect(config.network.ipv6?.addr).toMatchObject({ ip: '2001:db8::1', port: 0, family: 6 });
    expect(config.network.ipv4?.routerMac).toBe('aa:bb:cc:dd:ee:ff');
    expect(config.network.port).toBe(0);
    expect(config.network.pcap.sockbuf).toBe(4194304);
    expect(config.network.tcp.localFlag).toEqual([{ text: 'PA', bits: 0x18 }]);
    const kcp = kcpConfig(config);
    expect(config.transport.conn).toBe(1);
    expect(kcp).toMatchObject({ mode: 'fast', nodelay: 0, interval: 30, resend: 2, nocongestion: 1, writeDelay: true, ackNoDelay: false });
    expect(kcp).toMatchObject({ mtu: 1350, rcvwnd: 512, sndwnd: 512, block: 'aes', dshard: 0, pshard: 0 });
    expect(kcp.smux).toEqual({
      version: 2, keepAliveIntervalMs: 2000, keepAliveTimeoutMs: 8000, maxFrameSize: 65535, maxReceiveBuffer: 4194304, maxStreamBuffer: 2097152,
      // streambuf is written in the file: explicit values win.
      windowFromPath: false,
    });
  });

  it('example server: IPv4 and IPv6 on port 9999, server windows', async () => {
    const { config } = await load('go-example-server.yaml');
    expect(config.role).toBe('server');
    expect(config.listen).toMatchObject({ text: ':9999', ip: null, port: 9999 });
    expect(config.server).toBeNull();
    expect(config.network.port).toBe(9999);
    expect(config.network.ipv6?.addr.ip).toBe('::1');
    expect(config.network.pcap.sockbuf).toBe(8388608);
    expect(config.network.tcp.remoteFlag).toEqual([{ text: 'PA', bits: 0x18 }]);
    expect(kcpConfig(config)).toMatchObject({ rcvwnd: 1024, sndwnd: 1024 });
  });

  it('minimal client gets the client defaults (docs/configuration.md)', async () => {
    const { config } = await load('go-minimal-client.yaml');
    expect(config.network.pcap.sockbuf).toBe(4 * 1024 * 1024);
    expect(kcpConfig(config)).toMatchObject({ mode: 'fast', mtu: 1350, rcvwnd: 512, sndwnd: 128, block: 'aes', key: 'same-secret-on-both-sides' });
    expect(kcpConfig(config).cipherKey).toHaveLength(32);
  });

  it('minimal server gets the server defaults', async () => {
    const { config } = await load('go-minimal-server.yaml');
    expect(config.network.pcap.sockbuf).toBe(8 * 1024 * 1024);
    expect(kcpConfig(config)).toMatchObject({ rcvwnd: 1024, sndwnd: 1024 });
    expect(config.log.level).toBe('info');
  });

  it('forwards keep their target unresolved; credentials turn on RFC 1929', async () => {
    const { config } = await load('go-client-forwards.yaml');
    expect(config.socks5[0]).toMatchObject({ username: 'u', password: 'p', authRequired: true });
    expect(config.forward).toEqual([
      { listen: expect.objectContaining({ port: 5353 }), target: { text: '1.1.1.1:53', host: '1.1.1.1', port: 53 }, protocol: 'udp' },
      { listen: expect.objectContaining({ port: 8080 }), target: { text: 'intranet.example:80', host: 'intranet.example', port: 80 }, protocol: 'tcp' },
    ]);
    expect(config.log.level).toBe('none');
  });
});

describe('golden-capture lab configs (fixtures/go-paqet-captures/README.md)', () => {
  it('client: fixed port 40000, key derived as the README lists', async () => {
    const { config } = await load('vectors-client.yaml');
    expect(config.network).toMatchObject({ interface: 'pqc0', port: 40000 });
    expect(config.network.ipv4?.routerMac).toBe('02:50:51:00:01:02');
    expect(config.server).toMatchObject({ ip: '10.200.1.2', port: 9999 });
    expect(config.forward.map((f) => f.protocol)).toEqual(['tcp', 'udp']);
    expect(kcpConfig(config)).toMatchObject({ sndwnd: 128, rcvwnd: 512 });
    expect(hex(kcpConfig(config).derivedKey)).toBe('f1f500b40677997e25568f78f717021c9ba7d003b4cd73a267ce9758efc650e3');
    expect(hex(kcpConfig(config).cipherKey)).toBe('f1f500b40677997e25568f78f717021c9ba7d003b4cd73a267ce9758efc650e3');
  });

  it('server: defaults 1024/1024', async () => {
    const { config } = await load('vectors-server.yaml');
    expect(config.network).toMatchObject({ interface: 'pqs0', port: 9999 });
    expect(kcpConfig(config)).toMatchObject({ sndwnd: 1024, rcvwnd: 1024, block: 'aes' });
  });

  it.each([
    ['aes-128', 16], ['aes-192', 24], ['3des', 24], ['sm4', 16], ['xor', 32], ['none', 32], ['null', null],
  ] as const)('block %s receives %s key bytes', async (block, bytes) => {
    const text = (await import('node:fs')).readFileSync(FIXTURES + 'vectors-server.yaml', 'utf8').replace('block: "aes"', `block: "${block}"`);
    const { config } = await loadConfigText(text, 'server.yaml', offlineEnv);
    expect(kcpConfig(config).cipherKey?.length ?? null).toBe(bytes);
    if (bytes) expect(hex(kcpConfig(config).cipherKey)).toBe(hex(kcpConfig(config).derivedKey.subarray(0, bytes)));
  });
});

describe('decoder and default rules', () => {
  const base = `role: server
listen: { addr: ":9999" }
network: { interface: eth0, ipv4: { addr: "10.0.0.1:9999", router_mac: "02bb.ccdd.eeff" } }
transport:
  protocol: kcp
  kcp:
`;
  const kcpWith = (lines: string) => loadConfigText(base + lines, 'c.yaml', offlineEnv);

  it('quoted numbers are integers; 0 means unset', async () => {
    const { config } = await kcpWith('    key: "1234"\n    mtu: "1200"\n    sndwnd: 0\n');
    expect(config.transport.kcp).toMatchObject({ key: '1234', mtu: 1200, sndwnd: 1024 });
    expect(config.network.ipv4?.routerMac).toBe('02:bb:cc:dd:ee:ff');
  });

  it('numbers are accepted for string fields', async () => {
    const { config } = await kcpWith('    key: 12345\n');
    expect(kcpConfig(config).key).toBe('12345');
  });

  it('manual mode takes the file values; presets ignore them', async () => {
    const manual = await kcpWith('    key: k\n    mode: manual\n    nodelay: 1\n    interval: 15\n    resend: 3\n    nocongestion: 1\n    wdelay: true\n    acknodelay: true\n');
    expect(kcpConfig(manual.config)).toMatchObject({ nodelay: 1, interval: 15, resend: 3, nocongestion: 1, writeDelay: true, ackNoDelay: true });
    const fast3 = await kcpWith('    key: k\n    mode: fast3\n    interval: 99\n');
    expect(kcpConfig(fast3.config)).toMatchObject({ nodelay: 1, interval: 10, resend: 2, nocongestion: 1, writeDelay: false, ackNoDelay: true });
  });

  it('FEC shards and smux timers pass through', async () => {
    const { config } = await kcpWith('    key: k\n    dshard: 10\n    pshard: 3\n    smuxkalive: 5\n    smuxktimeout: 30\n');
    expect(kcpConfig(config)).toMatchObject({ dshard: 10, pshard: 3 });
    expect(kcpConfig(config).smux).toMatchObject({ keepAliveIntervalMs: 5000, keepAliveTimeoutMs: 30000 });
  });

  it('block none/null need no key', async () => {
    const { config } = await kcpWith('    block: "null"\n');
    expect(kcpConfig(config).cipherKey).toBeNull();
  });

  it('unknown keys are ignored with a located warning', async () => {
    const { warnings } = await kcpWith('    key: k\n    compression: true\n');
    expect(warnings.map((w) => `${w.line}:${w.col} ${w.path} ${w.message}`)).toEqual(['8:5 transport.kcp.compression unknown key (ignored)']);
  });

  it('warnings: sockbuf not a power of two, client without listeners', async () => {
    const client = `role: client
network: { interface: eth0, pcap: { sockbuf: 5000000 }, ipv4: { addr: "10.0.0.1:0", router_mac: "02:50:51:0a:0b:0c" } }
server: { addr: "10.0.0.2:9999" }
transport: { protocol: kcp, kcp: { key: k } }
`;
    const { warnings } = await loadConfigText(client, 'c.yaml', offlineEnv);
    expect(warnings.map((w) => w.goMessage)).toEqual([
      'client mode enabled but no SOCKS5 or forward configurations found',
      'PCAP sockbuf (5000000 bytes) is not a power of 2 - consider using values like 4MB, 8MB, or 16MB for better performance',
    ]);
  });

  it('host names resolve at load time, IPv4 preferred', async () => {
    const client = `role: client
socks5: [ { listen: "localhost:1080" } ]
network: { interface: eth0, ipv4: { addr: "10.0.0.1:0", router_mac: "02:50:51:0a:0b:0c" } }
server: { addr: "10.0.0.2:9999" }
transport: { protocol: kcp, conn: 8, kcp: { key: k } }
`;
    const { config } = await loadConfigText(client, 'c.yaml', offlineEnv);
    expect(config.socks5[0]?.listen).toMatchObject({ host: 'localhost', ip: '127.0.0.1', family: 4, port: 1080 });
    expect(config.transport.conn).toBe(8);
  });
});

describe('examples/ (shipped with the repository)', () => {
  const EXAMPLES = FIXTURES + '../../../../examples/';
  it('client.yaml and server.yaml load with the lab interfaces', async () => {
    const client = await loadConfig(EXAMPLES + 'client.yaml', offlineEnv);
    expect(client.warnings).toEqual([]);
    expect(client.config.network).toMatchObject({ interface: 'pqc0', port: 0 });
    expect(client.config.forward).toHaveLength(2);
    const server = await loadConfig(EXAMPLES + 'server.yaml', offlineEnv);
    expect(server.warnings).toEqual([]);
    expect(server.config.network).toMatchObject({ interface: 'pqs0', port: 9999 });
    expect(kcpConfig(server.config).key).toBe(kcpConfig(client.config).key);
  });
});

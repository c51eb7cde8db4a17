/** transport.protocol: quic and transport.quic: defaults per role, ranges with file:line errors, the key rule, insecure mode. */
import { describe, expect, it } from 'vitest';
import { ConfigError, formatIssue, loadConfigText } from '../src/config/index.js';
import { describePlan } from '../src/plan.js';
import { quicConfig, quicSettings } from '../src/transport/quic-options.js';
import { offlineEnv } from './helpers.js';

const server = (quic: string) => `role: server
listen: { addr: ":9999" }
network: { interface: eth0, ipv4: { addr: "10.0.0.1:9999", router_mac: "02:bb:cc:dd:ee:ff" } }
transport:
  protocol: quic
${quic}`;
const client = (quic: string, conn = 1) => `role: client
server: { addr: "10.0.0.2:9999" }
socks5: [{ listen: "127.0.0.1:1080" }]
network: { interface: eth0, ipv4: { addr: "10.0.0.1:0", router_mac: "02:bb:cc:dd:ee:ff" } }
transport:
  protocol: quic
  conn: ${conn}
${quic}`;

async function issues(text: string): Promise<string[]> {
  const err = await loadConfigText(text, 'q.yaml', offlineEnv).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConfigError);
  return (err as ConfigError).issues.map(formatIssue);
}

describe('transport.quic', () => {
  it('server defaults are the fork\'s; the key is derived with PBKDF2 as transport.kcp.key', async () => {
    const { config, warnings } = await loadConfigText(server('  quic:\n    key: "s3cret"\n'), 'q.yaml', offlineEnv);
    expect(config.transport.protocol).toBe('quic');
    const q = quicConfig(config);
    expect(q).toMatchObject({
      key: 's3cret', insecureSkipVerify: false, mtu: 1280, maxIdleTimeoutMs: 60_000, keepAlivePeriodMs: 15_000,
      maxIncomingStreams: 50_000, maxIncomingUniStreams: 50_000,
      initialStreamReceiveWindow: 10 << 20, maxStreamReceiveWindow: 40 << 20,
      initialConnectionReceiveWindow: 30 << 20, maxConnectionReceiveWindow: 100 << 20,
      enableDatagrams: false, enable0rtt: true,
    });
    expect(Buffer.from(q.derivedKey!).toString('hex')).toHaveLength(64);
    expect(warnings).toHaveLength(0);
    expect(describePlan(config)).toMatch(/QUIC v1 \(ALPN paqet-quic\), datagrams <= 1280 bytes/);
  });

  it('client defaults, explicit values, and conn N as with KCP', async () => {
    const { config } = await loadConfigText(
      client('  quic:\n    key: k\n    mtu: 1350\n    max_idle_timeout: 5\n    keep_alive_period: 2\n    server_name: example.net\n', 3),
      'q.yaml',
      offlineEnv,
    );
    expect(config.transport.conn).toBe(3);
    expect(quicConfig(config)).toMatchObject({ mtu: 1350, maxIdleTimeoutMs: 5000, keepAlivePeriodMs: 2000, maxIncomingStreams: 5000, serverName: 'example.net', initialStreamReceiveWindow: 6 << 20 });
  });

  it('the key is required unless insecure_skip_verify is set, which warns', async () => {
    expect(await issues(server('  quic:\n    mtu: 1280\n'))).toEqual([
      'q.yaml:6:3: transport.quic.key: QUIC key is required (both ends authenticate with it; insecure_skip_verify: true turns authentication off)',
    ]);
    // No quic section at all: every key has a default but the key; the error points at transport:.
    expect(await issues(server(''))).toEqual([
      'q.yaml:4:1: transport.quic.key: QUIC key is required (both ends authenticate with it; insecure_skip_verify: true turns authentication off)',
    ]);
    const { config, warnings } = await loadConfigText(server('  quic:\n    insecure_skip_verify: true\n'), 'q.yaml', offlineEnv);
    expect(quicConfig(config)).toMatchObject({ insecureSkipVerify: true, derivedKey: null });
    expect(warnings.map(formatIssue)).toEqual([
      'q.yaml:7:27: transport.quic.insecure_skip_verify: QUIC authentication is off: any client can use this server (the fork-compatible insecure mode)',
    ]);
  });

  it('congestion picks quiche\'s controller (default bbr); anything else names file, line and key', async () => {
    const { config } = await loadConfigText(server('  quic:\n    key: k\n'), 'q.yaml', offlineEnv);
    expect(quicConfig(config).congestion).toBe('bbr');
    expect(quicSettings(config).congestion).toBe('bbr');
    expect(describePlan(config)).toMatch(/congestion control: bbr$/m);
    for (const cc of ['cubic', 'reno'] as const) {
      const { config: c } = await loadConfigText(client(`  quic:\n    key: k\n    congestion: ${cc}\n`), 'q.yaml', offlineEnv);
      expect(quicSettings(c).congestion).toBe(cc);
    }
    expect(await issues(server('  quic:\n    key: k\n    congestion: vegas\n'))).toEqual([
      'q.yaml:8:17: transport.quic.congestion: QUIC congestion must be one of bbr, cubic, reno',
    ]);
  });

  it('out-of-range values name file, line and key', async () => {
    const text = server(`  quic:
    key: k
    mtu: 1000
    max_idle_timeout: 601
    max_incoming_streams: 100001
    initial_stream_receive_window: 1000
    max_connection_receive_window: 2097152
    initial_connection_receive_window: 4194304
    keep_alive_period: 61
    enable_datagrams: "yes"
`);
    expect(await issues(text)).toEqual([
      'q.yaml:15:23: transport.quic.enable_datagrams: string was used where bool is expected',
    ]);
    expect(await issues(text.replace('    enable_datagrams: "yes"\n', ''))).toEqual([
      'q.yaml:9:23: transport.quic.max_idle_timeout: QUIC max_idle_timeout must be between 1-600 seconds',
      'q.yaml:10:27: transport.quic.max_incoming_streams: QUIC max_incoming_streams must be between 1-100000',
      'q.yaml:11:36: transport.quic.initial_stream_receive_window: QUIC initial_stream_receive_window must be >= 1048576 bytes (1 MiB)',
      'q.yaml:12:36: transport.quic.max_connection_receive_window: QUIC max_connection_receive_window must be >= initial_connection_receive_window',
      'q.yaml:14:24: transport.quic.keep_alive_period: QUIC keep_alive_period must be between 1-60 seconds',
      'q.yaml:8:10: transport.quic.mtu: QUIC mtu must be between 1200-1500 bytes',
    ]);
  });
});

describe('transport.protocol: kcp+quic (servers: both on one port)', () => {
  const both = (protocol: string) => `role: server
listen: { addr: ":9999" }
network: { interface: eth0, ipv4: { addr: "10.0.0.1:9999", router_mac: "02:bb:cc:dd:ee:ff" } }
transport:
  protocol: ${protocol}
  kcp: { block: aes, key: kcp-secret }
  quic: { insecure_skip_verify: true }
`;

  it('a server resolves both sections and its plan names both', async () => {
    const { config } = await loadConfigText(both('"kcp+quic"'), 'b.yaml', offlineEnv);
    expect(config.transport.protocol).toBe('kcp+quic');
    expect(config.transport.kcp).toMatchObject({ block: 'aes', key: 'kcp-secret' });
    expect(config.transport.quic).toMatchObject({ insecureSkipVerify: true });
    const plan = describePlan(config);
    expect(plan).toContain('  transports: KCP and QUIC on the same port');
    expect(plan).toContain('  encryption aes');
    expect(plan).toContain('  authentication OFF (insecure_skip_verify)');
  });

  it('a client is refused (it speaks one), and each section is checked as with one protocol', async () => {
    const asClient = both('"kcp+quic"').replace('role: server', 'role: client\nserver: { addr: "10.0.0.2:9999" }\nsocks5: [{ listen: "127.0.0.1:1080" }]').replace('10.0.0.1:9999', '10.0.0.1:0');
    expect(await issues(asClient)).toContainEqual(
      expect.stringMatching(/transport\.protocol: transport protocol must be one of: \[kcp quic\] \(kcp\+quic is for servers: a client speaks one\)$/),
    );
    expect(await issues(both('"kcp+quic"').replace('  quic: { insecure_skip_verify: true }\n', ''))).toEqual([
      expect.stringMatching(/transport\.quic\.key: QUIC key is required \(both ends authenticate/),
    ]);
  });
});

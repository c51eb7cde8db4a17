/**
 * The QUIC fork's config files load unchanged (docs/upstream-and-fork.md):
 * each fork-only key that would do something in the fork gets one warning
 * naming it; `transport.header: gob` is fork mode, where an empty
 * `transport.protocol` means the fork's default (quic); upstream files keep
 * upstream's rules.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, formatIssue, loadConfig, loadConfigText, type LoadedConfig } from '../src/config/index.js';
import { describePlan } from '../src/plan.js';
import { FIXTURES, offlineEnv } from './helpers.js';

const path = (name: string) => `${FIXTURES}fork/${name}`;
const load = (name: string) => loadConfig(path(name), offlineEnv);
/** The fixture with one line added: `transport.header: <kind>`. */
const loadWithHeader = (name: string, kind: string) => {
  const text = readFileSync(path(name), 'utf8');
  const edited = /^transport:\n/m.test(text) ? text.replace(/^transport:\n/m, `transport:\n  header: ${kind}\n`) : `${text}transport:\n  header: ${kind}\n`;
  return loadConfigText(edited, path(name), offlineEnv);
};
const lines = (l: LoadedConfig | ConfigError) => l.warnings.map((w) => formatIssue(w).replace(`${FIXTURES}fork/`, ''));
async function failure(p: Promise<LoadedConfig>): Promise<ConfigError> {
  const err = await p.then(() => null, (e: unknown) => e);
  if (!(err instanceof ConfigError)) throw new Error(`expected a ConfigError, got ${String(err)}`);
  return err;
}
const errors = (e: ConfigError) => e.issues.map((i) => formatIssue(i).replace(`${FIXTURES}fork/`, ''));

const IGNORED = 'fork-only setting ignored: ';

describe('fork files load unchanged', () => {
  it('a fork KCP client: fork sections accepted, one warning per key that would act in the fork, none for inert ones', async () => {
    const loaded = await load('client-kcp.yaml');
    const { config } = loaded;
    expect(config.transport.header).toBe('binary');
    expect(config.transport.protocol === 'kcp' && config.transport.kcp).toMatchObject({ mode: 'fast2', nodelay: 1, interval: 20, block: 'aes', key: 'fork-secret' });
    expect(config.network.pcap.sockbuf).toBe(8388608);
    const queue = `${IGNORED}the fork's packet send queue; here each packet goes to pcap directly (no queue, no retries)`;
    expect(lines(loaded)).toEqual([
      `client-kcp.yaml:19:22: network.pcap.send_queue_size: ${queue}`,
      `client-kcp.yaml:20:18: network.pcap.max_retries: ${queue}`,
      `client-kcp.yaml:21:25: network.pcap.initial_backoff_ms: ${queue}`,
      `client-kcp.yaml:22:21: network.pcap.max_backoff_ms: ${queue}`,
      `client-kcp.yaml:42:11: transport.tcpbuf: ${IGNORED}the fork's TCP relay copy buffer; here relays use Node's stream buffers`,
      `client-kcp.yaml:43:11: transport.udpbuf: ${IGNORED}the fork's UDP relay buffer; here datagrams up to 4096 bytes are relayed, as upstream`,
      `client-kcp.yaml:44:11: transport.tunbuf: ${IGNORED}TUN mode is not supported`,
      `client-kcp.yaml:26:27: performance.max_concurrent_streams: ${IGNORED}streams are not limited here (upstream has no limit either)`,
      `client-kcp.yaml:27:19: performance.packet_workers: ${IGNORED}packets are sent from one event loop here`,
      `client-kcp.yaml:28:28: performance.stream_worker_pool_size: ${IGNORED}unused (in the fork too)`,
      `client-kcp.yaml:29:30: performance.enable_connection_pooling: ${IGNORED}server-side target connection pooling is not supported (it can hand one target connection to several sessions)`,
      `client-kcp.yaml:30:29: performance.tcp_connection_pool_size: ${IGNORED}there is no target connection pool`,
      `client-kcp.yaml:31:32: performance.tcp_connection_idle_timeout: ${IGNORED}there is no target connection pool`,
      `client-kcp.yaml:32:23: performance.max_retry_attempts: ${IGNORED}here stream setup is retried as upstream paqet does`,
      `client-kcp.yaml:33:29: performance.retry_initial_backoff_ms: ${IGNORED}here stream setup is retried as upstream paqet does`,
      `client-kcp.yaml:34:25: performance.retry_max_backoff_ms: ${IGNORED}here stream setup is retried as upstream paqet does`,
      `client-kcp.yaml:35:31: performance.connection_health_check_ms: ${IGNORED}here the liveness probe runs on every stream request as upstream paqet does`,
      `client-kcp.yaml:36:24: performance.tcp_flag_refresh_ms: ${IGNORED}here TCPF is sent on every stream request as upstream paqet does`,
    ]);
    // No "unknown key" lines: tun (disabled) and transport.quic (unused with kcp) are inert in the fork too.
    expect(lines(loaded).join('\n')).not.toMatch(/unknown key|tun\.|quic/);
  });

  it('a fork KCP server', async () => {
    const loaded = await load('server-kcp.yaml');
    expect(loaded.config.role).toBe('server');
    expect(lines(loaded).map((l) => l.split(': ')[1])).toEqual([
      'performance.max_concurrent_streams', 'performance.enable_connection_pooling', 'performance.tcp_connection_pool_size',
    ]);
  });

  it('TUN mode enabled: a warning naming tun.enabled; fork mode fills in a missing kcp section', async () => {
    const loaded = await loadWithHeader('client-tun.yaml', 'gob').catch((e: ConfigError) => e);
    // Fork mode fills in the missing kcp section as the fork does; its key is still required.
    expect(loaded).toBeInstanceOf(ConfigError);
    expect(errors(loaded as ConfigError)).toEqual(['client-tun.yaml:15:1: transport.kcp.key: KCP encryption key is required']);
    // Without TUN the client serves nothing, so upstream's warning about that applies (the fork counts TUN as a service).
    expect(lines(loaded as ConfigError)).toEqual([
      'client-tun.yaml:2:1: client mode enabled but no SOCKS5 or forward configurations found',
      `client-tun.yaml:11:12: tun.enabled: ${IGNORED}TUN mode is not supported (tun.* is not used)`,
    ]);
  });

  it('a missing kcp section stays an error for upstream files', async () => {
    expect(errors(await failure(load('client-tun.yaml')))).toEqual(['client-tun.yaml:15:1: transport.kcp: transport.kcp configuration is required']);
  });

  it('a fork-only key with the wrong type is an error with its line, as the fork would say', async () => {
    const text = readFileSync(path('server-kcp.yaml'), 'utf8').replace('tcp_connection_pool_size: 256', 'tcp_connection_pool_size: many');
    expect(errors(await failure(loadConfigText(text, path('server-kcp.yaml'), offlineEnv)))).toEqual([
      'server-kcp.yaml:16:29: performance.tcp_connection_pool_size: cannot use string "many" as an integer',
    ]);
  });
});

describe('transport.header and fork mode', () => {
  it('gob: the client writes gob headers, everything else as written', async () => {
    const { config } = await loadWithHeader('client-kcp.yaml', 'gob');
    expect(config.transport.header).toBe('gob');
    expect(config.transport.protocol).toBe('kcp');
    expect(describePlan(config)).toContain("  stream header gob (fork mode: for the QUIC fork's servers)\n");
  });

  it('binary is the default and can be written out', async () => {
    expect((await loadWithHeader('client-kcp.yaml', 'binary')).config.transport.header).toBe('binary');
    expect((await load('client-kcp.yaml')).config.transport.header).toBe('binary');
  });

  it('an unknown header kind names the key', async () => {
    expect(errors(await failure(loadWithHeader('server-kcp.yaml', 'json')))).toEqual([
      'server-kcp.yaml:19:11: transport.header: transport header must be one of: [binary gob]',
    ]);
  });

  it('empty transport.protocol: upstream rule for upstream files, the fork\'s default (quic) in fork mode', async () => {
    expect(errors(await failure(load('server-default-protocol.yaml')))).toEqual([
      'server-default-protocol.yaml:10:1: transport.protocol: transport protocol must be one of: [kcp quic kcp+quic]',
    ]);
    // In fork mode it is QUIC; a fork server file has no key, and serving fork clients is the explicit insecure mode.
    expect(errors(await failure(loadWithHeader('server-default-protocol.yaml', 'gob')))).toEqual([
      'server-default-protocol.yaml:10:1: transport.quic.key: QUIC key is required: fork clients hold no key, so serving them takes insecure_skip_verify: true (any client can then use this server); a key admits paqet-ts clients only',
    ]);
    const text = `${readFileSync(path('server-default-protocol.yaml'), 'utf8')}  header: gob\n  quic: { insecure_skip_verify: true }\n`;
    const insecure = await loadConfigText(text, path('server-default-protocol.yaml'), offlineEnv);
    expect(insecure.config.transport.protocol).toBe('quic');
    expect(insecure.config.transport.quic!.insecureSkipVerify).toBe(true);
    expect(lines(insecure)).toContainEqual(expect.stringMatching(/transport\.quic\.insecure_skip_verify: QUIC authentication is off: any client can use this server/));
  });

  it('the fork\'s QUIC client file: loads with and without fork mode (insecure, warned); without insecure_skip_verify fork mode says what it takes', async () => {
    for (const kind of ['binary', 'gob']) {
      const loaded = await loadWithHeader('client-quic.yaml', kind);
      expect(loaded.config.transport.protocol).toBe('quic');
      expect(loaded.config.transport.header).toBe(kind);
      expect(loaded.config.transport.quic!.insecureSkipVerify).toBe(true);
      expect(loaded.config.transport.quic!.serverName).toBe('paqet');
      expect(lines(loaded)).toContainEqual(expect.stringMatching(/QUIC authentication is off: the server is not verified/));
    }
    const strict = readFileSync(path('client-quic.yaml'), 'utf8').replace('insecure_skip_verify: true', 'insecure_skip_verify: false').replace(/^transport:\n/m, 'transport:\n  header: gob\n');
    expect(errors(await failure(loadConfigText(strict, path('client-quic.yaml'), offlineEnv)))).toEqual([
      expect.stringMatching(/transport\.quic\.key: QUIC key is required: a fork server's certificate cannot be checked, so reaching one takes insecure_skip_verify: true/),
    ]);
  });

  it('a server\'s plan says it takes both kinds', async () => {
    const { config } = await load('server-kcp.yaml');
    expect(describePlan(config)).toContain('  stream headers: binary (upstream clients) and gob (QUIC fork clients), each answered in its kind\n');
  });
});

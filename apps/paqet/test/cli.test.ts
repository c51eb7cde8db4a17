/** The built executable as a child process (`pnpm --filter paqet build` first; done here if dist is missing). */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from './helpers.js';

const APP = fileURLToPath(new URL('..', import.meta.url));
const CLI = `${APP}dist/cli.js`;
const STD_PREFIX = /^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} /;

function paqet(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: FIXTURES, encoding: 'utf8', timeout: 20_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  if (!existsSync(CLI)) execFileSync('pnpm', ['--filter', 'paqet', 'build'], { cwd: APP, stdio: 'ignore' });
});

describe('paqet executable', () => {
  it('version: six lines, labels padded to 12 columns', () => {
    const r = paqet('version');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.map((l) => l.slice(0, 12))).toEqual(['Version:    ', 'Git Tag:    ', 'Git Commit: ', 'Build Time: ', 'Runtime:    ', 'Platform:   ']);
    expect(lines[0]).toMatch(/^Version: {4}v\d+\.\d+\.\d+ \(paqet-ts, compatible with v1\.0\.0-alpha\.21\)$/);
    expect(lines[5]).toMatch(/^Platform: {3}linux\/(amd64|arm64)$/);
  });

  it('secret: 64 lowercase hex characters, different each time', () => {
    const a = paqet('secret');
    const b = paqet('secret');
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(/^[0-9a-f]{64}\n$/);
    expect(a.stdout).not.toBe(b.stdout);
  });

  it('run --check with a good client config shows the plan and exits 0', () => {
    const r = paqet('run', '--check', '-c', 'cli-client-lo.yaml');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\[WARN\] cli-client-lo\.yaml:17:72: transport\.kcp\.typo_key: unknown key \(ignored\)\n/);
    expect(r.stdout).toContain('config cli-client-lo.yaml: OK (role client, log level info)\n');
    expect(r.stdout).toContain('client IPv4:127.0.0.1:0 IPv6:<nil> -> 127.0.0.1:9999 (2 connections)\n');
    expect(r.stdout).toContain('  SOCKS5 listener 127.0.0.1:1080 (RFC 1929 user "u")\n');
    expect(r.stdout).toContain('  forward tcp 127.0.0.1:8080 -> 10.200.2.2:8000 (resolved by the server)\n');
    expect(r.stdout).toContain('  KCP mode fast2 (nodelay 1, interval 20 ms, resend 2, nc 1, write delay off, ack nodelay on), mtu 1350, sndwnd 128+ (fitted to the path), rcvwnd 512+ (fitted to the path)\n');
    expect(r.stdout).toContain('  encryption aes-128 (16-byte key from PBKDF2), FEC 10 data + 3 parity\n');
    // network.backend unset = auto; the workspace install built the AF_PACKET addon.
    expect(r.stdout).toMatch(/, backend auto \(afpacket here\)\n/);
    expect(r.stderr).toBe('');
  });

  it('run --check with a good server config (--config=FILE form)', () => {
    const r = paqet('run', '--check', '--config=cli-server-lo.yaml');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('server listening for packets on :9999 (packet port 9999)\n');
    expect(r.stdout).toContain('  encryption null (no cipher), NO authentication, FEC off\n');
  });

  it('run --check with a broken config: Go layout on stderr, located lines, exit 1', () => {
    const r = paqet('run', '--check', '-c', 'broken/config-md-example.yaml');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(STD_PREFIX);
    // The interface is discovered from a default route when the host has one (our extension);
    // the file's 10.0.0.1 is then checked against that interface's own addresses.
    const discovers = spawnSync('ip', ['-4', 'route', 'show', 'default'], { encoding: 'utf8' }).stdout.includes('via');
    const lines = r.stderr.replace(STD_PREFIX, '').split('\n');
    expect(lines[0]).toBe('failed to parse configuration: validation failed:');
    if (discovers) expect(lines[1]).toMatch(/^ {2}- broken\/config-md-example\.yaml:7:11: network\.ipv4\.addr: 10\.0\.0\.1 is not an address of interface \S+ \(it has .+\)$/);
    else expect(lines[1]).toBe('  - broken/config-md-example.yaml:5:1: network.interface: network interface is required');
    expect(lines.slice(2)).toEqual(['  - broken/config-md-example.yaml:11:3: transport.kcp.key: KCP encryption key is required', '']);
  });

  it('run with a missing file prints the read error', () => {
    const r = paqet('run', '-c', 'missing.yaml');
    expect(r.code).toBe(1);
    expect(r.stderr.replace(STD_PREFIX, '')).toMatch(/^failed to parse configuration: ENOENT: no such file or directory, open 'missing\.yaml'\n$/);
  });

  it('run (without --check) prints the plan, then reports why the listener cannot start', () => {
    const r = paqet('run', '-c', 'cli-server-lo.yaml');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('server listening for packets on :9999');
    expect(r.stderr.replace(STD_PREFIX, '')).toBe(
      'server encountered an error: could not start KCP listener: interface lo has no Ethernet MAC address; paqet needs an Ethernet interface\n',
    );
  });

  it('ping and dump check the role, then report raw socket failures', () => {
    expect(paqet('ping', '-c', 'cli-server-lo.yaml').stderr.replace(STD_PREFIX, '')).toBe('ping command requires client configuration\n');
    expect(paqet('dump', '-c', 'cli-client-lo.yaml').stderr.replace(STD_PREFIX, '')).toBe('dump command requires server configuration\n');
    const ping = paqet('ping', '-c', 'cli-client-lo.yaml');
    expect(ping.code).toBe(1);
    expect(ping.stderr.replace(STD_PREFIX, '')).toBe('failed to create raw socket: interface lo has no Ethernet MAC address; paqet needs an Ethernet interface\n');
  });

  it('iface lists interfaces in the apps/paqet/README.md layout', () => {
    const r = paqet('iface');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Available network interfaces:\n {2}lo: \n {4}127\.0\.0\.1\/8\n/);
    // The listing ends with an empty line; then the default route and a ready network: section.
    expect(r.stdout).toMatch(/\n\nDefault route: (via \S+ dev \S+ \(source \S+\), gateway MAC ([0-9a-f]{2}:){5}[0-9a-f]{2}\n\nnetwork:\n {2}interface: "\S+"\n|.+\n$)/);
  });

  it('framework behaviour: no args = help, unknown command / flag = exit 1', () => {
    const help = paqet();
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^paqet is a bidirectional packet-level proxy using KCP and raw socket transport with encryption\.\n/);
    expect(help.stdout).toContain('  run         Runs the client or server based on the config file\n');
    const unknown = paqet('frobnicate');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^Error: unknown command "frobnicate" for "paqet"\nRun 'paqet --help' for usage\.\n/);
    const badFlag = paqet('run', '-p', '1');
    expect(badFlag.code).toBe(1);
    expect(badFlag.stderr).toMatch(/^Error: unknown shorthand flag: 'p' in -p\nUsage:\n {2}paqet run \[flags\]/);
    const runHelp = paqet('run', '--help');
    expect(runHelp.stdout).toContain('-c, --config string   Path to the configuration file (default "config.yaml")');
  });
});

/**
 * Hostile or clumsy files get a short answer fast: loading is linear in the number
 * of keys, files over 1 MiB are refused unread, at most 20 warnings are printed,
 * values are quoted escaped and cut to 60 characters, and a YAML syntax error is
 * one located line plus the line it is on. Times here are generous ceilings for a
 * loaded 2-core machine (the quadratic loader took minutes for these sizes); the
 * measured numbers are in apps/paqet/bench/config-load.bench.ts.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, formatIssue, loadConfig, loadConfigText, MAX_CONFIG_BYTES } from '../src/config/index.js';
import { FIXTURES, offlineEnv } from './helpers.js';
import { runInProcess } from './run-in-process.js';

const dir = mkdtempSync(join(tmpdir(), 'paqet-config-limits-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SERVER = `role: server
listen: { addr: ":9999" }
network: { interface: pqs0, ipv4: { addr: "10.200.1.2:9999", router_mac: "02:50:51:00:01:01" } }
transport: { protocol: kcp, kcp: { key: "k" } }
`;

/** SERVER plus `n` unknown top-level keys, as a file. */
function withKeys(n: number): string {
  const lines = [SERVER];
  for (let i = 0; i < n; i++) lines.push(`k${i}: ${i}\n`);
  const file = join(dir, `keys-${n}.yaml`);
  writeFileSync(file, lines.join(''));
  return file;
}

const failure = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e as ConfigError);

describe('size and key count', () => {
  it('100,000 keys (1.4 MB) are refused by the 1 MiB cap, unparsed, at once', async () => {
    const file = withKeys(100_000);
    const started = performance.now();
    const err = await failure(loadConfig(file, offlineEnv));
    const ms = performance.now() - started;
    expect(err).toBeInstanceOf(ConfigError);
    const size = statSync(file).size;
    expect(size).toBeGreaterThan(1_300_000);
    expect(err!.message).toBe(`${file}: ${size} bytes, over the 1 MiB limit for a configuration file (1048576 bytes)`);
    expect(ms).toBeLessThan(5000);
    console.log(`100,000 keys: refused in ${ms.toFixed(0)} ms`);
  });

  it('70,000 keys (just under 1 MiB) load, linearly: 20 warnings printed, then one line for the rest', async () => {
    const file = withKeys(70_000);
    const started = performance.now();
    const r = await runInProcess(file, true);
    const ms = performance.now() - started;
    expect(r.code).toBe(0);
    const warnings = r.out.split('\n').filter((l) => l.includes('[WARN]'));
    expect(warnings).toHaveLength(21);
    expect(warnings[0]).toMatch(/keys-70000\.yaml:5:1: k0: unknown key \(ignored\)$/);
    expect(warnings[20]).toMatch(/\[WARN\] … and 69980 more unknown keys$/);
    expect(r.out).toContain('OK (role server, log level none)');
    // The quadratic loader needed minutes here; linear loading takes a few seconds even on a loaded machine.
    expect(ms).toBeLessThan(60_000);
    console.log(`70,000 keys: run --check in ${ms.toFixed(0)} ms`);
  }, 90_000);

  it('text given directly is capped too, by bytes (not characters)', async () => {
    const text = `${SERVER}# ${'é'.repeat(MAX_CONFIG_BYTES / 2)}\n`;
    const err = await failure(loadConfigText(text, 'big.yaml', offlineEnv));
    expect(err!.message).toBe(`big.yaml: ${Buffer.byteLength(text)} bytes, over the 1 MiB limit for a configuration file (1048576 bytes)`);
  });

  it('a device or pipe is read only up to the cap', async () => {
    const err = await failure(loadConfig('/dev/zero', offlineEnv));
    expect(err!.message).toBe('/dev/zero: over the 1 MiB limit for a configuration file (1048576 bytes)');
  });
});

describe('short messages', () => {
  it('a 100 KB value is quoted as its first 60 characters and "…", escaped', async () => {
    const text = SERVER.replace('listen: { addr: ":9999" }', `listen: { addr: "${'y'.repeat(100_000)}" }`);
    const err = await failure(loadConfigText(text, 'c.yaml', offlineEnv));
    expect(err!.message).toBe(`validation failed:\n  - c.yaml:2:17: listen.addr: invalid address '${'y'.repeat(60)}…': address ${'y'.repeat(60)}…: missing port in address`);
    const level = await failure(loadConfigText(`${SERVER}log: { level: "\\e[31m${'z'.repeat(100)}" }\n`, 'c.yaml', offlineEnv));
    expect(level!.issues.map(formatIssue)).toEqual([
      `c.yaml:5:15: log.level: invalid logging level '\\x1b[31m${'z'.repeat(55)}…': must be one of none, debug, info, warn, error, fatal`,
    ]);
  });

  it('a flipped character: one located line and the source line, not dozens', async () => {
    // "#" turned into "*" on the first line of examples/server.yaml gave 65 YAML errors.
    const example = readFileSync(join(FIXTURES, '../../../../examples/server.yaml'), 'utf8');
    const err = await failure(loadConfigText(`*${example.slice(1)}`, 'server.yaml', offlineEnv));
    expect(err!.message.split('\n')).toEqual([
      // The count follows the example's lines; what matters is one message line.
      expect.stringMatching(/^invalid YAML: server\.yaml:1:1: Alias cannot be an empty string \(first of \d+ YAML errors\)$/),
      expect.stringMatching(/^ {2}1 \| \* paqet server configuration\.$/),
    ]);
    expect(err!.issues).toHaveLength(1);
  });

  it('an alias to a missing anchor and a duplicate key are located, not thrown', async () => {
    const alias = await failure(loadConfigText(`${SERVER}log: { level: *lvl }\n`, 'a.yaml', offlineEnv));
    expect(alias!.message.split('\n')[0]).toBe('invalid YAML: a.yaml:5:15: Unresolved alias (the anchor must be set before the alias): lvl');
    const dup = await failure(loadConfigText(`${SERVER}role: client\n`, 'd.yaml', offlineEnv));
    expect(dup!.message).toBe('invalid YAML: d.yaml:5:1: mapping key "role" already defined at line 1\n  5 | role: client');
  });

  it('more than 50 problems: the message lists 50 and counts the rest; issues keeps them all', async () => {
    const entries = Array.from({ length: 80 }, (_, i) => `  - { listen: "127.0.0.1:${70000 + i}" }`).join('\n');
    const err = await failure(loadConfigText(`${SERVER.replace('role: server', 'role: client')}socks5:\n${entries}\n`, 'm.yaml', offlineEnv));
    const lines = err!.message.split('\n');
    expect(lines).toHaveLength(1 + 50 + 1);
    expect(lines[51]).toBe('  - … and 31 more problems');
    expect(err!.issues.length).toBe(81);
  });
});

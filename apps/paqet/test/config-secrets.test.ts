/** Secrets from a file or an environment variable (`key_file`, `key_env`, `password_file`, `password_env`). */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, formatIssue, loadConfig } from '../src/config/index.js';
import { kcpConfig } from '../src/transport/kcp-options.js';
import { quicConfig } from '../src/transport/quic-options.js';
import { offlineEnv } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'paqet-secrets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function client(kcpKey: string, socksAuth = ''): string {
  const file = join(dir, `c${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(
    file,
    `role: client\nsocks5:\n  - { listen: "127.0.0.1:1080", username: u${socksAuth} }\nnetwork:\n  interface: eth0\n  ipv4: { addr: "10.0.0.2:0", router_mac: "02:00:00:00:00:09" }\nserver: { addr: "10.0.0.1:9999" }\ntransport:\n  protocol: kcp\n  kcp:\n    block: aes\n${kcpKey}`,
  );
  return file;
}

async function errors(file: string): Promise<string[]> {
  const err = await loadConfig(file, offlineEnv).then(() => null, (e: unknown) => e);
  if (!(err instanceof ConfigError)) throw new Error(`expected a ConfigError, got ${String(err)}`);
  return err.issues.filter((i) => i.severity === 'error').map(formatIssue);
}

describe('secrets from files and environment variables', () => {
  it('key_file (relative to the config, trailing newline dropped) gives the same key as inline', async () => {
    writeFileSync(join(dir, 'kcp.key'), 'the-shared-secret\n');
    const fromFile = await loadConfig(client('    key_file: kcp.key\n'), offlineEnv);
    const inline = await loadConfig(client('    key: the-shared-secret\n'), offlineEnv);
    expect(kcpConfig(fromFile.config).key).toBe('the-shared-secret');
    expect(Buffer.from(kcpConfig(fromFile.config).derivedKey)).toEqual(Buffer.from(kcpConfig(inline.config).derivedKey));
  });

  it('key_env and password_env read the environment', async () => {
    process.env.PAQET_TEST_KEY = 'env-secret';
    process.env.PAQET_TEST_PW = 'pw-from-env';
    try {
      const loaded = await loadConfig(client('    key_env: PAQET_TEST_KEY\n', ', password_env: PAQET_TEST_PW'), offlineEnv);
      expect(kcpConfig(loaded.config).key).toBe('env-secret');
      expect(loaded.config.socks5[0]!.password).toBe('pw-from-env');
    } finally {
      delete process.env.PAQET_TEST_KEY;
      delete process.env.PAQET_TEST_PW;
    }
  });

  it('errors name the file, line and key', async () => {
    const missing = client('    key_file: /nonexistent/kcp.key\n');
    expect(await errors(missing)).toContainEqual(expect.stringMatching(new RegExp(`^${missing}:\\d+:\\d+: transport\\.kcp\\.key_file: cannot read secret file /nonexistent/kcp.key: ENOENT`)));
    expect(await errors(client('    key_env: PAQET_SURELY_UNSET\n'))).toContainEqual(expect.stringMatching(/transport\.kcp\.key_env: environment variable PAQET_SURELY_UNSET is not set/));
    expect(await errors(client('    key: a\n    key_env: B\n'))).toContainEqual(expect.stringMatching(/transport\.kcp\.key_env: set only one of key, key_file and key_env/));
  });
});

describe('transport.quic secrets from files and environment variables', () => {
  function quicClient(quicKey: string): string {
    const file = join(dir, `q${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(
      file,
      `role: client\nsocks5:\n  - { listen: "127.0.0.1:1080" }\nnetwork:\n  interface: eth0\n  ipv4: { addr: "10.0.0.2:0", router_mac: "02:00:00:00:00:09" }\nserver: { addr: "10.0.0.1:9999" }\ntransport:\n  protocol: quic\n  quic:\n${quicKey}`,
    );
    return file;
  }

  it('key_file (relative, trailing newline dropped) and key_env give the same key and identity as inline', async () => {
    writeFileSync(join(dir, 'quic.key'), 'the-quic-secret\n');
    process.env.PAQET_TEST_QUIC_KEY = 'the-quic-secret';
    try {
      const inline = quicConfig((await loadConfig(quicClient('    key: the-quic-secret\n'), offlineEnv)).config);
      for (const line of ['    key_file: quic.key\n', '    key_env: PAQET_TEST_QUIC_KEY\n']) {
        const q = quicConfig((await loadConfig(quicClient(line), offlineEnv)).config);
        expect(q.key).toBe('the-quic-secret');
        expect(q.insecureSkipVerify).toBe(false);
        expect(Buffer.from(q.derivedKey!)).toEqual(Buffer.from(inline.derivedKey!));
      }
    } finally {
      delete process.env.PAQET_TEST_QUIC_KEY;
    }
  });

  it('errors name the file, line and key; a failed secret is not also reported as a missing key', async () => {
    const missing = quicClient('    key_file: /nonexistent/quic.key\n');
    expect(await errors(missing)).toEqual([expect.stringMatching(new RegExp(`^${missing}:\\d+:\\d+: transport\\.quic\\.key_file: cannot read secret file /nonexistent/quic.key: ENOENT$`))]);
    expect(await errors(quicClient('    key_env: PAQET_SURELY_UNSET\n'))).toEqual([expect.stringMatching(/transport\.quic\.key_env: environment variable PAQET_SURELY_UNSET is not set$/)]);
    expect(await errors(quicClient('    key: a\n    key_file: b\n'))).toEqual([expect.stringMatching(/transport\.quic\.key_file: set only one of key, key_file and key_env$/)]);
    expect(await errors(quicClient('    mtu: 1280\n'))).toEqual([expect.stringMatching(/transport\.quic\.key: QUIC key is required/)]);
  });
});

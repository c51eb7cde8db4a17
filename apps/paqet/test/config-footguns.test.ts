/** `run --check` footguns of issue 14: placeholder or impossible router MACs, and FEC printed as it will really run. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, formatIssue, loadConfig } from '../src/config/index.js';
import { describePlan } from '../src/plan.js';
import { offlineEnv } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'paqet-footguns-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

function server(mac: string, kcpExtra = ''): string {
  const file = join(dir, `s${n++}.yaml`);
  writeFileSync(file, `role: server\nlisten: { addr: ":9999" }\nnetwork:\n  interface: eth0\n  ipv4: { addr: "10.0.0.2:9999", router_mac: "${mac}" }\ntransport:\n  protocol: kcp\n  kcp: { block: aes, key: k${kcpExtra} }\n`);
  return file;
}

async function issues(file: string): Promise<{ errors: string[]; warnings: string[] }> {
  try {
    const loaded = await loadConfig(file, offlineEnv);
    return { errors: [], warnings: loaded.warnings.map(formatIssue) };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return { errors: err.issues.filter((i) => i.severity === 'error').map(formatIssue), warnings: err.warnings.map(formatIssue) };
  }
}

describe('router MAC footguns', () => {
  it('refuses the all-zero, broadcast and multicast addresses, naming file, line and key', async () => {
    for (const [mac, what] of [['00:00:00:00:00:00', 'all-zero'], ['ff:ff:ff:ff:ff:ff', 'broadcast'], ['01:00:5e:00:00:01', 'multicast']] as const) {
      const file = server(mac);
      const { errors } = await issues(file);
      expect(errors).toContainEqual(expect.stringMatching(new RegExp(`^${file}:5:\\d+: network\\.ipv4\\.router_mac: router MAC ${mac} is .*${what}`)));
    }
  });

  it('warns about a MAC copied from an example', async () => {
    const { errors, warnings } = await issues(server('aa:bb:cc:dd:ee:ff'));
    expect(errors).toEqual([]);
    expect(warnings).toContainEqual(expect.stringMatching(/network\.ipv4\.router_mac: router MAC aa:bb:cc:dd:ee:ff looks like a placeholder/));
  });

  it('accepts a real unicast MAC quietly', async () => {
    const { errors, warnings } = await issues(server('02:50:51:00:01:01'));
    expect(errors).toEqual([]);
    expect(warnings.filter((w) => w.includes('router_mac'))).toEqual([]);
  });
});

describe('FEC as it will really run', () => {
  it('dshard without pshard prints FEC off and why', async () => {
    const loaded = await loadConfig(server('02:50:51:00:01:01', ', dshard: 10'), offlineEnv);
    expect(describePlan(loaded.config)).toContain('FEC off (dshard 10 without pshard: FEC needs both)');
  });

  it('both shards print the group', async () => {
    const loaded = await loadConfig(server('02:50:51:00:01:01', ', dshard: 10, pshard: 3'), offlineEnv);
    expect(describePlan(loaded.config)).toContain('FEC 10 data + 3 parity');
  });
});

/**
 * `paqet firewall` and `network.firewall` against real iptables in a lab namespace, for both
 * backends: rules tagged per config, apply idempotent, remove exact (the lab's own untagged
 * rules survive), present while the daemon runs and gone after SIGTERM, and after SIGKILL the
 * next start clears the stale copy instead of doubling it.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '@paqet/testkit';
import { deletionArgs, firewallTag, portRules, rulePort } from '../src/firewall/rules.js';
import { CLI, describeLab, labForSuite, spawnDaemon, until } from './lab-daemon.js';

const PORT = 7777;

describe('firewall rules (pure)', () => {
  it('tags per config file and deletes only tagged lines', () => {
    const tag = firewallTag('/etc/paqet/server.yaml');
    expect(tag).toMatch(/^paqet:[0-9a-f]{12}$/);
    expect(firewallTag('/etc/paqet/client.yaml')).not.toBe(tag);
    const line = `-A PREROUTING -p tcp -m tcp --dport 7777 -m comment --comment "${tag}" -j NOTRACK`;
    expect(deletionArgs(line, tag)).toEqual(['-D', 'PREROUTING', '-p', 'tcp', '-m', 'tcp', '--dport', '7777', '-m', 'comment', '--comment', tag, '-j', 'NOTRACK']);
    expect(deletionArgs(line, 'paqet:000000000000')).toBeNull();
    expect(deletionArgs('-A PREROUTING -p tcp --dport 7777 -j NOTRACK', tag)).toBeNull();
    expect(rulePort(line)).toBe(7777);
    expect(portRules(9999).map((r) => `${r.table} ${r.chain}`)).toEqual(['raw PREROUTING', 'raw OUTPUT', 'mangle OUTPUT']);
  });
});

describeLab('firewall in the lab', () => {
  const suite = labForSuite('pqfw');
  let lab: Lab;
  let dir: string;
  let yaml: string;
  let tag: string;

  const taggedRules = async (backend: string): Promise<string[]> => {
    const out: string[] = [];
    for (const tool of [`iptables-${backend}-save`, `ip6tables-${backend}-save`]) {
      const r = await lab.exec('server', [tool]);
      out.push(...r.stdout.split('\n').filter((l) => l.includes(tag)));
    }
    return out;
  };
  const cli = (backend: string, ...args: string[]) =>
    lab.exec('server', ['env', `PAQET_IPTABLES=${backend}`, process.execPath, CLI, 'firewall', ...args, '-c', yaml]);

  beforeAll(async () => {
    ({ lab, dir } = await suite.start());
    yaml = join(dir, 'server.yaml');
    tag = firewallTag(yaml);
  });

  const writeServer = (firewall: string) =>
    writeFileSync(
      yaml,
      `role: server\nlog: { level: info }\nlisten: { addr: ":${PORT}" }\nnetwork:\n  interface: pqs0\n  firewall: ${firewall}\n  ipv4: { addr: "10.200.1.2:${PORT}", router_mac: "${lab.server.peerMac}" }\n  ipv6: { addr: "[${lab.server.link.ipv6}]:${PORT}", router_mac: "${lab.server.peerMac}" }\ntransport:\n  protocol: kcp\n  kcp: { block: aes, key: fw-test-key }\n`,
    );

  for (const backend of ['legacy', 'nft']) {
    it(`apply, status, remove with iptables-${backend} (IPv4 and IPv6)`, async () => {
      writeServer('check');
      const labRulesBefore = (await lab.exec('server', [`iptables-${backend}-save`])).stdout.split('\n').filter((l) => l.startsWith('-A') && !l.includes(tag));
      expect((await cli(backend, 'status')).code).toBe(1);
      const applied = await cli(backend, 'apply');
      expect(applied.stdout).toContain('added 6 rules');
      expect(await taggedRules(backend)).toHaveLength(6);
      expect((await cli(backend, 'apply')).stdout).toContain('added 0 rules');
      expect(await taggedRules(backend)).toHaveLength(6);
      const status = await cli(backend, 'status');
      expect(status.code).toBe(0);
      expect(status.stdout.split('\n').filter((l) => l.startsWith('tagged'))).toHaveLength(6);
      expect((await cli(backend, 'remove')).stdout).toContain('removed 6 rules');
      expect((await cli(backend, 'remove')).stdout).toContain('removed 0 rules');
      expect(await taggedRules(backend)).toHaveLength(0);
      const labRulesAfter = (await lab.exec('server', [`iptables-${backend}-save`])).stdout.split('\n').filter((l) => l.startsWith('-A') && !l.includes(tag));
      expect(labRulesAfter).toEqual(labRulesBefore);
    });
  }

  it('network.firewall: auto adds rules at start, removes them on SIGTERM, and clears a SIGKILLed run at the next start', async () => {
    writeServer('auto');
    const backend = 'nft'; // the host's default `iptables` on Debian 12
    const first = spawnDaemon(lab, 'server', ['run', '-c', yaml], { PAQET_IPTABLES: backend });
    await until('rules in place', () => first.out().includes('rules in place'));
    expect(await taggedRules(backend)).toHaveLength(6);
    first.child.kill('SIGKILL');
    await first.exited;
    expect(await taggedRules(backend)).toHaveLength(6);

    const second = spawnDaemon(lab, 'server', ['run', '-c', yaml], { PAQET_IPTABLES: backend });
    await until('rules in place', () => second.out().includes('rules in place'));
    expect(second.out()).toContain('removed 6 stale rules');
    expect(await taggedRules(backend)).toHaveLength(6);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(await taggedRules(backend)).toHaveLength(0);
  });

  it('network.firewall: check (the default) warns loudly when the rules are missing', async () => {
    writeServer('check');
    const d = spawnDaemon(lab, 'server', ['run', '-c', yaml], { PAQET_IPTABLES: 'nft' });
    await until('the warning', () => d.out().includes('rules paqet needs'));
    expect(d.out()).toMatch(/\[WARN\] firewall: 6 of the 6 iptables rules paqet needs for port 7777 are missing/);
    d.child.kill('SIGTERM');
    expect(await d.exited).toBe(0);
  });
});

/**
 * SIGTERM during a daemon's start-up ends it cleanly: exit code 0 (not death by the signal),
 * and whatever it had made by then (firewall rules) removed. Signals land at moments the test
 * can name: while the executable loads its modules (held there by a module hook), while the
 * config is being read (the config is a FIFO the test writes only after signalling), at the
 * first output byte and shortly after it, and once the firewall rules are in place.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, constants, existsSync, openSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, expect, it } from 'vitest';
import type { Lab } from '@paqet/testkit';
import { firewallTag } from '../src/firewall/rules.js';
import { describeLab, labForSuite, spawnDaemon, until, type LabDaemon } from './lab-daemon.js';

const PORT = 7780;
const BACKEND = 'nft';
const LOAD_GATE_HOOK = fileURLToPath(new URL('./fixtures/load-gate/register.mjs', import.meta.url));

describeLab('SIGTERM during start-up', () => {
  const suite = labForSuite('pqsig');
  let lab: Lab;
  let dir: string;
  let config: string;

  const serverYaml = () =>
    `role: server\nlog: { level: info }\nlisten: { addr: ":${PORT}" }\nnetwork:\n  interface: pqs0\n  firewall: auto\n  ipv4: { addr: "10.200.1.2:${PORT}", router_mac: "${lab.server.peerMac}" }\ntransport:\n  protocol: kcp\n  kcp: { block: aes, key: early-signal-key }\n`;

  const taggedRules = async (path: string): Promise<string[]> => {
    const r = await lab.exec('server', [`iptables-${BACKEND}-save`]);
    return r.stdout.split('\n').filter((l) => l.includes(firewallTag(path)));
  };

  const start = (path: string, env: NodeJS.ProcessEnv = {}, nodeFlags: string[] = []): LabDaemon =>
    spawnDaemon(lab, 'server', ['run', '-c', path], { PAQET_IPTABLES: BACKEND, ...env }, nodeFlags);

  /** Exit by code 0, never by a signal, with no firewall rule of this config left. */
  async function expectCleanExit(d: LabDaemon, path: string): Promise<void> {
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => {
      if (d.child.exitCode !== null || d.child.signalCode !== null) resolve([d.child.exitCode, d.child.signalCode]);
      else d.child.once('exit', (c, s) => resolve([c, s]));
    });
    expect({ code, signal, out: d.out() }).toMatchObject({ code: 0, signal: null });
    expect(d.out()).toContain('shutdown signal received, shutting down...');
    expect(await taggedRules(path)).toEqual([]);
  }

  beforeAll(async () => {
    ({ lab, dir } = await suite.start());
    config = join(dir, 'server.yaml');
    writeFileSync(config, serverYaml());
  });

  it('while the executable loads its modules: exit 0, nothing started', async () => {
    const gate = join(dir, 'load-gate');
    writeFileSync(gate, '');
    const d = start(config, { PAQET_TEST_LOAD_GATE: gate }, ['--import', LOAD_GATE_HOOK]);
    await until('module loading held', () => existsSync(`${gate}.reached`));
    d.child.kill('SIGTERM');
    unlinkSync(gate);
    await expectCleanExit(d, config);
    expect(d.out()).not.toContain('rules in place');
    expect(d.out()).not.toContain('[INFO] server listening');
  });

  it('while the config is read: exit 0, nothing started', async () => {
    const fifo = join(dir, 'fifo.yaml');
    execFileSync('mkfifo', [fifo]);
    const d = start(fifo);
    // Opening a FIFO's write end without blocking fails (ENXIO) until a reader has it open.
    let writer = -1;
    await until('the daemon reading its config', () => {
      try {
        writer = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
        return true;
      } catch {
        return false;
      }
    });
    d.child.kill('SIGTERM');
    // The config arrives only once the signal has been handled (or has killed the process).
    await until('the signal handled', () => d.out().includes('shutdown signal received') || d.child.exitCode !== null || d.child.signalCode !== null);
    writeSync(writer, serverYaml());
    closeSync(writer);
    await expectCleanExit(d, fifo);
    expect(d.out()).not.toContain('rules in place');
    expect(d.out()).not.toContain('[INFO] server listening');
  });

  for (const delayMs of [0, 0, 50, 150, 300]) {
    it(`${delayMs} ms after the first output byte: exit 0, rules removed`, async () => {
      const d = start(config);
      await new Promise<void>((resolve) => {
        d.child.stdout!.once('data', () => resolve());
        d.child.stderr!.once('data', () => resolve());
      });
      await new Promise((r) => setTimeout(r, delayMs));
      d.child.kill('SIGTERM');
      await expectCleanExit(d, config);
    });
  }

  it('once the firewall rules are in place: exit 0, rules removed', async () => {
    const d = start(config);
    await until('rules in place', () => d.out().includes('rules in place'));
    d.child.kill('SIGTERM');
    await expectCleanExit(d, config);
    expect(d.out()).toContain('firewall: removed 3 rules');
  });
});

/**
 * The capture interface goes down under a daemon and comes back (a cable pulled, a VM's
 * NIC reset): the daemon must survive it and serve again once the link is up. (Before the
 * patched `cap` from the cap-crash work, Pcap::cb_packets asserted status == 0 when
 * libpcap's poll reported the error, and the process died with SIGABRT.)
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ChaosLab, type Role } from './chaos-lab.js';
import { describeLab, report, SEED } from './profile.js';

let chaos: ChaosLab;
const IFACE: Record<Role, string> = { client: 'pqc0', server: 'pqs0' };

/** Link down for 2 s under traffic, then up; returns how the daemon fared. */
async function flapLink(role: Role): Promise<{ survived: boolean; recoveredMs: number | null; status: string }> {
  const inFlight = chaos.download('blob.bin', 6);
  await new Promise((r) => setTimeout(r, 300));
  await chaos.lab.exec(role, ['ip', 'link', 'set', IFACE[role], 'down']);
  await new Promise((r) => setTimeout(r, 2000));
  await chaos.lab.exec(role, ['ip', 'link', 'set', IFACE[role], 'up']);
  await inFlight;
  const d = chaos.daemons[role]!;
  const status = d.exitStatus();
  if (status) {
    await chaos.startDaemon(role); // the next check starts from a running pair
    return { survived: false, recoveredMs: null, status: `${JSON.stringify(status)}: ${d.output().split('\n').filter((l) => /Assertion|Error/.test(l)).join(' ')}` };
  }
  return { survived: true, recoveredMs: await chaos.timeToFirstSuccess('small.txt', 30_000, 3), status: 'running' };
}

describeLab('chaos: the capture interface goes down and comes back', () => {
  beforeAll(async () => {
    chaos = await ChaosLab.start({ name: 'lnk', seed: SEED, files: { 'blob.bin': 4 << 20, 'small.txt': 1000 } });
    await chaos.relay.set({ rate: 8000 });
  }, 120_000);

  afterAll(async () => {
    await chaos?.finish();
  });

  for (const role of ['client', 'server'] as const) {
    it(`${role}: ${IFACE[role]} down for 2 s during a download, then up: the daemon keeps running and serves again`, async () => {
      const r = await flapLink(role);
      report(`${role} link flap: ${r.survived ? `survived, first request ok ${((r.recoveredMs ?? NaN) / 1000).toFixed(1)} s after the link came up` : `daemon died ${r.status}`}`);
      expect(r.survived, r.status).toBe(true);
      expect(r.recoveredMs).not.toBeNull();
    }, 90_000);
  }

  it('both daemons exit 0 on SIGTERM afterwards', async () => {
    const client = await chaos.stopDaemon('client', 'SIGTERM');
    const server = await chaos.stopDaemon('server', 'SIGTERM');
    expect(client).toEqual({ code: 0, signal: null });
    expect(server).toEqual({ code: 0, signal: null });
  });
});

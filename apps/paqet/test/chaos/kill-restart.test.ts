/**
 * kill -9 and restart loops of either side, with a download in flight at each kill: after
 * every restart the time until a new request succeeds is measured, and a download after it
 * must arrive intact. A graceful restart (SIGTERM) of either side must exit 0 and recover
 * too. Afterwards the daemons that lived through the loops are inside the memory budget
 * and have not piled up file descriptors.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ChaosLab, PEAK_RSS_BUDGET, type Role } from './chaos-lab.js';
import { describeLab, LONG, report, scale, SEED } from './profile.js';

const MB = 1024 * 1024;
/** Restart cycles per side and kind; the short profile does one kill -9 per side and a graceful client restart. */
const CYCLES = scale(1, 10);
/** How long a new request may take to succeed after a restart before the check fails. */
const RECOVERY_LIMIT_MS = 60_000;
let chaos: ChaosLab;
/** A request cut by a stop must end within this; smux's keepalive timeout is 30 s. */
const IN_FLIGHT_LIMIT_MS = 45_000;
const SERVER_RECOVERY_MS = 8_000;
const recoveries: Record<string, number[]> = {};
const inFlightEnds: Record<string, number[]> = {};

/**
 * One cycle: a download in flight (slowed by an 8 Mbit/s bottleneck so the stop lands in the
 * middle of it), the stop, an immediate restart, then requests until one succeeds. Returns
 * ms from the stop to the first successful request; the request that was in flight must
 * end (intact or cut) within IN_FLIGHT_LIMIT_MS of the stop rather than hang.
 */
async function restartCycle(role: Role, how: 'SIGKILL' | 'SIGTERM'): Promise<number> {
  await chaos.relay.set({ rate: 8000 });
  const inFlight = chaos.download('blob.bin', 120).then((t) => ({ ...t, endedAt: Date.now() }));
  await new Promise((r) => setTimeout(r, 500));
  const status = await chaos.stopDaemon(role, how);
  const stoppedAt = Date.now();
  if (how === 'SIGKILL') expect(status.signal).toBe('SIGKILL');
  await chaos.relay.set({ rate: 0 });
  await chaos.startDaemon(role);
  const ms = await chaos.timeToFirstSuccess('small.txt', RECOVERY_LIMIT_MS, 3);
  expect(ms, `no request succeeded within ${RECOVERY_LIMIT_MS} ms of restarting the ${role}`).not.toBeNull();
  const total = Date.now() - stoppedAt;
  const cut = await inFlight;
  (inFlightEnds[`${role} ${how}`] ??= []).push(Math.max(0, cut.endedAt - stoppedAt));
  expect(cut.endedAt - stoppedAt, `the download in flight when the ${role} stopped was still open`).toBeLessThan(IN_FLIGHT_LIMIT_MS);
  const t = await chaos.download('blob.bin', 60);
  expect(t.ok, `${t.stderr} (curl ${t.code}, ${t.bytes} bytes)`).toBe(true);
  (recoveries[`${role} ${how}`] ??= []).push(total);
  return total;
}

function summary(key: string): string {
  const v = recoveries[key] ?? [];
  const s = (x: number[]) => x.map((ms) => (ms / 1000).toFixed(1)).join(', ');
  return `${v.length} cycles, first new request ok ${s(v)} s after the stop (max ${(Math.max(...v) / 1000).toFixed(1)} s); the request in flight ended ${s(inFlightEnds[key] ?? [])} s after it`;
}

describeLab('chaos: kill -9 and restart loops', () => {
  beforeAll(async () => {
    report(`kill-restart seed ${SEED}`);
    chaos = await ChaosLab.start({ name: 'kil', seed: SEED, files: { 'blob.bin': 2 * MB, 'small.txt': 1000 } });
    expect((await chaos.download('small.txt')).ok).toBe(true);
  }, 120_000);

  afterAll(async () => {
    await chaos?.finish();
  });

  it(`client killed with -9 and restarted ${CYCLES} times: new requests succeed each time`, async () => {
    for (let i = 0; i < CYCLES; i++) await restartCycle('client', 'SIGKILL');
    report(`client kill -9: ${summary('client SIGKILL')}`);
  }, CYCLES * 150_000);

  it(`server killed with -9 and restarted ${CYCLES} times: new requests succeed each time`, async () => {
    for (let i = 0; i < CYCLES; i++) await restartCycle('server', 'SIGKILL');
    report(`server kill -9: ${summary('server SIGKILL')}`);
  }, CYCLES * 150_000);

  it(`graceful restarts (SIGTERM, exit 0) of the client${LONG ? ' and of the server' : ''} recover too`, async () => {
    await restartCycle('client', 'SIGTERM');
    if (LONG) await restartCycle('server', 'SIGTERM');
    report(`client SIGTERM restart: ${summary('client SIGTERM')}${LONG ? `; server SIGTERM restart: ${summary('server SIGTERM')}` : ''}`);
    expect(chaos.uncleanStops()).toEqual([]);
  }, 300_000);

  // Expected failure until the session-resilience fix (slow reconnect) is in main. A session
  // silent for smux's keepalive timeout (8 s by default, docs/configuration.md) is dead, so
  // the client should be serving again through the restarted server within that; today a
  // new request first succeeds 11-15 s after the server stopped.
  it.fails(`after a server restart a new request succeeds within ${SERVER_RECOVERY_MS / 1000} s (the keepalive timeout)`, () => {
    const times = [...(recoveries['server SIGKILL'] ?? []), ...(recoveries['server SIGTERM'] ?? [])];
    expect(times.length).toBeGreaterThan(0);
    expect(Math.max(...times)).toBeLessThanOrEqual(SERVER_RECOVERY_MS);
  });

  it(`peak RSS of every daemon process <= ${PEAK_RSS_BUDGET / MB} MB (VmHWM)`, () => {
    chaos.expectPeakRssWithinBudget('kill-restart');
  });

  it('both daemons exit 0 on SIGTERM, and no process printed a warning at the end', async () => {
    await chaos.expectCleanStops();
  });
});

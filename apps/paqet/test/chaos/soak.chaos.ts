/**
 * Soak (`pnpm test:chaos --minutes N`, default 3): both daemons run for N minutes over a
 * mildly lossy link (1% loss, 5 ms + 2 ms jitter each way) with downloads going all the
 * time, a garbage burst at both capture ports every minute and a 3 s partition every
 * third minute. Each daemon's RSS and open descriptors are sampled from /proc every 5 s;
 * the report gives the RSS slope after warmup (MB per minute, least squares) and the fd
 * counts. Every download must arrive intact, peak RSS stay inside the budget, descriptors
 * stay flat, and on runs of 5 minutes or more the RSS slope stay under 1 MB/min.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ProcSampler, rssSlopeMbPerMinute, type ProcSample } from '@paqet/testkit';
import { ChaosLab, PEAK_RSS_BUDGET, type Role } from './chaos-lab.js';
import { describeLab, report, SEED, SOAK_MINUTES } from './profile.js';

const MB = 1024 * 1024;
const MINUTES = SOAK_MINUTES > 0 ? SOAK_MINUTES : 3;
const WARMUP_MS = Math.min(60_000, (MINUTES * 60_000) / 4);
const SLOPE_LIMIT = 1;
let chaos: ChaosLab;
const samplers: Partial<Record<Role, ProcSampler>> = {};

function fdTrend(samples: readonly ProcSample[]): { first: number; last: number; max: number } {
  const after = samples.filter((s) => s.atMs >= WARMUP_MS);
  const half = Math.floor(after.length / 2);
  const maxOf = (x: readonly ProcSample[]) => Math.max(...x.map((s) => s.fds));
  return { first: maxOf(after.slice(0, Math.max(1, half))), last: maxOf(after.slice(half)), max: maxOf(after) };
}

describeLab('chaos: soak', () => {
  beforeAll(async () => {
    chaos = await ChaosLab.start({ name: 'soak', seed: SEED, files: { 'blob.bin': 1 * MB, 'small.txt': 1000 }, link: { loss: 1, delay: 5, jitter: 2 } });
    for (const role of ['client', 'server'] as const) samplers[role] = new ProcSampler(chaos.daemons[role]!.pid, 5000);
  }, 120_000);

  afterAll(async () => {
    for (const s of Object.values(samplers)) s.stop();
    await chaos?.finish();
  });

  it(`${MINUTES} minutes of downloads with garbage bursts and partitions: every download intact`, async () => {
    const started = Date.now();
    const end = started + MINUTES * 60_000;
    let downloads = 0;
    let bytes = 0;
    let minute = -1;
    while (Date.now() < end) {
      const m = Math.floor((Date.now() - started) / 60_000);
      if (m !== minute) {
        minute = m;
        // A garbage burst at the start of every minute; a partition every third minute.
        await chaos.relay.set({ garbage: 1000 });
        setTimeout(() => void chaos.relay.set({ garbage: 0 }).catch(() => {}), 10_000);
        if (m % 3 === 2) {
          await chaos.relay.set({ blackhole: 1 });
          setTimeout(() => void chaos.relay.set({ blackhole: 0 }).catch(() => {}), 3000);
        }
      }
      const batch = await Promise.all([chaos.download('blob.bin', 90), chaos.download('blob.bin', 90), chaos.download('small.txt', 60)]);
      for (const t of batch) expect(t.ok, `${t.file} at minute ${m}: ${t.stderr} (curl ${t.code}, ${t.bytes} bytes)`).toBe(true);
      downloads += batch.length;
      bytes += batch.reduce((a, t) => a + t.bytes, 0);
    }
    for (const role of ['client', 'server'] as const) samplers[role]!.take();
    report(`soak: ${MINUTES} min, ${downloads} downloads (${(bytes / MB).toFixed(0)} MB) intact`);
  }, MINUTES * 60_000 + 300_000);

  it('RSS slope after warmup and open descriptors of both daemons', () => {
    for (const role of ['client', 'server'] as const) {
      const s = samplers[role]!.samples;
      const slope = rssSlopeMbPerMinute(s, WARMUP_MS);
      const fds = fdTrend(s);
      const rss = s.map((x) => x.rss / MB);
      report(
        `soak ${role}: RSS slope ${slope.toFixed(2)} MB/min after ${WARMUP_MS / 1000} s warmup (RSS ${Math.min(...rss).toFixed(1)}-${Math.max(...rss).toFixed(1)} MB over ${s.length} samples); open fds ${fds.first} -> ${fds.last} (max ${fds.max})`,
      );
      // Descriptors: the second half of the run holds no more than the first (+4 for sockets in flight).
      expect(fds.last, `${role} fds`).toBeLessThanOrEqual(fds.first + 4);
      if (MINUTES >= 5) expect(slope, `${role} RSS slope (MB/min)`).toBeLessThanOrEqual(SLOPE_LIMIT);
    }
  });

  it(`peak RSS of each daemon <= ${PEAK_RSS_BUDGET / MB} MB, and both exit 0 on SIGTERM`, async () => {
    chaos.expectPeakRssWithinBudget('soak');
    await chaos.stopDaemon('client', 'SIGTERM');
    await chaos.stopDaemon('server', 'SIGTERM');
    expect(chaos.uncleanStops()).toEqual([]);
  });
});

import { expect, it } from 'vitest';
import { countOpenFds, readProcMemory, rssSlopeMbPerMinute, type ProcSample } from '../src/proc-stats.js';

const sample = (atMs: number, rss: number): ProcSample => ({ atMs, rss, fds: 10 });

it('RSS slope: least squares over the samples after warmup, in MB per minute', () => {
  // 2 MB per minute after 60 s, a 50 MB jump during warmup that must not count.
  const samples = [sample(0, 10e6), sample(30_000, 60e6), ...[0, 1, 2, 3, 4].map((m) => sample(60_000 + m * 60_000, 80e6 + m * 2e6))];
  expect(rssSlopeMbPerMinute(samples, 60_000)).toBeCloseTo(2, 6);
  expect(rssSlopeMbPerMinute(samples.slice(0, 3), 60_000)).toBe(0);
});

it('reads this process: VmRSS <= VmHWM, and some open fds', () => {
  const m = readProcMemory(process.pid);
  expect(m.rss).toBeGreaterThan(1e6);
  expect(m.peakRss).toBeGreaterThanOrEqual(m.rss);
  expect(countOpenFds(process.pid)).toBeGreaterThan(2);
});

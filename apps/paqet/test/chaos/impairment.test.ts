/**
 * Downloads through the tunnel while the wan relay impairs the client<->server link: loss,
 * delay with jitter, duplication, reordering, a bandwidth bottleneck, all of them together,
 * and a partition that heals. Every download is checked by sha256 within a bounded time;
 * afterwards both daemons held the memory budget and stopped with exit 0 on SIGTERM.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ImpairmentSettings } from '@paqet/testkit';
import { ChaosLab, PEAK_RSS_BUDGET } from './chaos-lab.js';
import { describeLab, LONG, report, scale, SEED } from './profile.js';

const MB = 1024 * 1024;
const SIZE = scale(2 * MB, 8 * MB);
let chaos: ChaosLab;

interface Case {
  name: string;
  link: ImpairmentSettings;
  /** Seconds the download may take at most (curl --max-time): generous for a loaded 2-core machine. */
  maxSeconds: number;
  longOnly?: boolean;
}

const CLEAN: ImpairmentSettings = { delay: 0, jitter: 0, loss: 0, dup: 0, reorder: 0, rate: 0, blackhole: 0 };
const cases: Case[] = [
  { name: 'clean link', link: {}, maxSeconds: 60 },
  { name: '5% loss each way', link: { loss: 5 }, maxSeconds: 90 },
  { name: '20 ms delay + 10 ms jitter each way (reorders)', link: { delay: 20, jitter: 10 }, maxSeconds: 90 },
  { name: '10% duplication + 10% reordering', link: { dup: 10, reorder: 10, delay: 2 }, maxSeconds: 90 },
  { name: '8 Mbit/s bottleneck, 100 ms queue', link: { rate: 8000, queue_ms: 100 }, maxSeconds: 90 },
  { name: 'all at once: 2% loss, 25 ms + 5 ms jitter, 2% dup, 5% reorder, 20 Mbit/s', link: { loss: 2, delay: 25, jitter: 5, dup: 2, reorder: 5, rate: 20000 }, maxSeconds: 120, longOnly: true },
  { name: '15% loss each way', link: { loss: 15 }, maxSeconds: 180, longOnly: true },
];

describeLab('chaos: impaired link', () => {
  beforeAll(async () => {
    report(`impairment seed ${SEED}`);
    chaos = await ChaosLab.start({ name: 'imp', seed: SEED, files: { 'blob.bin': SIZE, 'small.txt': 1000 } });
  }, 120_000);

  afterAll(async () => {
    await chaos?.finish();
  });

  for (const c of cases.filter((x) => LONG || !x.longOnly)) {
    it(`${c.name}: ${SIZE / MB} MB arrive intact`, async () => {
      await chaos.relay.set({ ...CLEAN, ...c.link });
      const t = await chaos.download('blob.bin', c.maxSeconds);
      expect(t.ok, `${t.stderr} (curl ${t.code}, ${t.bytes} bytes)`).toBe(true);
      report(`${c.name}: ${SIZE / MB} MB in ${t.seconds.toFixed(2)} s (${(SIZE / MB / t.seconds).toFixed(2)} MB/s)`);
    }, (c.maxSeconds + 30) * 1000);
  }

  it('a 5 s partition in the middle of a download: the download completes once the link heals', async () => {
    // A 4 Mbit/s bottleneck keeps the download running long enough to be cut in the middle.
    await chaos.relay.set({ ...CLEAN, rate: 4000 });
    const download = chaos.download('blob.bin', 120);
    await new Promise((r) => setTimeout(r, 1000));
    await chaos.relay.set({ blackhole: 1 });
    await new Promise((r) => setTimeout(r, 5000));
    const healed = Date.now();
    await chaos.relay.set({ blackhole: 0, rate: 0 });
    const t = await download;
    expect(t.ok, `${t.stderr} (curl ${t.code}, ${t.bytes} bytes)`).toBe(true);
    report(`5 s partition: download finished ${((Date.now() - healed) / 1000).toFixed(2)} s after the link healed (${t.seconds.toFixed(2)} s in all)`);
  }, 180_000);

  it('the link carried what the relay says: loss, duplicates and reordering really happened', async () => {
    const stats = await chaos.relay.stats();
    const all = Object.values(stats);
    for (const key of ['lost', 'duplicated', 'reordered', 'queue_dropped', 'blackholed'] as const) {
      expect(all.reduce((a, d) => a + d[key], 0), key).toBeGreaterThan(0);
    }
    report(`relay counters: ${JSON.stringify(stats)}`);
  });

  it(`peak RSS of each daemon <= ${PEAK_RSS_BUDGET / MB} MB (VmHWM)`, () => {
    chaos.expectPeakRssWithinBudget('impairment');
  });

  it('both daemons exit 0 on SIGTERM, and no process printed a warning', async () => {
    await chaos.expectCleanStops();
  });
});

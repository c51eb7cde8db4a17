/**
 * Memory pressure: many parallel downloads whose readers are slower than the tunnel, so
 * every layer's buffers fill (smux session and stream windows, KCP queues, socket buffers).
 * Every download arrives intact and each daemon's peak RSS stays inside the budget.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ChaosLab, PEAK_RSS_BUDGET } from './chaos-lab.js';
import { describeLab, report, scale, SEED } from './profile.js';

const MB = 1024 * 1024;
const STREAMS = scale(12, 32);
const SIZE = scale(4 * MB, 8 * MB);
let chaos: ChaosLab;

describeLab('chaos: memory pressure', () => {
  beforeAll(async () => {
    chaos = await ChaosLab.start({ name: 'mem', seed: SEED, files: { 'blob.bin': SIZE } });
  }, 120_000);

  afterAll(async () => {
    await chaos?.finish();
  });

  it(`${STREAMS} parallel downloads of ${SIZE / MB} MB, half of them read at 1 MB/s: all intact`, async () => {
    const started = Date.now();
    const runs = await Promise.all(
      Array.from({ length: STREAMS }, (_, i) => chaos.download('blob.bin', 150, i % 2 ? ['--limit-rate', '1M'] : [])),
    );
    for (const t of runs) expect(t.ok, `${t.stderr} (curl ${t.code}, ${t.bytes} bytes)`).toBe(true);
    chaos.notePeak('client');
    chaos.notePeak('server');
    report(
      `memory pressure: ${STREAMS} x ${SIZE / MB} MB in ${((Date.now() - started) / 1000).toFixed(1)} s; peak RSS client ${(chaos.peakRss.client / MB).toFixed(1)} MB, server ${(chaos.peakRss.server / MB).toFixed(1)} MB`,
    );
  }, 240_000);

  it(`peak RSS of each daemon <= ${PEAK_RSS_BUDGET / MB} MB (VmHWM)`, () => {
    expect(chaos.peakRss.client).toBeLessThanOrEqual(PEAK_RSS_BUDGET);
    expect(chaos.peakRss.server).toBeLessThanOrEqual(PEAK_RSS_BUDGET);
  });

  it('no process warnings, and both daemons exit 0 on SIGTERM', async () => {
    await chaos.stopDaemon('client', 'SIGTERM');
    await chaos.stopDaemon('server', 'SIGTERM');
    expect(chaos.uncleanStops()).toEqual([]);
    expect(chaos.processWarnings()).toEqual([]);
  });
});

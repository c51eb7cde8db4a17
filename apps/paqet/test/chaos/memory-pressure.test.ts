/**
 * Memory pressure: many parallel downloads whose readers are slower than the tunnel, so
 * every layer's buffers fill (smux session and stream windows, KCP queues, socket buffers).
 * Every download arrives intact and each daemon's peak RSS stays inside the budget. With
 * more than 10 relays open at once the server also shows the abort-listener leak (see the
 * expected failure below).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ChaosLab, PEAK_RSS_BUDGET } from './chaos-lab.js';
import { describeLab, report, scale, SEED } from './profile.js';

const MB = 1024 * 1024;
const STREAMS = scale(16, 32);
const SIZE = scale(1 * MB, 8 * MB);
/** Every reader at 256 KB/s: the downloads overlap for seconds and the tunnel outruns them. */
const READ_RATE = '256K';
let chaos: ChaosLab;

describeLab('chaos: memory pressure', () => {
  beforeAll(async () => {
    chaos = await ChaosLab.start({ name: 'mem', seed: SEED, files: { 'blob.bin': SIZE } });
  }, 120_000);

  afterAll(async () => {
    await chaos?.finish();
  });

  it(`${STREAMS} parallel downloads of ${SIZE / MB} MB, read at ${READ_RATE}/s each: all intact`, async () => {
    const started = Date.now();
    const runs = await Promise.all(Array.from({ length: STREAMS }, () => chaos.download('blob.bin', 150, ['--limit-rate', READ_RATE])));
    for (const t of runs) expect(t.ok, `${t.stderr} (curl ${t.code}, ${t.bytes} bytes)`).toBe(true);
    report(`memory pressure: ${STREAMS} x ${SIZE / MB} MB in ${((Date.now() - started) / 1000).toFixed(1)} s, all intact`);
  }, 240_000);

  it(`peak RSS of each daemon <= ${PEAK_RSS_BUDGET / MB} MB (VmHWM)`, () => {
    chaos.expectPeakRssWithinBudget('memory pressure');
  });

  // Expected failure until the session-resilience fix (listener leak) is in main: every
  // relay adds an 'abort' listener to the server's one shutdown AbortSignal, so 11 open
  // relays print MaxListenersExceededWarning ("Possible EventTarget memory leak detected").
  it.fails('no process warnings from either daemon (MaxListenersExceededWarning and the like)', () => {
    expect(chaos.processWarnings()).toEqual([]);
  });

  it('both daemons exit 0 on SIGTERM', async () => {
    await chaos.stopDaemon('client', 'SIGTERM');
    await chaos.stopDaemon('server', 'SIGTERM');
    expect(chaos.uncleanStops()).toEqual([]);
  });
});

/**
 * Garbage floods at both daemons' capture ports while downloads run: the wan relay injects,
 * in both directions, random frames, truncated copies of real frames, valid TCP segments
 * with random payloads (half from spoofed ports) and real paqet frames with one payload bit
 * flipped (valid-looking KCP whose CRC fails after decryption). Downloads stay intact, both
 * daemons keep running within the memory budget, and the server counts what it dropped.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { garbageSent, TO_CLIENT, TO_SERVER, type RelayStats } from '@paqet/testkit';
import { ChaosLab, PEAK_RSS_BUDGET } from './chaos-lab.js';
import { parseServerStats } from './server-stats.js';
import { describeLab, report, scale, SEED } from './profile.js';

const MB = 1024 * 1024;
const RATE = scale(2000, 5000);
const FLOOD_SECONDS = scale(5, 60);
let chaos: ChaosLab;
let relayStats: RelayStats;

describeLab('chaos: garbage floods at both capture ports', () => {
  beforeAll(async () => {
    report(`garbage seed ${SEED}`);
    chaos = await ChaosLab.start({ name: 'gbg', seed: SEED, files: { 'blob.bin': 2 * MB, 'small.txt': 1000 } });
    // Real frames must cross once so the relay has templates for the crafted kinds.
    expect((await chaos.download('small.txt')).ok).toBe(true);
  }, 120_000);

  afterAll(async () => {
    await chaos?.finish();
  });

  it(`${RATE} garbage frames/s each way for ${FLOOD_SECONDS} s: every download meanwhile arrives intact`, async () => {
    await chaos.relay.set({ garbage: RATE });
    const end = Date.now() + FLOOD_SECONDS * 1000;
    let downloads = 0;
    while (Date.now() < end) {
      const batch = await Promise.all([chaos.download('blob.bin', 60), chaos.download('blob.bin', 60), chaos.download('small.txt', 30)]);
      for (const t of batch) expect(t.ok, `${t.file}: ${t.stderr} (curl ${t.code}, ${t.bytes} bytes)`).toBe(true);
      downloads += batch.length;
    }
    await chaos.relay.set({ garbage: 0 });
    relayStats = await chaos.relay.stats();
    for (const dir of [TO_SERVER, TO_CLIENT]) {
      const c = relayStats[dir]!;
      for (const kind of ['garbage_random', 'garbage_truncated', 'garbage_tcp_random', 'garbage_kcp_bad_crc'] as const) expect(c[kind], `${dir} ${kind}`).toBeGreaterThan(0);
    }
    report(
      `garbage flood: ${downloads} downloads intact under ${garbageSent(relayStats[TO_SERVER]!)} garbage frames to the server and ${garbageSent(relayStats[TO_CLIENT]!)} to the client in ${FLOOD_SECONDS} s`,
    );
  }, (FLOOD_SECONDS + 120) * 1000);

  it('after the flood both daemons serve new requests at once', async () => {
    expect(chaos.daemons.client!.exitStatus()).toBeNull();
    expect(chaos.daemons.server!.exitStatus()).toBeNull();
    const t = await chaos.download('small.txt', 10);
    expect(t.ok, t.stderr).toBe(true);
  });

  it(`peak RSS of each daemon <= ${PEAK_RSS_BUDGET / MB} MB (VmHWM)`, () => {
    chaos.expectPeakRssWithinBudget('garbage flood');
  });

  it('the server exits 0 on SIGTERM and its stats count the garbage as drops, not sessions or streams', async () => {
    const status = await chaos.stopDaemon('server', 'SIGTERM');
    expect(status).toEqual({ code: 0, signal: null });
    const stats = parseServerStats(chaos.daemons.server!.output());
    const toServer = relayStats[TO_SERVER]!;
    const kcpDropped = Object.values(stats.kcpDrops).reduce((a, b) => a + b, 0);
    const frameDropped = Object.values(stats.pcapDrops.inbound).reduce((a, b) => a + b, 0);
    report(`server stats after the flood: ${JSON.stringify(stats)}`);
    // Flipped-bit frames and random TCP payloads fail the CRC; pcap may lose some under load.
    expect(kcpDropped).toBeGreaterThan((toServer.garbage_kcp_bad_crc + toServer.garbage_tcp_random) / 2);
    expect(frameDropped).toBeGreaterThan(0);
    // Only the real client's sessions: its first, plus at most a probe or two if the flood
    // delayed its ACKs long enough to make the tunnel suspect. Garbage from its many source
    // ports never became one (that would be dozens).
    expect(stats.sessions).toBeGreaterThanOrEqual(1);
    expect(stats.sessions).toBeLessThanOrEqual(3);
    expect(stats.badHeaders).toBe(0);
  });

  it('the client exits 0 on SIGTERM; neither daemon printed a process warning', async () => {
    expect(await chaos.stopDaemon('client', 'SIGTERM')).toEqual({ code: 0, signal: null });
    expect(chaos.processWarnings()).toEqual([]);
  });
});

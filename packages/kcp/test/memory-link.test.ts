import { describe, expect, it } from 'vitest';
import { MemoryNetwork, VirtualClock, createMemoryLinkPair } from '@paqet/testkit';

describe('memory link conditions', () => {
  it('applies seeded loss, duplication, reordering and delay on virtual time', async () => {
    const clock = new VirtualClock();
    const { a, b, bEndpoint, network } = createMemoryLinkPair({
      seed: 42,
      scheduler: clock,
      conditions: { loss: 0.3, duplicate: 0.1, reorder: 0.2, delayMs: 50 },
    });
    const got: { i: number; t: number }[] = [];
    b.onDatagram((d) => got.push({ i: d[0] | (d[1] << 8), t: clock.now() }));
    for (let i = 0; i < 1000; i++) a.send(new Uint8Array([i & 0xff, i >> 8]), bEndpoint);
    await clock.runUntil(() => clock.pending === 0);
    const s = network.stats;
    expect(s.sent).toBe(1000);
    expect(s.lost / 1000).toBeGreaterThan(0.25);
    expect(s.lost / 1000).toBeLessThan(0.35);
    expect(s.duplicated).toBeGreaterThan(30);
    expect(got.length).toBe(1000 - s.lost + s.duplicated);
    expect(got.every((g) => g.t >= 50)).toBe(true);
    let inversions = 0;
    for (let k = 1; k < got.length; k++) if (got[k].i < got[k - 1].i) inversions++;
    expect(inversions).toBeGreaterThan(10);
  });

  it('is deterministic for a seed', async () => {
    const run = async () => {
      const clock = new VirtualClock();
      const net = new MemoryNetwork({ seed: 5, scheduler: clock, conditions: { loss: 0.5 } });
      const a = net.bind();
      const b = net.bind();
      const got: number[] = [];
      b.onDatagram((d) => got.push(d[0]));
      for (let i = 0; i < 100; i++) a.send(new Uint8Array([i]), b.localEndpoint);
      await clock.runUntil(() => clock.pending === 0);
      return got;
    };
    expect(await run()).toEqual(await run());
  });
});

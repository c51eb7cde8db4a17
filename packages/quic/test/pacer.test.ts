import { describe, expect, it } from 'vitest';
import { Pacer } from '../src/pacer.js';
import { SeededRandom } from '@paqet/testkit';

const MTU = 1280;

/** Send full datagrams whenever the pacer allows, at refills `stepMs` apart (jittered); returns bytes per refill time. */
function drive(pacer: Pacer, ms: number, stepMs: number, seed = 1): { at: number; bytes: number }[] {
  const random = new SeededRandom(seed);
  const sends: { at: number; bytes: number }[] = [];
  for (let now = 0; now <= ms; now += stepMs * (0.5 + random.next())) {
    pacer.refill(now);
    while (pacer.canSend) {
      pacer.onSent(MTU);
      sends.push({ at: now, bytes: MTU });
    }
  }
  return sends;
}

describe('Pacer', () => {
  it('never lets more than one burst plus the rate times the window go, in any window', () => {
    const rate = 12_800; // bytes per ms: 12.8 MB/s
    const burst = rate * 2; // as the session sizes it: two ms of the rate, so a late refill loses nothing
    const pacer = new Pacer(burst, 0);
    pacer.setRate(rate, burst);
    const sends = drive(pacer, 1000, 0.7);
    for (let i = 0; i < sends.length; i++) {
      for (const windowMs of [1, 5, 50]) {
        let bytes = 0;
        for (let j = i; j < sends.length && sends[j]!.at - sends[i]!.at <= windowMs; j++) bytes += sends[j]!.bytes;
        // The last datagram of a burst may overdraw the bucket by less than one datagram.
        expect(bytes).toBeLessThanOrEqual(burst + rate * windowMs + MTU);
      }
    }
    // ... and it does use the rate it was given (within a datagram per refill of slack).
    const total = sends.reduce((n, s) => n + s.bytes, 0);
    expect(total).toBeGreaterThan(rate * 1000 * 0.95);
    expect(total).toBeLessThanOrEqual(rate * 1000 + burst + MTU);
  });

  it('says how long until the next datagram may go, and lets it go then', () => {
    const pacer = new Pacer(2 * MTU, 0);
    pacer.setRate(MTU, 2 * MTU); // one datagram per ms
    pacer.refill(0);
    pacer.onSent(MTU);
    pacer.onSent(MTU);
    expect(pacer.canSend).toBe(false);
    expect(pacer.waitMs(MTU)).toBeCloseTo(1, 6);
    pacer.refill(0.5);
    expect(pacer.canSend).toBe(true); // half a datagram of budget: the next one may overdraw it
    pacer.onSent(MTU);
    expect(pacer.canSend).toBe(false);
    expect(pacer.waitMs(MTU)).toBeCloseTo(1.5, 6);
  });

  it('does not save up budget beyond one burst while idle', () => {
    const pacer = new Pacer(3 * MTU, 0);
    pacer.setRate(MTU, 3 * MTU);
    pacer.refill(10_000); // 10 s idle
    let n = 0;
    while (pacer.canSend) {
      pacer.onSent(MTU);
      n++;
    }
    expect(n).toBe(3);
  });

  it('a smaller burst takes effect at once; rate 0 lifts pacing', () => {
    const pacer = new Pacer(64 * MTU, 0);
    pacer.setRate(MTU, MTU);
    pacer.onSent(MTU);
    expect(pacer.canSend).toBe(false);
    pacer.setRate(0, MTU);
    pacer.refill(0);
    expect(pacer.canSend).toBe(true);
    expect(pacer.waitMs(MTU)).toBe(0);
    for (let i = 0; i < 1000; i++) pacer.onSent(MTU);
    expect(pacer.canSend).toBe(true);
  });
});

/**
 * Losses are repaired while new data goes out in every flush: by fast resend within about a
 * round trip, and by timeout when no ACK arrives at all. A flush that looked only at the
 * newly admitted segments (an optimization tried and measured no faster in the lab, see
 * bench/notes.md) must still pass these.
 */
import { describe, expect, it } from 'vitest';
import { Kcp, KCP_CMD_PUSH, parseSegments } from '@paqet/kcp/core';

const CONV = 0x5eed;

/**
 * A sender and a receiver, 5 ms apart each way; the first copy of each sn in `lose` is lost,
 * and so is everything the receiver sends during `blackout` (ms).
 */
function transfer(options: { fastresend: number; lose: number[]; ackOnlyEvery?: number; blackout?: [number, number] }) {
  let now = 0;
  let queue: { at: number; to: Kcp; bytes: Uint8Array }[] = [];
  const lost = new Set<number>();
  const pushes = new Map<number, number>();
  /** ms from each lost sn's first transmission to its second. */
  const firstSent = new Map<number, number>();
  const repairDelay = new Map<number, number>();
  const sender: Kcp = new Kcp(CONV, (b, o, l) => {
    const bytes = b.slice(o, o + l);
    let drop = false;
    for (const s of parseSegments(bytes).segments) {
      if (s.cmd !== KCP_CMD_PUSH) continue;
      pushes.set(s.sn, (pushes.get(s.sn) ?? 0) + 1);
      if (pushes.get(s.sn) === 1) firstSent.set(s.sn, now);
      else if (pushes.get(s.sn) === 2) repairDelay.set(s.sn, now - firstSent.get(s.sn)!);
      if (options.lose.includes(s.sn) && !lost.has(s.sn)) {
        lost.add(s.sn);
        drop = true;
      }
    }
    if (!drop) queue.push({ at: now + 5, to: receiver, bytes });
    // As KcpSession drives it: input() leaves the FULL flush to the caller, once per turn.
  }, () => now, { deferInputFlush: true });
  const inBlackout = () => options.blackout !== undefined && now >= options.blackout[0] && now < options.blackout[1];
  const receiver: Kcp = new Kcp(CONV, (b, o, l) => void (inBlackout() || queue.push({ at: now + 5, to: sender, bytes: b.slice(o, o + l) })), () => now);
  for (const k of [sender, receiver]) {
    k.stream = true;
    k.setNoDelay(1, 10, options.fastresend, 1);
    k.setWndSize(512, 512);
  }
  const chunk = new Uint8Array(2000).fill(7);
  const out = new Uint8Array(1 << 16);
  let received = 0;
  let repairedAt = -1;
  for (let step = 1; step <= 2000; step++) {
    now = step;
    if (sender.waitSnd < 400) sender.send(chunk); // new data for every flush
    const due = queue.filter((d) => d.at <= now);
    queue = queue.filter((d) => d.at > now);
    for (const d of due) d.to.input(d.bytes);
    if (options.ackOnlyEvery && step % options.ackOnlyEvery === 0) sender.flush(true);
    else sender.flush(false);
    receiver.flush(false);
    for (let n = receiver.recv(out); n > 0; n = receiver.recv(out)) received += n;
    if (repairedAt < 0 && options.lose.every((sn) => (pushes.get(sn) ?? 0) >= 2)) repairedAt = step;
  }
  return { counters: sender.counters, received, repairedAt, repairDelay };
}

describe('flush walks the flight when a segment may be due', () => {
  it('resends on timeout while new data goes out in every flush and no ACK arrives', () => {
    // From t = 100 ms no ACK gets through for 60 ms: nothing moves a fast-resend counter, the
    // window still admits new data, and only the clock can say that the flight is due.
    const r = transfer({ fastresend: 2, lose: [], blackout: [100, 160] });
    expect(r.counters.retransTimeout).toBeGreaterThan(0);
    expect(r.received).toBeGreaterThan(1000 * 2000 * 0.5);
  });

  it('fast-resends on duplicate ACKs while new data goes out in every flush, well before a timeout', () => {
    const r = transfer({ fastresend: 2, lose: [5, 40, 41] });
    expect(r.counters.retransFast).toBeGreaterThanOrEqual(3);
    expect(r.counters.retransTimeout).toBe(0);
    expect(r.repairedAt).toBeGreaterThan(0);
    // One round trip (10 ms) and the two later ACKs, not a retransmission timeout.
    for (const sn of [5, 40, 41]) expect(r.repairDelay.get(sn)).toBeLessThanOrEqual(14);
  });

  it('sends segments an ACK-only flush admitted, at the next FULL flush', () => {
    const r = transfer({ fastresend: 2, lose: [5, 40, 41], ackOnlyEvery: 3 });
    expect(r.repairedAt).toBeGreaterThan(0);
    expect(r.received).toBeGreaterThan(1000 * 2000 * 0.5);
  });
});

/**
 * The sender keeps snd_buf's unacknowledged segments in their own sn-ordered list, so ACK
 * processing and flush cost follow the holes and the flight, not the window (a 4-BDP window
 * under loss is mostly selectively ACKed segments waiting behind a hole). These tests check
 * that list against a model: whatever order ACKs and una arrive in, a timeout retransmits
 * exactly the segments no ACK or una covered, in sn order, and never an ACKed one.
 */
import { describe, expect, it } from 'vitest';
import { Kcp, KCP_CMD_ACK, KCP_CMD_PUSH, encodeSegmentHeader, parseSegments } from '@paqet/kcp/core';

const CONV = 0x5eed;

function ack(sn: number, una: number): Uint8Array {
  const b = new Uint8Array(24);
  encodeSegmentHeader(b, 0, CONV, KCP_CMD_ACK, 0, 4096, 0, sn, una, 0);
  return b;
}

/** A small deterministic PRNG, so a failure names its seed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function sender() {
  let now = 0;
  let pushed: number[] = [];
  const k = new Kcp(
    CONV,
    (b, o, l) => {
      for (const s of parseSegments(b.slice(o, o + l)).segments) if (s.cmd === KCP_CMD_PUSH) pushed.push(s.sn);
    },
    () => now,
  );
  k.setNoDelay(1, 10, 0, 1); // no fast resend: only timeouts retransmit here
  k.setWndSize(4096, 4096);
  return {
    k,
    at: (t: number) => (now = t),
    take: () => {
      const p = pushed;
      pushed = [];
      return p;
    },
  };
}

describe('selective ACKs over a large window', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    it(`a timeout resends exactly the segments left unacknowledged (seed ${seed})`, () => {
      const rnd = prng(seed);
      const { k, at, take } = sender();
      const n = 2000;
      k.input(ack(0, 0)); // the peer advertises its 4096-segment window
      for (let i = 0; i < n; i++) k.send(new Uint8Array([i & 0xff]));
      k.flush(false);
      expect(take()).toHaveLength(n);

      const acked = new Set<number>();
      let una = 0;
      for (let i = 0; i < 3000; i++) {
        const r = rnd();
        if (r < 0.02) una = Math.min(n, una + Math.floor(rnd() * 50)); // una moves forward
        const sn = Math.floor(rnd() * n);
        acked.add(sn);
        k.input(ack(sn, una));
      }
      // A duplicate and an out-of-window ACK change nothing.
      k.input(ack(0, una));
      k.input(ack(n + 5, una));

      const expected: number[] = [];
      for (let sn = una; sn < n; sn++) if (!acked.has(sn)) expected.push(sn);
      expect(k.inflight).toBe(n - una);
      take(); // early retransmissions of skipped segments while the ACKs came in
      at(60_000); // far past every RTO
      k.flush(false);
      expect(take()).toEqual(expected);
      // Everything ACKed at last empties the buffer.
      k.input(ack(0, n));
      expect(k.sndBufCount).toBe(0);
      at(120_000);
      k.flush(false);
      expect(take()).toEqual([]);
    });
  }

  it('counts toward fast retransmission only for segments still unacknowledged', () => {
    let now = 0;
    const pushes = new Map<number, number>();
    const k = new Kcp(
      CONV,
      (b, o, l) => {
        for (const s of parseSegments(b.slice(o, o + l)).segments) if (s.cmd === KCP_CMD_PUSH) pushes.set(s.sn, (pushes.get(s.sn) ?? 0) + 1);
      },
      () => now,
    );
    k.setNoDelay(1, 10, 2, 1);
    k.setWndSize(128, 128);
    for (let i = 0; i < 10; i++) k.send(new Uint8Array([i]));
    k.flush(false);
    now = 1;
    const b = new Uint8Array(24 * 5);
    let off = 0;
    for (const sn of [1, 3, 4, 5, 6]) off = encodeSegmentHeader(b, off, CONV, KCP_CMD_ACK, 0, 128, 0, sn, 0, 0);
    k.input(b);
    k.flush(false);
    // sn 0 and 2 were skipped by later ACKs: resent once each; the ACKed ones and those
    // after the last ACK (7..9) are not.
    expect([...pushes].filter(([, c]) => c > 1).map(([sn]) => sn)).toEqual([0, 2]);
  });
});

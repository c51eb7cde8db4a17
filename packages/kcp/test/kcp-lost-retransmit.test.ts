/**
 * Sender-side loss recovery beyond kcp-go (nothing changes for the peer):
 * - a fast-retransmitted segment whose retransmission is lost too is fast-retransmitted
 *   again once `fastresend` ACKs arrive for segments sent after it, instead of waiting
 *   for its RTO; `lostRetransmitResend = false` restores kcp-go's schedule;
 * - a receiver with a hole in its receive buffer ACKs at the end of the turn, not at the
 *   next interval tick (KcpSession).
 */
import { describe, expect, it } from 'vitest';
import { createMemoryLinkPair, VirtualClock } from '@paqet/testkit';
import { connect } from '@paqet/kcp';
import { Kcp, KCP_CMD_ACK, KCP_CMD_PUSH, encodeSegmentHeader, parseSegments } from '@paqet/kcp/core';

const CONV = 0x0badcafe;

function ackDatagram(acks: Array<[sn: number, ts: number]>, una: number): Uint8Array {
  const b = new Uint8Array(24 * acks.length);
  let off = 0;
  for (const [sn, ts] of acks) off = encodeSegmentHeader(b, off, CONV, KCP_CMD_ACK, 0, 512, ts, sn, una, 0);
  return b;
}

function sender(lostRetransmitResend: boolean) {
  let now = 0;
  const pushesOf = new Map<number, number>();
  const k = new Kcp(
    CONV,
    (b, o, l) => {
      for (const s of parseSegments(b.slice(o, o + l)).segments) if (s.cmd === KCP_CMD_PUSH) pushesOf.set(s.sn, (pushesOf.get(s.sn) ?? 0) + 1);
    },
    () => now,
  );
  k.setNoDelay(0, 30, 2, 1); // paqet's 'fast': fastresend 2
  k.setWndSize(128, 512);
  k.lostRetransmitResend = lostRetransmitResend;
  return { k, pushesOf, at: (t: number) => (now = t) };
}

function scenario(lostRetransmitResend: boolean): number {
  const { k, pushesOf, at } = sender(lostRetransmitResend);
  for (let i = 0; i < 6; i++) k.send(new Uint8Array([i])); // sn 0..5 at t=0
  k.flush(false);
  at(10);
  k.input(ackDatagram([[1, 0], [2, 0]], 0)); // sn 0 skipped twice: fast retransmit at t=10
  expect(pushesOf.get(0)).toBe(2);
  at(20);
  k.send(new Uint8Array([6]));
  k.send(new Uint8Array([7]));
  k.flush(false); // sn 6, 7 leave at t=20, after the retransmission of sn 0
  at(25);
  // 6 and 7 arrived but sn 0 still did not: its retransmission was lost as well.
  k.input(ackDatagram([[6, 20], [7, 20]], 0));
  return pushesOf.get(0) ?? 0;
}

describe('lost retransmissions', () => {
  it('are fast-retransmitted again well before the RTO', () => {
    expect(scenario(true)).toBe(3);
  });

  it("wait for the RTO with lostRetransmitResend off (kcp-go's schedule)", () => {
    expect(scenario(false)).toBe(2);
  });

  it('ACKs that do not prove the retransmission lost (sent before it) change nothing', () => {
    const { k, pushesOf, at } = sender(true);
    for (let i = 0; i < 6; i++) k.send(new Uint8Array([i]));
    k.flush(false);
    at(10);
    k.input(ackDatagram([[1, 0], [2, 0]], 0));
    at(12);
    k.input(ackDatagram([[3, 0], [4, 0], [5, 0]], 0)); // copies sent at t=0, before the t=10 retransmission
    expect(pushesOf.get(0)).toBe(2);
  });
});

describe('receive-buffer holes', () => {
  it("are ACKed within the turn under 'fast' (no ACK-no-delay), lossless input waits for the tick", async () => {
    const clock = new VirtualClock();
    const link = createMemoryLinkPair({ seed: 3, scheduler: clock, conditions: { loss: 0, delayMs: 1 } });
    const acksAt: number[] = [];
    link.a.onDatagram((d) => {
      for (const s of parseSegments(d).segments) if (s.cmd === KCP_CMD_ACK) acksAt.push(clock.now());
    });
    const rx = connect({ conn: link.b, remote: link.aEndpoint, block: 'null', clock, conv: CONV, mode: 'fast' });
    await clock.advance(31); // past the session's first ticks
    const push = (sn: number) => {
      const b = new Uint8Array(25);
      encodeSegmentHeader(b, 0, CONV, KCP_CMD_PUSH, 0, 512, clock.now(), sn, 0, 1);
      link.a.send(b, link.bEndpoint);
    };
    push(0); // in order: its ACK waits for the next tick
    await clock.advance(3);
    expect(acksAt).toEqual([]);
    await clock.advance(30);
    expect(acksAt.length).toBe(1);
    const before = acksAt.length;
    const sentAt = clock.now();
    push(2); // sn 1 missing: a hole
    await clock.advance(3);
    expect(acksAt.length).toBe(before + 1);
    expect(acksAt[before] - sentAt).toBeLessThan(5);
    rx.destroy();
  });
});

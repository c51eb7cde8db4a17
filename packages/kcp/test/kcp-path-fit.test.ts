/**
 * Windows fitted to the path, pacing and batched ACKs (KcpSession fitWindows, Kcp
 * sendQuota / delivered / minRtt): over @paqet/testkit's bottleneck link on virtual time,
 * so every figure is deterministic. Nothing here changes bytes on the wire: a peer sees
 * ordinary segments and a window within its u16 field.
 */
import { describe, expect, it } from 'vitest';
import { VirtualClock, createMemoryLinkPair } from '@paqet/testkit';
import { connect } from '@paqet/kcp';
import { Kcp, encodeSegmentHeader, parseSegments, KCP_CMD_ACK, KCP_CMD_PUSH } from '@paqet/kcp/core';

const segmentsOf = (d: Uint8Array) => parseSegments(d).segments;

/** `d` without its segment `sn` (re-encoded), or null if nothing is left. */
function without(d: Uint8Array, sn: number): Uint8Array | null {
  const kept = segmentsOf(d).filter((s) => s.sn !== sn);
  if (kept.length === 0) return null;
  const out = new Uint8Array(kept.reduce((n, s) => n + 24 + s.data.length, 0));
  let p = 0;
  for (const s of kept) {
    p = encodeSegmentHeader(out, p, s.conv, s.cmd, s.frg, s.wnd, s.ts, s.sn, s.una, s.data.length);
    out.set(s.data, p);
    p += s.data.length;
  }
  return out;
}
import { simulate } from '../bench/wan-sim.js';
import { PathModel } from '../src/session/path-model.js';

describe('Kcp core: pacing quota and delivery accounting', () => {
  it('admits at most sendQuota new segments per flush and says when the quota, not the window, held data back', () => {
    const out: Uint8Array[] = [];
    const k = new Kcp(7, (b, o, l) => out.push(b.slice(o, o + l)), () => 1000);
    k.stream = true;
    k.setWndSize(1024, 1024);
    k.setNoDelay(0, 30, 2, 1);
    k.send(new Uint8Array(k.mss * 100));
    k.sendQuota = 10;
    k.flush(false);
    const pushes = out.flatMap(segmentsOf).filter((s) => s.cmd === KCP_CMD_PUSH);
    expect(pushes.map((s) => s.sn)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(k.quotaLimited).toBe(true);
    expect(k.sndQueueCount).toBe(90);
    // Without a quota the window decides: the peer's initial window (32) is now full.
    k.sendQuota = Infinity;
    k.flush(false);
    expect(k.quotaLimited).toBe(false);
    expect(k.inflight).toBe(k.rmtWnd);
  });

  it('counts each segment delivered once, whether selectively ACKed or covered by una, and keeps the smallest RTT', () => {
    let now = 0;
    const toPeer: Uint8Array[] = [];
    const toUs: Uint8Array[] = [];
    const a = new Kcp(9, (b, o, l) => toPeer.push(b.slice(o, o + l)), () => now);
    const b = new Kcp(9, (x, o, l) => toUs.push(x.slice(o, o + l)), () => now);
    for (const k of [a, b]) {
      k.stream = true;
      k.setNoDelay(0, 30, 2, 1);
    }
    a.send(new Uint8Array(a.mss * 4));
    a.flush(false);
    now = 40;
    // Segment 0 is lost: b ACKs 1..3 selectively (una stays 0).
    for (const d of toPeer.splice(0)) {
      const rest = without(d, 0);
      if (rest) b.input(rest);
    }
    b.flush(true);
    for (const d of toUs.splice(0)) a.input(d);
    expect(a.delivered).toBe(3);
    expect(a.minRtt).toBe(40);
    // The retransmission of 0 arrives; una now covers all four: only 0 is new.
    now = 100;
    a.flush(false);
    for (const d of toPeer.splice(0)) b.input(d);
    b.flush(true);
    for (const d of toUs.splice(0)) a.input(d);
    expect(a.delivered).toBe(4);
    expect(a.minRtt).toBe(40);
  });
});

describe('KcpSession fitWindows on a 51 MB/s bottleneck (virtual time)', () => {
  it('50 ms RTT, 1 % loss: more than twice the fixed-window rate, no queue overflow, no RTO, windows within bounds', async () => {
    const common = { rttMs: 50, rateMBps: 51, loss: 0.01, bytes: 12e6, queue: 3000 };
    const fixed = await simulate({ ...common, fit: false });
    const fitted = await simulate({ ...common, fit: true });
    expect(fixed.mbps).toBeLessThan(10);
    expect(fitted.mbps).toBeGreaterThan(2 * fixed.mbps);
    expect(fitted.queueDrops).toBe(0);
    expect(fitted.retransmissions.timeout).toBe(0);
    expect(fitted.windows.snd).toBeGreaterThan(1024);
    expect(fitted.windows.rcv).toBeGreaterThan(512);
    expect(Math.max(fitted.windows.snd, fitted.windows.rcv)).toBeLessThanOrEqual(32768);
    expect(fitted.path!.minRttMs).toBe(50);
  }, 300_000);

  it('150 ms RTT with a queue of a third of the product: startup stops before the queue overflows', async () => {
    const r = await simulate({ rttMs: 150, rateMBps: 51, loss: 0, bytes: 30e6, queue: 2000, fit: true });
    expect(r.queueDrops).toBe(0);
    expect(r.retransmissions.timeout).toBe(0);
    expect(r.path!.deliveryMBps).toBeGreaterThan(45);
  }, 300_000);

  it('a 12.5 MB/s bottleneck with a 17 ms queue, slower than the window floor: the pace follows the path, few drops', async () => {
    // The server's 1024-segment window per 50 ms is 27 MB/s: paced at that floor, about half
    // of what left was dropped at the queue (16 333 drops for 30 MB before the fix).
    const r = await simulate({ rttMs: 50, rateMBps: 12.5, loss: 0, bytes: 30e6, queue: 150, fit: true });
    const segments = 30e6 / 1300;
    expect(r.queueDrops).toBeLessThan(segments * 0.08);
    expect(r.mbps).toBeGreaterThan(8.5);
    expect(r.path!.pacingMBps).toBeLessThan(12.5 * 1.3);
  }, 300_000);
});

describe('PathModel startup', () => {
  const mss = 1300;
  /** Rounds of 50 ms; each delivers `rates[i]` segments/ms with RTT samples `rtts[i]`. */
  function drive(rates: number[], rtts: number[]): PathModel {
    const m = new PathModel(mss);
    let now = 0;
    let delivered = 0;
    for (let r = 0; r < rates.length; r++) {
      for (let t = 0; t < 50; t += 2) {
        now += 2;
        delivered += rates[r] * 2;
        m.observe(now, delivered, 50, false, rtts[r], 50, 0, delivered);
      }
    }
    return m;
  }

  it('stays in startup while RTT samples rise but the rate still grows by a quarter per round (a busy host, not a queue)', () => {
    const m = drive([2, 4, 8, 16, 32], [50, 80, 85, 90, 90]);
    expect(m.startup).toBe(true);
  });

  it('leaves startup when the RTT rises and the rate has stopped growing (the bottleneck queue)', () => {
    const m = drive([2, 4, 8, 16, 16, 16], [50, 50, 50, 50, 80, 80]);
    expect(m.startup).toBe(false);
  });
});

describe('KcpSession: a receive batch is ACKed once (ackNoDelay)', () => {
  it('ten datagrams delivered in one turn get their ACKs in one datagram after the turn, not ten', async () => {
    const clock = new VirtualClock();
    const link = createMemoryLinkPair({ scheduler: clock, conditions: { delayMs: 5 } });
    const common = { block: 'null' as const, clock, conv: 5, mode: 'fast3' as const, sndwnd: 256, rcvwnd: 256 };
    const sender = connect({ ...common, conn: link.a, remote: link.bEndpoint });
    const receiver = connect({ ...common, conn: link.b, remote: link.aEndpoint });
    let got = 0;
    receiver.on('data', (d: Buffer) => (got += d.length));
    await clock.advance(50);
    // Capture the receiver's output from here on.
    const sentByReceiver: Uint8Array[] = [];
    const send = link.b.send.bind(link.b);
    link.b.send = (d, to) => {
      sentByReceiver.push(d.slice());
      send(d, to);
    };
    const mss = sender.mss;
    sender.write(new Uint8Array(mss * 10)); // fast3: no write delay, ten datagrams at once
    await clock.runUntil(() => got >= mss * 10, 1000);
    await clock.advance(1);
    const acks = sentByReceiver.flatMap(segmentsOf).filter((s) => s.cmd === KCP_CMD_ACK);
    expect(acks.length).toBeGreaterThanOrEqual(1);
    expect(sentByReceiver.length).toBe(1);
    sender.destroy();
    receiver.destroy();
  });
});

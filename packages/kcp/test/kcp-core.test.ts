import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '@paqet/testkit';
import {
  Kcp,
  KCP_CMD_ACK,
  KCP_CMD_PUSH,
  KCP_CMD_WASK,
  KCP_CMD_WINS,
  KCP_INPUT_CONV,
  applyKcpTuning,
  encodeSegmentHeader,
  kcpTuning,
  parseSegments,
} from '@paqet/kcp/core';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** Two KCP cores joined by a seeded lossy link, on virtual time. */
function makePair(opts: { loss?: number; delay?: number; seed?: number; mode?: 'normal' | 'fast' | 'fast2' | 'fast3' } = {}) {
  let now = 0;
  const rng = new SeededRandom(opts.seed ?? 1);
  const queue: { at: number; to: 0 | 1; data: Uint8Array }[] = [];
  const sent: Uint8Array[][] = [[], []];
  const mk = (idx: 0 | 1) =>
    new Kcp(
      0x11223344,
      (buf, off, len) => {
        const d = buf.slice(off, off + len);
        sent[idx].push(d);
        if (opts.loss && rng.next() < opts.loss) return;
        queue.push({ at: now + (opts.delay ?? 10) + rng.next() * 2, to: (1 - idx) as 0 | 1, data: d });
      },
      () => now,
    );
  const k = [mk(0), mk(1)];
  for (const x of k) {
    x.stream = true;
    x.setWndSize(128, 128);
    applyKcpTuning(x, kcpTuning(opts.mode ?? 'fast'));
  }
  const next = [0, 0];
  /** Advance virtual time, delivering datagrams and running flush timers. */
  const run = (until: number, each?: () => void) => {
    while (now < until) {
      queue.sort((a, b) => a.at - b.at);
      let t = Math.min(next[0], next[1], queue.length ? queue[0].at : Infinity);
      t = Math.max(t, now);
      if (t > until) {
        now = until;
        break;
      }
      now = t;
      while (queue.length && queue[0].at <= now) {
        const p = queue.shift()!;
        k[p.to].input(p.data, true, false);
      }
      for (const i of [0, 1]) if (next[i] <= now) next[i] = now + k[i].flush(false);
      each?.();
    }
  };
  return { k, run, sent, get now() { return now; } };
}

describe('segment codec', () => {
  it('matches the worked example of docs/protocol/kcp.md, section 2', () => {
    const b = new Uint8Array(29);
    encodeSegmentHeader(b, 0, 0x12345678, KCP_CMD_PUSH, 0, 512, 1000, 0, 0, 5);
    b.set(Buffer.from('hello'), 24);
    expect(hex(b)).toBe('78563412 51 00 0002 e8030000 00000000 00000000 05000000 68656c6c6f'.replace(/ /g, ''));
    const a = new Uint8Array(24);
    encodeSegmentHeader(a, 0, 0x12345678, KCP_CMD_ACK, 0, 1024, 1000, 0, 1, 0);
    expect(hex(a)).toBe('78563412 52 00 0004 e8030000 00000000 01000000 00000000'.replace(/ /g, ''));
    const segs = parseSegments(Buffer.concat([b, a]));
    expect(segs.error).toBeUndefined();
    expect(segs.segments.map((s) => [s.cmd, s.wnd, s.ts, s.sn, s.una, s.len])).toEqual([
      [81, 512, 1000, 0, 0, 5],
      [82, 1024, 1000, 0, 1, 0],
    ]);
  });

  it('rejects short and malformed datagrams', () => {
    expect(parseSegments(new Uint8Array(10)).error).toBe('short datagram');
    const b = new Uint8Array(24);
    encodeSegmentHeader(b, 0, 1, 99, 0, 0, 0, 0, 0, 0);
    expect(parseSegments(b).error).toMatch(/bad cmd/);
    encodeSegmentHeader(b, 0, 1, 81, 0, 0, 0, 0, 0, 5);
    expect(parseSegments(b).error).toMatch(/exceeds/);
  });
});

describe('presets', () => {
  it('has paqet values', () => {
    expect(kcpTuning('normal')).toEqual({ nodelay: 0, interval: 40, resend: 2, nocongestion: 1, writeDelay: true, ackNoDelay: false });
    expect(kcpTuning('fast')).toEqual({ nodelay: 0, interval: 30, resend: 2, nocongestion: 1, writeDelay: true, ackNoDelay: false });
    expect(kcpTuning('fast2')).toEqual({ nodelay: 1, interval: 20, resend: 2, nocongestion: 1, writeDelay: false, ackNoDelay: true });
    expect(kcpTuning('fast3')).toEqual({ nodelay: 1, interval: 10, resend: 2, nocongestion: 1, writeDelay: false, ackNoDelay: true });
    expect(kcpTuning('manual')).toEqual({ nodelay: 0, interval: 0, resend: 0, nocongestion: 0, writeDelay: false, ackNoDelay: false });
    const k = new Kcp(1, () => {}, () => 0);
    applyKcpTuning(k, kcpTuning('manual'));
    expect(k.interval).toBe(10); // clamped
    applyKcpTuning(k, kcpTuning('fast3'));
    expect([k.nodelay, k.interval, k.fastresend, k.nocwnd, k.rxMinrto]).toEqual([1, 10, 2, 1, 30]);
  });
});

describe('KCP core on virtual time', () => {
  it('sends the first PUSH and the ACK in kcp-go layout', () => {
    let now = 1000;
    const out: Uint8Array[] = [];
    const k = new Kcp(0x12345678, (b, o, l) => out.push(b.slice(o, o + l)), () => now);
    k.stream = true;
    k.setWndSize(32, 512);
    k.setNoDelay(0, 100, 0, 1);
    k.send(Buffer.from('hello'));
    k.flush(false);
    // wnd = 512 free receive slots, ts = 1000, sn 0, una 0, len 5
    expect(hex(out[0])).toBe('78563412 51 00 0002 e8030000 00000000 00000000 05000000 68656c6c6f'.replace(/ /g, ''));
    const r = new Kcp(0x12345678, (b, o, l) => out.push(b.slice(o, o + l)), () => now);
    r.setWndSize(32, 1024);
    expect(r.input(out[0])).toBe(0);
    const got = new Uint8Array(100);
    expect(Buffer.from(got.subarray(0, r.recv(got))).toString()).toBe('hello');
    r.flush(true); // read first, so the whole window (1024) is advertised as in the spec example
    expect(hex(out[1])).toBe('78563412 52 00 0004 e8030000 00000000 01000000 00000000'.replace(/ /g, ''));
    now = 1040;
    expect(k.input(out[1])).toBe(0);
    expect(k.rxSrtt).toBe(40);
    expect(k.rxRttvar).toBe(20);
    expect(k.rxRto).toBe(40 + Math.max(100, 80));
    expect(k.waitSnd).toBe(0);
  });

  it('rejects a wrong conv, a bad length and a bad command without state change', () => {
    const k = new Kcp(5, () => {}, () => 0);
    const b = new Uint8Array(24);
    encodeSegmentHeader(b, 0, 6, 81, 0, 0, 0, 0, 0, 0);
    expect(k.input(b)).toBe(KCP_INPUT_CONV);
    encodeSegmentHeader(b, 0, 5, 81, 0, 0, 0, 0, 0, 10);
    expect(k.input(b)).toBeLessThan(0);
    encodeSegmentHeader(b, 0, 5, 80, 0, 0, 0, 0, 0, 0);
    expect(k.input(b)).toBeLessThan(0);
    expect(k.input(new Uint8Array(23))).toBeLessThan(0);
    expect(k.counters.inputErrors).toBe(4);
  });

  it('cuts messages into fragments in message mode and refuses > 255', () => {
    const out: Uint8Array[] = [];
    const k = new Kcp(1, (b, o, l) => out.push(b.slice(o, o + l)), () => 0);
    k.setMtu(124); // mss 100
    k.setWndSize(300, 300);
    expect(k.send(new Uint8Array(250))).toBe(0);
    k.flush(false); // congestion window starts at 0 (nc = 0): nothing goes out
    expect(out).toHaveLength(0);
    k.setNoDelay(-1, -1, -1, 1);
    k.flush(false);
    const frgs = out.flatMap((d) => parseSegments(d).segments.map((s) => s.frg));
    expect(frgs).toEqual([2, 1, 0]);
    expect(k.send(new Uint8Array(100 * 255 + 1))).toBe(-2);
    k.stream = true;
    expect(k.send(new Uint8Array(100 * 255 + 1))).toBe(0);
  });

  it('stream mode fills the last queued segment first', () => {
    const k = new Kcp(1, () => {}, () => 0);
    k.stream = true;
    k.setMtu(124);
    k.send(new Uint8Array(30));
    k.send(new Uint8Array(90));
    expect(k.sndQueueCount).toBe(2); // 100 + 20
    k.send(new Uint8Array(80));
    expect(k.sndQueueCount).toBe(2); // 100 + 100
  });

  it('transfers 1 MB intact over 10% loss with fast retransmit, early retransmit and RTO', () => {
    const p = makePair({ loss: 0.1, seed: 3 });
    const data = new SeededRandom(9).fill(new Uint8Array(1 << 20));
    let off = 0;
    const chunks: Buffer[] = [];
    const buf = new Uint8Array(2000);
    p.run(120_000, () => {
      while (off < data.length && p.k[0].waitSnd < 128) {
        p.k[0].send(data.subarray(off, off + 1000));
        off += 1000;
      }
      for (let n; (n = p.k[1].recv(buf)) > 0; ) chunks.push(Buffer.from(buf.subarray(0, n)));
    });
    const got = Buffer.concat(chunks);
    expect(got.length).toBe(data.length);
    expect(createHash('sha256').update(got).digest('hex')).toBe(createHash('sha256').update(data).digest('hex'));
    const c = p.k[0].counters;
    expect(c.retransFast + c.retransEarly).toBeGreaterThan(0);
    expect(p.k[1].counters.segsIn).toBeGreaterThan(c.segsOut * 0.8);
  });

  it('probes a zero window (WASK) and reopens it with WINS when the reader drains', () => {
    const p = makePair({ seed: 4, mode: 'fast' });
    p.k[1].setWndSize(32, 32);
    for (let i = 0; i < 100; i++) p.k[0].send(new Uint8Array(1000).fill(i));
    p.run(3000); // receiver never reads: its queue fills, advertised wnd drops to 0
    expect(p.k[0].rmtWnd).toBe(0);
    const cmds = (i: 0 | 1) => p.sent[i].flatMap((d) => parseSegments(d).segments.map((s) => s.cmd));
    expect(cmds(0)).toContain(KCP_CMD_WASK);
    const buf = new Uint8Array(2000);
    const before = p.sent[1].length;
    while (p.k[1].recv(buf) > 0);
    p.k[1].flush(false);
    const after = p.sent[1].slice(before).flatMap((d) => parseSegments(d).segments.map((s) => s.cmd));
    expect(after).toContain(KCP_CMD_WINS);
  });

  it('drops ACKs below rcv_nxt except the last one in the list', () => {
    const out: Uint8Array[] = [];
    const r = new Kcp(1, (b, o, l) => out.push(b.slice(o, o + l)), () => 0);
    r.setWndSize(32, 64);
    const d = new Uint8Array(25 * 3);
    for (let sn = 0; sn < 3; sn++) {
      encodeSegmentHeader(d, sn * 25, 1, KCP_CMD_PUSH, 0, 32, 7, sn, 0, 1);
    }
    r.input(d); // sn 0,1,2 in order: all below rcv_nxt=3 afterwards
    r.flush(true);
    const acks = parseSegments(out[0]).segments;
    expect(acks.map((s) => [s.cmd, s.sn, s.una])).toEqual([[KCP_CMD_ACK, 2, 3]]);
  });

  it('does not grow without bound when the application never reads', () => {
    const p = makePair({ seed: 8 });
    for (let i = 0; i < 2000; i++) p.k[0].send(new Uint8Array(1300));
    p.run(20_000);
    expect(p.k[1].rcvQueueCount).toBeLessThanOrEqual(p.k[1].rcvWnd);
    expect(p.k[1].rcvBufCountValue).toBeLessThanOrEqual(p.k[1].rcvWnd);
  });
});

describe('KCP core fuzz', () => {
  it('random and mutated datagrams never throw and keep state bounded', () => {
    const rng = new SeededRandom(1234);
    const k = new Kcp(0xabcdef01, () => {}, () => 0);
    k.setWndSize(64, 64);
    k.stream = true;
    for (let i = 0; i < 20; i++) k.send(new Uint8Array(500));
    k.flush(false);
    const seed = new Uint8Array(24 * 2 + 10);
    encodeSegmentHeader(seed, 0, 0xabcdef01, KCP_CMD_PUSH, 0, 64, 0, 0, 0, 10);
    encodeSegmentHeader(seed, 34, 0xabcdef01, KCP_CMD_ACK, 0, 64, 0, 0, 0, 0);
    const buf = new Uint8Array(2000);
    for (let i = 0; i < 25_000; i++) {
      let d: Uint8Array;
      if (i % 3 === 0) d = rng.fill(new Uint8Array(rng.int(200)));
      else {
        d = seed.slice();
        const flips = 1 + rng.int(4);
        for (let f = 0; f < flips; f++) d[rng.int(d.length)] = rng.int(256);
        if (rng.next() < 0.5) d[0] = 0x01, d[1] = 0xef, d[2] = 0xcd, d[3] = 0xab; // keep conv valid
        if (rng.next() < 0.3) d[4] = 81 + rng.int(4);
      }
      expect(() => k.input(d, rng.next() < 0.8, rng.next() < 0.5)).not.toThrow();
      if (i % 100 === 0) k.flush(false);
      while (k.recv(buf) >= 0);
    }
    expect(k.rcvBufCountValue).toBeLessThanOrEqual(k.rcvWnd);
    expect(k.waitSnd).toBeLessThanOrEqual(20);
  });
});

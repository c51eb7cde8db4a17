/**
 * The allocation-free entry points of the KCP core behave exactly like the
 * plain ones: send(data, offset, length) cuts the same segments as
 * send(data.subarray(...)), and recvSegment() hands out the same bytes, with
 * the same window effects, as recv().
 */
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '@paqet/testkit';
import { Kcp, KCP_CMD_WINS, parseSegments } from '@paqet/kcp/core';

/** A stream-mode core whose datagrams are collected, on a fixed clock. */
function core(capture: Uint8Array[]) {
  const k = new Kcp(0x0a0b0c0d, (buf, off, len) => capture.push(buf.slice(off, off + len)), () => 1000);
  k.stream = true;
  k.setNoDelay(0, 30, 2, 1);
  k.setWndSize(1024, 1024);
  return k;
}

describe('KCP zero-copy entry points', () => {
  it('send(data, offset, length) emits the same datagrams as send(subarray)', () => {
    const data = new SeededRandom(9).fill(new Uint8Array(50_000));
    const a: Uint8Array[] = [];
    const b: Uint8Array[] = [];
    const ka = core(a);
    const kb = core(b);
    // Uneven pieces, as smux headers + payloads arrive.
    const cuts = [8, 1306, 3, 5000, 8, 65, 1306, 1306, 700];
    let off = 0;
    for (let i = 0; off < data.length; i++) {
      const n = Math.min(cuts[i % cuts.length], data.length - off);
      ka.send(data.subarray(off, off + n));
      kb.send(data, off, n);
      off += n;
    }
    expect(kb.send(data, 10, 0)).toBe(-1);
    ka.flush(false);
    kb.flush(false);
    expect(b.length).toBeGreaterThan(30);
    expect(b.map((d) => Buffer.from(d).toString('hex'))).toEqual(a.map((d) => Buffer.from(d).toString('hex')));
  });

  it('recvSegment() yields what recv() would, and asks for a WINS when it reopens a full queue', () => {
    const wire: Uint8Array[] = [];
    const sender = core(wire);
    const mss = sender.mss;
    const data = new SeededRandom(4).fill(new Uint8Array(40 * mss));
    sender.send(data);
    sender.flush(false);
    const acks: Uint8Array[] = [];
    const receiver = new Kcp(0x0a0b0c0d, (buf, off, len) => acks.push(buf.slice(off, off + len)), () => 1000);
    receiver.stream = true;
    receiver.setWndSize(32, 32); // rcv_queue fills at 32 segments
    for (const d of wire) receiver.input(d);
    expect(receiver.rcvQueueCount).toBe(32);
    const got: Buffer[] = [];
    const scratch = new Uint8Array(mss);
    let views = 0;
    const n = receiver.recvSegment((bytes) => {
      views++;
      got.push(Buffer.from(bytes)); // valid only during the call: copy
    }, scratch);
    expect(n).toBe(mss);
    expect(views).toBe(1);
    // The queue was full: the next flush tells the peer the window reopened.
    receiver.flush(true);
    const cmds = acks.flatMap((d) => parseSegments(d).segments.map((s) => s.cmd));
    expect(cmds).toContain(KCP_CMD_WINS);
    while (receiver.recvSegment((bytes) => got.push(Buffer.from(bytes)), scratch) >= 0);
    expect(receiver.recvSegment(() => {}, scratch)).toBe(-1);
    // 32 in the queue + whatever rcv_buf could hold (sn < rcv_nxt + 32) came through in order.
    const all = Buffer.concat(got);
    expect(all.length % mss).toBe(0);
    expect(all.equals(Buffer.from(data.subarray(0, all.length)))).toBe(true);
    expect(all.length).toBeGreaterThanOrEqual(32 * mss);
  });
});

/**
 * The AF_PACKET addon's receive-ring frame reader (native/afpacket.cc, ReadTpacketFrame) on
 * slots built here: a well-formed TPACKET_V2 slot yields exactly its frame, and a header
 * whose captured bytes would lie outside the slot is refused before a byte beyond it is
 * read. Layout: struct tpacket2_hdr of <linux/if_packet.h> (32 bytes on every Linux ABI).
 */
import { describe, expect, it } from 'vitest';
import { afPacketAvailable, loadAfPacket } from '../src/afpacket-binding.js';
import { ringGeometry } from '../src/afpacket-packet-conn.js';

const FRAME_HDR = 32;
// tpacket2_hdr: tp_status, tp_len, tp_snaplen (u32), tp_mac, tp_net (u16), tp_sec, tp_nsec, ...
const LEN = 4;
const SNAP = 8;
const MAC = 12;
/** Where the kernel puts a frame in a V2 slot: header and sockaddr_ll, aligned, less the Ethernet header. */
const KERNEL_MAC = 66;

/** A slot as the kernel fills it. */
function slot(snap: number, wire = snap, size = 2048): Buffer {
  const buf = Buffer.alloc(size);
  buf.writeUInt32LE(1, 0); // TP_STATUS_USER
  buf.writeUInt32LE(wire, LEN);
  buf.writeUInt32LE(snap, SNAP);
  buf.writeUInt16LE(KERNEL_MAC, MAC);
  buf.fill(0xa5, KERNEL_MAC, KERNEL_MAC + snap);
  return buf;
}

const skip = afPacketAvailable() ? null : 'the afpacket addon is not built here';

describe.skipIf(skip !== null)('afpacket ring frame reader', () => {
  const read = (b: Buffer) => loadAfPacket().readFrame(b);

  it('yields the frame of a well-formed slot, with its offset, length and truncation', () => {
    const buf = slot(1400);
    expect(read(buf)).toEqual({ frame: [KERNEL_MAC, 1400, false], ok: true });
    expect(buf.subarray(KERNEL_MAC, KERNEL_MAC + 1400).every((b) => b === 0xa5)).toBe(true);
    expect(read(slot(100, 9000))).toEqual({ frame: [KERNEL_MAC, 100, true], ok: true });
    // The largest frame the slot holds, ending on its last byte.
    expect(read(slot(2048 - KERNEL_MAC))).toEqual({ frame: [KERNEL_MAC, 2048 - KERNEL_MAC, false], ok: true });
  });

  it('an empty frame is sound and yields nothing', () => {
    expect(read(slot(0))).toEqual({ frame: null, ok: true });
  });

  const broken: [string, (b: Buffer) => void][] = [
    ['tp_mac inside the frame header', (b) => b.writeUInt16LE(8, MAC)],
    ['tp_mac past the slot', (b) => b.writeUInt16LE(4000, MAC)],
    ['snaplen past the slot', (b) => b.writeUInt32LE(2048 - KERNEL_MAC + 1, SNAP)],
    ['snaplen wrapping round', (b) => b.writeUInt32LE(0xffffffff, SNAP)],
  ];
  it.each(broken)('%s: refused, nothing read', (_name, corrupt) => {
    const buf = slot(60);
    corrupt(buf);
    expect(read(buf)).toEqual({ frame: null, ok: false });
  });

  it('a slot smaller than the header is refused', () => {
    expect(read(Buffer.alloc(FRAME_HDR - 1))).toEqual({ frame: null, ok: false });
  });

  it('random garbage never yields a frame outside the slot (10,000 slots)', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) / (1 << 24);
    const edges = [0, 1, 31, 32, 33, 66, 1000, 1982, 1983, 2047, 2048, 2049, 0xffff, 0x7fffffff, 0xffffffff];
    for (let n = 0; n < 10_000; n++) {
      const buf = slot(60);
      for (let k = 0; k < 2; k++) {
        const v = edges[Math.floor(rnd() * edges.length)];
        const field = [LEN, SNAP, MAC][Math.floor(rnd() * 3)];
        if (field === MAC) buf.writeUInt16LE(v & 0xffff, MAC);
        else buf.writeUInt32LE(v, field);
      }
      const { frame } = read(buf);
      if (frame === null) continue;
      const [o, len] = frame;
      expect(o).toBeGreaterThanOrEqual(FRAME_HDR);
      expect(o + len).toBeLessThanOrEqual(buf.length);
    }
  });
});

describe('afpacket ring geometry', () => {
  it('slots hold an MTU frame with its headers and tile each block; the ring is about sockbuf', () => {
    for (const [sockbuf, mtu] of [
      [4 << 20, 1500],
      [8 << 20, 1500],
      [1 << 20, 9000],
      [1024, 1500],
      [1 << 30, 1500],
    ]) {
      const g = ringGeometry(sockbuf, mtu);
      expect(g.frameSize).toBeGreaterThanOrEqual(mtu + 14 + KERNEL_MAC);
      expect(g.blockSize % g.frameSize).toBe(0);
      expect(g.blockSize % 4096).toBe(0);
      expect((g.blockSize / g.frameSize) * g.blockCount).toBeLessThanOrEqual(1 << 16);
      if (sockbuf >= 16 * g.blockSize && sockbuf <= 4096 * g.blockSize) expect(g.blockSize * g.blockCount).toBeGreaterThanOrEqual(sockbuf);
    }
    expect(ringGeometry(4 << 20, 1500)).toEqual({ blockSize: 32768, blockCount: 128, frameSize: 2048 });
  });
});

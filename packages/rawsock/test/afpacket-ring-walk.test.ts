/**
 * The AF_PACKET addon's receive-ring walker (native/afpacket.cc, WalkTpacketBlock) on
 * blocks built here: a well-formed TPACKET_V3 block yields exactly its frames, and every
 * header that points outside the used block or outside its frame's slot stops the walk
 * before a byte beyond it is read. Layouts: struct tpacket_block_desc and struct
 * tpacket3_hdr of <linux/if_packet.h> (48 bytes each on every Linux ABI).
 */
import { describe, expect, it } from 'vitest';
import { afPacketAvailable, loadAfPacket } from '../src/afpacket-binding.js';

const BLOCK_DESC = 48;
const FRAME_HDR = 48;
// tpacket_block_desc: version, offset_to_priv, then bh1: block_status, num_pkts, offset_to_first_pkt, blk_len.
const NUM_PKTS = 12;
const FIRST = 16;
const BLK_LEN = 20;
// tpacket3_hdr: tp_next_offset, tp_sec, tp_nsec, tp_snaplen, tp_len, tp_status, tp_mac (u16).
const NEXT = 0;
const SNAP = 12;
const LEN = 16;
const MAC = 24;

interface FrameSpec {
  snap: number;
  wire?: number;
}

/** A block laid out as the kernel lays it out: frames at 8-byte-aligned slots after the descriptor. */
function block(frames: FrameSpec[], size = 4096): { buf: Buffer; offsets: number[] } {
  const buf = Buffer.alloc(size);
  const offsets: number[] = [];
  let off = BLOCK_DESC;
  frames.forEach((f, i) => {
    offsets.push(off);
    const mac = FRAME_HDR + 16; // sockaddr_ll room, as the kernel leaves it
    const slot = (mac + f.snap + 7) & ~7;
    buf.writeUInt32LE(i + 1 < frames.length ? slot : 0, off + NEXT);
    buf.writeUInt32LE(f.snap, off + SNAP);
    buf.writeUInt32LE(f.wire ?? f.snap, off + LEN);
    buf.writeUInt16LE(mac, off + MAC);
    buf.fill(0xa0 + i, off + mac, off + mac + f.snap);
    off += slot;
  });
  buf.writeUInt32LE(frames.length, NUM_PKTS);
  buf.writeUInt32LE(BLOCK_DESC, FIRST);
  buf.writeUInt32LE(off, BLK_LEN);
  return { buf, offsets };
}

const skip = afPacketAvailable() ? null : 'the afpacket addon is not built here';

describe.skipIf(skip !== null)('afpacket ring walker', () => {
  const walk = (b: Buffer) => loadAfPacket().walkBlock(b);

  it('yields every frame of a well-formed block, with its offset, length and truncation', () => {
    const { buf, offsets } = block([{ snap: 60 }, { snap: 1400 }, { snap: 100, wire: 9000 }]);
    const r = walk(buf);
    expect(r.whole).toBe(true);
    expect(r.frames).toEqual([
      [offsets[0] + 64, 60, false],
      [offsets[1] + 64, 1400, false],
      [offsets[2] + 64, 100, true],
    ]);
    for (const [i, [o, n]] of r.frames.entries()) expect(buf.subarray(o, o + n).every((b) => b === 0xa0 + i)).toBe(true);
  });

  it('an empty block is whole and yields nothing', () => {
    expect(walk(block([]).buf)).toEqual({ frames: [], whole: true });
  });

  const broken: [string, (b: Buffer, offsets: number[]) => void, number][] = [
    ['blk_len beyond the block', (b) => b.writeUInt32LE(b.length + 8, BLK_LEN), 0],
    ['blk_len inside the descriptor', (b) => b.writeUInt32LE(8, BLK_LEN), 0],
    ['first frame inside the descriptor', (b) => b.writeUInt32LE(8, FIRST), 0],
    ['first frame past blk_len', (b) => b.writeUInt32LE(b.readUInt32LE(BLK_LEN), FIRST), 0],
    ['first frame misaligned', (b) => b.writeUInt32LE(BLOCK_DESC + 4, FIRST), 0],
    ['more frames counted than the block holds', (b) => b.writeUInt32LE(3, NUM_PKTS), 1],
    ['a zero next offset before the last frame', (b, o) => b.writeUInt32LE(0, o[0] + NEXT), 0],
    ['a next offset past blk_len', (b, o) => b.writeUInt32LE(4096, o[0] + NEXT), 0],
    ['tp_mac inside the frame header', (b, o) => b.writeUInt16LE(8, o[1] + MAC), 1],
    ['tp_mac past the frame slot', (b, o) => b.writeUInt16LE(4000, o[0] + MAC), 0],
    ['snaplen past the frame slot (into the next frame)', (b, o) => b.writeUInt32LE(200, o[0] + SNAP), 0],
    ['snaplen past blk_len on the last frame', (b, o) => b.writeUInt32LE(0xffffffff, o[1] + SNAP), 1],
  ];
  it.each(broken)('%s: the walk stops there, keeps the frames before, reads nothing beyond', (_name, corrupt, kept) => {
    const { buf, offsets } = block([{ snap: 60 }, { snap: 80 }]);
    corrupt(buf, offsets);
    const r = walk(buf);
    expect(r.whole).toBe(false);
    expect(r.frames.length).toBe(kept);
    for (const [o, n] of r.frames) expect(o + n).toBeLessThanOrEqual(buf.readUInt32LE(BLK_LEN));
  });

  it('random garbage never yields a frame outside the block (10,000 blocks)', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) / (1 << 24);
    for (let n = 0; n < 10_000; n++) {
      const { buf, offsets } = block([{ snap: 60 }, { snap: 80 }, { snap: 40 }], 1024);
      // Overwrite a few header words with values near the interesting edges.
      for (let k = 0; k < 3; k++) {
        const fields = [NUM_PKTS, FIRST, BLK_LEN, ...offsets.flatMap((o) => [o + NEXT, o + SNAP, o + LEN])];
        const at = fields[Math.floor(rnd() * fields.length)];
        const v = [0, 1, 7, 8, 47, 48, 64, 1000, 1024, 1032, 0x7fffffff, 0xffffffff][Math.floor(rnd() * 12)];
        buf.writeUInt32LE(v, at);
      }
      const r = walk(buf);
      const end = Math.min(buf.readUInt32LE(BLK_LEN), buf.length);
      for (const [o, len] of r.frames) {
        expect(o).toBeGreaterThanOrEqual(BLOCK_DESC + FRAME_HDR);
        expect(o + len).toBeLessThanOrEqual(end);
      }
    }
  });
});

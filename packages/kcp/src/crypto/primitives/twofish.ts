import { type BlockEncryptor, readU32LE, requireKeyLength, rotl32, writeU32LE } from './block-cipher.js';

/*
 * Twofish (Schneier et al., 1998) for 128-, 192- and 256-bit keys. kcp-go uses 256.
 * The key-dependent S-boxes are folded with the MDS matrix into four 256-entry word
 * tables at key setup, so g() is four lookups.
 */

// The 4-bit permutations t0..t3 that define q0 and q1 (paper §4.3.5).
const Q_NIBBLES = [
  [
    [0x8, 0x1, 0x7, 0xd, 0x6, 0xf, 0x3, 0x2, 0x0, 0xb, 0x5, 0x9, 0xe, 0xc, 0xa, 0x4],
    [0xe, 0xc, 0xb, 0x8, 0x1, 0x2, 0x3, 0x5, 0xf, 0x4, 0xa, 0x6, 0x7, 0x0, 0x9, 0xd],
    [0xb, 0xa, 0x5, 0xe, 0x6, 0xd, 0x9, 0x0, 0xc, 0x8, 0xf, 0x3, 0x2, 0x4, 0x7, 0x1],
    [0xd, 0x7, 0xf, 0x4, 0x1, 0x2, 0x6, 0xe, 0x9, 0xb, 0x3, 0x0, 0x8, 0x5, 0xc, 0xa],
  ],
  [
    [0x2, 0x8, 0xb, 0xd, 0xf, 0x7, 0x6, 0xe, 0x3, 0x1, 0x9, 0x4, 0x0, 0xa, 0xc, 0x5],
    [0x1, 0xe, 0x2, 0xb, 0x4, 0xc, 0x3, 0x7, 0x6, 0xd, 0xa, 0x5, 0xf, 0x9, 0x0, 0x8],
    [0x4, 0xc, 0x7, 0x5, 0x1, 0x6, 0x9, 0xa, 0x0, 0xe, 0xd, 0x8, 0x2, 0xb, 0x3, 0xf],
    [0xb, 0x9, 0x5, 0x1, 0xc, 0x3, 0xd, 0xe, 0x6, 0x4, 0x7, 0xf, 0x2, 0x0, 0x8, 0xa],
  ],
] as const;

function buildQ(t: readonly (readonly number[])[]): Uint8Array {
  const ror4 = (x: number) => ((x >>> 1) | ((x & 1) << 3)) & 0xf;
  const q = new Uint8Array(256);
  for (let x = 0; x < 256; x++) {
    const a0 = x >>> 4;
    const b0 = x & 0xf;
    const a1 = a0 ^ b0;
    const b1 = (a0 ^ ror4(b0) ^ ((8 * a0) & 0xf)) & 0xf;
    const a2 = t[0]![a1]!;
    const b2 = t[1]![b1]!;
    const a3 = a2 ^ b2;
    const b3 = (a2 ^ ror4(b2) ^ ((8 * a2) & 0xf)) & 0xf;
    q[x] = (t[3]![b3]! << 4) | t[2]![a3]!;
  }
  return q;
}

const Q0 = buildQ(Q_NIBBLES[0]);
const Q1 = buildQ(Q_NIBBLES[1]);

function gfMul(a: number, b: number, poly: number): number {
  let r = 0;
  while (b !== 0) {
    if (b & 1) r ^= a;
    a <<= 1;
    if (a & 0x100) a ^= poly;
    b >>>= 1;
  }
  return r;
}

const MDS = [
  [0x01, 0xef, 0x5b, 0x5b],
  [0x5b, 0xef, 0xef, 0x01],
  [0xef, 0x5b, 0x01, 0xef],
  [0xef, 0x01, 0xef, 0x5b],
] as const;
const MDS_POLY = 0x169;

const RS = [
  [0x01, 0xa4, 0x55, 0x87, 0x5a, 0x58, 0xdb, 0x9e],
  [0xa4, 0x56, 0x82, 0xf3, 0x1e, 0xc6, 0x68, 0xe5],
  [0x02, 0xa1, 0xfc, 0xc1, 0x47, 0xae, 0x3d, 0x19],
  [0xa4, 0x55, 0x87, 0x5a, 0x58, 0xdb, 0x9e, 0x03],
] as const;
const RS_POLY = 0x14d;

/** MDS column j times byte y, as a little-endian word. */
function mdsColumn(j: number, y: number): number {
  return (gfMul(MDS[0]![j]!, y, MDS_POLY) | (gfMul(MDS[1]![j]!, y, MDS_POLY) << 8)
    | (gfMul(MDS[2]![j]!, y, MDS_POLY) << 16) | (gfMul(MDS[3]![j]!, y, MDS_POLY) << 24)) >>> 0;
}

function byteOf(w: number, i: number): number {
  return (w >>> (8 * i)) & 0xff;
}

/** The q-box chain of h() for input byte position j, before the MDS (paper §4.3.2). */
function hBytePath(j: number, x: number, l: readonly number[]): number {
  const k = l.length;
  let y = x;
  // Which q each stage applies for byte positions 0..3, outermost (k=4) stage first.
  const stage4 = [Q1, Q0, Q0, Q1];
  const stage3 = [Q1, Q1, Q0, Q0];
  const stage2 = [Q0, Q1, Q0, Q1];
  const stage1 = [Q0, Q0, Q1, Q1];
  const last = [Q1, Q0, Q1, Q0];
  if (k === 4) y = stage4[j]![y]! ^ byteOf(l[3]!, j);
  if (k >= 3) y = stage3[j]![y]! ^ byteOf(l[2]!, j);
  y = stage2[j]![y]! ^ byteOf(l[1]!, j);
  y = stage1[j]![y]! ^ byteOf(l[0]!, j);
  return last[j]![y]!;
}

function h(x: number, l: readonly number[]): number {
  let z = 0;
  for (let j = 0; j < 4; j++) z ^= mdsColumn(j, hBytePath(j, byteOf(x, j), l));
  return z >>> 0;
}

export class Twofish implements BlockEncryptor {
  readonly blockSize = 16;
  private readonly subkeys = new Uint32Array(40);
  private readonly sbox = new Uint32Array(1024); // MDS-folded key-dependent S-boxes

  constructor(key: Uint8Array) {
    requireKeyLength('Twofish', key, 16, 24, 32);
    const k = key.length / 8;
    const me: number[] = [];
    const mo: number[] = [];
    const s: number[] = new Array<number>(k);
    for (let i = 0; i < k; i++) {
      me.push(readU32LE(key, 8 * i));
      mo.push(readU32LE(key, 8 * i + 4));
      let word = 0;
      for (let row = 0; row < 4; row++) {
        let acc = 0;
        for (let col = 0; col < 8; col++) acc ^= gfMul(RS[row]![col]!, key[8 * i + col]!, RS_POLY);
        word |= acc << (8 * row);
      }
      s[k - 1 - i] = word >>> 0; // S is used in reverse order
    }
    const rho = 0x01010101;
    for (let i = 0; i < 20; i++) {
      const a = h(Math.imul(2 * i, rho) >>> 0, me);
      const b = rotl32(h(Math.imul(2 * i + 1, rho) >>> 0, mo), 8);
      this.subkeys[2 * i] = (a + b) >>> 0;
      this.subkeys[2 * i + 1] = rotl32((a + 2 * b) >>> 0, 9);
    }
    for (let j = 0; j < 4; j++) {
      for (let x = 0; x < 256; x++) this.sbox[256 * j + x] = mdsColumn(j, hBytePath(j, x, s));
    }
  }

  private g(x: number): number {
    const s = this.sbox;
    return (s[x & 0xff]! ^ s[256 + ((x >>> 8) & 0xff)]! ^ s[512 + ((x >>> 16) & 0xff)]! ^ s[768 + (x >>> 24)]!) >>> 0;
  }

  encryptBlock(block: Uint8Array, offset: number): void {
    const k = this.subkeys;
    let r0 = (readU32LE(block, offset) ^ k[0]!) >>> 0;
    let r1 = (readU32LE(block, offset + 4) ^ k[1]!) >>> 0;
    let r2 = (readU32LE(block, offset + 8) ^ k[2]!) >>> 0;
    let r3 = (readU32LE(block, offset + 12) ^ k[3]!) >>> 0;
    for (let round = 0; round < 16; round++) {
      const t0 = this.g(r0);
      const t1 = this.g(rotl32(r1, 8));
      const f0 = (t0 + t1 + k[2 * round + 8]!) >>> 0;
      const f1 = (t0 + 2 * t1 + k[2 * round + 9]!) >>> 0;
      const n2 = rotl32((r2 ^ f0) >>> 0, 31);
      const n3 = (rotl32(r3, 1) ^ f1) >>> 0;
      r2 = r0;
      r3 = r1;
      r0 = n2;
      r1 = n3;
    }
    // Undo the last swap and whiten.
    writeU32LE(block, offset, r2 ^ k[4]!);
    writeU32LE(block, offset + 4, r3 ^ k[5]!);
    writeU32LE(block, offset + 8, r0 ^ k[6]!);
    writeU32LE(block, offset + 12, r1 ^ k[7]!);
  }
}

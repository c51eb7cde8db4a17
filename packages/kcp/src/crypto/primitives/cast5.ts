import { type BlockEncryptor, readU32BE, requireKeyLength, rotl32, writeU32BE } from './block-cipher.js';
import { CAST_SBOXES } from './cast5-sboxes.js';

const [S1, S2, S3, S4, S5, S6, S7, S8] = CAST_SBOXES as [
  Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array,
];

/**
 * CAST-128 (RFC 2144) with a 128-bit key: 16 rounds, big-endian halves.
 *
 * The key schedule of RFC 2144 §2.4 alternates two 16-byte registers x and z. Each step
 * below replaces one 4-byte word of the target register with
 * `source word ^ S5[a] ^ S6[b] ^ S7[c] ^ S8[d] ^ Sextra[e]`; each subkey is
 * `S5[a] ^ S6[b] ^ S7[c] ^ S8[d] ^ Sextra[e]`. Byte indices 0–15 address the register
 * named in the step (upper case in the RFC: x0..xF, z0..zF).
 */
type Reg = 'x' | 'z';
interface WordStep { dst: Reg; dstWord: number; srcWord: number; idx: [number, number, number, number]; extraBox: number; extraIdx: number }
interface KeyStep { idx: [number, number, number, number]; extraBox: number; extraIdx: number }

// One "quarter" of the schedule: four register updates then four subkeys.
interface Quarter { words: WordStep[]; keys: KeyStep[] }

const ZFROMX: WordStep[] = [
  { dst: 'z', dstWord: 0, srcWord: 0, idx: [0xd, 0xf, 0xc, 0xe], extraBox: 7, extraIdx: 0x8 },
  { dst: 'z', dstWord: 1, srcWord: 2, idx: [0x0, 0x2, 0x1, 0x3], extraBox: 8, extraIdx: 0xa },
  { dst: 'z', dstWord: 2, srcWord: 3, idx: [0x7, 0x6, 0x5, 0x4], extraBox: 5, extraIdx: 0x9 },
  { dst: 'z', dstWord: 3, srcWord: 1, idx: [0xa, 0x9, 0xb, 0x8], extraBox: 6, extraIdx: 0xb },
];
const XFROMZ: WordStep[] = [
  { dst: 'x', dstWord: 0, srcWord: 2, idx: [0x5, 0x7, 0x4, 0x6], extraBox: 7, extraIdx: 0x0 },
  { dst: 'x', dstWord: 1, srcWord: 0, idx: [0x0, 0x2, 0x1, 0x3], extraBox: 8, extraIdx: 0x2 },
  { dst: 'x', dstWord: 2, srcWord: 1, idx: [0x7, 0x6, 0x5, 0x4], extraBox: 5, extraIdx: 0x1 },
  { dst: 'x', dstWord: 3, srcWord: 3, idx: [0xa, 0x9, 0xb, 0x8], extraBox: 6, extraIdx: 0x3 },
];

const SCHEDULE: Quarter[] = [
  { words: ZFROMX, keys: [
    { idx: [0x8, 0x9, 0x7, 0x6], extraBox: 5, extraIdx: 0x2 },
    { idx: [0xa, 0xb, 0x5, 0x4], extraBox: 6, extraIdx: 0x6 },
    { idx: [0xc, 0xd, 0x3, 0x2], extraBox: 7, extraIdx: 0x9 },
    { idx: [0xe, 0xf, 0x1, 0x0], extraBox: 8, extraIdx: 0xc },
  ] },
  { words: XFROMZ, keys: [
    { idx: [0x3, 0x2, 0xc, 0xd], extraBox: 5, extraIdx: 0x8 },
    { idx: [0x1, 0x0, 0xe, 0xf], extraBox: 6, extraIdx: 0xd },
    { idx: [0x7, 0x6, 0x8, 0x9], extraBox: 7, extraIdx: 0x3 },
    { idx: [0x5, 0x4, 0xa, 0xb], extraBox: 8, extraIdx: 0x7 },
  ] },
  { words: ZFROMX, keys: [
    { idx: [0x3, 0x2, 0xc, 0xd], extraBox: 5, extraIdx: 0x9 },
    { idx: [0x1, 0x0, 0xe, 0xf], extraBox: 6, extraIdx: 0xc },
    { idx: [0x7, 0x6, 0x8, 0x9], extraBox: 7, extraIdx: 0x2 },
    { idx: [0x5, 0x4, 0xa, 0xb], extraBox: 8, extraIdx: 0x6 },
  ] },
  { words: XFROMZ, keys: [
    { idx: [0x8, 0x9, 0x7, 0x6], extraBox: 5, extraIdx: 0x3 },
    { idx: [0xa, 0xb, 0x5, 0x4], extraBox: 6, extraIdx: 0x7 },
    { idx: [0xc, 0xd, 0x3, 0x2], extraBox: 7, extraIdx: 0x8 },
    { idx: [0xe, 0xf, 0x1, 0x0], extraBox: 8, extraIdx: 0xd },
  ] },
];

const BOX: Record<number, Uint32Array> = { 5: S5, 6: S6, 7: S7, 8: S8 };

function byteOf(reg: Uint32Array, i: number): number {
  return (reg[i >>> 2]! >>> (24 - 8 * (i & 3))) & 0xff;
}

function expandKey(key: Uint8Array): Uint32Array {
  const x = new Uint32Array(4);
  const z = new Uint32Array(4);
  for (let i = 0; i < 4; i++) x[i] = readU32BE(key, i * 4);
  const subkeys = new Uint32Array(32);
  let n = 0;
  for (let half = 0; half < 2; half++) {
    for (const quarter of SCHEDULE) {
      const toZ = quarter.words[0]!.dst === 'z';
      const dst = toZ ? z : x;
      const src = toZ ? x : z;
      for (const step of quarter.words) {
        // Word 0 looks up bytes of the source register; later words look up the target,
        // which is being filled in (RFC 2144 §2.4).
        const look = step.dstWord === 0 ? src : dst;
        const [a, b, c, d] = step.idx;
        dst[step.dstWord] = src[step.srcWord]! ^ S5[byteOf(look, a)]! ^ S6[byteOf(look, b)]! ^ S7[byteOf(look, c)]!
          ^ S8[byteOf(look, d)]! ^ BOX[step.extraBox]![byteOf(src, step.extraIdx)]!;
      }
      for (const k of quarter.keys) {
        const [a, b, c, d] = k.idx;
        subkeys[n++] = S5[byteOf(dst, a)]! ^ S6[byteOf(dst, b)]! ^ S7[byteOf(dst, c)]! ^ S8[byteOf(dst, d)]!
          ^ BOX[k.extraBox]![byteOf(dst, k.extraIdx)]!;
      }
    }
  }
  return subkeys;
}

export class Cast5 implements BlockEncryptor {
  readonly blockSize = 8;
  private readonly km = new Uint32Array(16);
  private readonly kr = new Uint8Array(16);

  constructor(key: Uint8Array) {
    requireKeyLength('CAST5', key, 16);
    const k = expandKey(key);
    for (let i = 0; i < 16; i++) {
      this.km[i] = k[i]!;
      this.kr[i] = k[16 + i]! & 31;
    }
  }

  encryptBlock(block: Uint8Array, offset: number): void {
    let l = readU32BE(block, offset);
    let r = readU32BE(block, offset + 4);
    for (let i = 0; i < 16; i++) {
      const f = this.round(i, r);
      const next = (l ^ f) >>> 0;
      l = r;
      r = next;
    }
    writeU32BE(block, offset, r);
    writeU32BE(block, offset + 4, l);
  }

  private round(i: number, d: number): number {
    const km = this.km[i]!;
    const kr = this.kr[i]!;
    let t: number;
    switch (i % 3) {
      case 0:
        t = rotl32((km + d) >>> 0, kr);
        return (((S1[t >>> 24]! ^ S2[(t >>> 16) & 0xff]!) - S3[(t >>> 8) & 0xff]!) + S4[t & 0xff]!) >>> 0;
      case 1:
        t = rotl32((km ^ d) >>> 0, kr);
        return (((S1[t >>> 24]! - S2[(t >>> 16) & 0xff]!) + S3[(t >>> 8) & 0xff]!) ^ S4[t & 0xff]!) >>> 0;
      default:
        t = rotl32((km - d) >>> 0, kr);
        return (((S1[t >>> 24]! + S2[(t >>> 16) & 0xff]!) ^ S3[(t >>> 8) & 0xff]!) - S4[t & 0xff]!) >>> 0;
    }
  }
}

import { describe, expect, it } from 'vitest';
import { ReedSolomon, gfMul, gfPow, gfInv } from '../src/fec/index.js';
import { GF_EXP } from '../src/fec/galois.js';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('GF(2^8), polynomial 0x11D (docs/protocol/fec.md, section 4)', () => {
  it('exp table, 0^0 and inverses', () => {
    expect(GF_EXP[8]).toBe(0x1d);
    expect(gfPow(0, 0)).toBe(1);
    expect(gfPow(0, 3)).toBe(0);
    for (let a = 1; a < 256; a++) expect(gfMul(a, gfInv(a))).toBe(1);
    expect(gfMul(0x80, 2)).toBe(0x1d);
  });
});

describe('encoding matrix and parity (docs/protocol/fec.md, section 4)', () => {
  it('parity rows match klauspost/reedsolomon', () => {
    const rows = (d: number, p: number) => Array.from({ length: p }, (_, j) => toHex(new ReedSolomon(d, p).parityRow(j)));
    expect(rows(1, 1)).toEqual(['01']);
    expect(rows(2, 1)).toEqual(['0302']);
    expect(rows(3, 2)).toEqual(['010101', '0f0806']);
    expect(rows(10, 3)).toEqual(['8196afb8d2c4fee80302', '9681b8afc4d2e8fe0203', 'bfd6620a066fdfb70504']);
  });

  it('the top of the matrix is the identity (systematic)', () => {
    const rs = new ReedSolomon(10, 3);
    rs.matrix.slice(0, 10).forEach((row, r) => row.forEach((v, c) => expect(v).toBe(r === c ? 1 : 0)));
  });

  const DATA10 = ['c67e816b4bfbe2fb', '54f6bddf7c1ce187', '01bf31de56720f47', '67668759aa883c59', 'ea56137bd285a1d8',
    '3c54552f37ae655b', 'da027998cce31a76', '8e5fd9998f1f3f36', 'ee43784d0dfabea6', 'dae4868edc296d4e'];

  it('(10,3) and (3,2) parity vectors', () => {
    const rs = new ReedSolomon(10, 3);
    const shards = [...DATA10.map(hex), new Uint8Array(8), new Uint8Array(8), new Uint8Array(8)];
    rs.encode(shards);
    expect(shards.slice(10).map(toHex)).toEqual(['4c5f5a86212146da', '966dd511d655e873', 'ac4335e5c94b6622']);
    expect(rs.verify(shards)).toBe(true);
    const rs32 = new ReedSolomon(3, 2);
    const s32 = [...DATA10.slice(0, 3).map(hex), new Uint8Array(8), new Uint8Array(8)];
    rs32.encode(s32);
    expect(s32.slice(3).map(toHex)).toEqual(['93370d6a61950c3b', '8af6fb3ba081ae93']);
  });

  it('reconstructs any erasure pattern up to p, aligned and unaligned, odd lengths', () => {
    const rs = new ReedSolomon(10, 3);
    for (const length of [1, 7, 64, 1401]) {
      const backing = new Uint8Array(13 * (length + 5) + 1);
      // Offset 1 makes every view unaligned; the second pass uses aligned copies.
      for (const offset of [1, 0]) {
        const shards = Array.from({ length: 13 }, (_, i) => backing.subarray(offset + i * (length + 5), offset + i * (length + 5) + length));
        for (const s of shards.slice(0, 10)) for (let i = 0; i < length; i++) s[i] = (Math.random() * 256) | 0;
        rs.encode(shards, length);
        const originals = shards.map((s) => s.slice());
        const patterns = [[0], [9], [0, 1, 2], [3, 10, 12], [7, 8, 9], [10, 11, 12], [2, 5]];
        for (const missing of patterns) {
          const present = shards.map((_, i) => !missing.includes(i));
          for (const m of missing) shards[m]!.fill(0xee);
          expect(rs.reconstruct(shards, present, length)).toBe(true);
          shards.forEach((s, i) => expect(toHex(s)).toBe(toHex(originals[i]!)));
        }
        const tooMany = shards.map((_, i) => i > 3);
        expect(rs.reconstructData(shards, tooMany, length)).toBe(false);
      }
    }
  });
});

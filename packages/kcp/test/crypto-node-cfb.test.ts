/**
 * NodeCfbTransform never builds a CFB cipher per datagram: it encrypts with one long-lived
 * CBC cipher (re-chained to E(IV) inside each call) and decrypts with one reused ECB
 * cipher. Both must equal OpenSSL's own one-shot CFB (a fresh cipher per datagram, the
 * reference construction of docs/protocol/crypto.md section 3) byte for byte, for every
 * length (empty, sub-block, whole and partial trailing blocks, oversize), at word-aligned
 * and odd offsets, and datagram after datagram with encrypts and decrypts interleaved
 * (the CBC chaining value is the only state carried over).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KCP_CFB_IV } from '../src/crypto/cfb.js';
import { NodeCfbTransform } from '../src/crypto/transforms/node-cfb.js';

const CASES = [
  { algorithm: 'aes-256-cfb', keySize: 32, block: 16 as const },
  { algorithm: 'aes-128-cfb', keySize: 16, block: 16 as const },
  { algorithm: 'aes-192-cfb', keySize: 24, block: 16 as const },
  { algorithm: 'sm4-cfb', keySize: 16, block: 16 as const },
  { algorithm: 'des-ede3-cfb', keySize: 24, block: 8 as const },
];
const FIXED_LENGTHS = [0, 1, 7, 8, 9, 15, 16, 17, 20, 24, 31, 32, 33, 100, 1349, 1350, 1400, 1500, 1516, 1517, 4000];
/** Every length 0..70 (all partial-block residues for both block sizes), then random ones up to 1500. */
const lengths = (): number[] => [
  ...FIXED_LENGTHS,
  ...Array.from({ length: 71 }, (_, i) => i),
  ...Array.from({ length: 150 }, () => Math.floor(Math.random() * 1501)),
];

/** `data` placed at `offset` in a 0x5a-filled backing buffer with slack after it. */
function placed(data: Uint8Array, offset: number): { backing: Uint8Array; view: Uint8Array } {
  const backing = new Uint8Array(offset + data.length + 9).fill(0x5a);
  const view = backing.subarray(offset, offset + data.length + 5);
  view.set(data);
  return { backing, view };
}

/** Only [0, length) of the view changed. */
function untouchedOutside(backing: Uint8Array, view: Uint8Array, offset: number, length: number): boolean {
  return [...backing.subarray(0, offset), ...view.subarray(length)].every((x) => x === 0x5a);
}

describe('NodeCfbTransform', () => {
  for (const { algorithm, keySize, block } of CASES) {
    const iv = KCP_CFB_IV.subarray(0, block);

    it(`${algorithm}: encrypt and decrypt equal OpenSSL's one-shot CFB, interleaved, datagram after datagram`, () => {
      const key = randomBytes(keySize);
      const t = new NodeCfbTransform(algorithm, key, block);
      // Every misalignment: 0 (word-aligned), 2 (a captured datagram sits at 66), 1 and 3.
      for (const offset of [0, 1, 2, 3]) {
        for (const length of lengths()) {
          const plain = randomBytes(length);
          const wantCipher = createCipheriv(algorithm, key, iv).update(plain);
          const enc = placed(plain, offset);
          t.encrypt(enc.view, length);
          expect(Buffer.from(enc.view.subarray(0, length)).equals(wantCipher), `encrypt ${length}@${offset}`).toBe(true);
          expect(untouchedOutside(enc.backing, enc.view, offset, length)).toBe(true);

          const ciphertext = randomBytes(length);
          const wantPlain = createDecipheriv(algorithm, key, iv).update(ciphertext);
          const dec = placed(ciphertext, offset);
          t.decrypt(dec.view, length);
          expect(Buffer.from(dec.view.subarray(0, length)).equals(wantPlain), `decrypt ${length}@${offset}`).toBe(true);
          expect(untouchedOutside(dec.backing, dec.view, offset, length)).toBe(true);
        }
      }
    });

    it(`${algorithm}: encrypt then decrypt round-trips`, () => {
      const t = new NodeCfbTransform(algorithm, randomBytes(keySize), block);
      for (const length of FIXED_LENGTHS) {
        const plain = randomBytes(length);
        const buf = new Uint8Array(plain);
        t.encrypt(buf, length);
        if (length >= block) expect(Buffer.from(buf).equals(plain)).toBe(false);
        t.decrypt(buf, length);
        expect(Buffer.from(buf).equals(plain)).toBe(true);
      }
    });

    it(`${algorithm}: two instances with the same key give the same bytes whatever each sent before`, () => {
      const key = randomBytes(keySize);
      const busy = new NodeCfbTransform(algorithm, key, block);
      for (let i = 0; i < 10; i++) busy.encrypt(randomBytes(100 + i * 37), 100 + i * 37);
      const fresh = new NodeCfbTransform(algorithm, key, block);
      const plain = randomBytes(1400);
      const a = new Uint8Array(plain);
      const b = new Uint8Array(plain);
      busy.encrypt(a, 1400);
      fresh.encrypt(b, 1400);
      expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    });
  }

  it('after a failed CBC call, the datagram is left as it was and the next one is right', () => {
    const key = randomBytes(32);
    const t = new NodeCfbTransform('aes-256-cfb', key, 16);
    t.encrypt(new Uint8Array(100), 100); // move the chain off the IV first
    const cbc = (t as unknown as { cbc: { update: () => never } }).cbc;
    cbc.update = () => {
      throw new Error('injected');
    };
    const plain = randomBytes(200);
    const buf = new Uint8Array(plain);
    expect(() => t.encrypt(buf, 200)).toThrow('injected');
    expect(Buffer.from(buf).equals(plain)).toBe(true);
    t.encrypt(buf, 200); // on the rebuilt cipher
    expect(Buffer.from(buf).equals(createCipheriv('aes-256-cfb', key, KCP_CFB_IV).update(plain))).toBe(true);
  });

  it('rejects a length beyond the view instead of writing past it', () => {
    const t = new NodeCfbTransform('aes-256-cfb', randomBytes(32), 16);
    const backing = new Uint8Array(64).fill(0x5a);
    expect(() => t.decrypt(backing.subarray(0, 40), 48)).toThrow(RangeError);
    expect(() => t.encrypt(backing.subarray(0, 40), 48)).toThrow(RangeError);
    expect(backing.every((x) => x === 0x5a)).toBe(true);
  });
});

/**
 * NodeCfbTransform decrypts with a reused ECB cipher (keystream E(IV ‖ C[0..n-2])) instead
 * of a fresh CFB decipher per datagram: it must agree with OpenSSL's own CFB decryption
 * for every length, including empty, sub-block, partial trailing blocks and the
 * oversize fallback, and across many datagrams in a row (no state carried over).
 */
import { createDecipheriv, randomBytes } from 'node:crypto';
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
const LENGTHS = [0, 1, 7, 8, 9, 15, 16, 17, 20, 31, 32, 33, 100, 1349, 1350, 1500, 1516, 1517, 4000];

describe('NodeCfbTransform', () => {
  for (const { algorithm, keySize, block } of CASES) {
    it(`${algorithm}: decrypt equals OpenSSL CFB for every length, datagram after datagram`, () => {
      const key = randomBytes(keySize);
      const t = new NodeCfbTransform(algorithm, key, block);
      const iv = KCP_CFB_IV.subarray(0, block);
      // Offsets 0 (word-aligned), 2 (a captured datagram sits at 66) and 3.
      for (const offset of [0, 2, 3]) {
        for (const length of LENGTHS) {
          const ciphertext = randomBytes(length);
          const want = createDecipheriv(algorithm, key, iv).update(ciphertext);
          // In a larger buffer: only [0, length) of the view may change.
          const backing = new Uint8Array(length + 11).fill(0x5a);
          const view = backing.subarray(offset, offset + length + 5);
          view.set(ciphertext);
          t.decrypt(view, length);
          expect(Buffer.from(view.subarray(0, length)).equals(want)).toBe(true);
          expect([...backing.subarray(0, offset), ...view.subarray(length)].every((x) => x === 0x5a)).toBe(true);
        }
      }
    });

    it(`${algorithm}: encrypt then decrypt round-trips`, () => {
      const t = new NodeCfbTransform(algorithm, randomBytes(keySize), block);
      for (const length of LENGTHS) {
        const plain = randomBytes(length);
        const buf = new Uint8Array(plain);
        t.encrypt(buf, length);
        if (length >= block) expect(Buffer.from(buf).equals(plain)).toBe(false);
        t.decrypt(buf, length);
        expect(Buffer.from(buf).equals(plain)).toBe(true);
      }
    });
  }
});

import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BLOCK_NAMES, createDatagramCipher, deriveKey } from '../src/crypto/index.js';

const DROP_REASONS = ['short', 'crc', 'auth'];

/** Deterministic PRNG so a failure is reproducible from the printed seed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s;
  };
}

describe('fuzz: open() never throws and never reads outside the datagram', () => {
  const dkey = deriveKey('fuzz-key');
  for (const block of BLOCK_NAMES) {
    it(`${block}: random and mutated datagrams`, () => {
      const cipher = createDatagramCipher(block, dkey);
      const rand = prng(0xc0ffee ^ block.length);
      // Datagrams are views into a larger buffer with guard bytes either side, so any
      // write outside the view, or a result that escapes it, is caught.
      const arena = new Uint8Array(1600);
      const check = (datagram: Uint8Array) => {
        arena.fill(0xa5);
        const at = 40;
        arena.set(datagram, at);
        const view = arena.subarray(at, at + datagram.length);
        let result: Uint8Array | string;
        try {
          result = cipher.open(view);
        } catch (err) {
          return expect.fail(`${block}: open threw on ${datagram.length} bytes: ${String(err)}`);
        }
        if (typeof result === 'string') {
          expect(DROP_REASONS).toContain(result);
        } else {
          expect(result.buffer).toBe(arena.buffer);
          expect(result.byteOffset).toBeGreaterThanOrEqual(at);
          expect(result.byteOffset + result.length).toBeLessThanOrEqual(at + datagram.length);
        }
        for (let i = 0; i < at; i++) expect(arena[i]).toBe(0xa5);
        for (let i = at + datagram.length; i < arena.length; i++) if (arena[i] !== 0xa5) expect.fail(`write past the datagram at ${i}`);
      };
      for (let n = 0; n <= 64; n++) check(randomBytes(n));
      for (let i = 0; i < 60; i++) check(randomBytes(rand() % 1501));
      // Valid datagrams with one to three mutations each (bit flips, truncation, extension).
      const buf = new Uint8Array(1500);
      for (let i = 0; i < 60; i++) {
        const payload = randomBytes(rand() % 1400);
        buf.set(payload, cipher.headerSize);
        const n = cipher.seal(buf, payload.length);
        let datagram = buf.slice(0, n);
        const op = rand() % 3;
        if (op === 0 && n > 0) datagram[rand() % n]! ^= 1 << rand() % 8;
        if (op === 1) datagram = datagram.slice(0, rand() % (n + 1));
        if (op === 2) datagram = Uint8Array.from([...datagram, ...randomBytes(1 + (rand() % 8))]);
        check(datagram);
      }
    });
  }
});

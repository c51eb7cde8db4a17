import { bench, describe } from 'vitest';
import { BLOCK_NAMES, createDatagramCipher } from '../src/crypto/index.js';

/*
 * Seal and open of one 1400-byte datagram (payload = 1400 − header − trailer) per block.
 * MB/s = hz × 1400 / 1e6. Open works on a copy of a sealed datagram restored before
 * each call, so it measures decrypt + verify on valid input.
 */
const DATAGRAM = 1400;
const dkey = new Uint8Array(32).map((_, i) => i * 7 + 1);

for (const block of BLOCK_NAMES) {
  describe(`${block} (${DATAGRAM}-byte datagram)`, () => {
    const cipher = createDatagramCipher(block, dkey);
    const payload = DATAGRAM - cipher.headerSize - cipher.trailerSize;
    const buf = new Uint8Array(DATAGRAM).map((_, i) => i);
    const sealed = buf.slice(0, cipher.seal(buf.slice(), payload));
    cipher.seal(sealed, payload);
    const work = sealed.slice();

    bench('seal', () => {
      cipher.seal(buf, payload);
    });
    bench('open', () => {
      work.set(sealed);
      const result = cipher.open(work);
      if (typeof result === 'string') throw new Error(`${block}: ${result}`);
    });
  });
}

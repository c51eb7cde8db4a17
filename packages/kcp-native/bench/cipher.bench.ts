import { bench, describe } from 'vitest';
import { createDatagramCipher, type BlockName } from '@paqet/kcp/crypto';
import { NATIVE_ALGORITHMS, createNativeDatagramCipher } from '../src/index.js';

/*
 * One 1400-byte datagram per block: @paqet/kcp's seal/open against this package's seal,
 * open and sealBatch (16 datagrams per call; hz is per datagram: the op seals one slot of a
 * batch of 16 in turn, the batch sealed when its first slot comes round). MB/s = hz x 1400 / 1e6.
 */
const DATAGRAM = 1400;
const SLOTS = 16;
const STRIDE = 1504;
const dkey = new Uint8Array(32).map((_, i) => i * 7 + 1);

for (const block of Object.keys(NATIVE_ALGORITHMS) as BlockName[]) {
  describe(`${block} (${DATAGRAM}-byte datagram)`, () => {
    const reference = createDatagramCipher(block, dkey);
    const native = createNativeDatagramCipher(block, dkey);
    const payload = DATAGRAM - native.headerSize;
    const buf = new Uint8Array(DATAGRAM).map((_, i) => i);
    const copy = buf.slice();
    const sealed = copy.slice(0, native.seal(copy, payload));
    const work = sealed.slice();
    const arena = new Uint8Array(SLOTS * STRIDE);
    const lengths = new Uint32Array(SLOTS).fill(payload);
    let slot = 0;

    bench('seal, @paqet/kcp', () => {
      reference.seal(buf, payload);
    });
    bench('seal, native', () => {
      native.seal(buf, payload);
    });
    bench(`sealBatch of ${SLOTS}, native (per datagram)`, () => {
      if (slot === 0) native.sealBatch(arena, STRIDE, lengths, SLOTS);
      slot = (slot + 1) % SLOTS;
    });
    bench('open, @paqet/kcp', () => {
      work.set(sealed);
      if (typeof reference.open(work) === 'string') throw new Error(`${block}: open failed`);
    });
    bench('open, native', () => {
      work.set(sealed);
      if (typeof native.open(work) === 'string') throw new Error(`${block}: open failed`);
    });
  });
}

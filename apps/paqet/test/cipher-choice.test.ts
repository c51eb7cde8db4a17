import { describe, expect, it } from 'vitest';
import { createDatagramCipher, deriveKey } from '@paqet/kcp/crypto';
import { NativeCrcEnvelopeCipher } from '@paqet/kcp-native';
import { cipherImplementation, datagramCipherFactory } from '../src/transport/cipher-choice.js';

const key = deriveKey('choice');

describe('which implementation seals the datagrams', () => {
  it('aes, aes-128, aes-192, sm4 and 3des are sealed natively where the addon is built (here it must be)', () => {
    for (const block of ['aes', 'aes-128', 'aes-192', 'sm4', '3des'] as const) {
      expect(cipherImplementation(block, {})).toEqual({ native: true });
      expect(datagramCipherFactory(block, key, {})()).toBeInstanceOf(NativeCrcEnvelopeCipher);
    }
  });

  it('PAQET_NATIVE_CIPHERS=0 and the other blocks use @paqet/kcp, with the same bytes on the wire', () => {
    expect(cipherImplementation('aes', { PAQET_NATIVE_CIPHERS: '0' })).toEqual({ native: false, why: 'PAQET_NATIVE_CIPHERS=0' });
    expect(datagramCipherFactory('aes', key, { PAQET_NATIVE_CIPHERS: '0' })()).not.toBeInstanceOf(NativeCrcEnvelopeCipher);
    expect(cipherImplementation('twofish', {}).native).toBe(false);
    const sealer = datagramCipherFactory('aes', key, {})();
    const opener = createDatagramCipher('aes', key);
    const buf = new Uint8Array(100);
    buf.set(Buffer.from('paqet'), 20);
    const opened = opener.open(buf.subarray(0, sealer.seal(buf, 5)));
    expect(opened instanceof Uint8Array && Buffer.from(opened).toString()).toBe('paqet');
  });
});

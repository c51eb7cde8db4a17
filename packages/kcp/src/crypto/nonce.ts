import { randomFillSync } from 'node:crypto';

/**
 * Writes a fresh nonce into `buf[offset, offset + length)`. The default draws from a
 * CSPRNG; tests inject captured nonces to reproduce golden datagrams byte for byte.
 */
export type NonceSource = (buf: Uint8Array, offset: number, length: number) => void;

const POOL_SIZE = 4096;

/**
 * CSPRNG nonces copied out of a pool refilled 4 KiB at a time, so a datagram costs a
 * 16-byte copy instead of a call into OpenSSL (receivers never look at nonces;
 * docs/protocol/crypto.md, section 2).
 */
export function pooledRandomNonces(): NonceSource {
  const pool = new Uint8Array(POOL_SIZE);
  let used = POOL_SIZE;
  return (buf, offset, length) => {
    if (used + length > POOL_SIZE) {
      randomFillSync(pool);
      used = 0;
    }
    for (let i = 0; i < length; i++) buf[offset + i] = pool[used + i]!;
    used += length;
  };
}

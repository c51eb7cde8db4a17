import { pbkdf2, pbkdf2Sync } from 'node:crypto';
import type { BlockName } from './types.js';

/** paqet's key stretching (crypto.md §1). */
export const KEY_DERIVATION = { salt: 'paqet', iterations: 100_000, length: 32, digest: 'sha256' } as const;

/**
 * Bytes of the derived key each block hands to its cipher; 0 means "no key".
 * (paqet gives the whole 32 bytes to aes, salsa20, blowfish, twofish, xor.)
 */
export const BLOCK_KEY_SIZES: Readonly<Record<BlockName, number>> = {
  aes: 32, 'aes-128': 16, 'aes-128-gcm': 16, 'aes-192': 24, salsa20: 32, blowfish: 32,
  twofish: 32, cast5: 16, '3des': 24, tea: 16, xtea: 16, xor: 32, sm4: 16, none: 0, null: 0,
};

/** PBKDF2-HMAC-SHA256(passphrase, "paqet", 100000) → 32 bytes. Blocks for ~50 ms. */
export function deriveKey(passphrase: string): Uint8Array {
  const { salt, iterations, length, digest } = KEY_DERIVATION;
  return new Uint8Array(pbkdf2Sync(passphrase, salt, iterations, length, digest));
}

/** Same as deriveKey, on the libuv thread pool. */
export function deriveKeyAsync(passphrase: string): Promise<Uint8Array> {
  const { salt, iterations, length, digest } = KEY_DERIVATION;
  return new Promise((resolve, reject) => {
    pbkdf2(passphrase, salt, iterations, length, digest, (err, key) => (err ? reject(err) : resolve(new Uint8Array(key))));
  });
}

/** The prefix of the derived key a block's cipher is built with. */
export function blockKey(block: BlockName, derivedKey: Uint8Array): Uint8Array {
  const size = BLOCK_KEY_SIZES[block];
  if (size === 0) return new Uint8Array(0);
  if (derivedKey.length < size) {
    throw new RangeError(`block ${block} needs a derived key of at least ${size} bytes, got ${derivedKey.length}`);
  }
  return derivedKey.slice(0, size);
}

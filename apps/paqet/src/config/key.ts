/** `transport.kcp.key` → cipher key bytes (config.md 2.8). */
import { pbkdf2 } from 'node:crypto';
import { BLOCK_KEY_BYTES, KEY_DERIVATION } from './constants.js';
import type { BlockName } from './types.js';

export function deriveKey(passphrase: string): Promise<Uint8Array> {
  const { salt, iterations, length, digest } = KEY_DERIVATION;
  return new Promise((resolve, reject) => {
    pbkdf2(passphrase, salt, iterations, length, digest, (err, key) => (err ? reject(err) : resolve(new Uint8Array(key))));
  });
}

export function cipherKeyFor(block: BlockName, derived: Uint8Array): Uint8Array | null {
  const n = BLOCK_KEY_BYTES[block];
  return n === null ? null : derived.subarray(0, n);
}

import { pbkdf2, pbkdf2Sync } from 'node:crypto';

/** paqet's key stretching (docs/protocol/crypto.md): PBKDF2-HMAC-SHA256, salt "paqet", 100,000 rounds, 32 bytes. */
export const KEY_DERIVATION = { salt: 'paqet', iterations: 100_000, length: 32, digest: 'sha256' } as const;

/** The 32-byte key paqet derives from a passphrase. Blocks for ~50 ms. */
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

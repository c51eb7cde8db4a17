import { randomFillSync } from 'node:crypto';

/**
 * Writes a fresh nonce into `buf[offset, offset + length)`. The default draws from a
 * CSPRNG; tests inject captured nonces to reproduce golden datagrams byte for byte.
 */
export type NonceSource = (buf: Uint8Array, offset: number, length: number) => void;

/**
 * One pool for the whole process, shared by every cipher: a refill costs a fixed 35-40 µs
 * in a busy daemon (measured in the lab) however little it fills, so it is refilled
 * 64 KiB at a time, and sharing it keeps that to 64 KiB per process, not per session.
 * Every byte is handed out once, so sharing changes nothing for any one cipher.
 */
const POOL_SIZE = 64 * 1024;
let pool: Uint8Array | null = null; // allocated by the first draw
let used = POOL_SIZE; // so the first draw fills it

function drawPooledNonce(buf: Uint8Array, offset: number, length: number): void {
  if (length > POOL_SIZE) {
    randomFillSync(buf, offset, length);
    return;
  }
  if (used + length > POOL_SIZE) {
    randomFillSync((pool ??= new Uint8Array(POOL_SIZE)));
    used = 0;
  }
  const p = pool!;
  for (let i = 0; i < length; i++) buf[offset + i] = p[used + i]!;
  used += length;
}

/**
 * CSPRNG nonces copied out of a pool, so a datagram costs a 16-byte copy instead of a
 * call into OpenSSL (receivers never look at nonces; docs/protocol/crypto.md, section 2).
 */
export function pooledRandomNonces(): NonceSource {
  return drawPooledNonce;
}

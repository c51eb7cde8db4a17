/**
 * The one operation CFB needs from a block cipher: encrypt a single block in place.
 * Implementations keep their expanded key and must not allocate per call.
 */
export interface BlockEncryptor {
  readonly blockSize: 8 | 16;
  /** Encrypts `block[offset, offset + blockSize)` in place. */
  encryptBlock(block: Uint8Array, offset: number): void;
}

export { readU32BE, readU32LE, writeU32BE, writeU32LE } from '../../bytes.js';

export function rotl32(x: number, n: number): number {
  return ((x << n) | (x >>> (32 - n))) >>> 0;
}

export function requireKeyLength(name: string, key: Uint8Array, ...allowed: number[]): void {
  if (!allowed.includes(key.length)) {
    throw new RangeError(`${name} key must be ${allowed.join(' or ')} bytes, got ${key.length}`);
  }
}

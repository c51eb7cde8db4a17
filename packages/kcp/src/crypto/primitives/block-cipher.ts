/**
 * The one operation CFB needs from a block cipher: encrypt a single block in place.
 * Implementations keep their expanded key and must not allocate per call.
 */
export interface BlockEncryptor {
  readonly blockSize: 8 | 16;
  /** Encrypts `block[offset, offset + blockSize)` in place. */
  encryptBlock(block: Uint8Array, offset: number): void;
}

export function readU32BE(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

export function writeU32BE(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 24;
  b[o + 1] = v >>> 16;
  b[o + 2] = v >>> 8;
  b[o + 3] = v;
}

export function readU32LE(b: Uint8Array, o: number): number {
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
}

export function writeU32LE(b: Uint8Array, o: number, v: number): void {
  b[o] = v;
  b[o + 1] = v >>> 8;
  b[o + 2] = v >>> 16;
  b[o + 3] = v >>> 24;
}

export function rotl32(x: number, n: number): number {
  return ((x << n) | (x >>> (32 - n))) >>> 0;
}

export function requireKeyLength(name: string, key: Uint8Array, ...allowed: number[]): void {
  if (!allowed.includes(key.length)) {
    throw new RangeError(`${name} key must be ${allowed.join(' or ')} bytes, got ${key.length}`);
  }
}

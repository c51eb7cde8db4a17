import { type BlockEncryptor, readU32BE, requireKeyLength, writeU32BE } from './block-cipher.js';

const DELTA = 0x9e3779b9;

/** Standard XTEA: 32 cycles, big-endian words (docs/protocol/crypto.md, section 4). */
export class Xtea implements BlockEncryptor {
  readonly blockSize = 8;
  private readonly k = new Uint32Array(4);

  constructor(key: Uint8Array) {
    requireKeyLength('XTEA', key, 16);
    for (let i = 0; i < 4; i++) this.k[i] = readU32BE(key, i * 4);
  }

  encryptBlock(block: Uint8Array, offset: number): void {
    const k = this.k;
    let v0 = readU32BE(block, offset);
    let v1 = readU32BE(block, offset + 4);
    let sum = 0;
    for (let i = 0; i < 32; i++) {
      v0 = (v0 + (((((v1 << 4) ^ (v1 >>> 5)) + v1) | 0) ^ ((sum + k[sum & 3]!) | 0))) | 0;
      sum = (sum + DELTA) | 0;
      v1 = (v1 + (((((v0 << 4) ^ (v0 >>> 5)) + v0) | 0) ^ ((sum + k[(sum >>> 11) & 3]!) | 0))) | 0;
    }
    writeU32BE(block, offset, v0);
    writeU32BE(block, offset + 4, v1);
  }
}

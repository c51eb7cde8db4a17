import { type BlockEncryptor, readU32BE, requireKeyLength, writeU32BE } from './block-cipher.js';

const DELTA = 0x9e3779b9;

/**
 * TEA as kcp-go builds it: `tea.NewCipherWithRounds(key, 16)`, i.e. 16 rounds = 8 cycles
 * (standard TEA does 32 cycles, so off-the-shelf TEA gives different bytes; docs/protocol/crypto.md, section 4).
 */
export class Tea implements BlockEncryptor {
  readonly blockSize = 8;
  private readonly k0: number;
  private readonly k1: number;
  private readonly k2: number;
  private readonly k3: number;
  private readonly cycles: number;

  constructor(key: Uint8Array, rounds = 16) {
    requireKeyLength('TEA', key, 16);
    if (rounds <= 0 || rounds % 2 !== 0) throw new RangeError(`TEA rounds must be even and positive, got ${rounds}`);
    this.k0 = readU32BE(key, 0);
    this.k1 = readU32BE(key, 4);
    this.k2 = readU32BE(key, 8);
    this.k3 = readU32BE(key, 12);
    this.cycles = rounds / 2;
  }

  encryptBlock(block: Uint8Array, offset: number): void {
    let v0 = readU32BE(block, offset);
    let v1 = readU32BE(block, offset + 4);
    let sum = 0;
    for (let i = 0; i < this.cycles; i++) {
      sum = (sum + DELTA) | 0;
      v0 = (v0 + ((((v1 << 4) + this.k0) | 0) ^ ((v1 + sum) | 0) ^ (((v1 >>> 5) + this.k1) | 0))) | 0;
      v1 = (v1 + ((((v0 << 4) + this.k2) | 0) ^ ((v0 + sum) | 0) ^ (((v0 >>> 5) + this.k3) | 0))) | 0;
    }
    writeU32BE(block, offset, v0);
    writeU32BE(block, offset + 4, v1);
  }
}

import { salsa20 } from '@noble/ciphers/salsa.js';
import type { PacketTransform } from '../envelope-crc.js';

/**
 * kcp-go's Salsa20 envelope (docs/protocol/crypto.md, section 4): bytes 0–7 (half of the random nonce) stay
 * in clear and are the Salsa20 nonce; bytes 8.. are XORed with the keystream from
 * counter 0. Encrypt and decrypt are the same operation.
 */
export class Salsa20Transform implements PacketTransform {
  private readonly nonce = new Uint8Array(8);

  constructor(private readonly key: Uint8Array) {
    if (key.length !== 32) throw new RangeError(`salsa20 key must be 32 bytes, got ${key.length}`);
  }

  encrypt(buf: Uint8Array, length: number): void {
    if (length <= 8) return;
    for (let i = 0; i < 8; i++) this.nonce[i] = buf[i]!;
    const body = buf.subarray(8, length);
    salsa20(this.key, this.nonce, body, body);
  }

  decrypt(buf: Uint8Array, length: number): void {
    this.encrypt(buf, length);
  }
}

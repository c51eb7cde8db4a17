import type { BlockEncryptor } from './primitives/block-cipher.js';

/** kcp-go's fixed CFB IV (docs/protocol/crypto.md, section 3); 8-byte ciphers use its first 8 bytes. */
export const KCP_CFB_IV = Uint8Array.of(
  0xa7, 0x73, 0x4f, 0x9c, 0x12, 0xac, 0x1b, 0x01, 0xa4, 0x15, 0xf2, 0xc1, 0xfc, 0x78, 0xe6, 0x6b,
);

/**
 * Full-block CFB over one of our own block ciphers, restarted from the fixed IV for
 * every datagram. The feedback register is owned by the instance, so a call never
 * allocates (and an instance must not be shared between concurrent callers).
 */
export class CfbTransform {
  private readonly register: Uint8Array;

  constructor(private readonly cipher: BlockEncryptor) {
    this.register = new Uint8Array(cipher.blockSize);
  }

  /** Encrypts `buf[0, length)` in place. */
  encrypt(buf: Uint8Array, length: number): void {
    const reg = this.register;
    const size = reg.length;
    reg.set(KCP_CFB_IV.subarray(0, size));
    for (let off = 0; off < length; off += size) {
      this.cipher.encryptBlock(reg, 0);
      const n = Math.min(size, length - off);
      for (let j = 0; j < n; j++) {
        const c = buf[off + j]! ^ reg[j]!;
        buf[off + j] = c;
        reg[j] = c;
      }
    }
  }

  /** Decrypts `buf[0, length)` in place (CFB only ever uses the cipher's encrypt direction). */
  decrypt(buf: Uint8Array, length: number): void {
    const reg = this.register;
    const size = reg.length;
    reg.set(KCP_CFB_IV.subarray(0, size));
    for (let off = 0; off < length; off += size) {
      this.cipher.encryptBlock(reg, 0);
      const n = Math.min(size, length - off);
      for (let j = 0; j < n; j++) {
        const c = buf[off + j]!;
        buf[off + j] = c ^ reg[j]!;
        reg[j] = c;
      }
    }
  }
}

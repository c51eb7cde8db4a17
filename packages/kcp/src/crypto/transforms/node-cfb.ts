import { createCipheriv, createDecipheriv, createSecretKey, getCiphers, type KeyObject } from 'node:crypto';
import { KCP_CFB_IV } from '../cfb.js';
import type { PacketTransform } from '../envelope-crc.js';

/**
 * Full-block CFB from OpenSSL (aes-*-cfb, sm4-cfb, des-ede3-cfb). A Node cipher cannot be
 * rewound, so each datagram gets a fresh one-shot cipher from the fixed IV; OpenSSL's
 * handling of the trailing partial block matches kcp-go (crypto.md §3).
 */
export class NodeCfbTransform implements PacketTransform {
  private readonly key: KeyObject;
  private readonly iv: Uint8Array;

  constructor(private readonly algorithm: string, key: Uint8Array, ivSize: 8 | 16) {
    this.key = createSecretKey(key);
    this.iv = KCP_CFB_IV.slice(0, ivSize);
    // Fail at construction, not on the first datagram, if this OpenSSL lacks the cipher
    // (sm4-cfb and des-ede3-cfb are in Node 20's default provider).
    if (!getCiphers().includes(algorithm)) {
      throw new Error(`this Node/OpenSSL build has no ${algorithm} cipher (needed for kcp block compatibility)`);
    }
    createCipheriv(algorithm, this.key, this.iv);
  }

  encrypt(buf: Uint8Array, length: number): void {
    const cipher = createCipheriv(this.algorithm, this.key, this.iv);
    buf.set(cipher.update(length === buf.length ? buf : buf.subarray(0, length)));
  }

  decrypt(buf: Uint8Array, length: number): void {
    const decipher = createDecipheriv(this.algorithm, this.key, this.iv);
    buf.set(decipher.update(length === buf.length ? buf : buf.subarray(0, length)));
  }
}

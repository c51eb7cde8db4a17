import { pbkdf2Sync } from 'node:crypto';
import type { PacketTransform } from '../envelope-crc.js';

export const XOR_PAD_SIZE = 1500;

/**
 * kcp-go's "xor" block (docs/protocol/crypto.md, section 4): one fixed 1500-byte pad,
 * PBKDF2-HMAC-SHA1(dkey, "sH3CIVoF#rWLtJo6", 32 rounds), XORed from byte 0. No real
 * confidentiality; implemented for compatibility only.
 */
export class XorPadTransform implements PacketTransform {
  readonly pad: Uint8Array;

  constructor(key: Uint8Array) {
    this.pad = new Uint8Array(pbkdf2Sync(key, 'sH3CIVoF#rWLtJo6', 32, XOR_PAD_SIZE, 'sha1'));
  }

  encrypt(buf: Uint8Array, length: number): void {
    const n = Math.min(length, XOR_PAD_SIZE);
    const pad = this.pad;
    for (let i = 0; i < n; i++) buf[i] ^= pad[i]!;
  }

  decrypt(buf: Uint8Array, length: number): void {
    this.encrypt(buf, length);
  }
}

/** `none`: the envelope without any transform. */
export const identityTransform: PacketTransform = {
  encrypt() {},
  decrypt() {},
};

import { createCipheriv, createDecipheriv, createSecretKey, type KeyObject } from 'node:crypto';
import { type NonceSource, pooledRandomNonces } from './nonce.js';
import type { DatagramCipher, DropReason } from './types.js';

export const GCM_NONCE_SIZE = 12;
export const GCM_TAG_SIZE = 16;

/** Envelope (B) of docs/protocol/crypto.md, section 5: `[nonce12][AES-128-GCM(payload)][tag16]`, no AAD, no CRC. */
export class GcmCipher implements DatagramCipher {
  readonly block = 'aes-128-gcm' as const;
  readonly headerSize = GCM_NONCE_SIZE;
  readonly trailerSize = GCM_TAG_SIZE;
  private readonly key: KeyObject;

  constructor(key: Uint8Array, private readonly nonceSource: NonceSource = pooledRandomNonces()) {
    if (key.length !== 16) throw new RangeError(`aes-128-gcm key must be 16 bytes, got ${key.length}`);
    this.key = createSecretKey(key);
  }

  seal(buf: Uint8Array, payloadLength: number): number {
    const end = GCM_NONCE_SIZE + payloadLength;
    if (payloadLength < 0 || end + GCM_TAG_SIZE > buf.length) {
      throw new RangeError(`seal: ${payloadLength}-byte payload plus tag does not fit a ${buf.length}-byte buffer`);
    }
    this.nonceSource(buf, 0, GCM_NONCE_SIZE);
    const cipher = createCipheriv('aes-128-gcm', this.key, buf.subarray(0, GCM_NONCE_SIZE));
    buf.set(cipher.update(buf.subarray(GCM_NONCE_SIZE, end)), GCM_NONCE_SIZE);
    cipher.final();
    buf.set(cipher.getAuthTag(), end);
    return end + GCM_TAG_SIZE;
  }

  open(datagram: Uint8Array): Uint8Array | DropReason {
    const end = datagram.length - GCM_TAG_SIZE;
    if (end < GCM_NONCE_SIZE) return 'short';
    try {
      const decipher = createDecipheriv('aes-128-gcm', this.key, datagram.subarray(0, GCM_NONCE_SIZE));
      decipher.setAuthTag(datagram.subarray(end));
      const plain = decipher.update(datagram.subarray(GCM_NONCE_SIZE, end));
      decipher.final(); // throws when the tag does not verify
      datagram.set(plain, GCM_NONCE_SIZE);
      return datagram.subarray(GCM_NONCE_SIZE, end);
    } catch {
      return 'auth';
    }
  }
}

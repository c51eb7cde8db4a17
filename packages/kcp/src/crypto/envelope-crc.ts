import { readU32LE, writeU32LE } from '../bytes.js';
import { crc32 } from './crc32.js';
import { type NonceSource, pooledRandomNonces } from './nonce.js';
import type { BlockName } from './registry.js';
import type { DatagramCipher, DropReason } from './types.js';

/** A whole-datagram, length-preserving transform (CFB, Salsa20, XOR pad, identity). */
export interface PacketTransform {
  /** Encrypts `buf[0, length)` in place. */
  encrypt(buf: Uint8Array, length: number): void;
  /** Decrypts `buf[0, length)` in place. */
  decrypt(buf: Uint8Array, length: number): void;
}

export const CRC_NONCE_SIZE = 16;
export const CRC_ENVELOPE_HEADER_SIZE = 20; // 16-byte nonce + CRC32 LE

/**
 * Envelope (A) of docs/protocol/crypto.md, section 2: `[nonce16][crc32le(payload)][payload]`, then the whole
 * datagram, nonce and CRC included, goes through the transform.
 */
export class CrcEnvelopeCipher implements DatagramCipher {
  readonly headerSize = CRC_ENVELOPE_HEADER_SIZE;
  readonly trailerSize = 0;

  constructor(
    readonly block: BlockName,
    private readonly transform: PacketTransform,
    private readonly nonceSource: NonceSource = pooledRandomNonces(),
  ) {}

  seal(buf: Uint8Array, payloadLength: number): number {
    const total = CRC_ENVELOPE_HEADER_SIZE + payloadLength;
    if (payloadLength < 0 || total > buf.length) {
      throw new RangeError(`seal: ${payloadLength}-byte payload does not fit a ${buf.length}-byte buffer`);
    }
    this.nonceSource(buf, 0, CRC_NONCE_SIZE);
    writeU32LE(buf, CRC_NONCE_SIZE, crc32(buf.subarray(CRC_ENVELOPE_HEADER_SIZE, total)));
    this.transform.encrypt(buf, total);
    return total;
  }

  open(datagram: Uint8Array): Uint8Array | DropReason {
    if (datagram.length < CRC_ENVELOPE_HEADER_SIZE) return 'short';
    try {
      this.transform.decrypt(datagram, datagram.length);
    } catch {
      return 'crc'; // a transform never fails on well-formed input; treat as corrupt
    }
    const payload = datagram.subarray(CRC_ENVELOPE_HEADER_SIZE);
    const stored = readU32LE(datagram, CRC_NONCE_SIZE);
    return stored === crc32(payload) ? payload : 'crc';
  }
}

import { type Cipher, createCipheriv, createSecretKey, getCiphers, type KeyObject } from 'node:crypto';
import { KCP_CFB_IV } from '../cfb.js';
import type { PacketTransform } from '../envelope-crc.js';

/** Largest datagram we transform in one piece (kcp-go's mtuLimit) plus a spare block. */
const MAX_DATAGRAM = 1500 + 16;

/**
 * Full-block CFB (docs/protocol/crypto.md, section 3) over OpenSSL's aes-*, sm4 and des-ede3, restarted from the
 * fixed IV for every datagram.
 *
 * - encrypt is serial and a Node cipher cannot be rewound, so each datagram gets a fresh
 *   one-shot CFB cipher (re-synchronising one long-lived cipher to the IV measured no faster).
 * - decrypt: the keystream of block i is E(C[i-1]) with C[-1] = IV, so one reused ECB
 *   cipher turns IV ‖ C[0..n-2] into the whole keystream in a single call: about half the
 *   cost of a fresh decipher per datagram.
 */
export class NodeCfbTransform implements PacketTransform {
  private readonly key: KeyObject;
  private readonly iv: Uint8Array;
  private readonly blockSize: number;
  private readonly ecb: Cipher;
  /** IV ‖ ciphertext: the ECB input that yields the decrypt keystream. */
  private readonly keystreamInput = Buffer.alloc(MAX_DATAGRAM + 16);

  constructor(private readonly algorithm: string, key: Uint8Array, ivSize: 8 | 16) {
    const ecbName = ecbAlgorithmFor(algorithm);
    // Fail at construction, not on the first datagram, if this OpenSSL lacks the cipher
    // (sm4 and des-ede3 are in Node 20's default provider).
    for (const name of [algorithm, ecbName]) {
      if (!getCiphers().includes(name)) {
        throw new Error(`this Node/OpenSSL build has no ${name} cipher (needed for kcp block compatibility)`);
      }
    }
    this.key = createSecretKey(key);
    this.iv = KCP_CFB_IV.slice(0, ivSize);
    this.blockSize = ivSize;
    this.ecb = createCipheriv(ecbName, this.key, null).setAutoPadding(false);
  }

  encrypt(buf: Uint8Array, length: number): void {
    const cipher = createCipheriv(this.algorithm, this.key, this.iv);
    buf.set(cipher.update(length === buf.length ? buf : buf.subarray(0, length)));
  }

  decrypt(buf: Uint8Array, length: number): void {
    if (length === 0) return;
    const b = this.blockSize;
    const inputLength = Math.ceil(length / b) * b;
    const input = inputLength <= this.keystreamInput.length ? this.keystreamInput : Buffer.alloc(inputLength);
    input.set(this.iv, 0);
    input.set(buf.subarray(0, inputLength - b), b);
    xorInto(buf, this.ecb.update(input.subarray(0, inputLength)), length);
  }
}

/** The ECB cipher with the same key schedule as a CFB one (aes-256-cfb -> aes-256-ecb). */
function ecbAlgorithmFor(cfbAlgorithm: string): string {
  if (cfbAlgorithm === 'des-ede3-cfb') return 'des-ede3-ecb';
  if (!cfbAlgorithm.endsWith('-cfb')) throw new Error(`not a full-block CFB cipher: ${cfbAlgorithm}`);
  return `${cfbAlgorithm.slice(0, -4)}-ecb`;
}

/**
 * dst[0, length) ^= src[0, length), four bytes at a time. Captured datagrams start at
 * odd offsets (66 bytes of headers), where typed-array words cannot be used; DataView
 * words there are still about 3x faster than a byte loop.
 */
function xorInto(dst: Uint8Array, src: Uint8Array, length: number): void {
  const words = length >>> 2;
  if ((dst.byteOffset & 3) === 0 && (src.byteOffset & 3) === 0) {
    const d32 = new Uint32Array(dst.buffer, dst.byteOffset, words);
    const s32 = new Uint32Array(src.buffer, src.byteOffset, words);
    for (let w = 0; w < words; w++) d32[w] ^= s32[w];
  } else {
    const d = new DataView(dst.buffer, dst.byteOffset, length);
    const k = new DataView(src.buffer, src.byteOffset, length);
    for (let i = 0; i < words << 2; i += 4) d.setUint32(i, d.getUint32(i, true) ^ k.getUint32(i, true), true);
  }
  for (let i = words << 2; i < length; i++) dst[i] ^= src[i];
}

import { type Cipher, createCipheriv, createSecretKey, getCiphers, type KeyObject } from 'node:crypto';
import { KCP_CFB_IV } from '../cfb.js';
import type { PacketTransform } from '../envelope-crc.js';
import { KeystreamXor } from './keystream-xor.js';

/** Largest datagram kcp-go sends (its mtuLimit); longer input works, with a one-off grow. */
const MAX_DATAGRAM = 1500;

/**
 * Full-block CFB (docs/protocol/crypto.md, section 3) over OpenSSL's aes-*, sm4 and des-ede3, restarted from the
 * fixed IV for every datagram, without creating a cipher per datagram (a fresh Node
 * cipher costs more than the encryption itself, and one cannot be rewound).
 *
 * With K[0] = E(IV) and K[i] = E(C[i-1]) the keystream, C[i] = P[i] ^ K[i]:
 * - decrypt: K[1..n-1] = E(C[0..n-2]) is parallel, one reused ECB cipher over the
 *   ciphertext in a single call.
 * - encrypt: K[i+1] = E(P[i] ^ K[i]) is exactly CBC encryption of P chained from K[0],
 *   so one long-lived CBC cipher yields the keystream. Its chaining value after a datagram
 *   is the last block it output (`chain`); feeding P[0] ^ chain ^ K[0] instead of P[0]
 *   restarts it from K[0] inside the same call.
 */
export class NodeCfbTransform implements PacketTransform {
  private readonly cbcAlgorithm: string;
  private readonly key: KeyObject;
  private readonly blockSize: number;
  private readonly ecb: Cipher;
  private cbc: Cipher;
  /** E(IV): the keystream of block 0. */
  private readonly firstKeystream: Uint8Array;
  /** The CBC cipher's chaining value: the last block it output (its IV before the first). */
  private readonly chain: Uint8Array;
  private readonly xor = new KeystreamXor(MAX_DATAGRAM + 4);

  constructor(cfbAlgorithm: string, key: Uint8Array, blockSize: 8 | 16) {
    const ecbName = modeVariant(cfbAlgorithm, 'ecb');
    const cbcName = modeVariant(cfbAlgorithm, 'cbc');
    // Fail at construction, not on the first datagram, if this OpenSSL lacks a mode
    // (sm4 and des-ede3 are in Node 20's default provider). CFB itself is never called.
    for (const name of [ecbName, cbcName]) {
      if (!getCiphers().includes(name)) {
        throw new Error(`this Node/OpenSSL build has no ${name} cipher (needed for kcp block compatibility)`);
      }
    }
    this.cbcAlgorithm = cbcName;
    this.key = createSecretKey(key);
    this.blockSize = blockSize;
    const iv = KCP_CFB_IV.subarray(0, blockSize);
    this.ecb = createCipheriv(ecbName, this.key, null).setAutoPadding(false);
    this.firstKeystream = new Uint8Array(this.ecb.update(iv));
    this.chain = Uint8Array.from(iv);
    this.cbc = createCipheriv(cbcName, this.key, iv).setAutoPadding(false);
  }

  encrypt(buf: Uint8Array, length: number): void {
    checkLength(buf, length);
    const b = this.blockSize;
    const k0 = this.firstKeystream;
    if (length <= b) {
      for (let i = 0; i < length; i++) buf[i] ^= k0[i]!;
      return;
    }
    const chain = this.chain;
    const fed = Math.ceil(length / b) * b - b; // P[0..n-2]: the last block's keystream needs no more
    for (let i = 0; i < b; i++) buf[i] ^= chain[i]! ^ k0[i]!;
    let keystream: Uint8Array;
    try {
      keystream = this.cbc.update(buf.subarray(0, fed)); // K[1..n-1]
    } catch (error) {
      // Never for whole blocks; if it ever happens, leave buf and `chain` consistent.
      for (let i = 0; i < b; i++) buf[i] ^= chain[i]! ^ k0[i]!;
      this.restartCbc();
      throw error;
    }
    for (let i = 0; i < b; i++) buf[i] ^= chain[i]!; // = P[0] ^ K[0] = C[0]
    for (let i = 0; i < b; i++) chain[i] = keystream[fed - b + i]!; // no view: one object fewer
    this.xor.apply(buf, b, keystream, length - b);
  }

  decrypt(buf: Uint8Array, length: number): void {
    checkLength(buf, length);
    const b = this.blockSize;
    if (length > b) {
      const fed = Math.ceil(length / b) * b - b;
      const keystream = this.ecb.update(buf.subarray(0, fed)); // K[1..n-1] = E(C[0..n-2])
      this.xor.apply(buf, b, keystream, length - b);
    }
    const k0 = this.firstKeystream;
    for (let i = 0; i < length && i < b; i++) buf[i] ^= k0[i]!;
  }

  private restartCbc(): void {
    const iv = KCP_CFB_IV.subarray(0, this.blockSize);
    this.cbc = createCipheriv(this.cbcAlgorithm, this.key, iv).setAutoPadding(false);
    this.chain.set(iv);
  }
}

function checkLength(buf: Uint8Array, length: number): void {
  if (length > buf.length) throw new RangeError(`CFB: ${length} bytes requested of a ${buf.length}-byte view`);
}

/** The same cipher in another mode: aes-256-cfb -> aes-256-ecb, des-ede3-cfb -> des-ede3-cbc. */
function modeVariant(cfbAlgorithm: string, mode: 'ecb' | 'cbc'): string {
  if (cfbAlgorithm === 'des-ede3-cfb') return `des-ede3-${mode}`;
  if (!cfbAlgorithm.endsWith('-cfb')) throw new Error(`not a full-block CFB cipher: ${cfbAlgorithm}`);
  return `${cfbAlgorithm.slice(0, -4)}-${mode}`;
}

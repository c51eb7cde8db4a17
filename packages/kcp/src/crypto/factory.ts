import { KcpError, KcpErrorCode } from '../errors.js';
import type { NonceSource } from './nonce.js';
import { CIPHERS, isBlockName, type BlockName } from './registry.js';
import type { DatagramCipher } from './types.js';

export interface DatagramCipherOptions {
  /** Where nonces come from; defaults to a pooled CSPRNG. Tests inject captured nonces. */
  nonceSource?: NonceSource;
}

/**
 * The datagram cipher for a paqet `block`, keyed with the 32-byte output of deriveKey
 * (cut to the cipher's key size here). Instances hold per-datagram scratch state: use one
 * per session (or per thread of control), never concurrently.
 */
export function createDatagramCipher(block: BlockName, derivedKey: Uint8Array, options: DatagramCipherOptions = {}): DatagramCipher {
  if (!isBlockName(block)) throw new KcpError(KcpErrorCode.Block, `unknown block ${String(block)}`);
  return CIPHERS[block].create(blockKey(block, derivedKey), options.nonceSource);
}

/** The prefix of the derived key a block's cipher is built with. */
export function blockKey(block: BlockName, derivedKey: Uint8Array): Uint8Array {
  const { keySize: size, needsKey } = CIPHERS[block];
  // `none` is handed the whole key by the Go program but never reads it; `null` has no cipher.
  if (size === 0 || !needsKey) return new Uint8Array(0);
  if (derivedKey.length < size) {
    throw new KcpError(KcpErrorCode.Key, `block ${block} needs a derived key of at least ${size} bytes, got ${derivedKey.length}`);
  }
  return derivedKey.slice(0, size);
}

/**
 * Turning user-facing (block, key) into datagram ciphers.
 */
import type { BlockName, DatagramCipher } from '../crypto/types.js';
import { createDatagramCipher } from '../crypto/factory.js';
import { deriveKeyAsync } from '../crypto/key.js';
import { PaqetValueError } from '@paqet/wire';

export interface CipherOptions {
  /** paqet `block` (default 'aes'). */
  block?: BlockName;
  /**
   * The passphrase (derived with PBKDF2 as paqet does) or the 32-byte derived
   * key itself. Required unless block is 'none' or 'null'.
   */
  key?: string | Uint8Array;
}

/** A factory of fresh ciphers (one per session: ciphers keep scratch state). */
export async function cipherFactory(options: CipherOptions): Promise<() => DatagramCipher> {
  const block = options.block ?? 'aes';
  let derived: Uint8Array;
  if (options.key instanceof Uint8Array) derived = options.key;
  else if (typeof options.key === 'string' && options.key.length > 0) derived = await deriveKeyAsync(options.key);
  else if (block === 'none' || block === 'null') derived = new Uint8Array(32);
  else throw new PaqetValueError('PAQET_ERR_KCP_KEY', 'key', options.key, `block ${block} needs a key`);
  return () => createDatagramCipher(block, derived);
}

/** `transport.kcp.key` → cipher key bytes (docs/configuration.md), with @paqet/kcp's PBKDF2 and cipher registry. */
import { CIPHERS, deriveKeyAsync } from '@paqet/kcp';
import type { BlockName } from './types.js';

export const deriveKey = deriveKeyAsync;

/** The prefix of the derived key the block's cipher receives; null when the block has no cipher object. */
export function cipherKeyFor(block: BlockName, derived: Uint8Array): Uint8Array | null {
  const n = CIPHERS[block].keySize;
  return n === 0 ? null : derived.subarray(0, n);
}
